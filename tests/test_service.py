"""The HTTP service through FastAPI's test client: the real app, a scripted model, a real review queue."""

import json
import threading
import time

import pytest
from fastapi.testclient import TestClient

from plancoder.errors import ConfigError
from plancoder.runtime import build_runtime
from plancoder.scripted import Script, chat_answer
from plancoder.service import ServerFault, check_serviceable, create_app

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD_PLAN = {"steps": [{"id": "s1", "title": "Add the --verbose flag", "acceptance": "the flag is parsed"}]}
ANSWER = threading.Event()
"""Set: the scripted model answers at once; a test clears it to hold a job until it has seen the job queued."""
CYCLIC = {"steps": [{"id": "a", "title": "A", "depends_on": ["b"]}, {"id": "b", "title": "B", "depends_on": ["a"]}]}


def scripted_plan(messages):
    ANSWER.wait(10)
    return chat_answer(plan=json.dumps(CYCLIC if "cycle" in str(messages) else GOOD_PLAN))


@pytest.fixture
def client(data_home):
    ANSWER.set()
    script = Script(scripted_plan)
    runtime = build_runtime(None, {"PLANCODER_MODEL_PLANNER": script.spec, "PLANCODER_TRACKING": "off"})
    return TestClient(create_app(runtime, TOKEN, max_body_bytes=4096), raise_server_exceptions=False)


def finished(client, job_id):
    for _ in range(200):
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_a_plan_request_returns_a_job_whose_result_is_the_plan(client):
    ANSWER.clear()  # the job cannot finish before the answer is sent (it then says 200 with the result)
    response = client.post("/plan", json={"task": "Add a --verbose flag"}, headers=AUTH)
    ANSWER.set()
    assert response.status_code == 202
    job = finished(client, response.json()["job_id"])
    assert job["status"] == "done" and job["result"]["valid"] and job["result"]["review_id"] is None
    assert job["result"]["plan"]["steps"][0]["id"] == "s1"


@pytest.mark.article("VII")
def test_an_invalid_plan_waits_for_review_and_a_reviewer_decides_over_http(client):
    job = finished(client, client.post("/plan", json={"task": "a cycle"}, headers=AUTH).json()["job_id"])
    review_id = job["result"]["review_id"]
    assert job["result"]["valid"] is False and review_id == 1 and job["result"]["status"] == "needs_review"
    assert job["result"]["plan"] is None  # withheld: it is in the queue
    assert client.get(f"/reviews/{review_id}").json()["shipped"] is None
    assert [item["id"] for item in client.get("/reviews", params={"status": "pending"}).json()] == [1]
    decided = client.post(f"/reviews/{review_id}/decision", json={"action": "reject", "by": "ann"}, headers=AUTH)
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    conflict = client.post(f"/reviews/{review_id}/decision", json={"action": "approve", "by": "ann"}, headers=AUTH)
    assert conflict.status_code == 409 and "only pending items" in conflict.json()["fix"]
    item = client.get(f"/reviews/{review_id}").json()
    assert [e["action"] for e in item["events"]] == ["enqueue", "reject"] and item["shipped"] is None


@pytest.mark.article("I")
def test_every_post_needs_the_bearer_token(client):
    assert client.post("/plan", json={"task": "x"}).status_code == 401
    assert client.post("/plan", json={"task": "x"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/flags/coder", json={"percent": 10, "by": "eve"}).status_code == 401
    assert client.post("/reviews/1/decision", json={"action": "approve", "by": "eve"}).status_code == 401


def test_a_service_without_a_token_refuses_every_post(data_home):
    client = TestClient(create_app(build_runtime(None, {}), None))
    refused = client.post("/plan", json={"task": "x"}, headers=AUTH)
    assert refused.status_code == 403 and "no token configured" in refused.json()["error"]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/plan", {"task": ""}, 400, "the task is empty"),
        ("/plan", {"task": "x", "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
        ("/plan", {"task": "x" * 5000}, 413, "the body is over 4,096 bytes"),
        ("/plan", {"task": "   "}, 400, "the task is empty"),
        ("/flags/coder", {"percent": 150, "by": "ann"}, 422, "percent: Input should be less than or equal to 100"),
        ("/flags/coder", {"percent": True, "by": "ann"}, 422, "percent: Input should be a valid integer"),
        ("/flags/coder", {"percent": "5", "by": "ann"}, 422, "percent: Input should be a valid integer"),
        ("/flags/coder", {"percent": 5, "by": " "}, 400, "--by is empty"),
        ("/flags/tester", {"percent": 5, "by": "ann"}, 400, "no optimization flag for role 'tester'"),
        ("/reviews/42/decision", {"action": "approve", "by": "ann"}, 404, "there is no review item 42"),
        ("/reviews/42/decision", {"action": "approve", "by": "ann\nforged"}, 400, "is not a name"),
        ("/flags/coder", {"percent": 5, "by": "a" * 101}, 422, "by: String should have at most 100 characters"),
        ("/fix", {"project": "/nonexistent", "file": "a.py", "test_cmd": "pytest"}, 400, "is not a directory"),
        ("/fix", {"project": "/tmp", "file": "a\u0000.py", "test_cmd": "pytest"}, 400, "contains a NUL byte"),
        ("/reviews/99999999999999999999/decision", {"action": "approve", "by": "ann"}, 422, "less than or equal"),
    ],
)
def test_bad_requests_get_a_4xx_that_says_what_is_wrong(client, path, body, status, message):
    response = client.post(path, json=body, headers=AUTH)
    assert response.status_code == status and message in response.json()["error"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("file", "test_cmd", "message"),
    [
        ("calc.py", "   ", "the test command is empty"),
        ("calc.py", "", "the test command is empty"),
        ("calc.py", "no-such-program-here -q", "'no-such-program-here' is not found"),
        ("calc.py", "python -m pytest 'unclosed", "cannot be split"),
        ("x" * 300 + ".py", "python -m pytest", "cannot use the path"),
    ],
)
def test_a_fix_request_that_the_cli_would_refuse_is_a_400_not_a_failed_job(
    client, calc_project, file, test_cmd, message
):
    body = {"project": str(calc_project), "file": file, "test_cmd": test_cmd}
    response = client.post("/fix", params={"wait": 10}, json=body, headers=AUTH)  # was: 200, a failed job
    assert response.status_code == 400 and message in response.json()["error"] and "job_id" not in response.json()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message", "fix"),
    [
        ("POST", "/plan", b'{"task": "\xff"}', 400, "not UTF-8 or nested too deeply", "UTF-8 JSON"),
        ("POST", "/plan", b"[" * 2000 + b"]" * 2000, 400, "not UTF-8 or nested too deeply", "UTF-8 JSON"),
        ("GET", "/nowhere", None, 404, "there is no endpoint /nowhere", "POST /plan"),
        ("GET", "/fix", None, 405, "GET is not allowed on /fix", "use POST"),
        ("DELETE", "/flags", None, 405, "DELETE is not allowed on /flags", "use GET"),
    ],
)
def test_every_error_body_says_what_is_wrong_and_the_fix(client, method, path, body, status, message, fix):
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status and set(response.json()) == {"error", "fix"}
    assert message in response.json()["error"] and fix in response.json()["fix"]


def test_a_wrong_method_keeps_its_allow_header(client):
    response = client.head("/healthz")
    assert response.status_code == 405 and response.headers["allow"] == "GET"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", None])
def test_a_body_not_sent_as_json_is_told_to_send_json(client, content_type):
    headers = AUTH | ({"Content-Type": content_type} if content_type else {})
    response = client.post("/plan", content=b'{"task": "x"}', headers=headers)
    assert response.status_code == 415 and "not as JSON" in response.json()["error"]
    assert response.json()["fix"] == "send a JSON body with Content-Type: application/json"


def server_with(config, tmp_path):
    path = tmp_path / "plancoder.toml"
    path.write_text(config)
    runtime = build_runtime(path, {"PLANCODER_TRACKING": "off"})
    return runtime, TestClient(create_app(runtime, TOKEN), raise_server_exceptions=False)


def test_a_review_url_that_does_not_open_is_the_servers_fault(data_home, tmp_path):
    runtime, client = server_with('[review]\nurl = "notaurl"\n', tmp_path)
    for response in [client.get(path) for path in ("/", "/reviews", "/reviews/1", "/jobs/x")] + [
        client.post("/plan", json={"task": "x"}, headers=AUTH)
    ]:
        assert response.status_code == 503 and response.json()["fix"] == "check [review] url"
    with pytest.raises(ServerFault, match="cannot open the review database notaurl"):
        check_serviceable(runtime)


def test_a_flag_file_that_cannot_be_read_is_the_servers_fault(data_home, tmp_path):
    runtime, client = server_with("[flags]\npath = " + json.dumps(str(tmp_path / "flags.json")) + "\n", tmp_path)
    check_serviceable(runtime)
    (tmp_path / "flags.json").write_text("{garbage")
    rollout = client.post("/flags/coder", json={"percent": 5, "by": "ann"}, headers=AUTH)
    for response in (client.get("/"), client.get("/flags"), rollout):
        assert response.status_code == 503 and "cannot read flag file" in response.json()["error"]
    assert client.post("/flags/tester", json={"percent": 5, "by": "ann"}, headers=AUTH).status_code == 400
    with pytest.raises(ServerFault, match="cannot read flag file"):
        check_serviceable(runtime)


def test_malformed_json_and_unknown_jobs_are_clear_errors(client):
    response = client.post("/plan", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 422 and "invalid request" in response.json()["error"]
    assert client.get("/jobs/nope").status_code == 404


def test_a_chunked_body_cannot_pass_the_size_limit(client):
    chunks = iter([b'{"task": "', b"x" * 5000, b'"}'])
    response = client.post("/plan", content=chunks, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 411 and "Content-Length" in response.json()["error"]


def test_unknown_review_filters_and_ids_are_4xx(client):
    assert client.get("/reviews", params={"status": "bogus"}).status_code == 400
    assert "use one of: planner, coder" in client.get("/reviews", params={"role": "writer"}).json()["fix"]
    assert client.get("/reviews/99999999999999999999").status_code == 422


def test_flags_metrics_and_health_are_served(client):
    assert client.get("/healthz").json()["ok"] is True
    rolled = client.post("/flags/coder", json={"percent": 30, "by": "ann"}, headers=AUTH).json()
    assert rolled["new"] == "ENABLED 30%"
    assert client.get("/flags").json()["percent"] == {"planner": 0, "coder": 30}
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert "plancoder_review_queue_depth 0.0" in metrics.text  # read from the queue's database at each scrape


def test_the_dashboard_shows_each_role_the_queue_and_the_alerts(client):
    finished(client, client.post("/plan", json={"task": "a cycle"}, headers=AUTH).json()["job_id"])
    page = client.get("/").text
    assert "<h2>planner</h2>" in page and "<h2>coder</h2>" in page and "production version" in page
    assert "review queue: 1 pending" in page and "active alerts" in page and "<svg" in page
    assert "<script" not in page


def test_an_unreachable_review_database_is_a_503_not_a_trace(data_home, tmp_path):
    pytest.importorskip("psycopg")  # the `postgres` extra, which `make install` includes
    config = tmp_path / "plancoder.toml"
    config.write_text('[review]\nurl = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"\n')
    client = TestClient(create_app(build_runtime(config, {}), TOKEN), raise_server_exceptions=False)
    response = client.get("/reviews")
    assert response.status_code == 503 and response.json()["error"] == "the review database is busy or unreachable"
    assert client.get("/healthz").status_code == 200  # the rest of the service keeps answering
    assert client.get("/metrics").status_code == 200  # without the queue depth it cannot read
    assert client.post("/plan", json={"task": "x"}, headers=AUTH).status_code == 503  # no job it cannot record


def test_wait_returns_the_finished_job_in_one_round_trip(client):
    response = client.post("/plan", params={"wait": 10}, json={"task": "Add a --verbose flag"}, headers=AUTH)
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["result"]["plan"]["steps"][0]["id"] == "s1"
    assert client.post("/plan", params={"wait": 31}, json={"task": "x"}, headers=AUTH).status_code == 422


def test_jobs_outlive_the_process_and_unfinished_ones_are_marked_interrupted(client, tmp_path):
    from plancoder.jobs import RUNNING
    from plancoder.review import jobs, now
    from plancoder.reviewing import queue_for

    done = finished(client, client.post("/plan", json={"task": "Add a --verbose flag"}, headers=AUTH).json()["job_id"])
    runtime = client.app.state.runtime
    with queue_for(runtime).transaction() as db:  # a job the previous process was running when it died
        db.execute(jobs.insert().values(id="lost", kind="fix", status=RUNNING, created_at=now()))
    restarted = TestClient(create_app(runtime, TOKEN), raise_server_exceptions=False)
    assert restarted.get(f"/jobs/{done['id']}").json()["result"] == done["result"]
    lost = restarted.get("/jobs/lost").json()
    assert lost["status"] == "interrupted" and "submit it again" in lost["error"]


def all_at_once(parties: int, answer):
    """A scripted answer whose first call in each thread waits until ``parties`` threads are in one: run
    one at a time, the barrier breaks after 10 s and the calls fail."""
    arrived, lock, barrier = set(), threading.Lock(), threading.Barrier(parties, timeout=10)

    def first_waits(messages):
        with lock:
            first = threading.get_ident() not in arrived
            arrived.add(threading.get_ident())
        if first:
            barrier.wait()
        return answer(messages)

    return first_waits


def test_more_job_workers_serve_plans_side_by_side(data_home, tmp_path):
    config = tmp_path / "plancoder.toml"
    config.write_text("[service]\njob_workers = 3\n")
    script = Script(all_at_once(3, lambda messages: chat_answer(plan=json.dumps(GOOD_PLAN))))
    runtime = build_runtime(config, {"PLANCODER_MODEL_PLANNER": script.spec, "PLANCODER_TRACKING": "off"})
    client = TestClient(create_app(runtime, TOKEN), raise_server_exceptions=False)
    ids = [client.post("/plan", json={"task": f"task {i}"}, headers=AUTH).json()["job_id"] for i in range(3)]
    assert [finished(client, job_id)["status"] for job_id in ids] == ["done"] * 3
    config.write_text("[service]\njob_workers = 0\n")
    with pytest.raises(ConfigError, match="job_workers"):
        build_runtime(config, {})
