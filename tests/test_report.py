"""``plancoder report``: the HTML page of real evaluations, and two tracked runs side by side."""

import json
import re

import pytest
from buggy_calc import BUGGY, TEST_CMD, fix_reply, write_project
from test_cli_coder import _original_function
from test_planning import CYCLE_REPLY, PLAN_REPLY, TASK
from typer.testing import CliRunner

from plancoder import cli
from plancoder.scripted import Script

runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two tracked Coder evaluations and one Planner evaluation in a real local MLflow store.

    eval_report.json ends with the second Coder run's section and the Planner's."""
    root = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANCODER_HOME", str(root / "home"))
        patch.setenv("PLANCODER_TRACKING", "on")
        bugs = seed_bugs(root, patch)
        coder = [evaluate(root, "coder", bugs, Script(lambda m: fix_reply(_original_function(m)))) for _ in range(2)]
        tasks = root / "tasks.json"
        tasks.write_text(json.dumps({"tasks": [TASK, {**TASK, "id": "cyclic-plan"}]}))
        planner = evaluate(root, "planner", tasks, Script([PLAN_REPLY, *[CYCLE_REPLY] * 3]))
    return {"home": root / "home", "report": root / "eval" / "eval_report.json", "coder": coder, "planner": planner}


def seed_bugs(root, patch):
    patch.chdir(write_project(root / "proj", BUGGY.replace("a - b", "a + b")))
    args = ["seed-bugs", "calc.py", "--test-cmd", TEST_CMD, "--out", str(root / "bugs"), "--per-file", "2"]
    assert runner.invoke(cli.app, args).exit_code == 0
    return root / "bugs" / "bugs.json"


def evaluate(root, role, suite, script):
    """Run ``plancoder eval``; the MLflow run id that its report names."""
    args = ["eval", "--role", role, "--suite", str(suite), "--model", script.spec, "--out-dir", str(root / "eval")]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    return json.loads((root / "eval" / "eval_report.json").read_text())[role]["mlflow_run_id"]


def render(*args):
    result = runner.invoke(cli.app, ["report", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def test_the_report_shows_both_roles_in_one_self_contained_page(runs, tmp_path):
    out = tmp_path / "report.html"
    assert render("--input", runs["report"], "--out", out).output == f"wrote {out}\n"
    page, report = out.read_text(), json.loads(runs["report"].read_text())
    assert page.count("<svg") == 6 and page.count("<details>") == 4  # three charts per role, a task each
    for section in report.values():
        assert section["mlflow_run_id"] in page and section["data_hash"] in page
        assert all(f"<td>{task['id']}</td>" in page for task in section["tasks"])
    assert "<td>passed</td><td>1/2 = 50% (95 % CI 9%–91%)</td>" in page
    assert "<td>first attempt passed</td><td>1</td>" in page and "<td>unchanged attempts</td><td>0</td>" in page
    assert "<td>dependency violations in returned plans</td><td>0</td>" in page
    assert "dependency cycle a -&gt; b -&gt; a; break it" in page  # the invalid plan's violation, escaped
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", page)


def test_text_from_the_report_is_escaped(runs, tmp_path):
    report = json.loads(runs["report"].read_text())
    report["coder"]["tasks"][0]["diff"] = "+<script>alert(1)</script>\n"
    (tmp_path / "eval_report.json").write_text(json.dumps(report))
    render("--input", tmp_path / "eval_report.json", "--out", tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_report_from_before_tracking_and_the_constitution_still_renders(runs, tmp_path):
    report = json.loads(runs["report"].read_text())
    for section in report.values():
        del section["data_hash"], section["mlflow_run_id"]
        section["totals"].pop("first_attempt_passed", None)
        for task in section["tasks"]:
            del task["constitution"]
    (tmp_path / "eval_report.json").write_text(json.dumps(report))
    render("--input", tmp_path / "eval_report.json", "--out", tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert page.count("data hash <b>not recorded</b>") == 2 and page.count("<td>none</td></tr>") == 4
    assert "<td>first attempt passed</td><td>not recorded</td>" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{", "is not valid JSON"),
        ("[" * 100_000, "it is nested too deeply"),
        ('{"coder": {"latency_s": 1' + "0" * 400 + "}}", "the number 100000000000... is too large"),
        ('{"coder": {"latency_s": NaN}}', "NaN is not a number JSON allows"),
        ('{"tester": {}}', "has neither a coder nor a planner section"),
        ('{"coder": {"role": "coder"}}', "is not a complete evaluation report (KeyError: 'tasks')"),
    ],
)
def test_a_missing_or_malformed_report_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "eval_report.json"
    if content is not None:
        path.write_text(content)
    result = runner.invoke(cli.app, ["report", "--input", str(path), "--out", str(tmp_path / "report.html")])
    assert result.exit_code == 1 and message in str(result.exception)
    assert not (tmp_path / "report.html").exists()


@pytest.fixture
def tracked(runs, monkeypatch):
    monkeypatch.setenv("PLANCODER_HOME", str(runs["home"]))
    monkeypatch.setenv("PLANCODER_TRACKING", "on")
    return runs


def test_compare_shows_two_runs_side_by_side_with_ratios(tracked, tmp_path):
    run_a, run_b = tracked["coder"]
    render("--compare", run_a, run_b, "--out", tmp_path / "compare.html")
    page = (tmp_path / "compare.html").read_text()
    assert run_a in page and run_b in page and page.count("<svg") == 1
    assert "<th>B/A</th>" in page and "<td>mean score</td><td>0.5</td><td>0.5</td><td>1.00×</td>" in page
    assert "<td>pass rate</td><td>50%</td><td>50%</td><td>1.00×</td>" in page
    assert "<td>tokens per task (mean)</td>" in page and "<td>latency s (mean)</td>" in page
    assert "2 tasks in both runs (A ran 2, B ran 2)" in page and "<td>calc-dropped_return-L3</td>" in page


def test_an_unknown_run_is_one_line_of_error(tracked, run_main):
    code, err = run_main("report", "--compare", "nope", tracked["coder"][0])
    assert code == 1
    error = err.strip()
    assert error.startswith("error: cannot fetch eval_report.json of run 'nope' from sqlite:///") and "\n" not in error


def test_runs_of_different_roles_or_no_tracking_cannot_be_compared(tracked, monkeypatch):
    result = runner.invoke(cli.app, ["report", "--compare", tracked["coder"][0], tracked["planner"]])
    assert result.exit_code == 1 and "run A evaluated the coder but run B the planner" in str(result.exception)
    monkeypatch.setenv("PLANCODER_TRACKING", "off")
    result = runner.invoke(cli.app, ["report", "--compare", *tracked["coder"]])
    assert result.exit_code == 1 and "tracking is off" in str(result.exception)


def test_one_role_section_on_its_own_renders_like_a_whole_report(runs, tmp_path):
    section = json.loads(runs["report"].read_text())["coder"]
    (tmp_path / "coder.json").write_text(json.dumps(section))
    render("--input", tmp_path / "coder.json", "--out", tmp_path / "report.html")
    assert section["mlflow_run_id"] in (tmp_path / "report.html").read_text()
