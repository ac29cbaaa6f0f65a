"""The release decision: candidates against the baseline on the same tasks, judged by the constitution.

Every candidate and the baseline run on each validation task in turn (interleaved, so that load on
the machine hits both alike). A candidate is accepted only when the constitution's release checks
pass (Article VI: latency and tokens within the production caps; Article III: no shipped output
breaks a hard article or has a dependency violation) and it scores higher than the baseline. The
best accepted candidate is chosen. A rejection always carries its reasons; nothing over budget is
accepted silently.
"""

import difflib
import functools
import statistics
from collections.abc import Callable, Iterator
from typing import Any

from plancoder.budget import RoleBudget
from plancoder.checks import ReleaseOutput
from plancoder.constitution import load_constitution
from plancoder.metrics import fixed_first_time
from plancoder.monitor import was_shipped
from plancoder.programs import RoleProgram, with_instructions
from plancoder.runtime import Runtime
from plancoder.stats import bootstrap_mean_low

BASELINE_NAME = "baseline"


def measure(
    runtime: Runtime,
    role: RoleProgram,
    candidates: dict[int, dict[str, str]],
    items: list[dict[str, Any]],
    start: Callable[[], Any],
    progress: Callable[[str], None] = lambda _: None,
    record: Callable[[Callable[[], dict], str], dict] = lambda run, key: run(),
    repeats: int = 1,
) -> dict[str, Any]:
    """Records of the baseline and each candidate on every item, ``repeats`` draws each, interleaved per draw.

    A candidate is ``start()`` (the role's module as built, or GEPA's student with its demos) with its
    instructions. ``record(run, key)`` measures one draw of an item on every program, or returns that from
    the journal of an interrupted run (a whole draw, so that its programs are still compared under the same
    load). Each record names its task and draw: the gain bound averages a task's draws first."""
    programs = {BASELINE_NAME: role.build(runtime)}
    programs |= {str(i): with_instructions(start(), instr) for i, instr in candidates.items()}
    return measure_programs(runtime, role, programs, items, progress, record, repeats) | {"candidates": candidates}


def measure_programs(
    runtime: Runtime,
    role: RoleProgram,
    programs: dict[str, Any],
    items: list[dict[str, Any]],
    progress: Callable[[str], None] = lambda _: None,
    record: Callable[[Callable[[], dict], str], dict] = lambda run, key: run(),
    repeats: int = 1,
) -> dict[str, Any]:
    """``measure`` for programs already built (``programs`` holds the baseline under ``BASELINE_NAME``)."""
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in programs}
    for number, item, draw, key in draws(items, repeats):
        measured = record(functools.partial(_measure_item, runtime, role, programs, item), key)
        for name in programs:
            records[name].append(measured[name] | {"task": task_key(item, number), "draw": draw})
        progress(f"measured task {number}/{len(items)} (draw {draw}/{repeats}) on {len(programs)} programs")
    return {"baseline_instructions": role.instructions(programs[BASELINE_NAME]), "records": records}


def task_key(item: dict[str, Any], number: int) -> str:
    return str(item.get("id", number))


def draws(items: list[dict[str, Any]], repeats: int) -> Iterator[tuple[int, dict[str, Any], int, str]]:
    """(number, item, draw, journal key) of every draw; a first draw keeps the task's own key."""
    for number, item in enumerate(items, 1):
        for draw in range(1, repeats + 1):
            suffix = f"#draw{draw}" if draw > 1 else ""
            yield number, item, draw, task_key(item, number) + suffix


def _measure_item(
    runtime: Runtime, role: RoleProgram, programs: dict[str, Any], item: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Every program's record on one item, one after the other."""
    labels = {name: BASELINE_NAME if name == BASELINE_NAME else f"candidate-{name}" for name in programs}
    return {name: role.run_task(runtime, item, program, labels[name]) for name, program in programs.items()}


def totals(records: list[dict[str, Any]]) -> dict[str, float]:
    """Mean score, tokens and latency per call over every draw, what was shipped and, for the Coder, the bugs
    its greedy first attempt fixed (counted per draw)."""
    count = max(1, len(records))
    shipped = [r for r in records if was_shipped(r)]
    attempted = [r["history"] for r in records if "history" in r]
    first = {"first_attempt_passed": sum(map(fixed_first_time, attempted))} if attempted else {}
    return {
        "tasks": len(task_scores(records)),
        "draws": len(records),
        "score": round(sum(r["score"] for r in records) / count, 4),
        "tokens": round(sum(r["tokens"].get("total_tokens", 0) for r in records) / count, 1),
        "latency_s": round(sum(r["latency_s"] for r in records) / count, 3),
        "shipped": len(shipped),
        "shipped_hard_findings": sum(1 for r in shipped for f in r.get("constitution") or [] if f.get("hard")),
        "shipped_dependency_violations": sum(int(r.get("dependency_violations") or 0) for r in shipped),
    } | first


def scored(totals: dict[str, Any]) -> str:
    """A program's score in a release pass and, for the Coder, how many bugs its first attempt fixed."""
    first = totals.get("first_attempt_passed")
    return f"score {totals['score']}" + ("" if first is None else f" ({first} fixed on the first attempt)")


def ratios(candidate: dict[str, float], baseline: dict[str, float]) -> dict[str, float]:
    """Candidate over baseline, unrounded: the caps judge these (x1.2004 is over x1.20); reports round them."""

    def ratio(key: str) -> float:
        return candidate[key] / baseline[key] if baseline[key] else float("inf")

    return {"latency_ratio": ratio("latency_s"), "token_ratio": ratio("tokens")}


def verdict(
    runtime: Runtime, budget: RoleBudget, role: str, cand: dict[str, float], base: dict[str, float]
) -> list[dict[str, Any]]:
    """The constitution's release findings for one candidate (empty: it obeys every article)."""
    caps, measured = budget.production, ratios(cand, base)
    output = ReleaseOutput(
        role=role,
        latency_ratio=measured["latency_ratio"],
        token_ratio=measured["token_ratio"],
        max_latency_ratio=caps.max_latency_ratio,
        max_token_ratio=caps.max_token_ratio,
        shipped_hard_findings=int(cand["shipped_hard_findings"]),
        shipped_dependency_violations=int(cand["shipped_dependency_violations"]),
    )
    constitution = load_constitution(runtime.settings.constitution.path or None)
    return constitution.judge("release", output).as_dicts()


def decide(runtime: Runtime, role: RoleProgram, budget: RoleBudget, measured: dict[str, Any]) -> dict[str, Any]:
    """Accept or reject every candidate with reasons; choose the best accepted one."""
    base = totals(measured["records"][BASELINE_NAME])
    candidates = [_judge(runtime, role, budget, measured, index, base) for index in measured["candidates"]]
    accepted = [c for c in candidates if c["accepted"]]
    chosen = max(accepted, key=lambda c: c["totals"]["score"], default=None)
    section = release_section(role.role, base, measured["baseline_instructions"], measured["records"])
    diff = "\n".join(c["prompt_diff"] for c in candidates) or section["prompt_diff"]
    return section | {"candidates": candidates, "chosen": chosen, "prompt_diff": diff}


def release_section(
    role: str, baseline: dict[str, Any], instructions: dict[str, str], records: dict | None = None
) -> dict[str, Any]:
    """A report section with no candidate: what a run that releases nothing reports, and what `decide` fills in."""
    return {
        "role": role,
        "baseline": baseline,
        "baseline_instructions": instructions,
        "candidates": [],
        "chosen": None,
        "prompt_diff": "(no candidate besides the baseline)",
        "records": records or {},
    }


def _judge(
    runtime: Runtime, role: RoleProgram, budget: RoleBudget, measured: dict[str, Any], index: int, base: dict
) -> dict[str, Any]:
    cand = totals(measured["records"][str(index)])
    findings = verdict(runtime, budget, role.role, cand, base)
    reasons = [f"Article {f['article']} ({f['title']}): {f['message']}" for f in findings]
    confidence = budget.production.gain_confidence
    low = gain_lower_bound(measured["records"], str(index), confidence)
    if cand["score"] <= base["score"]:
        reasons.append(f"score {cand['score']} does not improve on the baseline's {base['score']}")
    elif low is not None and low <= 0:
        reasons.append(noise_reason(cand["score"] - base["score"], cand["tasks"], confidence, low))
    instructions = measured["candidates"][index]
    return {
        "index": index,
        "instructions": instructions,
        "totals": cand,
        "ratios": {name: round(value, 4) for name, value in ratios(cand, base).items()},  # judged unrounded
        "gain_lower_bound": low,
        "constitution": findings,
        "accepted": not reasons,
        "reasons": reasons,
        "prompt_diff": prompt_diff(measured["baseline_instructions"], instructions, f"candidate_{index}"),
    }


def gain_lower_bound(records: dict[str, list[dict[str, Any]]], name: str, confidence: float) -> float | None:
    """The bootstrap lower bound of the candidate's mean per-task score gain (None when not asked for)."""
    if not confidence:
        return None
    return bootstrap_mean_low(task_gains(records, name), confidence)


def gain_on(records: dict[str, list[dict[str, Any]]], name: str, tasks: set[str]) -> float:
    """The candidate's mean per-task score gain over the baseline on ``tasks`` alone."""
    gains = task_gains(records, name, tasks)
    return round(statistics.fmean(gains), 4) if gains else 0.0


def task_gains(records: dict[str, list[dict[str, Any]]], name: str, tasks: set[str] | None = None) -> list[float]:
    """The candidate's per-task score gains over the baseline, in task order (on ``tasks`` alone when given)."""

    def scores(program: str) -> list[float]:
        return task_scores([r for r in records[program] if tasks is None or r["task"] in tasks])

    return [cand - base for cand, base in zip(scores(name), scores(BASELINE_NAME), strict=True)]


def task_scores(records: list[dict[str, Any]]) -> list[float]:
    """Each task's mean score over its draws, in task order (a record that names no task is a task of its own).

    Measured (A/A): a second draw of the same Planner differs by up to 0.4 on 6 of 11 tasks, because a
    sampled retry decides whether its plan is valid; averaging draws shrinks that before the bootstrap."""
    scores: dict[Any, list[float]] = {}
    for index, record in enumerate(records):
        scores.setdefault(record.get("task", index), []).append(record["score"])
    return [statistics.fmean(values) for values in scores.values()]


def noise_reason(gain: float, tasks: int, confidence: float, low: float) -> str:
    """Measured: both Planner candidates accepted on a gain from one or two of 4-6 validation tasks scored
    below the baseline on the held-out test split."""
    return (
        f"the score gain +{gain:.3f} on {tasks} validation tasks may be noise: its {confidence:.0%} bootstrap "
        f"lower bound is {low:+.4f} (use more validation tasks, or find a gain on most of them)"
    )


def prompt_diff(baseline: dict[str, str], candidate: dict[str, str], name: str) -> str:
    """A unified diff of the instructions, predictor by predictor."""
    parts = []
    for predictor, text in candidate.items():
        before = baseline.get(predictor, "").splitlines(keepends=True)
        after = text.splitlines(keepends=True)
        diff = difflib.unified_diff(before, after, f"baseline/{predictor}", f"{name}/{predictor}")
        parts.append("".join(line if line.endswith("\n") else line + "\n" for line in diff))
    return "".join(parts) or f"({name}: instructions identical to the baseline)\n"
