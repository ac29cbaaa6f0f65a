import json
import logging
import socket
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml
from buggy_calc import GOOD, TEST_CMD, fix_reply
from prometheus_client.parser import text_string_to_metric_families
from test_planning import PLAN_REPLY
from typer.testing import CliRunner

from plancoder import alerts, cli, monitor
from plancoder.alerts import Rule, baseline_values, evaluate_rule, load_baselines, load_rules, window_seconds
from plancoder.errors import ConfigError, InputError
from plancoder.monitor import Observation
from plancoder.scripted import Script

runner = CliRunner()
NOW = 1_000_000.0
BASELINE = {
    "coder": {
        "totals": {
            "tasks": 10,
            "latency_s": {"mean": 8.0, "p95": 10.0},
            "tokens_per_task": {"mean": 1000},
            "score": {"mean": 0.8},
        }
    }
}
BASELINES = baseline_values(BASELINE)


@pytest.fixture(autouse=True)
def _fresh_store_and_metrics(data_home):
    """A fresh data directory (so a fresh store) and fresh metrics for every test."""
    monitor.metrics.cache_clear()
    yield
    monitor.metrics.cache_clear()


def call(minute, role="coder", ok=True, passed=True, score=0.9, tokens=1000, latency=10.0):
    return Observation(NOW + 60 * minute, role, "scripted/x", ok, passed, score, tokens, latency, 0, 0)


def rule(**fields):
    return Rule(**{"name": "r", "role": "coder", "window": "30m", "min_calls": 3} | fields)


def sample(name, **labels):
    return monitor.metrics().registry.get_sample_value(name, labels)


def test_a_fix_records_one_observation_and_counts_it(in_calc_project, data_home):
    script = Script([fix_reply(GOOD)])
    result = runner.invoke(cli.app, ["fix", "calc.py", "--test-cmd", TEST_CMD, "--model", script.spec])
    assert result.exit_code == 0, result.output
    [seen] = monitor.load_observations(0)
    assert (seen.role, seen.model, seen.ok, seen.passed, seen.score, seen.version) == (
        "coder",
        script.spec,
        True,
        True,
        1.0,
        "baseline",
    )
    assert seen.tokens > 0 and seen.latency_s > 0 and (seen.hard_findings, seen.soft_findings) == (0, 0)
    assert sample("plancoder_calls_total", role="coder", outcome="passed") == 1
    assert sample("plancoder_tokens_total", role="coder") == seen.tokens
    assert monitor.store_path() == data_home / "monitor" / "observations.db"
    with monitor.connect() as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_plan_records_its_validity_and_constitution_findings():
    result = runner.invoke(cli.app, ["plan", "Add a flag to `cli.py`", "--model", Script([PLAN_REPLY] * 3).spec])
    assert result.exit_code == 0, result.output
    [seen] = monitor.load_observations(0)
    assert (seen.role, seen.ok, seen.passed, seen.hard_findings) == ("planner", True, True, 0)
    assert seen.soft_findings >= 1 and seen.score == round(0.9**seen.soft_findings, 4)
    assert sample("plancoder_constitution_violations_total", role="planner", enforcement="soft") == seen.soft_findings


def test_a_call_whose_every_model_fails_is_recorded_as_an_error(tmp_path):
    down = Script([RuntimeError("the server is down")])
    no_fallback = tmp_path / "plancoder.toml"  # the built-in defaults would fall back to the embedded 0.5B
    no_fallback.write_text("[models.fallbacks]\nplanner = []\n")
    result = runner.invoke(cli.app, ["plan", "Add a flag", "--model", down.spec, "--config", str(no_fallback)])
    assert result.exit_code != 0
    [seen] = monitor.load_observations(0)
    assert (seen.role, seen.ok, seen.passed, seen.tokens) == ("planner", False, False, 0)
    assert sample("plancoder_calls_total", role="planner", outcome="error") == 1


def test_the_user_s_input_error_is_not_recorded_as_the_role_s_failure():
    with pytest.raises(InputError), monitor.failures_observed("coder"):
        raise InputError("the tests time out before any change", "give a faster test command")
    assert monitor.load_observations(0) == []


def test_a_failure_to_record_warns_and_never_raises(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("PLANCODER_HOME", str(blocker))
    with pytest.warns(UserWarning, match="monitoring the coder call failed"):
        monitor.observe("coder", {"passed": True, "tokens": {"total_tokens": 5}, "latency_s": 1.0})


def test_the_open_connection_follows_the_store_when_it_is_replaced_or_moved(tmp_path, monkeypatch):
    monitor.append(call(0))
    with monitor.connect() as first, monitor.connect() as again:
        assert first is again  # one connection per thread and file, not one per call
    for suffix in ("", "-wal", "-shm"):
        (monitor.store_path().parent / f"observations.db{suffix}").unlink(missing_ok=True)
    monitor.append(call(1))
    assert [o.time for o in monitor.load_observations(0)] == [NOW + 60]
    monkeypatch.setenv("PLANCODER_HOME", str(tmp_path / "elsewhere"))
    monitor.append(call(2))
    assert [o.time for o in monitor.load_observations(0)] == [NOW + 120]
    seen = []
    reader = threading.Thread(target=lambda: seen.extend(monitor.load_observations(0)))
    reader.start()
    reader.join()
    assert [o.time for o in seen] == [NOW + 120]  # another thread opens its own


def exposed():
    """The metrics exposition parsed: {(sample name, sorted labels): value}."""
    families = text_string_to_metric_families(monitor.metrics_text().decode())
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for family in families for s in family.samples}


def test_metrics_exposition_after_observations():
    monitor.observe("coder", {"passed": True, "score": 0.5, "tokens": {"total_tokens": 40}, "latency_s": 3.0})
    monitor.observe("coder", {"passed": False, "tokens": {"total_tokens": 2}, "latency_s": 700.0}, ok=False)
    findings = [{"hard": True}, {"hard": False}, {"hard": False}]
    monitor.observe("planner", {"valid": False, "latency_s": 0.05, "constitution": findings})
    samples, coder, planner = exposed(), (("role", "coder"),), (("role", "planner"),)
    assert samples[("plancoder_calls_total", (("outcome", "passed"), *coder))] == 1
    assert samples[("plancoder_calls_total", (("outcome", "error"), *coder))] == 1
    assert samples[("plancoder_calls_total", (("outcome", "failed"), *planner))] == 1
    assert samples[("plancoder_tokens_total", coder)] == 42
    assert samples[("plancoder_latency_seconds_bucket", (("le", "5.0"), *coder))] == 1
    assert samples[("plancoder_latency_seconds_bucket", (("le", "600.0"), *coder))] == 1
    assert samples[("plancoder_latency_seconds_bucket", (("le", "0.1"), *planner))] == 1
    assert samples[("plancoder_latency_seconds_count", coder)] == 2
    assert samples[("plancoder_score", coder)] == 0.5 and ("plancoder_score", planner) not in samples
    assert samples[("plancoder_constitution_violations_total", (("enforcement", "hard"), *planner))] == 1
    assert samples[("plancoder_constitution_violations_total", (("enforcement", "soft"), *planner))] == 2
    assert not [name for name, _ in samples if "queue" in name or "budget" in name]
    assert len(monitor.load_observations(0)) == 3


def test_queue_and_budget_gauges_are_exposed_once_set():
    assert monitor.queue_depth() is None
    monitor.set_queue_depth(7)
    monitor.set_budget_headroom("coder", "tokens", 1200)
    samples = exposed()
    assert monitor.queue_depth() == 7 and samples[("plancoder_review_queue_depth", ())] == 7
    assert samples[("plancoder_budget_headroom", (("kind", "tokens"), ("role", "coder")))] == 1200


@pytest.mark.parametrize(
    ("fields", "bad", "good"),
    [
        ({"kind": "error_rate", "threshold": 0.2}, {"ok": False}, {}),
        ({"kind": "latency_p95_vs_baseline"}, {"latency": 20.0}, {"latency": 9.0}),  # limit 10 × 1.2
        ({"kind": "tokens_vs_baseline"}, {"tokens": 2000}, {"tokens": 1100}),  # limit 1000 × 1.25
        ({"kind": "score_drop", "threshold": 0.1}, {"score": 0.3}, {"score": 0.9}),  # limit 0.8 - 0.1
    ],
)
def test_each_kind_fires_on_a_bad_series_and_clears(fields, bad, good):
    series = [call(m, **bad) for m in range(5)] + [call(60 + m, **good) for m in range(5)]
    checked = rule(**fields)
    firing = evaluate_rule(checked, series, BASELINES, NOW + 300)
    assert firing.firing and firing.calls == 5
    assert evaluate_rule(checked, series, BASELINES, NOW + 60 * 65).state == "ok"  # recovered
    assert evaluate_rule(checked, series, BASELINES, NOW + 60 * 40).state == "too few calls"  # window moved past


def test_thresholds_and_limits():
    assert rule(kind="latency_p95_vs_baseline").threshold == 0.20 and rule(kind="tokens_vs_baseline").threshold == 0.25
    series = [call(m, latency=11.0) for m in range(5)]
    assert evaluate_rule(rule(kind="latency_p95_vs_baseline"), series, BASELINES, NOW + 300).threshold == 12.0
    assert evaluate_rule(rule(kind="score_drop", threshold=0.1), series, BASELINES, NOW + 300).threshold == 0.7


def test_min_calls_and_role_filtering():
    checked = rule(kind="error_rate", threshold=0.2, min_calls=5)
    series = [call(m, ok=False) for m in range(4)] + [call(4, role="planner", ok=False)]
    assert evaluate_rule(checked, series, BASELINES, NOW + 300).state == "too few calls"
    assert evaluate_rule(checked.model_copy(update={"role": "any"}), series, BASELINES, NOW + 300).firing
    unscored = [call(m, score=None) for m in range(5)]
    assert (
        evaluate_rule(rule(kind="score_drop", threshold=0.1), unscored, BASELINES, NOW + 300).state == "too few calls"
    )


def test_queue_growth_reads_the_queue_depth():
    checked = rule(kind="queue_growth", threshold=5, role="any")
    assert evaluate_rule(checked, [], {}, NOW).state == "inactive"
    assert evaluate_rule(checked, [], {}, NOW, queue_depth=9).firing
    assert evaluate_rule(checked, [], {}, NOW, queue_depth=3).state == "ok"


def test_a_missing_baseline_is_reported_not_fired(tmp_path):
    series = [call(m, latency=100.0) for m in range(5)]
    alert = evaluate_rule(rule(role="planner", kind="latency_p95_vs_baseline"), series, BASELINES, NOW + 300)
    assert alert.state == "no baseline" and not alert.firing and "latency_s.p95" in alert.message
    assert load_baselines(tmp_path / "missing.json") == {}
    assert baseline_values({"coder": {"totals": {"tasks": 0, "score": {"mean": 0.0}}}}) == {"coder": {}, "planner": {}}
    odd = {"tasks": 3, "score": {"mean": -5}, "latency_s": {"p95": float("inf")}, "tokens_per_task": {"mean": True}}
    assert baseline_values({"coder": {"totals": odd}}) == {"coder": {}, "planner": {}}  # none is a baseline
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ConfigError, match="cannot read the baseline"):
        load_baselines(tmp_path / "broken.json")


@pytest.mark.parametrize(("window", "seconds"), [("45s", 45), ("30m", 1800), ("2h", 7200), ("1d", 86400)])
def test_windows(window, seconds):
    assert window_seconds(window) == seconds


@pytest.mark.parametrize("window", ["0m", "30", "m", "1w", "-5m", "1.5h", " 30m"])
def test_bad_windows(window):
    with pytest.raises(ValueError, match="not a positive duration"):
        window_seconds(window)


def test_the_packaged_rules_load():
    rules = load_rules()
    assert len(rules) == 8 and {r.kind for r in rules} == set(alerts.MEASURES)


RULE = "- {name: slow, role: coder, kind: error_rate, threshold: 0.1"
KEYS = "name, role, kind, window, min_calls, threshold, severity"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RULE + ", colour: red}", "rule 'slow': unknown key 'colour'"),
        (RULE + ", min_calls: -1}", "rule 'slow': [min_calls] = -1"),
        (RULE.replace("0.1", "-0.1") + "}", "rule 'slow': [threshold] = -0.1"),
        (RULE + ", window: 5x}", "rule 'slow': [window] window '5x' is not a positive duration"),
        (RULE.replace("error_rate", "p99") + "}", "rule 'slow': [kind] = 'p99'"),
        (RULE.replace("coder", "tester") + "}", "rule 'slow': [role] = 'tester'"),
        ("- {name: slow, role: coder, kind: error_rate}", "rule 'slow': [threshold] kind error_rate needs a threshold"),
        (
            RULE.replace("0.1", "5") + "}",
            "rule 'slow': [threshold] kind error_rate compares a share or a score: at most 1",
        ),
        ("- {name: s, role: any, kind: score_drop, threshold: 1}", "rule 's': [kind] score_drop compares with one"),
        (RULE + "}\n" + RULE + "}", "rule 'slow' is defined twice"),
        ("- just text", "rule #1 is not a mapping"),
        ("name: slow", "the alert rules are not a YAML list"),
        ("- {name: [", "is not valid YAML"),
        (RULE.replace("0.1", "true") + "}", "rule 'slow': [threshold] = True"),
        (RULE.replace("0.1", ".nan") + "}", "rule 'slow': [threshold] = nan"),
        (RULE + ", role: planner}", "key 'role' appears twice"),
        ("- {name: slow, kind: error_rate, threshold: 0.1}", "(fix: add that key: every rule needs name, role, kind"),
        (RULE + ", colour: red}", f"(fix: remove that key: a rule has only {KEYS})"),
        (RULE + ", min_calls: -1}", "(fix: correct that value)"),
    ],
)
def test_bad_rules_files(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.fixture
def hook():
    """A webhook on 127.0.0.1 that keeps the JSON bodies it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_transitions_are_logged_and_posted_once(hook, caplog):
    url, received = hook
    checked = [rule(name="errors", kind="error_rate", threshold=0.2)]
    for observation in [call(m, ok=False) for m in range(5)] + [call(60 + m) for m in range(5)]:
        monitor.append(observation)
    caplog.set_level(logging.INFO, logger="plancoder.monitor")
    [first] = alerts.check_alerts(checked, BASELINES, url, now=NOW + 300)
    [again] = alerts.check_alerts(checked, BASELINES, url, now=NOW + 310)
    assert first.firing and again.firing and again.since == NOW + 300
    [cleared] = alerts.check_alerts(checked, BASELINES, url, now=NOW + 60 * 65)
    assert cleared.state == "ok"
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["alert errors fired", "alert errors resolved"]
    assert [(body["event"], body["name"], body["state"]) for body in received] == [
        ("fired", "errors", "firing"),
        ("resolved", "errors", "ok"),
    ]
    with monitor.connect() as db:
        assert db.execute("SELECT name, state, since FROM alerts").fetchall() == [("errors", "resolved", NOW + 3900)]
    assert received[0]["value"] == 1.0 and received[0]["threshold"] == 0.2 and received[0]["role"] == "coder"


def test_a_dead_webhook_is_a_warning_and_a_bad_url_an_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for observation in [call(m, ok=False) for m in range(5)]:
        monitor.append(observation)
    checked = [rule(kind="error_rate", threshold=0.2)]
    with pytest.warns(UserWarning, match="alert webhook .* failed"):
        [alert] = alerts.check_alerts(checked, BASELINES, f"http://127.0.0.1:{port}/", now=NOW + 300)
    assert alert.firing
    with pytest.raises(ConfigError, match="not an http"):
        alerts.check_alerts(checked, BASELINES, "file:///etc/passwd", now=NOW + 300)
    with pytest.raises(ConfigError, match=r"alert webhook 'http://\[::1' is not an http"):
        alerts.check_alerts(checked, BASELINES, "http://[::1", now=NOW + 300)


def test_prometheus_export_parses_with_one_rule_per_rule():
    rules = [
        rule(name="errors", kind="error_rate", threshold=0.1),
        rule(name="slow", kind="latency_p95_vs_baseline"),
        rule(name="tokens", kind="tokens_vs_baseline", window="2h"),
        rule(name="score", kind="score_drop", threshold=0.1, window="1d"),
        rule(name="queue", role="any", kind="queue_growth", threshold=50),
    ]
    exported = yaml.safe_load(alerts.prometheus_rules(rules, BASELINES))
    [group] = exported["groups"]
    by_name = {r["alert"]: r for r in group["rules"]}
    assert group["name"] == "plancoder" and list(by_name) == [r.name for r in rules]
    enough = ' and sum(increase(plancoder_calls_total{role="coder"}[30m])) >= 3'
    assert by_name["errors"]["expr"] == (
        'sum(rate(plancoder_calls_total{role="coder",outcome="error"}[30m])) '
        '/ sum(rate(plancoder_calls_total{role="coder"}[30m])) > 0.1' + enough
    )
    assert by_name["slow"]["expr"] == (
        'histogram_quantile(0.95, sum by (le) (rate(plancoder_latency_seconds_bucket{role="coder"}[30m]))) > 12'
        + enough
    )
    assert "> 1250 and" in by_name["tokens"]["expr"] and "< 0.7 and" in by_name["score"]["expr"]
    assert by_name["queue"]["expr"] == "plancoder_review_queue_depth > 50"
    assert by_name["slow"]["labels"] == {"severity": "warning"} and by_name["slow"]["annotations"]["summary"]
    planner_only = alerts.prometheus_rules([rule(name="p", role="planner", kind="tokens_vs_baseline")], BASELINES)
    assert (
        planner_only.startswith("# left out, no baseline: p\n")
        and yaml.safe_load(planner_only)["groups"][0]["rules"] == []
    )


def write_inputs(folder):
    rules = folder / "rules.yaml"
    rules.write_text("- {name: coder_errors, role: coder, kind: error_rate, threshold: 0.2, severity: critical}\n")
    baseline = folder / "baseline.json"
    baseline.write_text(json.dumps(BASELINE))
    return ["--rules", str(rules), "--baseline", str(baseline)]


def test_cli_alerts_text_and_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no eval/baseline.json here: the default baseline may be missing
    result = runner.invoke(cli.app, ["alerts"])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "no active alerts\n" and "note: coder_latency_p95: no latency_s.p95 baseline" in result.stderr
    )
    for observation in [call(m, ok=False) for m in range(5)]:
        monitor.append(replace(observation, time=time.time() - 60))
    args = write_inputs(tmp_path)
    result = runner.invoke(cli.app, ["alerts", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("critical coder_errors (coder): 1 vs threshold 0.2 since 20")
    [alert] = json.loads(runner.invoke(cli.app, ["alerts", "--json", *args]).stdout)
    assert (alert["name"], alert["state"], alert["calls"]) == ("coder_errors", "firing", 5)


def test_cli_alerts_judge_the_queue_in_the_database_not_this_process(tmp_path, monkeypatch):
    """A review queue filled by other processes (the service, earlier commands) still trips queue_growth."""
    import os

    from plancoder.reviewing import queue_for
    from plancoder.runtime import build_runtime

    queue = queue_for(build_runtime(None, dict(os.environ)))
    for n in range(3):
        queue.enqueue("coder", "the fix did not pass the tests", {"n": n}, {"passed": False}, 0.2)
    monitor.metrics.cache_clear()  # as in a fresh `plancoder alerts` process
    rules = tmp_path / "queue.yaml"
    rules.write_text("- {name: queue, role: any, kind: queue_growth, threshold: 2, severity: warning}\n")
    monkeypatch.chdir(tmp_path)  # no eval/baseline.json
    result = runner.invoke(cli.app, ["alerts", "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("warning  queue (any): 3 vs threshold 2")


def test_cli_alerts_prometheus(tmp_path):
    result = runner.invoke(cli.app, ["alerts", "--prometheus", *write_inputs(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [r["alert"] for r in yaml.safe_load(result.stdout)["groups"][0]["rules"]] == ["coder_errors"]


def test_cli_alerts_bad_rules_file_is_one_line_and_exit_1(tmp_path, run_main):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULE + ", colour: red}")
    code, err = run_main("alerts", "--rules", str(rules))
    assert code == 1
    assert err == f"error: {rules}: rule 'slow': unknown key 'colour' (fix: remove that key: a rule has only {KEYS})\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist (fix: give an existing file, such as the eval/baseline.json"),
        ("{", "cannot read the baseline"),
        ("[" * 100_000, "it is nested too deeply"),
        ("[1, 2]", "is not an evaluation's baseline: it is not a JSON object"),
        ("{}", "is not an evaluation's baseline: it has no coder or planner section"),
        ('{"coder": 5}', "is not an evaluation's baseline: its coder section has no totals"),
    ],
)
def test_a_baseline_named_with_baseline_must_be_one(tmp_path, run_main, content, problem):
    named = tmp_path / "nope.json"
    if content is not None:
        named.write_text(content)
    code, err = run_main("alerts", "--baseline", str(named))
    assert code == 1 and err.startswith("error: ") and problem in err and err.count("\n") == 1


def test_a_good_named_baseline_and_a_missing_default_one_are_used(tmp_path, run_main, monkeypatch):
    monkeypatch.chdir(tmp_path)  # eval/baseline.json does not exist: rules that need it are noted, not an error
    assert run_main("alerts", stream="out") == (0, "no active alerts\n")
    assert run_main("alerts", *write_inputs(tmp_path), stream="out") == (0, "no active alerts\n")
    code, err = run_main("alerts", "--baseline", "eval/baseline.json")  # named, though it is the default path
    assert code == 1 and "the baseline eval/baseline.json does not exist" in err


def test_showing_the_alerts_does_not_use_up_their_notification(monkeypatch):
    """The dashboard shows current_alerts; the webhook still hears of the change from the next check."""
    sent = []
    monkeypatch.setattr(alerts, "notify", lambda transition, webhook: sent.append(transition.event))
    rules = [rule(kind="queue_growth", threshold=0, role="any")]
    monitor.set_queue_depth(3)
    assert [a.firing for a in alerts.current_alerts(rules, {})] == [True]
    alerts.check_alerts(rules, {})
    assert sent == ["fired"]
