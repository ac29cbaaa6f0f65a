"""The release decision: a candidate ships only when it is within the caps and its gain is unlikely to be noise."""

import pytest

from plancoder.budget import OptimizerCaps, RoleBudget
from plancoder.programs import role_program
from plancoder.release import decide, gain_lower_bound, task_scores, totals, verdict
from plancoder.runtime import build_runtime
from plancoder.stats import bootstrap_mean_low

CAPS = OptimizerCaps(max_metric_calls=1, max_wall_minutes=1, max_reflection_tokens=1)  # not used: no run here
FIRST_RUN_DELTAS = [0.933, -0.075, 0.0, 0.0]  # the real Planner run's accepted candidate, per validation task


def test_the_bootstrap_lower_bound_separates_a_steady_gain_from_one_lucky_task():
    assert bootstrap_mean_low([0.2] * 6, 0.9) == 0.2
    assert bootstrap_mean_low(FIRST_RUN_DELTAS, 0.9) <= 0 < sum(FIRST_RUN_DELTAS)
    assert bootstrap_mean_low([0.3, 0.25, 0.4, 0.1, 0.2, -0.05], 0.9) > 0
    assert bootstrap_mean_low(FIRST_RUN_DELTAS, 0.9) == bootstrap_mean_low(FIRST_RUN_DELTAS, 0.9)  # seeded
    assert bootstrap_mean_low([], 0.9) == 0.0


def record(score):
    return {"score": score, "tokens": {"total_tokens": 1000}, "latency_s": 10.0, "valid": True, "constitution": []}


def measured(deltas):
    base = [0.05, 0.6, 0.5, 0.5][: len(deltas)] + [0.5] * max(0, len(deltas) - 4)
    records = {"baseline": [record(b) for b in base], "1": [record(b + d) for b, d in zip(base, deltas, strict=True)]}
    return {"baseline_instructions": {"p": "old"}, "candidates": {1: {"p": "new"}}, "records": records}


@pytest.fixture
def runtime():
    return build_runtime(None, {"PLANCODER_TRACKING": "off"}, cache=False)


@pytest.fixture
def role_program_planner():
    return role_program("planner")


@pytest.mark.parametrize(
    ("deltas", "confidence", "accepted"),
    [
        (FIRST_RUN_DELTAS, 0.9, False),
        (FIRST_RUN_DELTAS, 0.0, True),  # 0 turns the check off: any gain counts
        ([0.3, 0.25, 0.4, 0.1, 0.2, 0.05], 0.9, True),
    ],
)
def test_a_gain_from_one_or_two_tasks_is_rejected_as_noise(runtime, role_program_planner, deltas, confidence, accepted):
    budget = RoleBudget(optimizer=CAPS, production={"gain_confidence": confidence})
    (candidate,) = decide(runtime, role_program_planner, budget, measured(deltas))["candidates"]
    assert candidate["accepted"] == accepted
    if not accepted:
        assert candidate["gain_lower_bound"] <= 0
        assert candidate["reasons"] == [
            f"the score gain +{sum(deltas) / len(deltas):.3f} on 4 validation tasks may be noise: its 90% bootstrap "
            f"lower bound is {candidate['gain_lower_bound']:+.4f} "
            "(use more validation tasks, or find a gain on most of them)"
        ]


def draws(task_scores_by_draw):
    """Records of tasks drawn several times: [[draw 1, draw 2, ...] per task]."""
    return [
        record(s) | {"task": f"t{t}", "draw": d}
        for t, row in enumerate(task_scores_by_draw)
        for d, s in enumerate(row, 1)
    ]


def test_repeated_draws_are_averaged_per_task_before_the_gain_bound():
    """A/A as measured: one draw of the same program flips a task by 0.4 either way; task means do not."""
    base = draws([[0.6, 0.2, 0.4], [0.1, 0.5, 0.3], [0.4, 0.4, 0.4], [0.3, 0.3, 0.3]])
    same = draws([[0.2, 0.6, 0.4], [0.5, 0.1, 0.3], [0.4, 0.4, 0.4], [0.3, 0.3, 0.3]])
    assert task_scores(base) == pytest.approx([0.4, 0.3, 0.4, 0.3]) and task_scores(base) == task_scores(same)
    assert gain_lower_bound({"baseline": base, "1": same}, "1", 0.9) == 0.0
    assert gain_lower_bound({"baseline": base[::3], "1": same[::3]}, "1", 0.9) < 0  # first draws alone
    assert totals(base)["tasks"] == 4 and totals(base)["draws"] == 12


def test_a_candidate_a_hair_over_a_cap_is_over_it(runtime):
    """x1.2004 rounds to x1.20 in a report, but the cap judges the measured ratio (Article VI)."""
    budget = RoleBudget(optimizer=CAPS)
    base = {"latency_s": 10.0, "tokens": 1000.0, "shipped_hard_findings": 0, "shipped_dependency_violations": 0}
    over = verdict(runtime, budget, "coder", base | {"latency_s": 12.004, "tokens": 1250.4}, base)
    assert [f["article"] for f in over] == ["VI", "VI"]
    assert "over the cap x1.20" in over[0]["message"] and "over the cap x1.25" in over[1]["message"]
    assert verdict(runtime, budget, "coder", base | {"latency_s": 12.0, "tokens": 1250.0}, base) == []


def test_a_task_whose_every_model_failed_counts_with_its_time_and_no_tokens():
    from plancoder.release import totals

    failed = {"score": 0.0, "tokens": {}, "latency_s": 3.0}  # as journals recorded it before: resumable now
    done = {"score": 1.0, "tokens": {"total_tokens": 100}, "latency_s": 1.0, "id": "b"}
    measured = totals([{**failed, "id": "a"}, done])
    assert (measured["score"], measured["tokens"], measured["latency_s"]) == (0.5, 50.0, 2.0)


def test_the_coder_release_pass_counts_the_bugs_fixed_first_time_per_draw():
    from plancoder.release import scored, totals

    def fixed(*passes):
        return record(1.0) | {"history": [{"passed": p} for p in passes]}

    coder = totals([fixed(True), fixed(False, True), fixed(False, False, False), fixed()])
    assert coder["first_attempt_passed"] == 1 and scored(coder) == "score 1.0 (1 fixed on the first attempt)"
    planner = totals([record(0.5)])  # plans have no per-attempt history: nothing to count
    assert "first_attempt_passed" not in planner and scored(planner) == "score 0.5"
