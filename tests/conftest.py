"""Test isolation: a private data directory, no DSPy disk cache, no network lookups.

The environment is set before plancoder (and so DSPy and LiteLLM) is imported.
"""

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="plancoder-test-home-")
os.environ["PLANCODER_HOME"] = _HOME
os.environ["DSPY_CACHEDIR"] = os.path.join(_HOME, "dspy_cache")
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ.pop("PLANCODER_CONFIG", None)
os.environ["PLANCODER_TRACKING"] = "off"  # tests/test_tracking.py turns it on against a real local store
for _key in [k for k in os.environ if k.startswith("PLANCODER_MODEL_")]:
    os.environ.pop(_key)

import hashlib  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import dspy  # noqa: E402
import pytest  # noqa: E402

pytest_plugins = ["pytester", "plancoder.testing"]  # the constitution plugin: @pytest.mark.article

dspy.configure_cache(enable_disk_cache=False, enable_memory_cache=False)
_MODELS = Path(_HOME) / "models"


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PLANCODER_HOME set to a fresh ``tmp_path / "home"`` (not created): the path."""
    path = tmp_path / "home"
    monkeypatch.setenv("PLANCODER_HOME", str(path))
    return path


@pytest.fixture
def bare_home(tmp_path: Path) -> Path:
    """A fresh, created data directory that PLANCODER_HOME does not name: for code given it as an argument."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def home_sharing_models(tmp_path: Path) -> Path:
    """A fresh data directory whose ``models/`` is the session's, for tests that load the embedded models.

    The models are assembled once per run instead of once per such test (1.5 GB each time).
    """
    path = tmp_path / "h"
    path.mkdir()
    _MODELS.mkdir(exist_ok=True)
    (path / "models").symlink_to(_MODELS, target_is_directory=True)
    return path


@pytest.fixture(autouse=True)
def _no_large_files_left(tmp_path: Path):
    """Fail a test that leaves a file of 100 MB or more in its temp directory (a copy of a model).

    It takes ``tmp_path`` so that it runs its check before that directory is removed.
    """
    yield
    large = [path for path in _files(tmp_path) if path.stat().st_size >= 100_000_000]
    assert not large, f"large files left: {large}; a test that loads the models uses home_sharing_models"


@pytest.fixture(autouse=True)
def _flag_provider_stopped():
    """Stop the process-wide flagd provider after a test that started one: its file watcher would poll
    the test's flag file after the directory is gone (and log an error each second)."""
    yield
    flags = sys.modules.get("plancoder.flags")
    if flags and flags.FlagEvaluator._current is not None:
        from openfeature import api

        api.clear_providers()
        flags.FlagEvaluator._current = None
        _join_flag_watchers()  # a stopped watcher polls once more: not into the next test's log


def _join_flag_watchers() -> None:
    for thread in threading.enumerate():
        if thread.name == "FlagdFileWatcherWorkerThread":
            thread.join(timeout=5)


def _files(root: Path):
    for folder, _, names in os.walk(root):  # not into symbolic links: the shared models are expected
        yield from (Path(folder) / name for name in names if not os.path.islink(Path(folder) / name))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave nothing behind: the session's data directory holds the assembled models. A stopped flagd
    file watcher polls once more before it ends: wait for it, so it does not log at exit."""
    shutil.rmtree(_HOME, ignore_errors=True)
    _join_flag_watchers()


@pytest.fixture
def calc_project(tmp_path: Path) -> Path:
    """``tmp_path / "proj"``: a calc.py whose add subtracts, and the test_calc.py that catches it."""
    from buggy_calc import write_project

    return write_project(tmp_path / "proj")


@pytest.fixture
def in_calc_project(data_home: Path, calc_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The calc project as the working directory, with a fresh data directory: as a user runs ``plancoder fix``."""
    monkeypatch.chdir(calc_project)
    return calc_project


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """``run_main(*ARGS, stream="err")``: ``plancoder ARGS`` through the real entry point (``sys.argv`` and
    ``cli.main``, which must exit): its exit code and what it wrote on stderr (or stdout)."""
    from plancoder import cli

    def run(*args: str, stream: str = "err") -> tuple[int | str | None, str]:
        monkeypatch.setattr("sys.argv", ["plancoder", *args])
        with pytest.raises(SystemExit) as caught:
            cli.main()
        return caught.value.code, getattr(capsys.readouterr(), stream)

    return run


@pytest.fixture
def settings():
    from plancoder.config import load_settings

    return load_settings(None, {})


@pytest.fixture
def fake_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install fake chunk distributions (dist-info + data file) on sys.path; return a WeightSpec."""
    from plancoder.weights import WeightSpec

    site = tmp_path / "site"
    payloads = [b"alpha-" * 1000, b"beta-" * 700, b"gamma"]
    for index, payload in enumerate(payloads, start=1):
        package = f"fake_model_part{index}"
        data = site / package / "data" / f"part{index:02d}.bin"
        data.parent.mkdir(parents=True)
        data.write_bytes(payload)
        info = site / f"fake_model_part{index}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fake-model-part{index}\nVersion: 1.0\n")
        (info / "RECORD").write_text(f"{package}/data/part{index:02d}.bin,,\n{info.name}/METADATA,,\n")
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(payloads)
    return WeightSpec(
        name="fake-model",
        filename="fake-model.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        dists=tuple(f"fake-model-part{i}==1.0" for i in range(1, 4)),
    )
