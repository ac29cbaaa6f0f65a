"""The dashboard in a real headless browser (Debian's Chromium), against the real service on loopback."""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from plancoder.runtime import build_runtime
from plancoder.scripted import Script, chat_answer
from plancoder.service import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true", reason="needs Debian's chromium (CI installs it)"
)


@pytest.fixture
def served(data_home):
    import uvicorn

    cyclic = {"steps": [{"id": "a", "title": "A", "depends_on": ["b"]}, {"id": "b", "title": "B", "depends_on": ["a"]}]}
    script = Script(lambda messages: chat_answer(plan=json.dumps(cyclic)))
    runtime = build_runtime(None, {"PLANCODER_MODEL_PLANNER": script.spec, "PLANCODER_TRACKING": "off"})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime, "t"), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    _wait(url)
    request = urllib.request.Request(
        f"{url}/plan",
        json.dumps({"task": "Add a flag"}).encode(),
        {"Authorization": "Bearer t", "Content-Type": "application/json"},
    )
    job = json.loads(urllib.request.urlopen(request).read())["job_id"]
    _wait(f"{url}/jobs/{job}", until=lambda body: json.loads(body)["status"] == "done")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def _wait(url, until=lambda body: True, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if until(urllib.request.urlopen(url, timeout=2).read()):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in time")


def chromium(*args, tmp_path):
    assert CHROMIUM, "chromium is not installed (apt-get install chromium)"
    profile = tmp_path / "profile"
    argv = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def test_the_dashboard_loads_in_chromium_shows_the_figures_and_logs_no_console_error(served, tmp_path):
    dom = chromium("--dump-dom", served + "/", tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h2>planner</h2>" in dom.stdout and "review queue: 1 pending" in dom.stdout
    assert "production version" in dom.stdout and "<svg" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    taken = chromium(f"--screenshot={shot}", "--window-size=1280,1800", served + "/", tmp_path=tmp_path)
    assert taken.returncode == 0 and shot.stat().st_size > 10_000 and shot.read_bytes()[:4] == b"\x89PNG"
