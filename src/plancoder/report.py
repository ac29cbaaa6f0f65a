"""``plancoder report``: an evaluation report, or two MLflow runs side by side, as one HTML page.

The page is self-contained (inline CSS and SVG, no script, no network) so that it opens offline and
can be attached anywhere. Every text taken from a report is escaped: diffs and model answers are
untrusted.
"""

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from plancoder.constitution import finding_lines, roman_value
from plancoder.errors import PlancoderError
from plancoder.json_files import read_json, reason
from plancoder.tracking import Store, import_mlflow

REGENERATE = "regenerate it with `plancoder eval`"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:2rem auto;max-width:1100px;
padding:0 1rem}
h1{font-size:1.5rem}h2{border-bottom:2px solid #d8dde6;padding-bottom:.2rem;margin-top:2.5rem}h4{margin:.8rem 0 .2rem}
.meta{color:#4a5568}.meta b{color:#1d2330;font-weight:600}
table{border-collapse:collapse;margin:.8rem 0}th,td{border:1px solid #d8dde6;padding:.25rem .6rem;text-align:left}
th{background:#f1f4f8}tr.fail td{background:#fdecec}.bad{color:#a00}.good{color:#070}
pre{background:#f6f8fa;border:1px solid #e3e7ee;padding:.6rem;overflow-x:auto;white-space:pre-wrap;margin:0}
details{border:1px solid #d8dde6;border-radius:4px;padding:.3rem .7rem;margin:.4rem 0}summary{cursor:pointer}
.add{color:#1b6e2b}.del{color:#b42318}
.charts{display:flex;flex-wrap:wrap;gap:1rem}svg{font-size:11px}svg text{fill:#1d2330}
.ok{fill:#2f855a}.fail{fill:#c53030}.a{fill:#2b6cb0}.b{fill:#dd6b20}.axis{stroke:#4a5568}
"""
LABEL_W, PLOT_W, WIDTH = 210, 260, 540
"""Chart geometry in pixels: task ids on the left, bars in the middle, values after the bars."""
TOP, BAR_H, GAP, BOTTOM = 28, 13, 5, 38
HEADER = {
    "role": "role",
    "split": "split",
    "models": "models",
    "DSPy": "dspy_version",
    "data hash": "data_hash",
    "wall time (s)": "wall_s",
    "MLflow run": "mlflow_run_id",
}
"""The settings shown above a section: label and key."""
TASK_HEAD = ["task", "verdict", "score", "attempts", "tokens", "latency s", "articles violated"]
COMPARE_HEAD = ["task", *(f"{name} {run}" for name in ("score", "verdict", "tokens", "latency") for run in "AB")]
Getter = Callable[[dict[str, Any]], float]
"""How to read a number from a task or a section."""
METRICS: list[tuple[str, Getter]] = [
    ("score", lambda task: task["score"]),
    ("total tokens", lambda task: task["tokens"].get("total_tokens", 0)),
    ("latency (s)", lambda task: task["latency_s"]),
]
"""The per-task charts: a name (the axis label) and how to read the value."""
DIFF_CSS = {"+": "add", "-": "del"}


@dataclass(frozen=True)
class Role:
    """What differs between the Coder's and the Planner's report sections."""

    ok: str
    """The per-task verdict: the Coder's tests pass, the Planner's plan is valid."""
    words: tuple[str, str]
    """How a good and a bad verdict read."""
    rate_ci: str
    """The totals key of the verdict rate's 95 % interval."""
    counts: tuple[str, ...]
    """Plain counts among the totals."""
    details: Callable[[dict[str, Any]], str]
    """The task's output and how the last attempt got there, as HTML."""


def load_report(path: Path) -> dict[str, dict[str, Any]]:
    """The role sections of an ``eval_report.json``; a missing or malformed file is a clear error."""
    try:
        data = read_json(path)
    except OSError as error:
        raise PlancoderError(f"cannot read {path}: {error.strerror}", "run `plancoder eval` or give --input") from None
    except ValueError as error:
        raise PlancoderError(f"cannot read {path}: {reason(error)}", REGENERATE) from None
    if isinstance(data, dict) and data.get("role") in ROLES:  # one role's section on its own (eval/test_split/)
        data = {data["role"]: data}
    sections = {role: data[role] for role in ROLES if isinstance(data, dict) and isinstance(data.get(role), dict)}
    if not sections:
        raise PlancoderError(f"{path} has neither a coder nor a planner section", REGENERATE)
    return sections


def fetch_report(store: Store | None, run_id: str) -> dict[str, Any]:
    """The report section that an evaluation logged to its MLflow run (each run logs one role's section)."""
    if store is None:
        raise PlancoderError("tracking is off, so there are no runs to compare", "set PLANCODER_TRACKING=on")
    section = _download(store, run_id)
    if not isinstance(section, dict) or section.get("role") not in ROLES:
        raise PlancoderError(f"run '{run_id}' logged no evaluation report", "give the run id of a `plancoder eval`")
    return section


def _download(store: Store, run_id: str) -> object:
    """The run's eval_report.json; MLflow comes through tracking's seam so an unreachable server fails in seconds."""
    with tempfile.TemporaryDirectory() as dst:
        try:
            client = import_mlflow().tracking.MlflowClient(store.uri)
            return json.loads(Path(client.download_artifacts(run_id, "eval_report.json", dst)).read_text())
        except Exception as error:  # unknown run, unreachable store, no report: say which
            problem = f"cannot fetch eval_report.json of run '{run_id}' from {store.uri}"
            fix = "check the run id (eval/eval_report.json names it) and that the store is reachable"
            raise PlancoderError(f"{problem}: {type(error).__name__}: {str(error)[:200]}", fix) from None


def render_report(sections: dict[str, dict[str, Any]], source: str) -> str:
    """The page for one report: a part per role section."""
    parts = [_guarded(partial(_section_html, section), source) for section in sections.values()]
    return _page("plancoder evaluation report", f"<p class=meta>from {_esc(source)}</p>{''.join(parts)}")


def render_compare(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Two runs of one role side by side: totals with ratios B/A, the tasks both ran, scores A vs B."""
    if a["role"] != b["role"]:
        raise PlancoderError(f"run A evaluated the {a['role']} but run B the {b['role']}", "compare runs of one role")
    source = f"runs {a.get('mlflow_run_id')} and {b.get('mlflow_run_id')}"
    return _page(f"plancoder {a['role']}: run A vs run B", _guarded(lambda: _compare_html(a, b), source))


def _guarded(render: Callable[[], str], source: str) -> str:
    """Render; a section that lacks a field is a clear error, not a traceback."""
    try:
        return render()
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        problem = f"{source} is not a complete evaluation report ({type(error).__name__}: {error})"
        raise PlancoderError(problem, REGENERATE) from None


def _page(title: str, body: str) -> str:
    head = f"<meta charset=utf-8><meta name=viewport content='width=device-width'><title>{_esc(title)}</title>"
    head += f"<style>{CSS}</style>"
    return f"<!doctype html><html lang=en><head>{head}</head><body><h1>{_esc(title)}</h1>{body}</body></html>\n"


def _esc(value: object) -> str:
    return escape(str(value))


def _section_html(section: dict[str, Any]) -> str:
    role, tasks = ROLES[section["role"]], sorted(section["tasks"], key=lambda t: str(t["id"]))
    rows = [_task_row(task, role) for task in tasks]
    parts = [
        f"<h2>{_esc(section['role'])}</h2>{_header(section)}",
        _table(["total", "value"], _totals_rows(section, role)),
        _charts(tasks, role),
        _table(TASK_HEAD, rows, [task[role.ok] for task in tasks]),
        *(_details(task, role) for task in tasks),
    ]
    return f"<section>{''.join(parts)}</section>"


def _header(section: dict[str, Any], prefix: str = "") -> str:
    """Who ran what on which data: enough to tell two reports apart (reports from before tracking lack some)."""
    values = {label: section.get(key) for label, key in HEADER.items()}
    values["models"] = ", ".join(values["models"] or [])
    shown = {label: "not recorded" if value in (None, "") else value for label, value in values.items()}
    fields = [f"{_esc(label)} <b>{_esc(value)}</b>" for label, value in shown.items()]
    return f"<p class=meta>{prefix}{' · '.join(fields)}</p>"


def _totals_rows(section: dict[str, Any], role: Role) -> list[list[object]]:
    totals = section["totals"]
    low, high = totals[role.rate_ci]
    rate = f"{totals[role.ok]}/{totals['tasks']} = {_rate(section):.0%} (95 % CI {low:.0%}–{high:.0%})"
    rows: list[list[object]] = [["tasks", totals["tasks"]], [role.ok, rate]]
    rows += [[name, _spread(totals[name])] for name in ("score", "attempts", "tokens_per_task", "latency_s")]
    rows += [[name, totals.get(name, "not recorded")] for name in role.counts]  # older reports lack newer counts
    return [[str(name).replace("_", " "), value] for name, value in rows]


def _rate(section: dict[str, Any]) -> float:
    totals = section["totals"]
    return totals[ROLES[section["role"]].ok] / totals["tasks"] if totals["tasks"] else 0.0


def _spread(stats: dict[str, float]) -> str:
    interval = f"(95 % CI {_num(stats['ci95_low'])} to {_num(stats['ci95_high'])})"
    return f"mean {_num(stats['mean'])} {interval}, median {_num(stats['p50'])}, p95 {_num(stats['p95'])}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _task_row(task: dict[str, Any], role: Role) -> list[object]:
    tokens, latency = task["tokens"].get("total_tokens", 0), task["latency_s"]
    articles = ", ".join(sorted({f["article"] for f in task.get("constitution", [])}, key=roman_value)) or "none"
    return [task["id"], _verdict(task, role), f"{task['score']:.2f}", task["attempts"], tokens, latency, articles]


def _verdict(task: dict[str, Any], role: Role) -> str:
    return role.words[0] if task[role.ok] else role.words[1]


def _table(head: list[str], rows: list[list[object]], ok: list[bool] | None = None) -> str:
    """A table of escaped cells; rows whose ``ok`` is false are marked as failures."""
    marks = ok if ok is not None else [True] * len(rows)
    cells = ["".join(f"<td>{_esc(cell)}</td>" for cell in row) for row in rows]
    body = "".join(f"<tr{'' if good else ' class=fail'}>{row}</tr>" for row, good in zip(cells, marks, strict=True))
    return f"<table><tr>{''.join(f'<th>{_esc(h)}</th>' for h in head)}</tr>{body}</table>"


def _charts(tasks: list[dict[str, Any]], role: Role) -> str:
    legend = [(role.words[0], "ok"), (role.words[1], "fail")]
    charts = [
        _bar_chart(name, [(t["id"], [(value(t), "ok" if t[role.ok] else "fail")]) for t in tasks], legend)
        for name, value in METRICS
    ]
    return f"<div class=charts>{''.join(charts)}</div>"


def _bar_chart(axis: str, rows: list[tuple[str, list[tuple[float, str]]]], legend: list[tuple[str, str]]) -> str:
    """Horizontal bars, a row per task (long task ids stay readable), scaled to the largest value.

    Each row holds one bar or a group of bars; a bar is a value and the CSS class of its colour."""
    top = max((value for _, bars in rows for value, _ in bars), default=0) or 1
    shapes, y = _legend(legend), TOP
    for label, bars in rows:
        shapes.append(_text(LABEL_W - 6, y + len(bars) * BAR_H / 2 + 4, _short(label), "end", label))
        for value, css in bars:
            shapes.append(_bar(value, top, y, css))
            y += BAR_H
        y += GAP
    shapes += _axis(f"{axis}, max {_num(top)}", top, y)
    return f"<svg width={WIDTH} height={y + BOTTOM} role=img>{''.join(shapes)}</svg>"


def _bar(value: float, top: float, y: float, css: str) -> str:
    width = max(value, 0) / top * PLOT_W
    tooltip = f"<title>{_num(value)}</title>"
    rect = f"<rect class={css} x={LABEL_W} y={y} width={width:.1f} height={BAR_H - 2}>{tooltip}</rect>"
    return rect + _text(LABEL_W + width + 4, y + BAR_H - 3, _num(value))


def _axis(label: str, top: float, y: float) -> list[str]:
    line = f"<line class=axis x1={LABEL_W} y1={y} x2={LABEL_W + PLOT_W} y2={y} />"
    ticks = [_text(LABEL_W, y + 13, "0", "middle"), _text(LABEL_W + PLOT_W, y + 13, _num(top), "middle")]
    return [line, *ticks, _text(LABEL_W + PLOT_W / 2, y + 30, label, "middle")]


def _legend(entries: list[tuple[str, str]]) -> list[str]:
    shapes = []
    for index, (name, css) in enumerate(entries):
        x = LABEL_W + index * 110
        shapes += [f"<rect class={css} x={x} y=6 width=10 height=10 />", _text(x + 14, 15, name)]
    return shapes


def _text(x: float, y: float, text: str, anchor: str = "start", title: str = "") -> str:
    tooltip = f"<title>{_esc(title)}</title>" if title else ""
    return f"<text x={x:.1f} y={y:.1f} text-anchor={anchor}>{tooltip}{_esc(text)}</text>"


def _short(label: str, size: int = 32) -> str:
    """The label, or its start and end around an ellipsis (ids differ at the end, e.g. the line number)."""
    return label if len(label) <= size else f"{label[: size // 2 - 1]}…{label[-(size // 2) :]}"


def _details(task: dict[str, Any], role: Role) -> str:
    summary = f"{task['id']}: {_verdict(task, role)}, score {task['score']:.2f}"
    body = role.details(task) + _findings(task.get("constitution", []))
    return f"<details><summary>{_esc(summary)}</summary>{body}</details>"


def _pre(heading: str, text: str) -> str:
    return f"<h4>{_esc(heading)}</h4><pre>{_esc(text)}</pre>" if text else ""


def _findings(findings: list[dict[str, Any]]) -> str:
    lines = finding_lines(findings)
    marked = [f"{'hard' if f['hard'] else 'soft'}: {line}" for f, line in zip(findings, lines, strict=True)]
    return _pre("constitution findings", "\n".join(marked) or "none: the output obeys every article")


def _coder_details(task: dict[str, Any]) -> str:
    """The diff that passed (added and removed lines coloured), and how the last attempt got there."""
    last = (task["history"] or [{}])[-1]
    lines = [(_esc(line), DIFF_CSS.get(line[:1])) for line in task["diff"].splitlines()]
    diff = "\n".join(f"<span class={css}>{line}</span>" if css else line for line, css in lines)
    trajectory = "\n".join(f"{key}: {value}" for key, value in (last.get("trajectory") or {}).items())
    return "".join(
        [
            f"<h4>diff</h4><pre>{diff or 'no passing fix'}</pre>",
            _pre("reasoning of the last attempt", last.get("reasoning", "")),
            _pre("ReAct trajectory of the last attempt", trajectory),
            _pre("error of the last attempt", last.get("error", "")),
            _pre("test output of the last attempt", last.get("test_output", "")),
            _pre("feedback", task["feedback"]),
        ]
    )


def _planner_details(task: dict[str, Any]) -> str:
    """The plan's steps as a table, what is wrong with it, and the last attempt's reasoning."""
    steps = (task["plan"] or {}).get("steps", [])
    rows = [[s["id"], s["title"], ", ".join(s["depends_on"]), s["acceptance"], ", ".join(s["files"])] for s in steps]
    plan = _table(["step", "title", "after", "done when", "files"], rows) if rows else "<pre>no plan</pre>"
    return "".join(
        [
            f"<h4>plan</h4>{plan}",
            _pre("dependency violations", "\n".join(v["message"] for v in task["violations"])),
            _pre("what the plan misses", "\n".join(task["missing"])),
            _pre("reasoning of the last attempt", task["reasoning"]),
        ]
    )


ROLES = {
    "coder": Role(
        "passed",
        ("pass", "FAIL"),
        "pass_rate_ci95",
        ("first_attempt_passed", "unchanged_attempts", "prompt_tokens", "completion_tokens"),
        _coder_details,
    ),
    "planner": Role(
        "valid",
        ("valid", "INVALID"),
        "valid_rate_ci95",
        ("dependency_violations_in_returned_plans", "prompt_tokens", "completion_tokens"),
        _planner_details,
    ),
}


def _compare_html(a: dict[str, Any], b: dict[str, Any]) -> str:
    pairs = _common_tasks(a, b)
    count = f"{len(pairs)} tasks in both runs (A ran {len(a['tasks'])}, B ran {len(b['tasks'])})"
    chart_rows = [(ta["id"], [(ta["score"], "a"), (tb["score"], "b")]) for ta, tb in pairs]
    parts = [
        _header(a, "<b>A</b> · ") + _header(b, "<b>B</b> · ") + _same_data(a, b),
        _table(["total", "A", "B", "B/A"], _compare_totals(a, b)),
        f"<p class=meta>{_esc(count)}</p>",
        _bar_chart("score per task", chart_rows, [("run A", "a"), ("run B", "b")]),
        _table(COMPARE_HEAD, [_compare_row(ta, tb, ROLES[a["role"]]) for ta, tb in pairs]),
    ]
    return "".join(parts)


def _same_data(a: dict[str, Any], b: dict[str, Any]) -> str:
    """A warning when the runs evaluated different tasks: their totals are then not comparable."""
    if a.get("data_hash") == b.get("data_hash"):
        return ""
    return "<p class=meta><b>The runs evaluated different data (their data hashes differ).</b></p>"


def _common_tasks(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    by_id = {task["id"]: task for task in b["tasks"]}
    pairs = [(task, by_id[task["id"]]) for task in a["tasks"] if task["id"] in by_id]
    return sorted(pairs, key=lambda pair: str(pair[0]["id"]))


def _compare_totals(a: dict[str, Any], b: dict[str, Any]) -> list[list[object]]:
    values: list[tuple[str, Getter, Callable[[float], str]]] = [
        ("mean score", lambda s: s["totals"]["score"]["mean"], _num),
        (f"{ROLES[a['role']].words[0]} rate", _rate, "{:.0%}".format),
        ("tokens per task (mean)", lambda s: s["totals"]["tokens_per_task"]["mean"], _num),
        ("latency s (mean)", lambda s: s["totals"]["latency_s"]["mean"], _num),
    ]
    return [[name, show(get(a)), show(get(b)), _ratio(get(a), get(b))] for name, get, show in values]


def _ratio(a: float, b: float) -> str:
    return f"{b / a:.2f}×" if a else "n/a"


def _compare_row(a: dict[str, Any], b: dict[str, Any], role: Role) -> list[object]:
    cells: list[Callable[[dict[str, Any]], object]] = [
        lambda t: f"{t['score']:.2f}",
        lambda t: _verdict(t, role),
        lambda t: t["tokens"].get("total_tokens", 0),
        lambda t: t["latency_s"],
    ]
    return [a["id"], *(value for cell in cells for value in (cell(a), cell(b)))]
