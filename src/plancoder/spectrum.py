"""Spectrum-based fault localisation: the lines that the failing tests ran and the passing ones did not.

The 1.5B Coder mostly finds the function but not the line (14 of its 22 failed test-split bugs named the
right function), and it follows the function that the failing test names even when the bug sits in a
helper. One extra sandboxed test run with ``line_spectrum_plugin`` records the lines of the file each
test ran; the Ochiai score, ef / sqrt(failed * (ef + ep)), ranks them (ef, ep: failing and passing tests
that ran the line), and the top lines, with the function each sits in, follow the test output the model
reads (``[coder] localise``). The seeded line is among the lines shown for 31 of 44 validation bugs (a
dropped statement has no line of its own), yet the embedded 1.5B fixed 11 of 25 validation bugs with it
and 11 without (``bench/fault_localisation.py``), so it is off by default. Works for pytest commands
(not under xdist, and a coverage tracer pauses while it traces); anything else gives no spectrum.
"""

import json
import math
import shutil
from pathlib import Path

from plancoder.edits import Definition

PLUGIN = "line_spectrum_plugin"
OUTPUT = "plancoder-line-spectrum.json"
SHOWN = 5

Spectrum = tuple[tuple[bool, frozenset[int]], ...]
"""Per test: whether it failed, and the lines of the traced file it ran."""


def install(run_dir: Path) -> None:
    """Put the plugin where the test process can import it (``plugin/`` of the run directory)."""
    (run_dir / "plugin").mkdir()
    shutil.copy(Path(__file__).with_name(f"{PLUGIN}.py"), run_dir / "plugin")


def environment(visible_root: str, traced_file: str) -> dict[str, str]:
    """What the test command's environment needs to load the plugin and trace ``traced_file``."""
    return {
        "PYTHONPATH": f"{visible_root}/plugin",
        "PYTEST_ADDOPTS": f"-p {PLUGIN}",
        "PLANCODER_TRACE_FILE": traced_file,
        "PLANCODER_TRACE_OUTPUT": f"{visible_root}/tmp/{OUTPUT}",
    }


def collect(run_dir: Path) -> Spectrum:
    """The spectrum the plugin wrote; empty when it wrote none (not pytest) or nothing readable."""
    try:
        runs = json.loads((run_dir / "tmp" / OUTPUT).read_text(encoding="utf-8"))
        return tuple((bool(run["failed"]), frozenset(int(n) for n in run["lines"])) for run in runs)
    except (OSError, ValueError, TypeError, KeyError):
        return ()


def ochiai(spectrum: Spectrum) -> dict[int, float]:
    """Each line that a failing test ran, scored: 1.0 when every failing test and no passing one ran it."""
    failing = sum(failed for failed, _ in spectrum)
    scores = {}
    for line in set().union(*(lines for failed, lines in spectrum if failed)):
        ef = sum(failed and line in lines for failed, lines in spectrum)
        ep = sum(not failed and line in lines for failed, lines in spectrum)
        scores[line] = ef / math.sqrt(failing * (ef + ep))
    return scores


def suspects(spectrum: Spectrum, source: str, definitions: dict[str, Definition], shown: int = SHOWN) -> str:
    """The most suspicious lines as the model reads them ("" without a failing test in the spectrum)."""
    code = source.splitlines()
    ranked = [line for line in most_suspicious(ochiai(spectrum), shown) if line <= len(code)]
    rows = [f"- line {n} in `{_enclosing(n, definitions)}`: {code[n - 1].strip()}" for n in ranked]
    return "\n".join([HEADING, *rows]) if rows else ""


def most_suspicious(scores: dict[int, float], shown: int = SHOWN) -> list[int]:
    """The ``shown`` lines with the highest scores; a tie goes to the earlier line."""
    return sorted(scores, key=lambda line: (-scores[line], line))[:shown]


HEADING = "Fault localisation (lines the failing tests ran that passing tests ran least; most suspicious first):"


def _enclosing(line: int, definitions: dict[str, Definition]) -> str:
    """The innermost function around ``line`` (the module's top level when none is)."""
    around = [(node.lineno, name) for name, node in definitions.items() if node.lineno <= line <= node.end_lineno]
    return max(around)[1] if around else "<module>"
