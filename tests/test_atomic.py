import os
import stat

import pytest

from plancoder.atomic import atomic_writer, write_text_atomic
from plancoder.errors import PlancoderError


def test_replaces_the_file_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "script.py"
    target.write_text("old")
    os.chmod(target, 0o755)
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o755


def test_a_new_file_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "sub" / "new.txt"
    write_text_atomic(target, "x")
    assert target.read_text() == "x" and (target.stat().st_mode & 0o777) == 0o666 & ~_umask()


def test_an_error_mid_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "data.json"
    target.write_text("intact")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write(b"half")
        raise RuntimeError("crash")
    assert target.read_text() == "intact" and sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_write_through_a_link_replaces_the_link_s_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real.html").write_text("old")
    (tmp_path / "link.html").symlink_to(tmp_path / "real.html")
    write_text_atomic(tmp_path / "link.html", "new")
    assert (tmp_path / "link.html").is_symlink() and (tmp_path / "real.html").read_text() == "new"


def test_a_pipe_or_a_directory_is_never_replaced(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    for target in (tmp_path / "pipe", tmp_path / "folder"):
        with pytest.raises(PlancoderError, match=f"{target} is not a regular file"):
            write_text_atomic(target, "x")
    assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode) and not list((tmp_path / "folder").iterdir())


def test_a_loop_of_links_is_named(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(PlancoderError, match="loop is a loop of symbolic links"):
        write_text_atomic(tmp_path / "loop", "x")
