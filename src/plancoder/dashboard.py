"""The service's dashboard: one self-contained page (no scripts, no network) of what a team watches.

Per role: the production version and its flag percentage, the budget headroom of that version
(cap minus measured ratio), and the recent calls' score, tokens and latency as bar charts; then the
review queue and the active alerts.
"""

import time
from pathlib import Path
from typing import Any

from plancoder.report import _bar_chart, _esc, _page, _table
from plancoder.runtime import Runtime

ROLES = ("planner", "coder")
RECENT = 20
WINDOW_S = 7 * 86400


def render(runtime: Runtime) -> str:
    from plancoder.monitor import load_observations

    calls = load_observations(time.time() - WINDOW_S)
    parts = [_role_html(runtime, role, [o for o in calls if o.role == role][-RECENT:]) for role in ROLES]
    parts += [_queue_html(runtime), _alerts_html()]
    return _page("plancoder dashboard", "".join(parts))


def _role_html(runtime: Runtime, role: str, calls: list[Any]) -> str:
    from plancoder.programs import flag_file_for, registry_for

    registry = registry_for(runtime, role)
    production = registry.production
    rows = [
        ["production version", production],
        ["flag", f"{flag_file_for(runtime).percent(role)} % of requests"],
        *[[f"budget headroom ({kind})", value] for kind, value in headroom(registry, production).items()],
        ["calls shown", len(calls)],
    ]
    charts = [
        _bar_chart(
            name,
            [(f"{i + 1} {o.version}", [(value(o), "ok" if o.passed else "fail")]) for i, o in enumerate(calls)],
            [("passed", "ok"), ("failed", "fail")],
        )
        for name, value in (
            ("score", lambda o: o.score or 0.0),
            ("tokens", lambda o: o.tokens),
            ("latency s", lambda o: o.latency_s),
        )
    ]
    shown = f"<div class=charts>{''.join(charts)}</div>" if calls else "<p>no calls in the last 7 days</p>"
    return f"<h2>{_esc(role)}</h2>{_table(['', 'now'], rows)}{shown}"


def headroom(registry: Any, version: str) -> dict[str, str]:
    """Cap minus measured ratio of a version against the baseline (its optimizer run's figures)."""
    from plancoder.programs import budget_limits

    return {
        kind: "baseline" if r is None else f"{cap - r:+.2f} (x{r:.2f} of cap x{cap:.2f})"
        for kind, (r, cap) in budget_limits(registry, version).items()
    }


def _queue_html(runtime: Runtime) -> str:
    from plancoder.monitor import set_queue_depth
    from plancoder.reviewing import queue_for

    pending = queue_for(runtime).list("pending")
    set_queue_depth(len(pending))  # the alerts below judge this queue
    rows = [[f"#{i.id}", i.role, i.reason, i.score, i.expires_at.isoformat(timespec="minutes")] for i in pending]
    table = _table(["id", "role", "why", "score", "expires"], rows) if rows else "<p>nothing waits for review</p>"
    return f"<h2>review queue: {len(pending)} pending</h2>{table}"


def _alerts_html() -> str:
    from plancoder.alerts import current_alerts, load_baselines, load_rules

    alerts = [a for a in current_alerts(load_rules(), load_baselines(Path("eval/baseline.json"))) if a.firing]
    rows = [[a.severity, a.name, a.role, a.message] for a in alerts]
    return f"<h2>active alerts: {len(alerts)}</h2>" + (
        _table(["severity", "alert", "role", "why"], rows) if rows else "<p>none</p>"
    )
