"""A real, tiny GEPA run: the embedded 0.5B plans, the embedded 1.5B reflects, under a budget."""

import dataclasses
import json

import pytest

from plancoder import local_lm
from plancoder.budget import OptimizerCaps, RoleBudget
from plancoder.journal import Journal
from plancoder.optimize import optimize_role
from plancoder.programs import role_program
from plancoder.runtime import build_runtime

pytestmark = pytest.mark.llm


@pytest.mark.article("VI")
def test_a_tiny_real_gepa_run_ends_within_its_budget_and_judges_every_candidate_and_replays_exactly(
    tmp_path, home_sharing_models, monkeypatch
):
    monkeypatch.setenv("PLANCODER_HOME", str(home_sharing_models))
    config = tmp_path / "plancoder.toml"
    config.write_text(
        f'[registry]\npath = "{tmp_path / "programs"}"\n[tracking]\nenabled = false\n'
        '[models]\nplanner = "local/qwen2.5-coder-0.5b"\n'  # not the default 1.5B: the small model keeps this short
        "[planner]\nattempts = 1\n[sampling]\nmax_tokens = 512\n[local]\nn_ctx = 4096\n"
    )
    runtime = build_runtime(config, {}, cache=False)
    planner = role_program("planner")
    role = dataclasses.replace(planner, items=lambda split, limit: planner.items(split, 1))
    caps = OptimizerCaps(
        max_metric_calls=4, max_wall_minutes=8, max_reflection_tokens=20_000, reflection_minibatch_size=1
    )
    monkeypatch.setattr(Journal, "finish", lambda self: None)  # keep the run's journal to replay it below
    section = optimize_role(runtime, role, RoleBudget(optimizer=caps))
    one_proposal = 2 * caps.reflection_minibatch_size + 1  # GEPA checks the cap before each proposal
    assert section["meter"]["metric_calls"] <= 4 + one_proposal and section["meter"]["wall_minutes"] < 8 * 1.5
    assert section["usage"] and all(u.get("total_tokens", 0) > 0 for u in section["usage"].values())
    assert section["baseline"]["tasks"] == 1 and section["budget_in_human_units"][0].startswith("planner budget")
    for candidate in section["candidates"]:  # each one measured and judged, with reasons when rejected
        assert candidate["accepted"] == (not candidate["reasons"])
        assert candidate["ratios"]["latency_ratio"] > 0
    assert (section["version"] is None) == (section["chosen"] is None)

    # As if killed just before the search ended: every model answer of the search is in the journal
    journal = home_sharing_models / "optimize_progress" / "planner.jsonl"
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    kept = [entry for entry in entries if entry.get("kind") != "gepa"]
    journal.write_text("".join(json.dumps(entry) + "\n" for entry in kept))
    monkeypatch.setattr(local_lm, "complete", lambda *args, **kwargs: pytest.fail("the model was called again"))
    again = optimize_role(runtime, role, RoleBudget(optimizer=caps), resume=True)
    assert again["replayed_answers"] == sum(entry.get("kind") == "answer" for entry in entries) > 0
    assert again["gepa"] == section["gepa"] and again["candidates"] == section["candidates"]
