"""Flags through OpenFeature's SDK and flagd's file provider (the real evaluation engine, on a temp file)."""

import itertools
import json
import time
from types import SimpleNamespace

import pytest

from plancoder.flags import FlagError, FlagEvaluator, FlagFile, auto_rollback, definition, percent_of

KEYS = [f"request-{i}" for i in range(400)]


@pytest.fixture
def flag_file(tmp_path):
    return FlagFile(tmp_path / "flags.json")


def served(flag_file, role="coder"):
    evaluator = FlagEvaluator(flag_file)
    return {key for key in KEYS if evaluator.decide(role, key).optimized}


def test_both_flags_start_disabled_and_serve_the_baseline(flag_file):
    assert flag_file.percent("coder") == 0 and flag_file.percent("planner") == 0
    decision = FlagEvaluator(flag_file).decide("planner", "k")
    assert not decision.optimized and decision.reason == "DISABLED"


def test_a_rollout_is_sticky_as_the_percentage_grows(flag_file):
    flag_file.rollout("coder", 25, by="ann")
    at_25 = served(flag_file)
    flag_file.rollout("coder", 50, by="ann")
    at_50 = served(flag_file)
    assert 0.15 < len(at_25) / len(KEYS) < 0.35 and 0.4 < len(at_50) / len(KEYS) < 0.6
    assert at_25 <= at_50  # every key that had the optimized program keeps it
    flag_file.rollout("coder", 100, by="ann")
    assert served(flag_file) == set(KEYS)
    assert served(flag_file, "planner") == set()  # the other role's flag is untouched


def test_the_kill_switch_serves_the_baseline_at_once_and_every_change_is_audited(flag_file):
    flag_file.rollout("coder", 100, by="ann")
    evaluator = FlagEvaluator(flag_file)
    assert evaluator.decide("coder", "k").optimized
    flag_file.disable("coder", by="bob", reason="bad scores")
    assert not evaluator.decide("coder", "k").optimized  # the same process sees the change
    audit = flag_file.audit()
    assert [(e["by"], e["old"], e["new"], e["reason"]) for e in audit] == [
        ("ann", "DISABLED 0%", "ENABLED 100%", "rollout"),
        ("bob", "ENABLED 100%", "DISABLED 0%", "bad scores"),
    ]
    assert all(e["flag"] == "OPTIMIZE_CODER" and e["at"] for e in audit)


def test_bad_rollouts_and_broken_flag_files_are_clear_errors(flag_file):
    with pytest.raises(FlagError, match="between 0 and 100"):
        flag_file.rollout("coder", 120)
    with pytest.raises(FlagError, match="no optimization flag for role 'reflection'"):
        flag_file.rollout("reflection", 10)
    flag_file.path.write_text("{not json")
    with pytest.raises(FlagError, match="cannot read flag file"):
        flag_file.percent("coder")
    flag_file.path.write_text(json.dumps({"flags": {"OPTIMIZE_CODER": definition(10)}}))
    with pytest.raises(FlagError, match="no flag OPTIMIZE_PLANNER"):
        flag_file.rollout("coder", 20)


def test_an_unreadable_flag_file_leaves_no_lock_file_beside_it(tmp_path):
    in_the_way = tmp_path / "flags.json"
    in_the_way.mkdir()
    with pytest.raises(FlagError, match="cannot read flag file"):
        FlagFile(in_the_way).rollout("coder", 10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flags.json"]


def test_definitions_round_trip_their_percentage():
    assert [percent_of(definition(p)) for p in (0, 1, 25, 99, 100)] == [0, 1, 25, 99, 100]


def with_weights(on, off):
    flag = definition(50)
    flag["targeting"]["fractional"][1:] = [["on", on], ["off", off]]
    return flag


def test_weights_are_relative_as_flagd_reads_them():
    assert percent_of(with_weights(1, 3)) == 25 and percent_of(with_weights(0, 0)) == 0


@pytest.mark.parametrize("weight", [-50, True, float("inf"), "50", 12.5])
def test_a_hand_edited_weight_flagd_would_misread_is_refused(flag_file, weight):
    both = {"OPTIMIZE_CODER": with_weights(weight, 50), "OPTIMIZE_PLANNER": definition(0)}
    flag_file.path.write_text(json.dumps({"flags": both}))
    with pytest.raises(FlagError, match=r"OPTIMIZE_CODER .* rollout plancoder cannot read .*whole number >= 0"):
        flag_file.percent("coder")


def observation(version, score, when, role="coder"):
    from plancoder.monitor import Observation

    return Observation(when, role, "m", True, score > 0.5, score, 100, 1.0, 0, 0, version)


def rolled_out_to_half(flag_file, min_calls):
    """The coder flag at 50 % (over the test's data_home: a fresh store of calls); the auto-rollback settings."""
    flag_file.rollout("coder", 50, by="ann")
    return SimpleNamespace(auto_rollback_margin=0.1, auto_rollback_window_minutes=60, auto_rollback_min_calls=min_calls)


def test_auto_rollback_turns_the_flag_off_when_the_optimized_score_falls(flag_file, data_home):
    from plancoder import monitor

    cfg = rolled_out_to_half(flag_file, min_calls=3)
    now = time.time()
    for i in range(3):
        monitor.append(observation("baseline", 0.9, now - i))
        monitor.append(observation("v1", 0.85, now - i))
    assert auto_rollback(flag_file, "coder", "v1", cfg, now) is None  # within the margin
    for i in range(3):
        monitor.append(observation("v1", 0.1, now - i))
    entry = auto_rollback(flag_file, "coder", "v1", cfg, now)
    assert entry["by"] == "auto-rollback" and "below the baseline" in entry["reason"]
    assert flag_file.percent("coder") == 0
    assert auto_rollback(flag_file, "coder", "v1", cfg, now) is None  # already off: nothing to do


def test_auto_rollback_judges_the_production_version_only(flag_file, data_home):
    """v1's poor calls still in the window do not pull back v2, which replaced it."""
    from plancoder import monitor

    cfg = rolled_out_to_half(flag_file, min_calls=1)
    now = time.time()
    for i in range(5):
        monitor.append(observation("baseline", 0.8, now - i))
        monitor.append(observation("v1", 0.2, now - i))
    monitor.append(observation("v2", 1.0, now))
    assert auto_rollback(flag_file, "coder", "v2", cfg, now) is None
    assert auto_rollback(flag_file, "coder", "baseline", cfg, now) is None  # the baseline is never rolled back
    assert flag_file.percent("coder") == 50
    assert "v1 mean score 0.200 over 5 calls" in auto_rollback(flag_file, "coder", "v1", cfg, now)["reason"]


def test_the_serving_path_and_the_alert_check_pull_a_failing_rollout_back(data_home):
    from typer.testing import CliRunner

    from plancoder import cli, monitor
    from plancoder.operations import watch_rollout
    from plancoder.programs import flag_file_for, registry_for
    from plancoder.runtime import build_runtime

    runtime = build_runtime(None, {})
    flag_file = flag_file_for(runtime)
    for role in ("planner", "coder"):
        flag_file.rollout(role, 50, by="ann")
        aliases = registry_for(runtime, role).aliases_path
        aliases.parent.mkdir(parents=True)
        aliases.write_text(json.dumps({"production": "v1", "previous": ["baseline"], "history": []}))
    now = time.time()
    for i in range(5):
        for role in ("planner", "coder"):
            monitor.append(observation("baseline", 0.9, now - i, role))
            monitor.append(observation("v1", 0.2, now - i, role))
    watch_rollout(runtime, "planner", "baseline")  # a baseline call checks nothing
    assert flag_file.percent("planner") == 50
    watch_rollout(runtime, "planner", "v1")
    assert flag_file.percent("planner") == 0
    result = CliRunner().invoke(cli.app, ["alerts"])
    assert "rolled back OPTIMIZE_CODER" in result.output and flag_file.percent("coder") == 0


def test_two_processes_changing_the_flags_at_once_lose_nothing(flag_file):
    from test_registry import _in_processes

    def roll(role):
        return lambda: [flag_file.rollout(role, percent, by=role) for percent in range(1, 21)]

    _in_processes(roll("planner"), roll("coder"))
    assert flag_file.percent("planner") == 20 and flag_file.percent("coder") == 20
    for name in ("OPTIMIZE_PLANNER", "OPTIMIZE_CODER"):
        entries = [e for e in flag_file.audit() if e["flag"] == name]
        assert len(entries) == 20 and all(e["old"] == before["new"] for before, e in itertools.pairwise(entries))


@pytest.mark.parametrize(
    "text", ["[]", '{"flags": [1]}', '{"flags": "x"}', '{"flags": {"OPTIMIZE_PLANNER": "on", "OPTIMIZE_CODER": "off"}}']
)
def test_a_flag_file_of_the_wrong_shape_is_a_clear_error(flag_file, text):
    flag_file.path.write_text(text)
    with pytest.raises(FlagError, match="has no flag OPTIMIZE_PLANNER \\(an object\\)"):
        flag_file.percent("coder")


def test_a_torn_audit_line_is_skipped_not_fatal(flag_file, caplog):
    flag_file.rollout("coder", 10, by="ann")
    with open(flag_file.audit_path, "a") as handle:
        handle.write('{"at": "2026-')  # a write cut off by a crash
    flag_file.rollout("coder", 20, by="bob")
    assert [e["by"] for e in flag_file.audit()] == ["ann", "bob"]
    assert "line 2 is not an audit entry" in caplog.text


def test_audit_lines_that_are_not_entries_are_skipped(flag_file, caplog):
    flag_file.rollout("coder", 10, by="ann")
    with open(flag_file.audit_path, "ab") as handle:
        handle.write(b'{"by": "\xff"}\n5\n')  # not UTF-8; JSON but not an entry
    assert [e["by"] for e in flag_file.audit()] == ["ann"]
    assert "line 2 is not an audit entry" in caplog.text and "line 3 is not an audit entry" in caplog.text


def test_an_audit_log_that_cannot_be_read_is_named(flag_file):
    flag_file.audit_path.mkdir(parents=True)
    with pytest.raises(FlagError, match=r"cannot read the flag audit log .*flags_audit\.jsonl"):
        flag_file.audit()


def test_a_bad_by_leaves_no_lock_file_beside_the_flag_file(tmp_path):
    flag_file = FlagFile(tmp_path / "flags.json")
    flag_file.ensure()
    with pytest.raises(FlagError, match="--by is empty"):
        flag_file.rollout("coder", 10, by=" ")  # the HTTP service passes `by` straight to the flag file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flags.json"]
