"""The migration check for real: a DSPy 2.6.27 environment built from the package index, and a real model call."""

import json
import tempfile
from pathlib import Path

import pytest

from plancoder.migration import DEFAULT_SUITE, Check, request_for, run_check
from plancoder.migration_envs import CURRENT
from plancoder.migration_report import build_report

SHARED_ENVS = Path(tempfile.gettempdir()) / "plancoder-test-envs"
"""Shared by the suite's runs on one machine (CI runs it on two DSPy versions): built once, then reused."""


@pytest.mark.install
def test_plancoders_roles_render_the_same_prompts_and_load_their_state_on_dspy_2_6(tmp_path):
    states = {"planner": [str(Path("programs/planner/versions/baseline.json").resolve())]}
    versions = ["99.0.0", "2.6.27", CURRENT]  # 99.0.0 is on no registry: reported, the others still compared
    check = Check("plancoder.migration_roles:programs", None, versions, states, 0, envs_dir=SHARED_ENVS)
    results = run_check(check)
    report = build_report(results, check.program, None, 0.1)
    missing, old = report["versions"][0], report["versions"][1]
    assert missing["error"].startswith("cannot install dspy==99.0.0") and "package index" in missing["fix"]
    assert old["dspy"] == "2.6.27" and old["import_error"] is None, report
    missing_names = {m["name"] for m in old["missing_symbols"]}  # only the optimizer's: it needs 3.x, serving does not
    assert "dspy.GEPA" in missing_names and all(
        n.startswith(("dspy.GEPA", "dspy.teleprompt.gepa")) for n in missing_names
    )
    assert old["states"]["planner:baseline.json"]["ok"]
    assert report["comparisons"][0]["prompt_differences"] == []
    assert report["problems"] == [f"DSPy 99.0.0 was not checked: {missing['error']}"]
    assert (SHARED_ENVS / "dspy-2.6.27" / "program" / "plancoder" / "migration_probe.py").exists()


@pytest.mark.llm
def test_one_real_planner_case_is_scored_timed_and_counted():
    check = Check("plancoder.migration_roles:planner", DEFAULT_SUITE, [CURRENT], {}, 1)
    assert {"dspy.BestOfN", "dspy.Refine"} <= set(request_for(check)["symbols"])
    [result] = run_check(check)
    [case] = result["cases"]
    assert case["program"] == "planner" and case["error"] is None, json.dumps(result)[:2000]
    assert 0.0 <= case["score"] <= 1.0 and case["latency_s"] > 0 and case["tokens"] > 0
