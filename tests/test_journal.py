"""An interrupted evaluation loses none of its finished tasks: ``plancoder eval --resume`` goes on from them."""

import json

import pytest
from test_planning import PLAN_REPLY, TASK
from typer.testing import CliRunner

from plancoder import cli, evaluate
from plancoder.errors import PlancoderError
from plancoder.journal import Journal, journal_path
from plancoder.scripted import Script

HEAD = {"role": "planner", "split": "test", "models": ["m"], "program_version": "v1", "data_hash": "abc"}
runner = CliRunner()


def journal(tmp_path, **changes):
    head = {**HEAD, **changes}
    return Journal(journal_path(tmp_path, head), head)


def test_finished_tasks_survive_and_a_line_cut_by_a_crash_is_dropped(tmp_path):
    first = journal(tmp_path)
    assert first.start(resume=True) == [] and first.path.name == "planner-test-v1-abc.jsonl"
    first.add({"id": "a", "score": 1.0})
    with first.path.open("a") as handle:
        handle.write('{"id": "b", "sco')  # the process died while writing
    again = journal(tmp_path)
    assert again.start(resume=True) == [{"id": "a", "score": 1.0}]
    again.add({"id": "b", "score": 0.5})
    assert [t["id"] for t in journal(tmp_path).start(resume=True)] == ["a", "b"]
    with pytest.raises(PlancoderError, match="holds the progress of an interrupted run") as refused:
        journal(tmp_path).start(resume=False)  # without --resume, hours of work are not thrown away
    assert "delete that file to start over" in refused.value.fix
    again.finish()
    assert not again.path.exists() and journal(tmp_path).start(resume=False) == []


def test_resume_with_only_another_run_s_progress_names_it_instead_of_starting_afresh(tmp_path):
    begun = journal(tmp_path, split="validation")
    begun.start(resume=False)
    fresh = Journal(journal_path(tmp_path, HEAD), HEAD, others="planner-*.jsonl")
    assert fresh.start(resume=True) == []  # the other run had finished nothing: this one starts afresh
    fresh.finish()
    begun.add({"id": "a", "score": 1.0})  # interrupted after a finished task: its journal stays
    other_split = Journal(journal_path(tmp_path, HEAD), HEAD, others="planner-*.jsonl")
    with pytest.raises(PlancoderError, match=r"planner-validation-v1-abc.jsonl holds another run's") as refused:
        other_split.start(resume=True)
    assert "(it differs in: split)" in str(refused.value) and "drop --resume" in refused.value.fix
    assert not other_split.path.exists() and other_split.start(resume=False) == []


def test_another_run_s_unreadable_journal_differs_in_everything(tmp_path):
    (tmp_path / "eval_progress").mkdir()
    (tmp_path / "eval_progress" / "planner-x.jsonl").write_bytes(b"\xff\n")
    mine = Journal(journal_path(tmp_path, HEAD), HEAD, compared=("role", "split"), others="planner-*.jsonl")
    with pytest.raises(PlancoderError, match=r"differs in: role, split"):
        mine.start(resume=True)


def test_progress_from_another_model_is_not_resumed(tmp_path):
    journal(tmp_path).start(resume=False)
    with pytest.raises(PlancoderError, match=r"another run \(it differs in: models\)") as raised:
        journal(tmp_path, models=["other"]).start(resume=True)
    assert "drop --resume to start over" in raised.value.fix


def interrupted_eval(tmp_path, monkeypatch, extra=()) -> tuple[list[str], Script, list[str]]:
    """A Planner evaluation of two tasks stopped by Ctrl-C on the second: its args, model script and run tasks.

    The test's ``data_home`` keeps the evaluation's progress."""
    suite = tmp_path / "tasks.json"
    suite.write_text(json.dumps({"tasks": [TASK, {**TASK, "id": "second"}]}))
    real, ran = evaluate.planner_task, []

    def interrupted_on_the_second(runtime, task, *args):
        if task["id"] == "second":
            raise KeyboardInterrupt
        ran.append(task["id"])
        return real(runtime, task, *args)

    monkeypatch.setattr(evaluate, "planner_task", interrupted_on_the_second)
    args = ["eval", "--role", "planner", "--suite", str(suite), "--out-dir", str(tmp_path / "eval")]
    script = Script([PLAN_REPLY, PLAN_REPLY])  # one answer per task: a finished task planned again runs out
    args += ["--model", script.spec, *extra]
    stopped = runner.invoke(cli.app, args)
    assert stopped.exit_code == 130 and ran == [TASK["id"]]
    assert "interrupted: the finished tasks are kept; run the same command with --resume" in stopped.output
    monkeypatch.setattr(evaluate, "planner_task", real)
    return args, script, ran


def test_eval_resume_after_an_interruption_runs_only_the_unfinished_tasks(data_home, tmp_path, monkeypatch):
    args, script, _ = interrupted_eval(tmp_path, monkeypatch)
    resumed = runner.invoke(cli.app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "resumed: 1 of 2 tasks came from the interrupted run" in resumed.output and len(script.calls) == 2
    report = json.loads((tmp_path / "eval" / "eval_report.json").read_text())["planner"]
    assert [t["id"] for t in report["tasks"]] == [TASK["id"], "second"] and report["resumed_tasks"] == 1
    assert report["totals"]["valid"] == 2 and not list((data_home / "eval_progress").iterdir())
    assert report["sampling"]["max_tokens"] == 1024 and report["local"]["reuse_prefix"] is False


def test_eval_resume_with_another_limit_is_refused_not_started_afresh(data_home, tmp_path, monkeypatch):
    args, script, _ = interrupted_eval(tmp_path, monkeypatch)
    refused = runner.invoke(cli.app, [*args, "--resume", "--limit", "1"])  # another data hash: another journal
    assert refused.exit_code == 1 and "holds another run's (it differs in: data_hash)" in str(refused.exception)
    assert len(script.calls) == 1


def test_eval_progress_made_with_another_token_cap_is_not_resumed(data_home, tmp_path, monkeypatch):
    """Another cap (or seed, or guard) would have given other answers: the tasks would not be comparable."""
    args, _, _ = interrupted_eval(tmp_path, monkeypatch)
    config = tmp_path / "plancoder.toml"
    config.write_text("[sampling]\nmax_tokens = 256\n")
    refused = runner.invoke(cli.app, [*args, "--resume", "--config", str(config)])
    assert refused.exit_code == 1 and "it differs in: sampling" in str(refused.exception)
    assert len(list((data_home / "eval_progress").iterdir())) == 1  # the saved progress is kept


def test_progress_made_under_another_constitution_text_is_not_resumed(data_home, tmp_path, monkeypatch):
    """The same path with other articles gives other feedback and verdicts: the text is what counts."""
    from plancoder.constitution import default_path

    constitution = tmp_path / "constitution.md"
    constitution.write_text(default_path().read_text())
    config = tmp_path / "plancoder.toml"
    config.write_text(f'[constitution]\npath = "{constitution}"\n')
    args, _, _ = interrupted_eval(tmp_path, monkeypatch, ["--config", str(config)])
    constitution.write_text(default_path().read_text().replace("- **Enforcement:** soft", "- **Enforcement:** hard", 1))
    refused = runner.invoke(cli.app, [*args, "--resume"])
    assert refused.exit_code == 1 and "it differs in: constitution" in str(refused.exception)
