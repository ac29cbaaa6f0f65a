import json

import pytest
from buggy_calc import BUGGY, GOOD, TEST_CMD, WRONG, fix_reply
from typer.testing import CliRunner

from plancoder import cli
from plancoder.scripted import Script

runner = CliRunner()


def fix(*args, replies):
    script = Script(replies)
    return runner.invoke(cli.app, ["fix", "calc.py", "--test-cmd", TEST_CMD, "--model", script.spec, *args])


def test_fix_prints_the_diff_and_the_test_result(in_calc_project):
    result = fix(replies=[fix_reply(GOOD)])
    assert result.exit_code == 0, result.output
    assert "+    return a + b" in result.output and "tests: PASSED after 1 attempt(s)" in result.output
    assert (in_calc_project / "calc.py").read_text() == BUGGY


def test_fix_write_applies_a_passing_fix(in_calc_project):
    result = fix("--write", replies=[fix_reply(GOOD)])
    assert result.exit_code == 0 and "wrote" in result.output
    assert (in_calc_project / "calc.py").read_text() == BUGGY.replace("a - b", "a + b")


def test_fix_json_has_the_documented_keys(in_calc_project):
    result = fix("--json", replies=[fix_reply(WRONG), fix_reply(GOOD)])
    report = json.loads(result.output)
    assert set(report) >= {"passed", "attempts", "diff", "fixed_code", "score", "tokens", "latency_s", "trace_id"}
    assert report["passed"] is True and report["attempts"] == 2
    assert report["tokens"]["total_tokens"] > 0 and len(report["trace_id"]) == 32


@pytest.mark.article("III")
def test_a_failing_fix_is_never_written_and_exits_1(in_calc_project):
    result = fix("--write", replies=[fix_reply(WRONG)] * 3)
    assert result.exit_code == 1 and "tests: FAILED after 3 attempt(s)" in result.output
    assert (in_calc_project / "calc.py").read_text() == BUGGY


def test_already_passing_tests_say_so(in_calc_project):
    (in_calc_project / "calc.py").write_text(BUGGY.replace("a - b", "a + b"))
    result = fix(replies=[])
    assert result.exit_code == 0 and "already pass" in result.output


@pytest.mark.parametrize(
    ("path", "message"),
    [("missing.py", "does not exist"), ("test_calc.py", "read-only"), (".", ". is a directory"),
     ("a" * 300 + ".py", "File name too long (fix: give a shorter path"), ("x/" * 2100 + "a.py", "File name too long"),
     ("loop.py", "a loop of symbolic links (fix: give the file's own path"),
     ("latin.py", "latin.py is not UTF-8 text (fix: save it as UTF-8"), ("blob.py", "blob.py is a binary file")],
)  # fmt: skip
def test_fix_bad_paths_are_clear_errors(in_calc_project, path, message):
    (in_calc_project / "loop.py").symlink_to(in_calc_project / "loop.py")
    (in_calc_project / "latin.py").write_bytes(b"x = '\xe9'\n")
    (in_calc_project / "blob.py").write_bytes(b"x = 1\0\n")
    result = runner.invoke(cli.app, ["fix", path, "--test-cmd", TEST_CMD])
    assert result.exit_code != 0 and message in str(result.exception)


@pytest.mark.parametrize(
    ("test_cmd", "message"),
    [("  ", "the test command is empty"), ("nosuchcmd_xyz -q", "program 'nosuchcmd_xyz' is not found"),
     ("./run_tests.sh", "program './run_tests.sh' is not found"),
     ("./not_executable.sh", "program './not_executable.sh' is not executable (fix: make it executable"),
     ("pytest 'x", "cannot be split: No closing quotation (fix: close the quote)")],
)  # fmt: skip
def test_a_bad_test_command_is_the_user_s_error_before_any_model_is_asked(in_calc_project, test_cmd, message):
    script = Script([])  # any model call would fail: the chain must not be reached
    (in_calc_project / "not_executable.sh").write_text("python -m pytest -q\n")
    result = runner.invoke(cli.app, ["fix", "calc.py", "--test-cmd", test_cmd, "--model", script.spec])
    assert result.exit_code != 0 and message in str(result.exception) and script.calls == []


def test_seed_bugs_then_eval_on_the_seeded_suite(in_calc_project, tmp_path):
    (in_calc_project / "calc.py").write_text(BUGGY.replace("a - b", "a + b"))
    out = tmp_path / "bugs"
    seeded = runner.invoke(
        cli.app, ["seed-bugs", "calc.py", "--test-cmd", TEST_CMD, "--out", str(out), "--per-file", "2"]
    )
    assert seeded.exit_code == 0, seeded.output
    bugs = json.loads((out / "bugs.json").read_text())["bugs"]
    assert len(bugs) == 2
    script = Script(lambda messages: fix_reply(_original_function(messages)))
    report_dir = tmp_path / "eval"
    result = runner.invoke(
        cli.app,
        ["eval", "--suite", str(out / "bugs.json"), "--model", script.spec, "--out-dir", str(report_dir), "--baseline"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((report_dir / "eval_report.json").read_text())["coder"]
    assert report["totals"]["tasks"] == 2 and report["tasks"][0]["feedback"]
    assert report["totals"]["unchanged_attempts"] == 0  # each answer was the correct function
    assert report["totals"]["first_attempt_passed"] == report["totals"]["passed"] == 1
    assert "passed 1/2 = 50% (95% CI 9%-91%), 1 on the first attempt," in result.output
    assert json.loads((report_dir / "baseline.json").read_text())["coder"]["totals"] == report["totals"]


def _original_function(messages):
    """A scripted 'model' that answers with the original (correct) function for whichever one is buggy."""
    prompt = messages[-1]["content"]
    return GOOD if "return a + b" not in prompt else "def double(x):\n    return x * 2\n"


@pytest.mark.article("I")
def test_fix_an_absolute_path_outside_the_project_is_refused(in_calc_project, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    result = runner.invoke(cli.app, ["fix", str(outside), "--test-cmd", TEST_CMD])
    assert result.exit_code != 0 and "outside the project" in str(result.exception)


def test_seed_bugs_refuses_an_out_it_cannot_write_before_seeding(in_calc_project, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setattr("plancoder.seeding.seed_bugs", lambda *a, **k: pytest.fail("seeded before checking --out"))
    result = runner.invoke(cli.app, ["seed-bugs", "calc.py", "--test-cmd", TEST_CMD, "--out", str(blocked)])
    assert result.exit_code != 0 and f"--out {blocked} cannot hold files" in str(result.exception)


def test_seed_bugs_whose_tests_catch_nothing_writes_nothing(in_calc_project, tmp_path):
    out = tmp_path / "bugs"
    result = runner.invoke(cli.app, ["seed-bugs", "calc.py", "--test-cmd", "python -c pass", "--out", str(out)])
    assert result.exit_code == 1 and "no bug seeded into calc.py was caught by the tests" in str(result.exception)
    assert not out.exists()  # --out was checked, not made: a refused command leaves no empty directory


def test_seed_bugs_out_under_a_file_names_the_file(in_calc_project, tmp_path):
    (tmp_path / "bugs.json").write_text("{}")
    result = runner.invoke(
        cli.app, ["seed-bugs", "calc.py", "--test-cmd", TEST_CMD, "--out", str(tmp_path / "bugs.json")]
    )
    message = f"--out {tmp_path / 'bugs.json'} cannot hold files: a file is in the way ({tmp_path / 'bugs.json'})"
    assert result.exit_code == 1 and message in str(result.exception)
