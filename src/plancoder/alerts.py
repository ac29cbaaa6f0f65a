"""Alert rules over the recorded role calls: load and check them, evaluate them, keep their state, notify.

A rules file is a YAML list of rules (the packaged ``alert_rules.yaml`` unless ``--rules FILE``). Rules
that compare with a baseline read the ``baseline.json`` of ``plancoder eval --baseline``.
``evaluate_rules`` is pure; ``check_alerts`` adds the store of ``plancoder.monitor``, where each rule's
state is kept so that a transition (fired, resolved) is logged, and posted to the webhook, once.
``prometheus_rules`` renders the same rules as Prometheus alerting rules over the monitor's metrics.
"""

import json
import logging
import math
import re
import sqlite3
import statistics
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from plancoder import monitor
from plancoder.config import describe_error, key_fix
from plancoder.errors import ConfigError
from plancoder.json_files import read_json, reason
from plancoder.monitor import Observation
from plancoder.stats import mean_interval
from plancoder.yaml_files import read_yaml

logger = logging.getLogger("plancoder.monitor")
WEBHOOK_TIMEOUT_S = 5
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
FIRING, OK, RESOLVED = "firing", "ok", "resolved"  # the alerts table keeps firing or resolved
TOO_FEW_CALLS, NO_BASELINE, INACTIVE = "too few calls", "no baseline", "inactive"
Baselines = Mapping[str, Mapping[str, float]]  # role -> {"latency_s.p95": value, ...}


def window_seconds(window: str) -> int:
    """A window such as ``45s``, ``30m``, ``2h`` or ``1d`` in seconds."""
    match = re.fullmatch(r"(\d+)([smhd])", window)
    if match is None or int(match[1]) == 0:
        raise ValueError(f"window '{window}' is not a positive duration such as 30m, 2h or 1d")
    return int(match[1]) * UNIT_SECONDS[match[2]]


def _select(metric: str, labels: Mapping[str, str], window: str) -> str:
    """A PromQL range selector: ``metric{role="coder"}[30m]``."""
    matchers = ",".join(f'{key}="{value}"' for key, value in labels.items())
    return f"{metric}{{{matchers}}}[{window}]" if matchers else f"{metric}[{window}]"


def _calls_rate(labels: Mapping[str, str], window: str) -> str:
    return f"sum(rate({_select('plancoder_calls_total', labels, window)}))"


def _error_rate_promql(labels: Mapping[str, str], window: str) -> str:
    errors = _select("plancoder_calls_total", {**labels, "outcome": "error"}, window)
    return f"sum(rate({errors})) / {_calls_rate(labels, window)}"


def _latency_promql(labels: Mapping[str, str], window: str) -> str:
    buckets = _select("plancoder_latency_seconds_bucket", labels, window)
    return f"histogram_quantile(0.95, sum by (le) (rate({buckets})))"


def _tokens_promql(labels: Mapping[str, str], window: str) -> str:
    return f"sum(rate({_select('plancoder_tokens_total', labels, window)})) / {_calls_rate(labels, window)}"


def _score_promql(labels: Mapping[str, str], window: str) -> str:
    return f"avg(avg_over_time({_select('plancoder_score', labels, window)}))"


@dataclass(frozen=True)
class Measure:
    """What one kind of rule measures, what it compares with, and the same measure in PromQL."""

    label: str
    promql: Callable[[Mapping[str, str], str], str]  # (label matchers, window) -> expression
    value: Callable[[list[Observation]], float] | None = None  # over the window's calls; None: the queue gauge
    baseline: str | None = None  # "<totals key>.<statistic>" of a baseline.json section
    above: bool = True  # fires above the limit, else below it
    default_threshold: float | None = None
    max_threshold: float | None = None  # a share or a score: above it the rule could never fire


MEASURES = {
    "error_rate": Measure(
        "error rate", _error_rate_promql, lambda calls: sum(not c.ok for c in calls) / len(calls), max_threshold=1
    ),
    "latency_p95_vs_baseline": Measure(
        "p95 latency (s)",
        _latency_promql,
        lambda calls: mean_interval([c.latency_s for c in calls])["p95"],
        baseline="latency_s.p95",
        default_threshold=0.20,
    ),
    "tokens_vs_baseline": Measure(
        "tokens per call",
        _tokens_promql,
        lambda calls: statistics.fmean(c.tokens for c in calls),
        baseline="tokens_per_task.mean",
        default_threshold=0.25,
    ),
    "score_drop": Measure(
        "mean score",
        _score_promql,
        lambda calls: statistics.fmean(c.score for c in calls),
        "score.mean",
        above=False,
        max_threshold=1,
    ),
    "queue_growth": Measure("review queue depth", lambda labels, window: "plancoder_review_queue_depth"),
}
BASELINE_KEYS = tuple(m.baseline for m in MEASURES.values() if m.baseline)


class Rule(BaseModel):
    """One alert rule of the rules file."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    name: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="Unique name: the alert in logs, webhooks and Prometheus."
    )
    role: Literal["coder", "planner", "any"] = Field(description="Whose calls count: coder, planner or any.")
    kind: Literal["error_rate", "latency_p95_vs_baseline", "tokens_vs_baseline", "score_drop", "queue_growth"] = Field(
        description="What is measured; the *_vs_baseline kinds and score_drop compare with the role's baseline."
    )
    window: str = Field("30m", description="The calls of the last window count, e.g. 30m, 2h or 1d.")
    min_calls: int = Field(5, ge=0, description="No firing on fewer calls in the window (queue_growth: unused).")
    threshold: float | None = Field(
        None,
        ge=0,
        validate_default=True,
        description="error_rate: share of failed calls; latency_p95_vs_baseline and tokens_vs_baseline: allowed "
        "excess over the baseline as a fraction (defaults 0.20 and 0.25); score_drop: allowed drop below the "
        "baseline mean score; queue_growth: items waiting.",
    )
    severity: Literal["info", "warning", "critical"] = Field("warning", description="The alert's severity label.")

    @field_validator("window")
    @classmethod
    def _check_window(cls, window: str) -> str:
        window_seconds(window)
        return window

    @field_validator("kind")
    @classmethod
    def _check_role_has_a_baseline(cls, kind: str, info: ValidationInfo) -> str:
        if MEASURES[kind].baseline and info.data.get("role") == "any":
            raise ValueError(f"{kind} compares with one role's baseline: set role to coder or planner")
        return kind

    @field_validator("threshold")
    @classmethod
    def _default_threshold(cls, threshold: float | None, info: ValidationInfo) -> float | None:
        measure = MEASURES.get(info.data.get("kind", ""))
        if measure is None:
            return threshold
        threshold = measure.default_threshold if threshold is None else threshold
        if threshold is None:
            raise ValueError(f"kind {info.data['kind']} needs a threshold")
        if measure.max_threshold is not None and threshold > measure.max_threshold:
            raise ValueError(f"kind {info.data['kind']} compares a share or a score: at most {measure.max_threshold}")
        return threshold


def load_rules(path: Path | None = None) -> list[Rule]:
    """The rules of ``path`` (the packaged ones by default); a bad rule is a ConfigError naming it and the key."""
    source = path or resources.files("plancoder") / "alert_rules.yaml"
    data = read_yaml(source, "alert rules file", "give an existing file with --rules")
    if not isinstance(data, list):
        raise ConfigError(f"{source}: the alert rules are not a YAML list", "write each rule as a '- name: ...' item")
    rules = [_rule(source, number, item) for number, item in enumerate(data, start=1)]
    names = [rule.name for rule in rules]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{source}: rule '{name}' is defined twice", "give every rule its own name")
    return rules


def _rule(source: Path | Traversable, number: int, item: object) -> Rule:
    name = item.get("name") if isinstance(item, dict) else None
    label = f"rule '{name}'" if isinstance(name, str) else f"rule #{number}"
    if not isinstance(item, dict):
        raise ConfigError(f"{source}: {label} is not a mapping", "write name, role, kind, ... under each '-'")
    try:
        return Rule.model_validate(item)
    except ValidationError as error:
        raise ConfigError(f"{source}: {label}: {describe_error(error)}", _rule_fix(error)) from None


def _rule_fix(error: ValidationError) -> str:
    """What to do about a rule's first problem, naming the keys a rule needs and has."""
    required = [name for name, field in Rule.model_fields.items() if field.is_required()]
    needed, allowed = f": every rule needs {', '.join(required)}", f": a rule has only {', '.join(Rule.model_fields)}"
    return key_fix(error, "correct that value", needed, allowed)


BASELINE_FIX = "give the baseline.json written by `plancoder eval --baseline`"
DEFAULT_BASELINE = Path("eval/baseline.json")
"""Where ``plancoder eval --baseline`` writes; read when it exists, for the rules that compare with a baseline."""


def load_baselines(path: Path, required: bool = False) -> dict[str, dict[str, float]]:
    """Each role's baseline values from an evaluation's baseline.json. No file, no baselines, unless the file
    is ``required`` (named by the user): then a missing file or one without a role's section is an error."""
    try:
        report = read_json(path)
    except FileNotFoundError:
        if required:
            fix = f"give an existing file, such as the {DEFAULT_BASELINE} that `plancoder eval --baseline` writes"
            raise ConfigError(f"the baseline {path} does not exist", fix) from None
        return {}
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the baseline {path}: {reason(error)}", BASELINE_FIX) from None
    if required and (problem := _shape_problem(report)):
        raise ConfigError(f"the baseline {path} is not an evaluation's baseline: {problem}", BASELINE_FIX)
    return baseline_values(report)


def _shape_problem(report: object) -> str:
    """What keeps ``report`` from being a baseline.json (an object of role sections, each with totals); "" if none."""
    if not isinstance(report, dict):
        return "it is not a JSON object"
    sections = [role for role in ("coder", "planner") if role in report]
    if not sections:
        return "it has no coder or planner section"
    for role in sections:
        section = report[role]
        if not isinstance(section, dict) or not isinstance(section.get("totals"), dict):
            return f"its {role} section has no totals"
    return ""


def baseline_values(report: object) -> dict[str, dict[str, float]]:
    """``{"coder": {"latency_s.p95": ..., "tokens_per_task.mean": ..., "score.mean": ...}, "planner": {...}}``."""
    sections = report if isinstance(report, dict) else {}
    return {role: _section_values(sections.get(role)) for role in ("coder", "planner")}


def _section_values(section: object) -> dict[str, float]:
    totals = section.get("totals") if isinstance(section, dict) else None
    if not isinstance(totals, dict) or not totals.get("tasks"):
        return {}
    values = {}
    for key in BASELINE_KEYS:
        name, statistic = key.split(".")
        value = totals[name].get(statistic) if isinstance(totals.get(name), dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < math.inf:
            values[key] = float(value)  # a negative or infinite figure is no baseline: its rules stay quiet
    return values


@dataclass(frozen=True)
class Alert:
    """One rule evaluated at one time: its state and, when measured, the value against the limit."""

    name: str
    role: str
    kind: str
    severity: str
    state: str  # firing, ok, too few calls, no baseline or inactive
    since: float  # epoch seconds: the evaluation, or when a firing alert started to fire
    message: str
    value: float | None = None
    threshold: float | None = None  # the limit the value is compared with, the baseline applied
    calls: int = 0

    @property
    def firing(self) -> bool:
        return self.state == FIRING

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """One line for a firing alert: severity, name, role, value vs threshold, since."""
        started = datetime.fromtimestamp(self.since, UTC).isoformat(timespec="seconds")
        return (
            f"{self.severity:<8} {self.name} ({self.role}): {self.value:.4g} vs threshold {self.threshold:.4g} "
            f"since {started}"
        )


def evaluate_rules(
    rules: list[Rule],
    observations: list[Observation],
    baselines: Baselines,
    now: float,
    queue_depth: float | None = None,
) -> list[Alert]:
    """Every rule evaluated at ``now`` (pure: no store, no clock); ``queue_depth`` None: the queue was not read."""
    return [evaluate_rule(rule, observations, baselines, now, queue_depth) for rule in rules]


def evaluate_rule(
    rule: Rule, observations: list[Observation], baselines: Baselines, now: float, queue_depth: float | None = None
) -> Alert:
    """One rule at ``now``: firing or ok when measured, else why not (no baseline, too few calls, no queue)."""
    measure, limit = MEASURES[rule.kind], _limit(rule, baselines)
    if limit is None:
        return _alert(rule, now, NO_BASELINE, f"no {measure.baseline} baseline for the {rule.role}")
    if measure.value is None:
        if queue_depth is None:
            return _alert(rule, now, INACTIVE, "the review queue's depth was not read")
        return _judged(rule, now, queue_depth, limit, 0)
    calls = _in_window(rule, observations, now)
    if len(calls) < max(rule.min_calls, 1):
        return _alert(rule, now, TOO_FEW_CALLS, f"{len(calls)} calls in {rule.window}, fewer than {rule.min_calls}")
    return _judged(rule, now, measure.value(calls), limit, len(calls))


def _limit(rule: Rule, baselines: Baselines) -> float | None:
    """The threshold, or for a baseline rule: baseline × (1 + threshold) when above, baseline − threshold when below."""
    measure = MEASURES[rule.kind]
    if measure.baseline is None:
        return rule.threshold
    base = baselines.get(rule.role, {}).get(measure.baseline)
    if base is None:
        return None
    return round(base * (1 + rule.threshold) if measure.above else base - rule.threshold, 6)


def _in_window(rule: Rule, observations: list[Observation], now: float) -> list[Observation]:
    start = now - window_seconds(rule.window)
    scored_only = rule.kind == "score_drop"
    return [
        o
        for o in observations
        if start < o.time <= now and rule.role in ("any", o.role) and not (scored_only and o.score is None)
    ]


def _judged(rule: Rule, now: float, value: float, limit: float, calls: int) -> Alert:
    measure = MEASURES[rule.kind]
    firing = value > limit if measure.above else value < limit
    relation = ("above" if measure.above else "below") if firing else "within"
    message = f"{rule.role} {measure.label} {value:.4g} {relation} {limit:.4g}{_over(rule)}"
    return _alert(rule, now, FIRING if firing else OK, message, value, limit, calls)


def _over(rule: Rule) -> str:
    """The window, for the kinds measured over calls."""
    return f" over {rule.window}" if MEASURES[rule.kind].value else ""


def _alert(rule: Rule, now: float, state: str, message: str, *measured: float) -> Alert:
    return Alert(rule.name, rule.role, rule.kind, rule.severity, state, now, message, *measured)


@dataclass(frozen=True)
class Transition:
    """A rule that started or stopped firing."""

    event: str  # fired or resolved
    alert: Alert

    def payload(self) -> dict[str, Any]:
        """The webhook's JSON body."""
        return {"event": self.event, **self.alert.as_dict()}


def check_alerts(
    rules: list[Rule], baselines: Baselines, webhook: str | None = None, now: float | None = None
) -> list[Alert]:
    """Evaluate the rules over the stored calls; store the states; log (and post) each transition once."""
    if webhook:
        check_webhook(webhook)
    alerts, transitions = track(current_alerts(rules, baselines, now))
    for transition in transitions:
        notify(transition, webhook)
    return alerts


def current_alerts(rules: list[Rule], baselines: Baselines, now: float | None = None) -> list[Alert]:
    """The rules over the stored calls, without recording any transition (what a page may show: only
    ``check_alerts`` moves an alert's state, so each transition is notified once, by whoever checks)."""
    now = time.time() if now is None else now
    since = now - max((window_seconds(rule.window) for rule in rules), default=0)
    return evaluate_rules(rules, monitor.load_observations(since), baselines, now, monitor.queue_depth())


def track(alerts: list[Alert]) -> tuple[list[Alert], list[Transition]]:
    """Store the changes of state; return the alerts (a firing one keeps its start) and the transitions."""
    with monitor.connect() as db, monitor.transaction(db):
        firing = dict(db.execute("SELECT name, since FROM alerts WHERE state = ?", (FIRING,)).fetchall())
        transitions = [
            Transition("fired" if a.firing else "resolved", a) for a in alerts if a.firing != (a.name in firing)
        ]
        for transition in transitions:
            _store(db, transition.alert)
    return [replace(a, since=firing[a.name]) if a.firing and a.name in firing else a for a in alerts], transitions


def _store(db: sqlite3.Connection, alert: Alert) -> None:
    state = FIRING if alert.firing else RESOLVED
    row = (alert.name, state, alert.since, alert.value, alert.threshold, alert.message)
    db.execute(
        "INSERT OR REPLACE INTO alerts (name, state, since, value, threshold, message) VALUES (?, ?, ?, ?, ?, ?)", row
    )


def notify(transition: Transition, webhook: str | None) -> None:
    """Log the transition; POST it to the webhook when there is one."""
    alert = transition.alert
    level = logging.WARNING if alert.firing else logging.INFO
    logger.log(level, "alert %s %s (%s): %s", alert.name, transition.event, alert.severity, alert.message)
    if webhook:
        post_webhook(webhook, transition.payload())


def check_webhook(url: str) -> None:
    """A webhook must be an http(s) URL: a typo is caught now, not when an alert fires."""
    if not _is_http_url(url):
        raise ConfigError(f"alert webhook '{url}' is not an http(s) URL", "give a URL such as https://host/hook")


def _is_http_url(url: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def post_webhook(url: str, payload: dict[str, Any]) -> None:
    """POST ``payload`` as JSON; a failure is a warning, never an error."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S):
            pass
    except (OSError, ValueError) as error:  # URLError, HTTPError and timeouts are OSErrors
        warnings.warn(f"alert webhook {url} failed: {error}", stacklevel=2)


def prometheus_rules(rules: list[Rule], baselines: Baselines) -> str:
    """The rules as a Prometheus alerting-rules file; a rule without its baseline is left out (named in a comment)."""
    limits = {rule.name: _limit(rule, baselines) for rule in rules}
    exported = [_prometheus_rule(rule, limits[rule.name]) for rule in rules if limits[rule.name] is not None]
    missing = [name for name, limit in limits.items() if limit is None]
    header = f"# left out, no baseline: {', '.join(missing)}\n" if missing else ""
    groups = {"groups": [{"name": "plancoder", "rules": exported}]}
    return header + yaml.safe_dump(groups, sort_keys=False, width=1000)


def _prometheus_rule(rule: Rule, limit: float) -> dict[str, Any]:
    measure = MEASURES[rule.kind]
    labels = {} if rule.role == "any" else {"role": rule.role}
    relation = ">" if measure.above else "<"
    expr = f"{measure.promql(labels, rule.window)} {relation} {limit:g}"
    if measure.value is not None:
        expr += f" and sum(increase({_select('plancoder_calls_total', labels, rule.window)})) >= {rule.min_calls}"
    return {
        "alert": rule.name,
        "expr": expr,
        "for": "0m",
        "labels": {"severity": rule.severity},
        "annotations": {"summary": f"{rule.role} {measure.label} {relation} {limit:g}{_over(rule)}"},
    }
