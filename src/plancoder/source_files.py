"""A user's Python file as the Coder reads and writes it: ``\\n`` newlines and no byte-order mark inside,
the file's own newline style and byte-order mark on disk (a fix must not rewrite every line of a CRLF file)."""

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from plancoder.atomic import atomic_writer


@dataclass(frozen=True)
class Style:
    """How a file spells its newlines and whether it starts with a UTF-8 byte-order mark."""

    newline: str = "\n"
    bom: bool = False


def read_source(path: Path) -> tuple[str, Style]:
    """The file's text with ``\\n`` newlines, and its style (UnicodeDecodeError when it is not UTF-8)."""
    raw = path.read_bytes()
    style = Style("\r\n" if b"\r\n" in raw else "\n", raw.startswith(codecs.BOM_UTF8))
    return raw.decode("utf-8-sig").replace("\r\n", "\n"), style


def write_source(path: Path, text: str, style: Style) -> None:
    """Replace the file atomically with ``text`` in ``style``."""
    data = text.replace("\n", style.newline).encode("utf-8")
    with atomic_writer(path) as handle:
        handle.write(codecs.BOM_UTF8 + data if style.bom else data)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
