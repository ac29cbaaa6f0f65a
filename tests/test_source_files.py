"""A fix keeps the file's own newlines and byte-order mark, and never overwrites a file changed meanwhile."""

import codecs

import pytest

from plancoder.coder import check_target
from plancoder.errors import PlancoderError
from plancoder.fix import FixReport, write_fix
from plancoder.source_files import digest, read_source


def report(fixed: str, original: str) -> FixReport:
    return FixReport(True, 1, "", fixed, 1.0, {}, 0.0, "t", original_sha256=digest(original))


def test_a_crlf_file_with_a_bom_stays_so_after_a_fix(tmp_path):
    path = tmp_path / "calc.py"
    path.write_bytes(codecs.BOM_UTF8 + b"def add(a, b):\r\n    return a - b\r\n")
    text, style = read_source(path)
    assert text == "def add(a, b):\n    return a - b\n" and style.newline == "\r\n" and style.bom
    assert check_target(tmp_path, "calc.py") == "calc.py"  # a byte-order mark is no syntax error
    write_fix(tmp_path, "calc.py", report(text.replace("a - b", "a + b"), text))
    assert path.read_bytes() == codecs.BOM_UTF8 + b"def add(a, b):\r\n    return a + b\r\n"


def test_a_file_changed_while_the_coder_worked_is_not_overwritten(tmp_path):
    path = tmp_path / "calc.py"
    path.write_text("def add(a, b):\n    return a - b\n")
    stale = report("def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a - b\n")
    path.write_text("def add(a, b):\n    return a - b  # edited by hand meanwhile\n")
    with pytest.raises(PlancoderError, match="changed while the Coder worked on it"):
        write_fix(tmp_path, "calc.py", stale)
    assert "edited by hand" in path.read_text()
