"""The migration report as one static HTML page (no scripts, nothing fetched): verdict, tables, diffs."""

from typing import Any

from plancoder.report import _esc, _page, _table


def verdict(report: dict[str, Any]) -> str:
    if not report["problems"]:
        return '<p class="good">The versions agree: identical prompts, states load, scores within tolerance.</p>'
    items = "".join(f"<li>{_esc(problem)}</li>" for problem in report["problems"])
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
        f"<p>DSPy {_esc(c['version'])} against {_esc(c['against'])}:</p><ul>"
        + "".join(f"<li>{_esc(change)}</li>" for change in c["known_changes"])
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
        f"<h3>DSPy {_esc(c['version'])}: {_esc(d['program'])}.{_esc(d['predictor'])} "
        f"({_esc(d['adapter'])})</h3><pre>{_esc(chr(10).join(d['diff']))}</pre>"
        for c in report["comparisons"]
        for d in c["prompt_differences"]
    ]
    return "".join(blocks) or "<p>Every prompt is byte-identical to the reference's.</p>"


def reference_prompts(report: dict[str, Any]) -> str:
    return "".join(
        f"<details><summary>{_esc(program)}.{_esc(predictor)} ({_esc(adapter)})</summary>"
        f"<pre>{_esc(text)}</pre></details>"
        for program, predictors in report["prompts"].items()
        for predictor, adapters in predictors.items()
        for adapter, text in adapters.items()
    )


def render_page(report: dict[str, Any]) -> str:
    """The whole page."""
    versions = ["version", "dspy", "litellm", "import", "missing dspy names", "states loaded", "evaluation"]
    compared = ["version", "against", "program", "prompts differing", "score delta", "latency ratio", "token ratio"]
    cases = ["version", "program", "case", "score", "latency s", "tokens", "error"]
    body = (
        f"<p class=meta>{_esc(report['created'])}; reference DSPy {_esc(report['reference'])}; "
        f"score tolerance {report['score_tolerance']}</p>{verdict(report)}"
        f"<h2>Versions</h2>{_table(versions, version_rows(report))}"
        f"<h2>Against the reference</h2>{_table(compared, comparison_rows(report))}"
        f"<h2>Known behaviour changes</h2>{changes(report)}"
        f"<h2>Cases</h2>{_table(cases, case_rows(report))}"
        f"<h2>Prompt differences</h2>{differences(report)}"
        f"<h2>Reference prompts</h2>{reference_prompts(report)}"
    )
    return _page(f"Migration check: {report['program']}", body)
