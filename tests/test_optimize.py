"""GEPA under a budget with scripted models: the optimized instructions reach a new program version."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import dspy
import pytest

from plancoder import scripted
from plancoder.budget import BudgetExhausted, DataLimits, Meter, OptimizerCaps, RoleBudget
from plancoder.demos import Demos
from plancoder.fix_examples import packaged_examples
from plancoder.optimize import optimize_role
from plancoder.programs import load_version, registry_for, role_program
from plancoder.runtime import build_runtime
from plancoder.scripted import Script, chat_answer

RULE = "Always add a final step that writes tests."


def _plan(with_tests: bool) -> str:
    steps = [{"id": "s1", "title": "Add the --verbose flag option", "depends_on": [], "acceptance": "flag parsed"}]
    steps.append({"id": "s2", "title": "print each file copied", "depends_on": ["s1"], "acceptance": "printed"})
    if with_tests:
        steps.append({"id": "s3", "title": "write tests with assert", "depends_on": ["s2"], "acceptance": "green"})
    return chat_answer(plan=json.dumps({"steps": steps}))


def student(messages):
    """Plans with a test step only when the instructions say so."""
    return _plan(RULE in messages[0]["content"])


def reflection(messages):
    """Reads GEPA's reflection prompt and answers with the rule, in the format each DSPy version asks for."""
    text = "".join(str(m.get("content", "")) for m in messages)
    if "`rule`" in text:  # plancoder's rule proposer: one rule through the ChatAdapter
        return chat_answer(rule=RULE)
    if "new_instruction" in text:  # DSPy 3.4's proposer: a typed signature through JSONAdapter
        return json.dumps({"new_instruction": f"Plan the task. {RULE}"})
    return f"```\nPlan the task. {RULE}\n```"


TASK = {
    "task": "Add a --verbose flag to the `sync` command that prints each file, with tests.",
    "context": "",
    "required_steps": [
        {"name": "flag", "any_of": ["flag"]},
        {"name": "output", "any_of": ["print"]},
        {"name": "tests", "any_of": ["test"]},
    ],
    "orderings": [["flag", "output"]],
    "forbidden": [],
    "max_steps": 6,
    "size": "small",
}


def scripted_runtime(tmp_path, planner, reflector=None):
    """A runtime whose Planner is ``planner`` and whose reflection model proposes RULE."""
    config = tmp_path / "plancoder.toml"
    config.write_text(f'[registry]\npath = "{tmp_path / "programs"}"\n[tracking]\nenabled = false\n')
    reflector = reflector or Script(reflection)
    env = {"PLANCODER_MODEL_PLANNER": planner.spec, "PLANCODER_MODEL_REFLECTION": reflector.spec}
    return build_runtime(config, env, cache=False)


@pytest.fixture
def runtime(tmp_path):
    return scripted_runtime(tmp_path, Script(student))


def small_suite(split, limit):
    return [{**TASK, "id": f"{split}-{i}", "split": split} for i in range(2)]


def budget(proposer="rule", demos=0, **production):
    caps = OptimizerCaps(
        max_metric_calls=12, max_wall_minutes=5, max_reflection_tokens=100_000, proposer=proposer, demos=demos
    )
    return RoleBudget(optimizer=caps, production=production or {})


@pytest.mark.article("VI")
@pytest.mark.parametrize("proposer", ["rule", "rewrite"])
def test_gepa_finds_the_rule_and_the_accepted_candidate_becomes_a_version(runtime, proposer):
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    section = optimize_role(runtime, role, budget(proposer, max_latency_ratio=50.0, max_token_ratio=5.0))
    assert section["baseline"]["score"] < section["chosen"]["totals"]["score"]
    if proposer == "rule":
        recurring = (
            "1. In 3 of 3 outputs: no step covers tests\n"
            "2. In 3 of 3 outputs: Article II: the task names `sync` but no step mentions it"
        )
        first = {
            "component": "program.plan.guard.module.predictor",
            "recurring": recurring,
            "rule": RULE,
            "refused": "",
        }
        assert section["proposals"][0] == first
    assert section["version"] == "v1" and section["chosen"]["accepted"]
    assert RULE in section["prompt_diff"] and section["prompt_diff"].startswith("--- baseline/")
    assert section["meter"]["metric_calls"] >= 2 and section["usage"]  # every LM call of the run is counted
    loaded = load_version(runtime, "planner", "v1")
    assert any(RULE in p.signature.instructions for p in loaded.predictors())
    assert registry_for(runtime, "planner").ids() == ["baseline", "v1"]


REFERENCE = {"steps": [{"id": "r1", "title": "Add the flag"}, {"id": "r2", "title": "Test it", "depends_on": ["r1"]}]}


def labelled_suite(split, limit):
    """The small suite, its first training task labelled with a reference plan."""
    items = small_suite(split, limit)
    return [{**items[0], "reference_plan": REFERENCE}, *items[1:]] if split == "train" else items


def learner(messages):
    """Plans with a test step when the instructions say so or a worked example precedes the task."""
    return _plan(RULE in messages[0]["content"] or len(messages) > 2)


@pytest.mark.article("VI")
def test_with_demos_gepa_starts_from_the_examples_and_the_version_keeps_them(tmp_path):
    runtime = scripted_runtime(tmp_path, Script(learner))
    role = dataclasses.replace(role_program("planner"), items=labelled_suite)
    section = optimize_role(runtime, role, budget(demos=1, max_latency_ratio=50.0, max_token_ratio=50.0))
    assert section["params"]["demos"] == ["train-0"] and section["params"]["train_tasks"] == 1  # not trained on
    demos_only = next(c for c in section["candidates"] if c["index"] == 0)
    assert demos_only["instructions"] == section["baseline_instructions"]
    assert all(c["totals"]["score"] > section["baseline"]["score"] for c in section["candidates"])
    diff = section["prompt_diff"]
    assert diff.startswith("+++ every candidate/plan.guard.module.predictor: 1 worked example(s)")
    assert "+   train-0: Add the flag; Test it" in diff
    predictor = dict(load_version(runtime, "planner", section["version"]).named_predictors())
    assert predictor["plan.guard.module.predictor"].demos[0]["plan"] == REFERENCE
    saved = registry_for(runtime, "planner").get(section["version"])
    assert saved.demos() == {"plan.guard.module.predictor": 1} and saved.metadata["demos"] == ["train-0"]


def test_more_demos_than_labelled_training_tasks_is_a_clear_error(runtime):
    from plancoder.errors import ConfigError

    role = dataclasses.replace(role_program("planner"), items=labelled_suite)
    with pytest.raises(ConfigError, match=r"optimizer\.demos is 2, but only 1 of the planner's training tasks"):
        optimize_role(runtime, role, budget(demos=2))
    labelled = len(packaged_examples())
    with pytest.raises(ConfigError, match=f"only {labelled} of the coder's training tasks carry a label"):
        optimize_role(runtime, role_program("coder"), budget(demos=labelled + 1))


@pytest.mark.article("VI")
def test_a_candidate_over_the_token_cap_is_rejected_with_the_figures(runtime):
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    section = optimize_role(runtime, role, budget(max_latency_ratio=50.0, max_token_ratio=0.5))
    (candidate,) = [c for c in section["candidates"] if RULE in json.dumps(c["instructions"])]
    assert not candidate["accepted"] and section["version"] is None
    assert any("Article VI" in reason and "over the cap x0.50" in reason for reason in candidate["reasons"])
    assert registry_for(runtime, "planner").ids() == ["baseline"]


@pytest.mark.article("VI")
def test_the_release_pass_draws_every_task_repeats_times_for_every_program(runtime):
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    section = optimize_role(runtime, role, budget(max_latency_ratio=50.0, max_token_ratio=5.0, repeats=2))
    for records in section["records"].values():
        assert [(r["task"], r["draw"]) for r in records] == [(r["id"], d) for r in records[::2] for d in (1, 2)]
    assert section["baseline"]["tasks"] == 2 and section["baseline"]["draws"] == 4
    assert section["chosen"]["totals"]["draws"] == 4 and section["version"] == "v1"


def four_tasks(split, limit):
    return [{**TASK, "id": f"{split}-{i}", "split": split} for i in range(4)]


@pytest.mark.article("VI")
def test_the_release_pass_adds_validation_tasks_that_gepa_never_scored(runtime):
    role = dataclasses.replace(role_program("planner"), items=four_tasks)
    limits = DataLimits(validation_limit=2, release_limit=4)
    wide = budget(max_latency_ratio=50.0, max_token_ratio=5.0).model_copy(update={"data": limits})
    section = optimize_role(runtime, role, wide)
    assert section["params"]["validation_tasks"] == 2 and section["params"]["release_tasks"] == 4
    assert section["baseline"]["tasks"] == 4 and section["version"] == "v1"
    measured = [record["id"] for record in section["records"]["baseline"]]
    assert measured == ["validation-0", "validation-2", "validation-1", "validation-3"]
    assert "4 validation tasks (2 unseen by GEPA)" in " ".join(section["budget_in_human_units"])
    assert section["unseen_tasks"] == ["validation-1", "validation-3"]
    (candidate,) = section["candidates"]  # the rule adds the tests step every task asks for
    gain = candidate["totals"]["score"] - section["baseline"]["score"]
    assert candidate["unseen_gain"] == pytest.approx(gain) and gain > 0


def test_with_no_candidate_the_baseline_is_not_measured_again(tmp_path, monkeypatch):
    """GEPA's own validation pass gives the baseline's score; a release pass would cost calls for nothing."""
    deaf = Script(lambda messages: _plan(False))  # never follows a learned rule, so no proposal is better
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    monkeypatch.setattr("plancoder.optimize.measure", lambda *args, **kwargs: pytest.fail("measured again"))
    section = optimize_role(scripted_runtime(tmp_path, deaf), role, budget())
    assert section["candidates"] == [] and section["chosen"] is None and section["version"] is None
    assert section["baseline"]["tasks"] == 2 and section["baseline"]["measured_by"].startswith("GEPA's")
    assert section["gepa"]["val_aggregate_scores"][0] == section["baseline"]["score"]


def test_a_spent_meter_stops_the_student_and_its_metric_at_once():
    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=0.0001, max_reflection_tokens=10))
    meter.started -= 1
    assert meter.check() and "wall time" in meter.stopped
    assert meter.as_dict()["stopped_by"].startswith("wall time")


def test_the_reflection_model_is_told_its_job_and_charged_to_the_meter(runtime):
    from plancoder.optimize import REFLECTION_ROLE, reflection_lm

    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=5, max_reflection_tokens=10**6))
    lm = reflection_lm(runtime, meter)
    assert lm.kwargs["max_tokens"] >= 2048
    lm("Improve: ...")  # DSPy 3.0's GEPA passes one raw prompt
    script = scripted.script_for(runtime.switcher.spec_for("reflection"))
    assert script.calls[-1]["messages"] == [{"role": "user", "content": f"{REFLECTION_ROLE}\n\nImprove: ..."}]
    assert meter.reflection_tokens > 0
    meter.reflection_tokens = 10**6
    with pytest.raises(BudgetExhausted, match="reflection tokens"):
        lm("again")


def test_a_fence_language_tag_never_becomes_part_of_the_proposed_instruction(tmp_path):
    from plancoder.optimize import drop_fence_tags, reflection_lm

    assert drop_fence_tags("New:\n```plaintext\nFix the bug.\n```") == "New:\n```\nFix the bug.\n```"
    assert drop_fence_tags("```\nkeep\n```") == "```\nkeep\n```"
    env = {"PLANCODER_MODEL_REFLECTION": Script(["```markdown\nPlan in order.\n```"]).spec, "PLANCODER_TRACKING": "off"}
    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=5, max_reflection_tokens=10**6))
    lm = reflection_lm(build_runtime(None, env, cache=False), meter)
    assert lm("Improve: ...") == ["```\nPlan in order.\n```"]  # what GEPA 3.0's extractor then reads


class Dying:
    """``student``, until the process dies at the ``at``-th call (None: never), as under ``kill -9``;
    with ``interrupt``, Ctrl-C is pressed there instead."""

    def __init__(self, at=None, interrupt=False):
        self.at, self.interrupt, self.calls = at, interrupt, 0

    def __call__(self, messages):
        self.calls += 1
        if self.calls == self.at and self.interrupt:
            raise KeyboardInterrupt
        if self.calls == self.at:
            os._exit(KILLED)
        return student(messages)


KILLED = 9
RESUMABLE = budget(max_latency_ratio=50.0, max_token_ratio=5.0)


def optimize_planner(workdir, planner, resume=False):
    """The Planner's optimization with ``planner`` as the model and a data directory in ``workdir``."""
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    workdir.mkdir(exist_ok=True)
    return optimize_role(scripted_runtime(workdir, *planner), role, RESUMABLE, resume=resume)


def run_apart(workdir, *args):
    """tests/killable_optimize.py in a process of its own: its exit code and its report (when it ended)."""
    helper = Path(__file__).with_name("killable_optimize.py")
    env = {**os.environ, "PLANCODER_HOME": str(workdir / "home")}
    done = subprocess.run(
        [sys.executable, str(helper), str(workdir), *args], capture_output=True, text=True, env=env, timeout=300
    )
    return done.returncode, json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else done.stderr


def assert_same_outcome(section, expected, workdir):
    judged = [(c["instructions"], c["totals"]["score"], c["accepted"]) for c in section["candidates"]]
    assert judged == [(c["instructions"], c["totals"]["score"], c["accepted"]) for c in expected["candidates"]]
    assert section["gepa"] == expected["gepa"] and section["proposals"] == expected["proposals"]
    assert section["version"] == "v1" and not (workdir / "home" / "optimize_progress" / "planner.jsonl").exists()


@pytest.fixture
def uninterrupted(tmp_path, monkeypatch):
    """An uninterrupted run's report, with how many Planner calls it made."""
    monkeypatch.setenv("PLANCODER_HOME", str(tmp_path / "whole" / "home"))
    planner = Dying()
    section = optimize_planner(tmp_path / "whole", (Script(planner), Script(reflection)))
    monkeypatch.setenv("PLANCODER_HOME", str(tmp_path / "run" / "home"))
    return section | {"planner_calls": planner.calls}


def test_an_optimization_killed_in_the_search_replays_its_answers_and_ends_as_an_uninterrupted_one(
    tmp_path, uninterrupted
):
    """Killed for real (GEPA's rollouts run in worker threads, where an exception would not end the run)."""
    assert run_apart(tmp_path / "run", "10")[0] == KILLED  # call 10: after the sample and GEPA's first pass
    code, section = run_apart(tmp_path / "run", "--resume")
    assert code == 0, section
    assert section["replayed_answers"] == 6  # GEPA's first pass; the sample's 3 calls were a step of their own
    assert section["planner_calls"] == uninterrupted["planner_calls"] - 9  # only the rest was asked
    assert_same_outcome(section, uninterrupted, tmp_path / "run")


def test_an_optimization_interrupted_in_the_release_pass_keeps_the_search_and_the_finished_measurements(
    tmp_path, uninterrupted
):
    planner = Dying(at=uninterrupted["planner_calls"] - 1, interrupt=True)
    models = Script(planner), Script(reflection)
    with pytest.raises(KeyboardInterrupt):
        optimize_planner(tmp_path / "run", models)
    planner.calls, planner.at = 0, None
    section = optimize_planner(tmp_path / "run", models, resume=True)
    assert section["replayed_answers"] == 0 and planner.calls <= 6  # the last task's measurements
    assert_same_outcome(section, uninterrupted, tmp_path / "run")


def test_no_rollout_is_copied_while_gepa_runs_and_dspy_is_left_as_it_was():
    from dspy.utils.parallelizer import ParallelExecutor

    from plancoder.optimize import no_straggler_copies

    with no_straggler_copies():
        assert ParallelExecutor(num_threads=1).timeout == 0  # no second copy of a rollout over 120 s
    assert ParallelExecutor(num_threads=1).timeout == 120


def test_the_hard_stop_is_not_swallowed_by_a_loop_that_catches_every_exception():
    """GEPA's engine logs an iteration's Exception and goes on; the hard stop must end it anyway."""
    import time as clock

    from plancoder.optimize import HardStop, hard_stop

    started = clock.monotonic()
    with pytest.raises(HardStop), hard_stop(0.2):
        while clock.monotonic() - started < 5:
            try:
                clock.sleep(0.05)
            except Exception:  # what gepa's engine does with an iteration's error
                continue
    assert clock.monotonic() - started < 2


def test_a_baseline_pass_cut_short_by_a_cap_is_reported_as_partial(runtime):
    """Rollouts after a cap score 0 unrun: GEPA's baseline score then averages in zeros, and says so."""
    from plancoder.optimize import gated_metric, release

    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=5, max_reflection_tokens=10))
    metric = gated_metric(role_program("planner"), meter)
    meter.metric_calls = 1  # one task ran, then the cap was reached
    assert metric(None, dspy.Prediction(stopped="wall time over 5 min")).score == 0.0
    found = {"candidates": {}, "gepa": {"val_aggregate_scores": [0.2]}, "meter": meter.as_dict()}
    data = {"validation": [{}, {}, {}], "release": [{}] * 5}
    section = release(runtime, role_program("planner"), budget(), found, data, None, lambda line: None, Demos())
    assert section["baseline"]["partial"] == "1 of 3 tasks ran; the others scored 0 unrun"


def test_a_run_killed_after_saving_its_version_but_before_journaling_it_does_not_save_it_twice(tmp_path, monkeypatch):
    from plancoder.registry import Registry, state_digest

    save = Registry.save

    def save_then_die(self, program, metadata_, version=None):
        saved = save(self, program, metadata_, version)
        if version is None:  # the candidate is on disk; the journal does not know yet
            raise KeyboardInterrupt
        return saved

    monkeypatch.setenv("PLANCODER_HOME", str(tmp_path / "run" / "home"))
    models = Script(student), Script(reflection)
    monkeypatch.setattr(Registry, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        optimize_planner(tmp_path / "run", models)
    monkeypatch.setattr(Registry, "save", save)
    section = optimize_planner(tmp_path / "run", models, resume=True)
    registry = Registry(tmp_path / "run" / "programs", "planner")
    assert section["version"] == "v1" and registry.ids() == ["baseline", "v1"]
    assert registry.get("v1").metadata["parent_state"] == state_digest(registry.get("baseline").state)
