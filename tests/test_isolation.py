import os
import stat
import sys

import pytest

from plancoder import isolation


@pytest.fixture(autouse=True)
def _uncached():
    """_exposures is cached per process: no faked installation may leak into the sandbox tests."""
    isolation._exposures.cache_clear()
    yield
    isolation._exposures.cache_clear()


def test_a_python_installation_under_a_private_tmp_is_exposed_again():
    assert isolation._tmp_cover("/tmp/clone/.venv") == "/tmp"
    assert isolation._tmp_cover("/dev/shm/env") == "/dev/shm"
    assert isolation._tmp_cover("/work/main/.venv") is None
    assert isolation._tmp_cover("/tmpfoo/env") is None


def _python_in(monkeypatch, prefix: str, base: str) -> None:
    for name in ("prefix", "exec_prefix"):
        monkeypatch.setattr(sys, name, prefix)
    for name in ("base_prefix", "base_exec_prefix"):
        monkeypatch.setattr(sys, name, base)
    monkeypatch.setattr(sys, "executable", f"{prefix}/bin/python")


def test_a_venv_in_tmp_is_exposed_once_and_its_nested_parts_with_it(monkeypatch):
    _python_in(monkeypatch, "/tmp/clone/.venv", "/usr")
    assert isolation._exposures(False) == (("/tmp", "/tmp/clone/.venv"),)
    assert isolation._exposures(True) == (("/tmp", "/tmp/clone/.venv"),)  # /usr is open to everyone


def test_a_python_under_a_closed_directory_is_exposed_only_for_an_unprivileged_child(tmp_path, monkeypatch):
    monkeypatch.setattr(isolation, "PRIVATE_TMP", ())  # tmp_path is in /tmp: judge it by its permissions only
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    _python_in(monkeypatch, str(closed / "python"), str(closed / "python"))
    [(cover, path)] = isolation._exposures(True)
    assert path == str(closed / "python") and f"{path}/".startswith(f"{cover}/")
    assert not os.stat(cover).st_mode & stat.S_IXOTH
    assert isolation._exposures(False) == ()
