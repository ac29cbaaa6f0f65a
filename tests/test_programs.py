"""The serving path: the flag picks, per request key, the production version or the baseline."""

import json

import pytest
from typer.testing import CliRunner

from plancoder.cli import app
from plancoder.programs import flag_file_for, program_for, registry_for, request_key, role_program, with_instructions
from plancoder.registry import BASELINE
from plancoder.runtime import build_runtime

MARK = "Plan in at most three steps."


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "plancoder.toml"
    text = f'[registry]\npath = "{tmp_path / "programs"}"\n[flags]\npath = "{tmp_path / "flags.json"}"\n'
    path.write_text(text + "[tracking]\nenabled = false\n")
    return path


@pytest.fixture
def runtime(config):
    runtime = build_runtime(config, {}, cache=False)
    planner = role_program("planner")
    registry = registry_for(runtime, "planner")
    registry.save(planner.build(runtime), {"kind": "baseline"}, BASELINE)
    optimized = with_instructions(planner.build(runtime), {"plan.guard.module.predictor": MARK})
    registry.save(optimized, {"kind": "candidate"})
    return runtime


def instructions(program):
    """The plan predictor's instruction (the linking call's is not optimized in these tests)."""
    return [p.signature.instructions for name, p in program.named_predictors() if name.startswith("plan.")]


def test_the_flag_decides_per_request_between_production_and_the_baseline(runtime):
    registry_for(runtime, "planner").promote("v1", by="ann")
    _, version, why = program_for(runtime, "planner", "k")
    assert version == BASELINE and "off" in why  # the flag is off until a rollout
    flag_file_for(runtime).rollout("planner", 100, by="ann")
    program, version, _ = program_for(runtime, "planner", "k")
    assert version == "v1" and instructions(program) == [MARK]
    flag_file_for(runtime).disable("planner", by="ann")
    program, version, _ = program_for(runtime, "planner", "k")
    assert version == BASELINE and instructions(program) != [MARK]


def test_a_production_version_that_cannot_load_never_fails_the_request(runtime, tmp_path):
    registry_for(runtime, "planner").promote("v1", by="ann")
    flag_file_for(runtime).rollout("planner", 100, by="ann")
    path = tmp_path / "programs" / "planner" / "versions" / "v1.json"
    data = json.loads(path.read_text())
    data["metadata"]["dspy_version"] = "2.6.27"
    path.write_text(json.dumps(data))
    _, version, why = program_for(runtime, "planner", "k")
    assert version == BASELINE and "saved with DSPy 2.6.27" in why


def test_request_keys_are_stable_per_input_across_processes_and_releases():
    assert request_key("a.py", "pytest") == "997447ece3936a9c" != request_key("b.py", "pytest")  # a sticky bucket


def test_the_release_commands_promote_roll_out_and_roll_back(runtime, config):
    cli = CliRunner()
    out = cli.invoke(app, ["programs", "promote", "planner", "v1", "--by", "ann", "--config", str(config)])
    assert out.exit_code == 0 and "planner production: v1" in out.output
    listing = cli.invoke(app, ["programs", "list", "--role", "planner", "--config", str(config)]).output
    assert "* planner  v1" in listing and "  planner  baseline" in listing
    shown = json.loads(cli.invoke(app, ["programs", "show", "planner", "v1", "--config", str(config)]).output)
    assert shown["instructions"]["plan.guard.module.predictor"] == MARK
    assert shown["demos"] == {}  # no worked examples in this version
    out = cli.invoke(app, ["rollout", "--role", "planner", "--percent", "25", "--by", "ann", "--config", str(config)])
    assert "OPTIMIZE_PLANNER: DISABLED 0% -> ENABLED 25%" in out.output
    out = cli.invoke(app, ["rollback", "--role", "planner", "--reason", "alert", "--config", str(config)])
    assert "ENABLED 25% -> DISABLED 0%" in out.output
    flags = json.loads(cli.invoke(app, ["flags", "--json", "--config", str(config)]).output)
    assert flags["percent"] == {"planner": 0, "coder": 0} and [e["reason"] for e in flags["audit"]] == [
        "rollout",
        "alert",
    ]
    out = cli.invoke(app, ["programs", "rollback", "planner", "--config", str(config)])
    assert "planner production: baseline" in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["optimize", "--role", "reflection"], "error: role 'reflection' has no optimizable program"),
        (["optimize", "--role", "coder", "--budget", "missing.yaml"], "error: budget file missing.yaml does not exist"),
        (["optimize", "--role", "coder", "--out", "."], "error: --out: . is a directory"),
        (["rollout", "--role", "coder", "--percent", "150"], "error: --percent must be between 0 and 100, got 150"),
        (["programs", "show", "coder", "v9"], "error: coder has no version 'v9'"),
        (["programs", "rollback", "coder"], "error: coder production is already baseline"),
        (["programs", "list", "--role", ""], "error: role '' has no optimizable program (fix: use planner or coder)"),
        (["eval", "--role", "planner", "--version", "v4"], "error: planner has no version 'v4'"),
    ],
)
def test_release_commands_reject_bad_input_with_one_line(config, run_main, args, message):
    code, err = run_main(*args, "--config", str(config))
    assert code == 1 and err.startswith(message)


@pytest.mark.parametrize(
    "args",
    [
        ["rollout", "--role", "coder", "--percent", "10", "--by", ""],
        ["rollback", "--role", "coder", "--by", ""],
        ["programs", "rollback", "coder"],  # already at the baseline
    ],
)
def test_a_refused_change_leaves_no_lock_file(config, data_home, tmp_path, run_main, args):
    code, _ = run_main(*args, "--config", str(config))
    assert code == 1 and not list(tmp_path.rglob("*.lock"))


def test_the_baseline_that_show_suggests_can_be_promoted(config, data_home, run_main):
    code, err = run_main("programs", "show", "coder", "nope", "--config", str(config))
    assert code == 1 and "(fix: use baseline or v1, v2, ...)" in err
    code, out = run_main(
        "programs", "promote", "coder", "baseline", "--by", "ann", "--config", str(config), stream="out"
    )
    assert (code, out) == (0, "coder production: baseline\n")  # no optimizer run saved one: the built-in baseline


def test_the_served_version_s_budget_headroom_is_exported(runtime):
    from plancoder.monitor import metrics
    from plancoder.programs import export_budget_headroom

    registry = registry_for(runtime, "planner")
    saved = registry.save(
        role_program("planner").build(runtime), {"ratios": {"latency_ratio": 1.1, "token_ratio": 0.9}}
    )
    registry.promote(saved.id, by="ann")
    flag_file_for(runtime).rollout("planner", 100, by="ann")
    assert program_for(runtime, "planner", "k")[1] == saved.id
    export_budget_headroom(runtime)
    sample = metrics().registry.get_sample_value
    assert sample("plancoder_budget_headroom", {"role": "planner", "kind": "latency"}) == pytest.approx(0.1)
    assert sample("plancoder_budget_headroom", {"role": "planner", "kind": "tokens"}) == pytest.approx(0.35)
    flag_file_for(runtime).disable("planner", by="bob")  # the kill switch: the baseline's headroom again
    export_budget_headroom(runtime)
    assert sample("plancoder_budget_headroom", {"role": "planner", "kind": "latency"}) == pytest.approx(0.2)


def test_an_evaluated_version_is_recorded_under_its_own_name(config, data_home, tmp_path):
    from test_planning import PLAN_REPLY

    from plancoder import monitor
    from plancoder.scripted import Script

    runtime = build_runtime(config, {}, cache=False)
    registry_for(runtime, "planner").save(role_program("planner").build(runtime), {"kind": "candidate"})
    args = ["eval", "--role", "planner", "--split", "test", "--limit", "1", "--version", "v1"]
    model = Script([PLAN_REPLY] * 3).spec
    result = CliRunner().invoke(app, [*args, "--config", str(config), "--model", model, "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "eval_report.json").read_text())["planner"]
    assert report["program_version"] == "v1" and report["tasks"][0]["version"] == "v1"
    assert [o.version for o in monitor.load_observations(0)] == ["v1"]  # never counted as the baseline's


def test_optimize_goes_on_with_resume_and_says_how_after_ctrl_c(config, data_home, tmp_path, monkeypatch):
    from test_optimize import reflection, student

    from plancoder.scripted import Script

    interrupted = []

    def planner(messages):
        if not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt
        return student(messages)

    monkeypatch.setenv("PLANCODER_MODEL_PLANNER", Script(planner).spec)
    monkeypatch.setenv("PLANCODER_MODEL_REFLECTION", Script(reflection).spec)
    caps = "optimizer: {max_metric_calls: 10, max_wall_minutes: 5, max_reflection_tokens: 9000}\n"
    caps += "  production: {max_latency_ratio: 50, max_token_ratio: 5}\n  data: {train_limit: 2, validation_limit: 2}\n"
    (tmp_path / "budget.yaml").write_text(f"planner:\n  {caps}coder:\n  {caps}")
    out = tmp_path / "report.json"
    args = ["optimize", "--role", "planner", "--budget", str(tmp_path / "budget.yaml"), "--out", str(out)]
    run = CliRunner().invoke(app, [*args, "--resume", "--config", str(config)])  # nothing to resume yet
    assert run.exit_code == 130 and "run the same command with --resume to go on" in run.output
    assert "no saved progress of a planner optimization: starting afresh" in run.output
    run = CliRunner().invoke(app, [*args, "--resume", "--config", str(config)])
    assert run.exit_code == 0 and f"wrote {out}" in run.output
    assert json.loads(out.read_text())["planner"]["budget"]["data"]["validation_limit"] == 2
    assert not list((data_home / "optimize_progress").iterdir())  # removed once the report was written


@pytest.mark.parametrize("broken", ["aliases", "flags"])
def test_a_broken_aliases_or_flag_file_serves_the_baseline_never_an_error(runtime, broken):
    flag_file = flag_file_for(runtime)
    flag_file.rollout("planner", 100, by="ann")
    if broken == "aliases":
        registry_for(runtime, "planner").aliases_path.parent.mkdir(parents=True, exist_ok=True)
        registry_for(runtime, "planner").aliases_path.write_text("[]")
    else:
        flag_file.path.write_text(flag_file.path.read_text().replace('"ENABLED"', '"ON"'))
    module, version, why = program_for(runtime, "planner", "k")
    assert version == "baseline" and why.startswith("production unusable:") and module is not None
