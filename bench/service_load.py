"""Load on the HTTP service, on loopback, bounded in time: requests per second and p50/p99 latency.

The service runs in its own process (uvicorn, one worker) with a scripted Planner, so `/plan` measures
plancoder and DSPy, not a model. The load generator keeps `--clients` HTTP/1.1 connections busy for
`--seconds` per endpoint; `/plan` is measured with one client (the round trip of one request) and
with `--clients` (requests queue for the one job worker). Targets: over 100 requests/s and p99 under
100 ms on 2 cores.

    python bench/service_load.py [--seconds 5] [--clients 8]
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SERVER = """
import json, sys, uvicorn
from plancoder.runtime import build_runtime
from plancoder.scripted import Script, chat_answer
from plancoder.service import create_app
plan = {"steps": [{"id": "s1", "title": "Add the --verbose flag", "acceptance": "parsed"}]}
script = Script(lambda messages: chat_answer(plan=json.dumps(plan)))
runtime = build_runtime(None, {"PLANCODER_MODEL_PLANNER": script.spec, "PLANCODER_TRACKING": "off"})
uvicorn.run(create_app(runtime, "bench-token"), host="127.0.0.1", port=int(sys.argv[1]), log_level="error")
"""
AUTH = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the service did not come up")


def plan_call(connection: http.client.HTTPConnection) -> None:
    """POST /plan?wait=10: the plan comes back in the same round trip (polled only if it is not done yet)."""
    connection.request("POST", "/plan?wait=10", json.dumps({"task": "Add a --verbose flag"}), AUTH)
    job = json.loads(connection.getresponse().read())
    job_id = job["job_id"]
    while job["status"] not in ("done", "failed"):
        connection.request("GET", f"/jobs/{job_id}")
        job = json.loads(connection.getresponse().read())


def load(port: int, path: str, seconds: float, clients: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            if path == "/plan":
                plan_call(connection)
            else:
                connection.request("GET", path)
                connection.getresponse().read()
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "PLANCODER_HOME": tempfile.mkdtemp(prefix="plancoder-bench-"),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
    try:
        wait_up(port)
        print(f"{'endpoint':12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        runs = [(path, args.clients) for path in ("/healthz", "/flags", "/reviews", "/metrics")]
        for path, clients in [*runs, ("/plan", 1), ("/plan", args.clients)]:
            load(port, path, 0.5, clients)  # warm-up (first plan builds the program), not counted
            latencies = sorted(load(port, path, args.seconds, clients))
            p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
            rate, name = len(latencies) / args.seconds, f"{path} x{clients}"
            print(
                f"{name:12} {len(latencies):8} {rate:8.0f} {statistics.median(latencies) * 1000:8.1f} {p99 * 1000:8.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
