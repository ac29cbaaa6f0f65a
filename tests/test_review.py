"""The review queue on a real database: SQLite always, PostgreSQL when CI provides one."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from plancoder import review
from plancoder.review import EXPIRED, MIGRATIONS, PENDING, ReviewError, ReviewQueue

PG_ENV = "PLANCODER_TEST_POSTGRES_URL"
URLS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])


@pytest.fixture(params=URLS)
def queue(request, tmp_path):
    if request.param == "sqlite":
        return ReviewQueue(f"sqlite:///{tmp_path / 'queue.db'}")
    import sqlalchemy as sa

    from plancoder.review import metadata

    engine = sa.create_engine(os.environ[PG_ENV])
    with engine.begin() as db:  # a clean schema per test
        metadata.drop_all(db)
    engine.dispose()
    return ReviewQueue(os.environ[PG_ENV])


def enqueue(queue, **kw):
    return queue.enqueue("coder", "the fix did not pass the tests", {"file": "a.py"}, {"passed": False}, 0.2, **kw)


@pytest.mark.article("III")
def test_an_item_keeps_everything_a_reviewer_needs(queue):
    findings = [{"article": "III", "message": "the tests still fail"}]
    item_id = enqueue(queue, findings=findings, trace_id="t1", diff="-a\n+b\n")
    item = queue.get(item_id)
    assert (item.status, item.role, item.score, item.trace_id, item.diff) == (PENDING, "coder", 0.2, "t1", "-a\n+b\n")
    assert item.input == {"file": "a.py"} and item.findings == findings
    assert item.expires_at - item.created_at == timedelta(hours=72)
    assert queue.depth() == 1 and [i.id for i in queue.list(role="coder")] == [item_id]


def test_decisions_are_idempotent_audited_and_only_from_pending(queue):
    item_id = enqueue(queue)
    queue.decide(item_id, "approve", by="ann", comment="looks right")
    again = queue.decide(item_id, "approve", by="bob")
    assert again.status == "approved" and again.decided_by == "ann"  # one approval, not two
    with pytest.raises(ReviewError, match=f"review item {item_id} is approved"):
        queue.decide(item_id, "reject", by="bob")
    events = queue.events(item_id)
    assert [(e["action"], e["who"], e["old_status"], e["new_status"]) for e in events] == [
        ("enqueue", "plancoder", None, "pending"),
        ("approve", "ann", "pending", "approved"),
    ]
    with pytest.raises(ReviewError, match="unknown decision 'merge'"):
        queue.decide(item_id, "merge", by="ann")
    with pytest.raises(ReviewError, match="there is no review item 999"):
        queue.get(999)


def test_of_two_reviewers_deciding_at_once_the_second_is_told(queue, monkeypatch):
    """Both saw the item pending; bob's reject landed first, so ann's approve must fail, not report success."""
    item_id = enqueue(queue)
    seen_pending = [queue.get(item_id)]
    queue.decide(item_id, "reject", by="bob")
    monkeypatch.setattr(queue, "get", lambda i: seen_pending.pop() if seen_pending else ReviewQueue.get(queue, i))
    with pytest.raises(ReviewError, match=f"review item {item_id} is rejected"):
        queue.decide(item_id, "approve", by="ann")
    assert [e["who"] for e in queue.events(item_id)] == ["plancoder", "bob"]


@pytest.mark.article("III")
def test_an_item_nobody_reviewed_in_time_expires_and_can_no_longer_ship(tmp_path):
    queue = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}", expire_after=timedelta(seconds=0))
    item_id = enqueue(queue)
    assert queue.get(item_id).status == EXPIRED
    with pytest.raises(ReviewError, match="is expired"):
        queue.decide(item_id, "approve", by="ann")
    assert [e["action"] for e in queue.events(item_id)] == ["enqueue", "expire"]


def test_migrations_run_once_and_a_reopened_queue_keeps_its_items(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.db'}"
    item_id = enqueue(ReviewQueue(url))
    reopened = ReviewQueue(url)
    assert reopened.get(item_id).status == PENDING
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert db.execute("SELECT version FROM review_schema").fetchall() == [(len(MIGRATIONS),)]


def test_a_database_made_by_an_older_plancoder_gains_the_new_tables_and_keeps_its_items(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.db'}"
    item_id = enqueue(ReviewQueue(url))
    with sqlite3.connect(tmp_path / "q.db") as db:  # as the first release left it: migration 1 only
        db.execute("DROP TABLE service_jobs")
        db.execute("UPDATE review_schema SET version = 1")
    ReviewQueue(url)
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert db.execute("SELECT count(*) FROM service_jobs").fetchone() == (0,)
        assert db.execute("SELECT status FROM review_items WHERE id = ?", (item_id,)).fetchone() == (PENDING,)


def test_a_briefly_unreachable_database_is_retried_then_reported(tmp_path, monkeypatch, caplog):
    queue = ReviewQueue(f"sqlite:///{tmp_path / 'q.db'}")
    real_connect, failures = queue.engine.connect, iter([True, True])
    monkeypatch.setattr(review, "CONNECT_RETRY_DELAYS_S", (0.01, 0.01, 0.01))

    def flaky():
        if next(failures, False):
            raise sa.exc.OperationalError("connect", {}, Exception("connection refused"))
        return real_connect()

    monkeypatch.setattr(queue.engine, "connect", flaky)
    assert queue.list() == []  # two refusals, then the third attempt connects
    failures = iter([True] * 10)
    caplog.clear()
    with pytest.raises(sa.exc.OperationalError):
        queue.list()
    assert caplog.messages == ["review database unreachable (connection refused); retrying for 0.0 s"]  # one line


def test_a_bad_database_url_is_a_clear_error():
    with pytest.raises(ReviewError, match="cannot open the review database"):
        ReviewQueue("nosuchdb://x")


WRITER = """
import sys, itertools
from plancoder.review import ReviewQueue
queue = ReviewQueue(sys.argv[1])
for n in itertools.count():
    item = queue.enqueue("planner", "no valid plan", {"task": "t" * 2000, "n": n}, {"plan": None}, 0.1, diff="d" * 5000)
    if n % 2:
        queue.decide(item, "reject", by="bot", comment="crash test")
    print(n, flush=True)
"""


@pytest.mark.article("III")
def test_killing_the_process_mid_write_loses_nothing_and_leaves_no_half_item(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.db'}"
    ReviewQueue(url)  # migrated before the writer starts
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True)
    reported = -1
    while reported < 40:  # the writer reports each item it wrote; it would die at its end, not before
        line = writer.stdout.readline()
        assert line, "the writer ended before it was killed"
        reported = int(line)
    writer.send_signal(signal.SIGKILL)
    assert writer.wait() == -signal.SIGKILL  # killed mid-write, not finished
    items = ReviewQueue(url).list()
    assert len(items) >= reported + 1  # every enqueue it reported is there (and at most one more)
    for item in items:
        events = [e["action"] for e in ReviewQueue(url).events(item.id)]
        assert item.input["task"] == "t" * 2000 and len(item.diff) == 5000  # no half-written item
        assert events == (["enqueue", "reject"] if item.status == "rejected" else ["enqueue"])
        assert item.status in ("pending", "rejected") and (item.status == "rejected") == (item.decided_by == "bot")
    assert json.loads(json.dumps([i.as_dict() for i in items]))  # every row reads back whole


def cli(*args):
    from typer.testing import CliRunner

    from plancoder import cli as plancoder_cli

    return CliRunner().invoke(plancoder_cli.app, list(args))


@pytest.mark.article("III")
def test_a_failed_fix_waits_for_review_and_ships_only_once_an_edit_passes_the_tests(in_calc_project, tmp_path):
    from buggy_calc import BUGGY, TEST_CMD, WRONG, fix_reply

    from plancoder.scripted import Script

    script = Script([fix_reply(WRONG)] * 3)
    failed = cli("fix", "calc.py", "--test-cmd", TEST_CMD, "--model", script.spec, "--write", "--json")
    assert failed.exit_code == 1 and "queued for review: #1" in failed.stderr
    returned = json.loads(failed.stdout)  # withheld: the proposal is in the queue, not in the answer
    assert returned["status"] == "needs_review" and "a * b" not in failed.stdout
    assert (in_calc_project / "calc.py").read_text() == BUGGY  # nothing was written
    assert "#1     coder    pending" in cli("review", "list").output
    shown = json.loads(cli("review", "show", "1").output)
    assert shown["reason"] == "the fix did not pass the tests" and "a * b" in shown["diff"]
    assert shown["shipped"] is None  # pending
    assert cli("review", "apply", "1").exit_code != 0  # pending: nothing ships
    wrong = tmp_path / "wrong.py"
    wrong.write_text(BUGGY)
    refused = cli("review", "edit", "1", "--file", str(wrong), "--by", "ann")
    assert refused.exit_code != 0 and "the tests fail with this code (" in str(refused.exception)
    assert "\n" not in str(refused.exception) and "failed" in str(refused.exception)  # pytest's summary line
    right = tmp_path / "right.py"
    right.write_text(BUGGY.replace("a - b", "a + b"))
    assert "#1 is edited (by ann)" in cli("review", "edit", "1", "--file", str(right), "--by", "ann").output
    assert json.loads(cli("review", "show", "1").output)["shipped"]["fixed_code"] == right.read_text()
    assert cli("review", "apply", "1").exit_code == 0
    assert (in_calc_project / "calc.py").read_text() == BUGGY.replace("a - b", "a + b")
    (in_calc_project / "calc.py").unlink()  # moved away since: the item names it, it cannot ship
    assert "calc.py of review item 1 cannot be read" in str(cli("review", "apply", "1").exception)


def test_an_invalid_plan_waits_for_review_and_an_edit_must_be_a_valid_plan(in_calc_project, tmp_path):
    from plancoder.scripted import Script, chat_answer

    cyclic = {"steps": [{"id": "a", "title": "A", "depends_on": ["b"]}, {"id": "b", "title": "B", "depends_on": ["a"]}]}
    script = Script([chat_answer(plan=json.dumps(cyclic))] * 3)
    result = cli("plan", "Add a flag", "--model", script.spec, "--json")
    assert result.exit_code == 1 and "queued for review: #1" in result.stderr
    assert json.loads(result.stdout)["plan"] is None  # withheld; the queue has it
    queued = json.loads(cli("review", "show", "1").output)["output"]["plan"]
    assert [step["id"] for step in queued["steps"]] == ["a", "b"]
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(cyclic))
    assert "violations" in str(cli("review", "edit", "1", "--file", str(bad)).exception)
    steps = [
        {"id": f"s{n}", "title": f"Step {n}", "acceptance": "done", "depends_on": [f"s{n - 1}"]} for n in range(1, 14)
    ]
    steps[0]["depends_on"] = []
    for plan, refusal in [
        ({"steps": steps}, "13 steps exceed the cap of 12"),  # [planner] max_steps, not the validator's default
        ({"steps": [{"id": "a", "title": "Edit it", "files": ["../../etc/passwd"]}]}, "Article I"),
        ({"steps": [{"id": "a"}]}, "the edited plan is not a plan: steps.0.title: Field required (fix:"),
        ({"steps": [{"id": "a", "title": "T", "depends-on": []}]}, "key 'depends-on' in steps.0 (fix: use only"),
        ({"steps": [], "goal": "x"}, "the edited plan has an unknown key 'goal'"),
    ]:
        bad.write_text(json.dumps(plan))
        assert refusal in str(cli("review", "edit", "1", "--file", str(bad)).exception)
    bad.write_text(json.dumps({"steps": [{"id": "a", "title": "Add it", "acceptance": "flag parsed"}]}))
    assert "is edited" in cli("review", "edit", "1", "--file", str(bad)).output
    assert json.loads(cli("review", "show", "1").output)["shipped"]["plan"]["steps"][0]["title"] == "Add it"
    assert "#1     planner  edited" in cli("review", "list", "--status", "edited").output
    again = str(cli("review", "edit", "1", "--file", str(bad)).exception)
    assert "is already edited" in again and again.endswith("its plan is in `plancoder review show 1`)")


@pytest.mark.article("VII")
@pytest.mark.parametrize(
    ("done", "score", "review_id", "violates"),
    [(False, 0.3, None, True), (True, 0.5, None, True), (True, 0.95, None, False), (False, 0.3, 7, False)],
)
def test_article_vii_a_low_score_output_never_leaves_without_review(done, score, review_id, violates):
    from plancoder.checks import ReviewOutput
    from plancoder.constitution import load_constitution

    verdict = load_constitution().judge("review", ReviewOutput("coder", done, score, 0.9, review_id))
    assert verdict.hard_failed == violates and (not violates or verdict.articles == ["VII"])


@pytest.mark.article("VII")
def test_the_role_flows_hold_every_output_under_its_threshold(data_home, tmp_path):
    from types import SimpleNamespace

    from plancoder.reviewing import queue_for, review_fix, review_plan
    from plancoder.runtime import build_runtime

    runtime = build_runtime(None, {})
    (tmp_path / "a.py").write_text("x = 1\n")
    report = SimpleNamespace(
        already_passing=False,
        passed=True,
        score=0.81,
        history=[],
        fixed_code="x = 2\n",
        attempts=1,
        diff="d",
        constitution=[],
        trace_id="t",
    )
    assert review_fix(runtime, tmp_path, "a.py", "pytest", "", report) == 1  # passed, but two soft findings
    assert (
        review_fix(runtime, tmp_path, "a.py", "pytest", "", SimpleNamespace(**{**report.__dict__, "score": 1.0}))
        is None
    )
    record = {"valid": True, "score": 0.95, "plan": {"steps": []}, "violations": [], "attempts": 1, "feedback": []}
    record |= {"constitution": [], "trace_id": "t"}
    assert review_plan(runtime, "task", "", record) is None
    assert review_plan(runtime, "task", "", {**record, "valid": False}) == 2
    assert queue_for(runtime).depth() == 2


def test_ci_runs_the_queue_against_postgresql_too():
    assert os.environ.get("CI") != "true" or PG_ENV in os.environ, f".ci/run must start PostgreSQL and set {PG_ENV}"


def _enqueue_in(data_home, role, inputs):
    """An item in the data directory's queue, as ``plancoder fix`` or ``plan`` leaves one; its id."""
    from plancoder.reviewing import queue_for
    from plancoder.runtime import build_runtime

    output = {"passed": False, "plan": None, "valid": False, "violations": [], "attempts": 1, "feedback": []}
    return queue_for(build_runtime(None, {})).enqueue(role, "held", inputs, output, 0.2)


@pytest.mark.parametrize(
    ("plan", "outcome"),
    [
        ([{"id": "s1", "title": "Add the flag", "acceptance": "flag parsed"}], None),  # a bare list is a plan
        (
            [{"id": "s1", "title": "T", "depends-on": []}],
            "error: the edited plan has an unknown key 'depends-on' in steps.0 "
            "(fix: use only id, title, detail, depends_on, acceptance, files in a step)\n",
        ),
        (
            {"steps": [{"id": "s1", "title": "T"}], "goal": "x"},
            "error: the edited plan has an unknown key 'goal' "
            "(fix: use only steps at the top level (or give a bare list of steps))\n",
        ),
    ],
)
def test_a_plan_edit_may_be_a_bare_list_and_an_unknown_key_names_the_keys_allowed_there(
    data_home, tmp_path, run_main, plan, outcome
):
    item_id = _enqueue_in(data_home, "planner", {"task": "Add a --verbose flag", "context": ""})
    edited = tmp_path / "plan.json"
    edited.write_text(json.dumps(plan))
    code, err = run_main("review", "edit", str(item_id), "--file", str(edited), stream="err")
    if outcome is None:
        assert code is None or code == 0, err
        assert json.loads(cli("review", "show", str(item_id)).output)["shipped"]["plan"]["steps"][0]["id"] == "s1"
    else:
        assert (code, err) == (1, outcome)


@pytest.mark.parametrize(
    ("decision", "fix"),
    [
        ("reject", "only pending items can be edited; run `plancoder fix` again for a new review item"),
        ("approve", "only pending items can be edited; ship it with `plancoder review apply 1`"),
    ],
)
def test_editing_a_decided_item_is_refused_before_its_tests_run(
    data_home, calc_project, tmp_path, run_main, decision, fix
):
    from buggy_calc import BUGGY, TEST_CMD

    inputs = {"project": str(calc_project), "file": "calc.py", "test_cmd": TEST_CMD, "task": ""}
    item_id = _enqueue_in(data_home, "coder", inputs)
    assert cli("review", decision, str(item_id), "--by", "bob").exit_code == 0
    still_buggy = tmp_path / "fixed.py"
    still_buggy.write_text(BUGGY)  # its tests would fail: the refusal must come first, whatever the file
    status = review.DECISIONS[decision]
    code, err = run_main("review", "edit", str(item_id), "--file", str(still_buggy), stream="err")
    assert (code, err) == (1, f"error: review item 1 is already {status} (by bob) (fix: {fix})\n")
