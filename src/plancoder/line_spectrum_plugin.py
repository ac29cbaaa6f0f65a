"""A pytest plugin that records which lines of one file each test ran, and whether the test failed.

It runs inside the sandboxed test process, never inside plancoder: ``plancoder.spectrum`` copies this
file into the run directory and loads it with ``PYTEST_ADDOPTS=-p line_spectrum_plugin``. It imports
nothing from plancoder and only records: it never changes a test's outcome, and a result it cannot
write is no spectrum (the Coder then goes on without one).
"""

from __future__ import annotations  # the test process may run an older Python than plancoder's

import functools
import json
import os
import sys
from collections.abc import Generator
from types import FrameType
from typing import Any

import pytest

Tracer = Any  # what sys.settrace takes: a function of (frame, event, arg), or None

TRACED = os.path.realpath(os.environ.get("PLANCODER_TRACE_FILE", ""))
OUTPUT = os.environ.get("PLANCODER_TRACE_OUTPUT", "")
runs = []
lines = set()


def _in_traced_file(frame: FrameType, event: str, arg: Any) -> Tracer:
    if event == "line":
        lines.add(frame.f_lineno)
    return _in_traced_file


def _on_call(frame: FrameType, event: str, arg: Any) -> Tracer:
    """Trace only the frames of the traced file (the ``def`` line of a call is not a line it ran)."""
    return _in_traced_file if _is_traced(frame.f_code.co_filename) else None


@functools.lru_cache(maxsize=None)  # noqa: UP033 - functools.cache needs Python 3.9; the tested project may be older
def _is_traced(filename: str) -> bool:
    """Cached: this runs on every Python call of the test process, and ``realpath`` reads the file system."""
    return os.path.realpath(filename) == TRACED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    lines.clear()
    item.plancoder_failed = False
    previous = sys.gettrace()
    sys.settrace(_on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
    runs.append({"failed": item.plancoder_failed, "lines": sorted(lines)})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Generator[None, Any, None]:
    report = (yield).get_result()
    if report.failed:
        item.plancoder_failed = True


def pytest_sessionfinish(session: pytest.Session) -> None:
    try:
        with open(OUTPUT, "w", encoding="utf-8") as out:
            json.dump(runs, out)
    except OSError:
        pass
