"""The migration check: versions, environments, the probe (in a real subprocess), the comparison, the CLI."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plancoder import cli, migration_envs
from plancoder.errors import PlancoderError
from plancoder.migration import Check, check_reference, dspy_names, run_check, saved_states, source_files
from plancoder.migration_envs import CURRENT, EnvError, ensure_env, parse_versions, requirements
from plancoder.migration_report import build_report, write_report

PROGRAM = '''
import dspy

class QA(dspy.Signature):
    """Answer in one word."""
    question: str = dspy.InputField()
    answer: str = dspy.OutputField()

def program():
    return {"qa": dspy.Predict(QA), "cot": dspy.ChainOfThought("question -> answer")}

def suite(programs, limit):
    from dspy.utils import DummyLM
    dspy.configure(lm=DummyLM([{"answer": "Paris"}, {"answer": "Rome"}] * 5))
    def case(name, expected):
        return lambda: float(programs["qa"](question=name).answer == expected)
    return [{"program": "qa", "id": f"q{i}", "run": case(str(i), "Paris")} for i in range(limit)] + [
        {"program": "qa", "id": "boom", "run": lambda: 1 / 0}
    ]
'''


@pytest.fixture
def user_program(tmp_path, monkeypatch):
    """A small DSPy program in the working directory, as a user's would be, and a saved state of it."""
    (tmp_path / "userprog.py").write_text(PROGRAM)
    (tmp_path / "broken.py").write_text("import dspy\nPROGRAM = dspy.Assert(True, 'gone since 2.6')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    import dspy

    state = tmp_path / "qa.json"
    state.write_text(json.dumps(dspy.Predict("question -> answer").dump_state()))
    (tmp_path / "bad.json").write_text('{"not": "a state"')
    return tmp_path


def check_for(program: str, suite: str | None = None, states=None, versions=(CURRENT,), limit=2) -> Check:
    return Check(program=program, suite=suite, versions=list(versions), states=states or {}, limit=limit)


def test_versions_parse_in_order_and_reject_typos():
    assert parse_versions("2.6.27, 3.0.1,latest") == ["2.6.27", "3.0.1", "latest"]
    for bad, says in [("", "no DSPy versions"), ("3.x", "is not a DSPy version"), ("3.0.1,3.0.1", "twice")]:
        with pytest.raises(EnvError, match=says):
            parse_versions(bad)


def test_an_environment_installs_the_version_plancoders_needs_and_the_same_engine():
    needs = requirements("2.6.27")
    assert needs[0] == "dspy==2.6.27" and requirements("latest")[0] == "dspy"
    assert not any(n.lower().startswith("dspy") for n in needs[1:])
    assert any(n.startswith("sqlalchemy") for n in needs) and "pytest" in needs
    assert not any("extra ==" in n for n in needs)


def test_the_program_s_dspy_names_are_found_through_any_alias(tmp_path):
    source = tmp_path / "prog.py"
    source.write_text(
        "import dspy as d\nfrom dspy.primitives import assertions\nimport dspy.teleprompt\n"
        "x = d.Assert(True)\ny = d.settings.lm.kwargs\nz = other.dspy.thing\n"
    )
    assert dspy_names([source]) == [
        "dspy.Assert",
        "dspy.primitives.assertions",
        "dspy.settings.lm.kwargs",
        "dspy.teleprompt",
    ]


def test_source_files_are_the_package_or_the_single_module(user_program):
    assert source_files("userprog") == [user_program / "userprog.py"]
    assert Path(cli.__file__) in source_files("plancoder.migration_roles")
    assert source_files("no_such_module_here") == []


def test_program_references_must_be_module_colon_attr():
    assert check_reference("a.b:c", "--program") == "a.b:c"
    for bad in ("a.b", ":c", "a b:c", "a:"):
        with pytest.raises(PlancoderError, match="is not MODULE:ATTR"):
            check_reference(bad, "--program")


def test_the_probe_renders_loads_and_evaluates_in_a_real_subprocess(user_program):
    states = {"qa": [str(user_program / "qa.json"), str(user_program / "bad.json")]}
    [result] = run_check(check_for("userprog:program", "userprog:suite", states))
    assert result["import_error"] is None and result["version"] == CURRENT
    assert set(result["prompts"]) == {"qa", "cot"}
    chat = result["prompts"]["qa"]["self"]["ChatAdapter"]
    assert "sample question" in chat and "Answer in one word." in chat and "[[ ## answer ## ]]" in chat
    assert "JSON" in result["prompts"]["qa"]["self"]["JSONAdapter"]
    assert result["states"]["qa:qa.json"] == {"ok": True, "error": None}
    assert not result["states"]["qa:bad.json"]["ok"]
    assert [c["score"] for c in result["cases"]] == [1.0, 0.0, 0.0]
    assert result["cases"][-1]["error"].startswith("ZeroDivisionError")
    assert all(c["latency_s"] >= 0 and c["tokens"] >= 0 for c in result["cases"])


def test_an_api_break_at_import_is_reported_with_the_pointer_to_compat(user_program):
    results = run_check(check_for("broken:PROGRAM"))
    assert "Assert" in results[0]["import_error"]
    assert results[0]["symbols"] == {"dspy.Assert": False}
    report = build_report(results, "broken:PROGRAM", None, 0.1)
    assert report["versions"][0]["missing_symbols"][0]["hint"].startswith("use plancoder.compat.Assert")
    assert any("does not import" in p for p in report["problems"])


def probed(version, prompt="P", score=1.0, latency=1.0, tokens=100, states=None):
    cases = [{"program": "qa", "id": "1", "score": score, "latency_s": latency, "tokens": tokens, "error": None}]
    prompts = {"qa": {"self": {"ChatAdapter": prompt, "JSONAdapter": "J"}}}
    return {
        "version": version,
        "dspy": version,
        "import_error": None,
        "symbols": {"dspy.GEPA": version != "2.6"},
        "prompts": prompts,
        "states": states or {"qa:s.json": {"ok": True, "error": None}},
        "cases": cases,
    }


def test_identical_versions_agree_with_ratios_reported():
    report = build_report([probed("2.6"), probed("3.0", latency=1.2, tokens=110)], "p:q", None, 0.1)
    assert report["problems"] == [] and report["reference"] == "2.6"
    assert report["comparisons"][0]["scores"]["qa"] == {
        "score_delta": 0.0,
        "within_tolerance": True,
        "latency_ratio": 1.2,
        "token_ratio": 1.1,
    }
    assert report["versions"][0]["missing_symbols"][0]["name"] == "dspy.GEPA"
    assert report["versions"][1]["cases"][0]["latency_s"] == 1.2


def test_a_score_that_rises_is_reported_and_the_known_changes_between_versions_are_named():
    report = build_report([probed("2.6.27", score=0.3), probed("3.4.1", score=0.9)], "p:q", None, 0.1)
    compared = report["comparisons"][0]
    assert report["problems"] == [] and compared["scores"]["qa"]["score_delta"] == 0.6
    assert any(c.startswith("DSPy 3.4: dspy.BestOfN and dspy.Refine") for c in compared["known_changes"])
    assert any(c.startswith("DSPy 3.0: ") for c in compared["known_changes"])
    same_minor = build_report([probed("3.0.1"), probed("3.0.2")], "p:q", None, 0.1)
    assert same_minor["comparisons"][0]["known_changes"] == []
    page = write_report(report, Path(tempfile.mkdtemp()) / "r.json")[1].read_text()
    assert "rollout_id" in page and "<td>0.9</td>" in page


def test_a_prompt_change_a_score_drop_a_failed_state_and_an_uninstallable_version_each_fail():
    failed_state = {"qa:s.json": {"ok": False, "error": "KeyError: 'x'"}}
    results = [
        {"version": "9.9", "error": "cannot install dspy==9.9: no such version", "fix": "check the index"},
        probed("2.6"),
        probed("3.0", prompt="P\nchanged", score=0.5, states=failed_state),
    ]
    report = build_report(results, "p:q", None, 0.1)
    assert report["reference"] == "2.6"
    problems = "\n".join(report["problems"])
    assert "DSPy 9.9 was not checked" in problems and "state qa:s.json does not load" in problems
    assert "ChatAdapter prompt of qa.self differs" in problems and "the qa score fell by 0.5" in problems
    assert "+changed" in report["comparisons"][0]["prompt_differences"][0]["diff"]


def test_the_report_is_json_and_an_escaped_html_page(tmp_path):
    report = build_report([probed("2.6", prompt="<script>x</script>"), probed("3.0")], "p:q", None, 0.1)
    json_path, page = write_report(report, tmp_path / "eval" / "migration_report.json")
    assert json.loads(json_path.read_text())["program"] == "p:q"
    text = page.read_text()
    assert "&lt;script&gt;" in text and "<script>" not in text and "differs from DSPy 2.6" in text
    nothing = build_report([{"version": "2.6", "error": "offline"}], "p:q", None, 0.1)
    assert (
        nothing["problems"][-1] == "no version could be probed"
        and "not checked" in write_report(nothing, tmp_path / "none.json")[1].read_text()
    )


def test_a_version_that_cannot_be_installed_says_why_and_leaves_no_usable_env(tmp_path, monkeypatch):
    def pip_fails(command, **_):
        if "pip" in command:
            return subprocess.CompletedProcess(
                command, 1, "", "WARNING: x\nERROR: No matching distribution found for dspy==9.9.9\n"
            )
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(
        migration_envs.venv, "EnvBuilder", lambda **_: type("B", (), {"create": lambda s, r: r.mkdir(parents=True)})()
    )
    monkeypatch.setattr(migration_envs.subprocess, "run", pip_fails)
    with pytest.raises(EnvError, match=r"cannot install dspy==9\.9\.9: ERROR: No matching distribution") as error:
        ensure_env(tmp_path, "9.9.9", [])
    assert "package index" in error.value.fix
    assert not (tmp_path / "dspy-9.9.9").exists()


def test_an_environment_is_reused_while_its_requirements_hold(tmp_path, monkeypatch):
    builds = []
    root = tmp_path / "dspy-3.0.1"

    def fake_build(path, needs):
        builds.append(path)
        migration_envs.env_python(path).parent.mkdir(parents=True, exist_ok=True)
        migration_envs.env_python(path).touch()
        (path / migration_envs.MARKER).write_text(json.dumps({"requirements": needs}))

    monkeypatch.setattr(migration_envs, "build", fake_build)
    package = tmp_path / "src" / "mypkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n")
    first = ensure_env(tmp_path, "3.0.1", [package])
    ensure_env(tmp_path, "3.0.1", [package])
    assert builds == [root] and (first.program_dir / "mypkg" / "__init__.py").exists()
    ensure_env(tmp_path, "3.0.1", [package], rebuild=True)
    assert builds == [root, root]
    ensure_env(tmp_path, "3.0.1", [package], extra=("rich>=13",))  # the program's own needs: a new env
    assert (
        builds == [root, root, root]
        and "rich>=13" in json.loads((root / migration_envs.MARKER).read_text())["requirements"]
    )
    assert ensure_env(tmp_path, CURRENT, []).python == Path(sys.executable)


def test_saved_states_are_found_per_role_in_each_registry(tmp_path):
    (tmp_path / "a" / "planner" / "versions").mkdir(parents=True)
    (tmp_path / "a" / "planner" / "versions" / "baseline.json").write_text("{}")
    assert saved_states([tmp_path / "a", tmp_path / "b"]) == {
        "planner": [str((tmp_path / "a" / "planner" / "versions" / "baseline.json").resolve())]
    }


runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, ["migrate-check", *args], env={})


def test_the_cli_checks_plancoders_own_roles_without_evaluation(tmp_path):
    out = tmp_path / "migration.json"
    done = invoke("--versions", "current", "--limit", "0", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "the versions agree" in done.output and out.with_suffix(".html").exists()
    report = json.loads(out.read_text())
    assert set(report["prompts"]) == {"planner", "coder"}
    assert report["versions"][0]["states"]["planner:baseline.json"]["ok"]


def test_the_cli_exits_non_zero_on_problems(user_program):
    done = invoke("--program", "broken:PROGRAM", "--versions", "current", "--out", "r.json")
    assert done.exit_code == 1 and "does not import" in done.output
    assert json.loads((user_program / "r.json").read_text())["problems"]


@pytest.fixture
def no_environment_built(monkeypatch):
    """Any attempt to build a DSPy version's environment fails the test (instead of a long pip install)."""

    def refuse(root, needs):
        raise AssertionError(f"an environment would be built at {root}")

    monkeypatch.setattr(migration_envs, "build", refuse)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--versions", "3.x"], "'3.x' is not a DSPy version"),
        (["--versions", ""], "no DSPy versions given"),
        (["--versions", " , "], "no DSPy versions given"),
        (["--program", "nocolon"], "--program 'nocolon' is not MODULE:ATTR"),
        (["--program", ""], "--program '' is not MODULE:ATTR"),
        (["--suite", ""], "--suite '' is not MODULE:ATTR"),
        (["--with", " "], "a --with requirement is empty"),
        (["--state", "qa"], "--state 'qa' is not NAME=FILE"),
        (["--state", "qa=missing.json"], "state file missing.json does not exist"),
        (["--state", "planner=."], "state file . is a directory"),
        (["--state", "nosuchprog=qa.json"], "--state nosuchprog: plancoder.migration_roles:programs has no program"),
    ],
)
def test_bad_cli_input_is_one_line_and_writes_nothing(args, says, user_program, run_main, no_environment_built):
    code, err = run_main("migrate-check", "--versions", "current", "--limit", "0", *args, "--out", "r.json")
    assert code == 1 and err.startswith(f"error: {says}") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "(fix: " in err
    assert not (user_program / "r.json").exists()


def test_a_state_for_a_program_the_check_does_not_have_lists_the_ones_it_has(user_program, run_main):
    args = ["--program", "userprog:program", "--versions", "current", "--limit", "0", "--out", "r.json"]
    code, err = run_main("migrate-check", *args, "--state", "qa=qa.json", "--state", "nope=qa.json")
    assert code == 1 and err.strip() == (
        "error: --state nope: userprog:program has no program of that name (fix: name one of its programs: cot, qa)"
    )
    assert not (user_program / "r.json").exists()


def test_a_version_s_probe_reports_a_state_for_a_program_it_does_not_have():
    import dspy

    from plancoder.migration_probe import load_states

    found = load_states({"qa": dspy.Predict("question -> answer")}, {"nope": ["/x/s.json"]})
    assert found == {"nope:s.json": {"ok": False, "error": "no program named 'nope' (there are: qa)"}}


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("r.html", "--out r.html ends in .html, the name of the HTML page written beside the report"),
        ("R.HTML", "--out R.HTML ends in .html"),
        ("", "--out is empty or names a directory"),
        ("eval", "--out: eval is a directory"),
    ],
)
def test_an_out_that_is_no_report_file_is_refused_before_anything_is_written(
    out, says, user_program, run_main, no_environment_built
):
    (user_program / "eval").mkdir()
    before = sorted(user_program.rglob("*"))
    code, err = run_main("migrate-check", "--versions", "current", "--limit", "0", "--out", out)
    assert code == 1 and err.startswith(f"error: {says}") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and "(fix: give the " in err
    assert sorted(user_program.rglob("*")) == before


def test_the_probe_runs_in_process_too_and_writes_its_result_whole(user_program):
    from plancoder import migration_probe

    request = {"program": "userprog:program", "suite": "userprog:suite", "limit": 1, "symbols": ["dspy.Predict"]}
    (user_program / "request.json").write_text(json.dumps(request))
    assert migration_probe.main([str(user_program / "request.json"), str(user_program / "result.json")]) == 0
    result = json.loads((user_program / "result.json").read_text())
    assert result["symbols"] == {"dspy.Predict": True} and [c["id"] for c in result["cases"]] == ["q0", "boom"]
    assert migration_probe.symbol_exists("dspy.settings.lm.kwargs") and not migration_probe.symbol_exists("dspy.Nope")
    assert not migration_probe.symbol_exists("dspy.primitives.no_such_module")
    with pytest.raises(TypeError, match=r"is not a dspy\.Module"):
        migration_probe.programs_of(42)


def test_plancoders_roles_as_a_migration_target_build_and_score_with_a_scripted_model(monkeypatch):
    from plancoder import migration_roles
    from plancoder.runtime import build_runtime
    from plancoder.scripted import Script, chat_answer

    plan = {"steps": [{"id": "s1", "title": "Do it", "acceptance": "done"}]}
    script = Script(lambda messages: chat_answer(plan=json.dumps(plan)))
    runtime = build_runtime(None, {"PLANCODER_MODEL_PLANNER": script.spec, "PLANCODER_TRACKING": "off"}, cache=False)
    monkeypatch.setattr(migration_roles, "runtime", lambda: runtime)
    assert set(migration_roles.programs()) == {"planner", "coder"} and list(migration_roles.coder()) == ["coder"]
    [case] = migration_roles.suite(migration_roles.planner(), 1)
    assert case["program"] == "planner" and 0.0 < case["run"]() <= 1.0
    assert len(script.calls) == 2  # the warm-up, then the plan
