"""The migration report as one static HTML page (no scripts, nothing fetched): verdict, tables, diffs."""

from html import escape
from typing import Any

STYLE = (
    "body{font:14px system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    ".bad{color:#a00}.good{color:#070}pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}"
)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def verdict(report: dict[str, Any]) -> str:
    if not report["problems"]:
        return '<p class="good">The versions agree: identical prompts, states load, scores within tolerance.</p>'
    items = "".join(f"<li>{escape(problem)}</li>" for problem in report["problems"])
    return f'<p class="bad">The versions do not agree:</p><ul class="bad">{items}</ul>'


def version_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for s in report["versions"]:
        if s.get("error"):
            rows.append([s["version"], "-", "-", f"not checked: {s['error']}", "-", "-", "-"])
            continue
        packages = s.get("packages") or {}
        missing = ", ".join(m["name"] for m in s["missing_symbols"]) or "none"
        loaded = sum(1 for st in s["states"].values() if st["ok"])
        evals = "; ".join(
            f"{p}: score {e['score']}, {e['latency_s']} s, {e['tokens']} tokens per case" for p, e in s["eval"].items()
        )
        import_state = s["import_error"] or "ok"
        rows.append(
            [
                s["version"],
                s["dspy"],
                packages.get("litellm"),
                import_state,
                missing,
                f"{loaded}/{len(s['states'])}",
                evals,
            ]
        )
    return rows


def comparison_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for c in report["comparisons"]:
        for program, scores in (c["scores"] or {"-": {}}).items():
            differing = sum(1 for d in c["prompt_differences"] if d["program"] == program)
            rows.append(
                [
                    c["version"],
                    c["against"],
                    program,
                    differing,
                    scores.get("score_delta"),
                    scores.get("latency_ratio"),
                    scores.get("token_ratio"),
                ]
            )
    return rows


def changes(report: dict[str, Any]) -> str:
    """The documented DSPy behaviour changes between each version and the reference."""
    blocks = [
        f"<p>DSPy {escape(c['version'])} against {escape(c['against'])}:</p><ul>"
        + "".join(f"<li>{escape(change)}</li>" for change in c["known_changes"])
        + "</ul>"
        for c in report["comparisons"]
        if c.get("known_changes")
    ]
    return "".join(blocks) or "<p>None between these versions.</p>"


def case_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [s["version"], c["program"], c["id"], c["score"], c["latency_s"], c["tokens"], c["error"] or ""]
        for s in report["versions"]
        for c in s.get("cases", [])
    ]


def differences(report: dict[str, Any]) -> str:
    blocks = [
        f"<h3>DSPy {escape(c['version'])}: {escape(d['program'])}.{escape(d['predictor'])} "
        f"({escape(d['adapter'])})</h3><pre>{escape(chr(10).join(d['diff']))}</pre>"
        for c in report["comparisons"]
        for d in c["prompt_differences"]
    ]
    return "".join(blocks) or "<p>Every prompt is byte-identical to the reference's.</p>"


def reference_prompts(report: dict[str, Any]) -> str:
    return "".join(
        f"<details><summary>{escape(program)}.{escape(predictor)} ({escape(adapter)})</summary>"
        f"<pre>{escape(text)}</pre></details>"
        for program, predictors in report["prompts"].items()
        for predictor, adapters in predictors.items()
        for adapter, text in adapters.items()
    )


def render_page(report: dict[str, Any]) -> str:
    """The whole page."""
    versions = ["version", "dspy", "litellm", "import", "missing dspy names", "states loaded", "evaluation"]
    compared = ["version", "against", "program", "prompts differing", "score delta", "latency ratio", "token ratio"]
    cases = ["version", "program", "case", "score", "latency s", "tokens", "error"]
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>plancoder migration check</title>"
        f"<style>{STYLE}</style></head><body><h1>Migration check: {escape(report['program'])}</h1>"
        f"<p>{escape(report['created'])}; reference DSPy {escape(str(report['reference']))}; "
        f"score tolerance {report['score_tolerance']}</p>{verdict(report)}"
        f"<h2>Versions</h2>{table(versions, version_rows(report))}"
        f"<h2>Against the reference</h2>{table(compared, comparison_rows(report))}"
        f"<h2>Known behaviour changes</h2>{changes(report)}"
        f"<h2>Cases</h2>{table(cases, case_rows(report))}"
        f"<h2>Prompt differences</h2>{differences(report)}"
        f"<h2>Reference prompts</h2>{reference_prompts(report)}</body></html>"
    )
