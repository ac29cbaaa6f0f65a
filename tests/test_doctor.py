"""``plancoder doctor``'s inference probe: a llama.cpp build that crashes on this CPU is caught before a run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plancoder import doctor
from plancoder.local_lm import weight_spec
from plancoder.weights import ensure_model_file

MODEL = "qwen2.5-coder-0.5b"


def ended(returncode, stderr=""):
    return lambda command, **_: subprocess.CompletedProcess(command, returncode, "", stderr)


def crash(command, **options):
    """A real child process that dies the way the AMX build did."""
    suicide = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"
    return subprocess.run([sys.executable, "-c", suicide], **options)


def test_a_probe_killed_by_a_signal_names_it_and_says_how_to_rebuild(tmp_path):
    check = doctor.check_inference(MODEL, tmp_path, run=crash)
    assert not check.ok and "killed by SIGSEGV (this build crashes on this CPU)" in check.detail
    assert check.fix == doctor.REBUILD and "pip cache remove llama_cpp_python" in check.fix


def test_a_probe_that_fails_reports_its_last_error_line(tmp_path):
    check = doctor.check_inference(MODEL, tmp_path, run=ended(1, "Traceback ...\nValueError: bad gguf\n"))
    assert not check.ok and check.detail.endswith("the model process failed: ValueError: bad gguf")
    assert check.fix == ""
    assert doctor.check_inference(MODEL, tmp_path, run=ended(2)).detail.endswith("exit status 2")


def test_a_probe_that_hangs_is_reported(tmp_path):
    def hang(command, **options):
        raise subprocess.TimeoutExpired(command, options["timeout"])

    check = doctor.check_inference(MODEL, tmp_path, run=hang)
    assert not check.ok and f"did not answer within {doctor.PROBE_TIMEOUT_S} s" in check.detail


def test_a_probe_that_runs_passes_and_gets_the_model_path(tmp_path):
    seen = []

    def record(command, **options):
        seen.append(command)
        return ended(0)(command, **options)

    check = doctor.check_inference(MODEL, tmp_path, run=record)
    assert check.ok and check.detail.startswith(f"{MODEL} loaded and ran here in ")
    assert seen[0][-1].startswith(str(tmp_path)) and seen[0][-1].endswith(".gguf")


@pytest.mark.llm
def test_the_installed_build_runs_the_embedded_model_on_this_cpu():
    home = Path(os.environ["PLANCODER_HOME"])
    ensure_model_file(weight_spec(MODEL), home)
    check = doctor.check_inference(MODEL, home)
    assert check.ok, check
