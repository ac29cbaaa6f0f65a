"""``plancoder optimize``: GEPA on a role under its budget, then a release decision on the validation split.

1. Measure the baseline on a sample and print the budget in human units.
2. Run ``dspy.GEPA`` with the role's feedback metric (tests, validator and constitution), the
   reflection model from the model switcher and the train/validation splits. GEPA stops at
   ``max_metric_calls``; wall time and reflection tokens are enforced by a meter that makes the
   remaining rollouts and reflections end at once when a cap is reached.
3. Measure every candidate on GEPA's frontier against the baseline on the validation tasks
   (interleaved, so machine noise hits both alike) and let the constitution's release checks decide
   (``plancoder.release``); the best accepted candidate becomes a new program version.

Every step is journaled as it ends, so ``--resume`` goes on from an interrupted run: the sample, each
model answer during GEPA (``plancoder.replay``: the search is replayed up to where it stopped), each
release measurement and the saved version.
"""

import contextlib
import copy
import functools
import logging
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

import dspy

from plancoder import __version__
from plancoder.budget import BudgetExhausted, Meter, RoleBudget, describe
from plancoder.config import answer_settings
from plancoder.demos import Demos, choose_demos
from plancoder.errors import PlancoderError
from plancoder.evaluate import data_hash
from plancoder.journal import Journal, Steps
from plancoder.programs import RoleProgram, mirror, registry_for
from plancoder.proposer import RuleProposer, installed
from plancoder.registry import BASELINE, state_digest
from plancoder.release import decide, draws, gain_on, measure, release_section, task_key
from plancoder.replay import Answers, recording
from plancoder.runtime import Runtime
from plancoder.tracking import tracked_run

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
REFLECTION_MAX_TOKENS = 2048  # at 512 the 1.5B model was cut off mid-instruction and proposed an empty one
MEASURED = "measured"
HARD_STOP_FACTOR = 1.5
"""GEPA ends itself once the gated calls return at once; if it loops anyway (every rollout failing before
the metric counts it), the run is interrupted at this multiple of the wall-time cap."""
STUCK_FIX = (
    "see the log for why every rollout failed; the answers so far are saved, so --resume does not ask them again"
)


class HardStop(BaseException):
    """The optimizer ran past its hard stop. A ``BaseException``, as ``KeyboardInterrupt`` is: GEPA's loop
    catches every ``Exception`` of an iteration, logs it and goes on, which would swallow the stop."""


@contextlib.contextmanager
def hard_stop(seconds: float) -> Iterator[None]:
    """Raise ``HardStop`` in the main thread after ``seconds`` (a no-op off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise HardStop(f"the optimizer did not end within {seconds / 60:.1f} min")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def usage_since(started: float) -> dict[str, dict[str, int]]:
    """Tokens per model of every LM call since ``started`` (student, retries and reflection alike).

    Read from DSPy's global LM history: ``dspy.track_usage`` around GEPA breaks its worker threads on
    DSPy 3.0.1 (every rollout fails before the program runs)."""
    from dspy.clients.base_lm import GLOBAL_HISTORY

    totals: dict[str, dict[str, int]] = {}
    for entry in GLOBAL_HISTORY:
        if _timestamp(entry) >= started:
            per_model = totals.setdefault(str(entry.get("model")), {})
            for key, value in (entry.get("usage") or {}).items():
                if isinstance(value, int):
                    per_model[key] = per_model.get(key, 0) + value
    return totals


def _timestamp(entry: dict[str, Any]) -> float:
    stamp = entry.get("timestamp")
    if isinstance(stamp, str):
        from datetime import datetime

        return datetime.fromisoformat(stamp).timestamp()
    return float(stamp or 0)


class Gated(dspy.Module):
    """The role program as GEPA's student; once the meter says stop, calls end at once with score 0."""

    def __init__(self, program: dspy.Module, role: RoleProgram, meter: Meter) -> None:
        super().__init__()
        self.program, self.role, self.meter = program, role, meter

    def forward(self, **inputs: Any) -> dspy.Prediction:
        if self.meter.check():
            return dspy.Prediction(stopped=self.meter.stopped)
        return self.role.call(self.program, inputs)


def gated_metric(role: RoleProgram, meter: Meter) -> Callable[..., Any]:
    """The role's metric, counting rollouts; a stopped call scores 0 with the reason as feedback."""

    def metric(gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None) -> Any:
        if pred_name is None:
            meter.metric_calls += 1
        if getattr(pred, "stopped", None):
            meter.first_not_run = meter.first_not_run or meter.metric_calls
            return dspy.Prediction(score=0.0, feedback=f"not run: the optimizer budget is spent ({pred.stopped})")
        return role.metric(gold, pred, trace, pred_name, pred_trace)

    return metric


REFLECTION_ROLE = (
    "You improve the instructions of an AI assistant. You are shown its current instructions, examples of "
    "its inputs and outputs, and feedback on each. Write better instructions that fix what the feedback "
    "points out, addressed to the assistant. Reply with the new instructions only, inside ``` blocks. "
    "Do not ask for anything and do not solve the examples yourself."
)
"""DSPy 3.0's GEPA sends its reflection prompt as one bare user message; a small model then answered like a
chat assistant ("Certainly! Please provide the inputs") and that text became a candidate instruction. The
job goes at the top of that user message, not in a system message: DSPy 3.4 deprecates ``lm(messages=...)``
(removed in 3.5), and on three of GEPA's prompts the 1.5B wrote to its 2,048-token cap all three times with
a system message, once with the job on top (``python bench/reflection_role.py``)."""


FENCE_TAG = re.compile(r"```[A-Za-z0-9_+.-]+[ \t]*\n")


class MeteredLM(dspy.LM):
    """The reflection model, charged to the meter; past a cap it raises instead of calling."""

    meter: Meter | None = None

    def __call__(self, prompt: str | None = None, messages: list | None = None, **kwargs: Any) -> Any:
        if self.meter is not None and self.meter.check():
            raise BudgetExhausted(self.meter.stopped)
        raw = prompt is not None and messages is None  # DSPy 3.0's raw reflection prompt: say what the job is
        if raw:
            prompt = f"{REFLECTION_ROLE}\n\n{prompt}"
        seen = len(self.history)
        result = super().__call__(prompt=prompt, messages=messages, **kwargs)
        used = sum(int((entry.get("usage") or {}).get("total_tokens") or 0) for entry in self.history[seen:])
        if self.meter is not None:
            self.meter.reflection_tokens += used
        return [drop_fence_tags(text) if isinstance(text, str) else text for text in result] if raw else result


def drop_fence_tags(text: str) -> str:
    """```` ```plaintext ```` -> ```` ``` ````: GEPA 3.0's extractor keeps a fence's language tag as the first
    word of the new instruction (seen: a Coder proposal that began with "plaintext")."""
    return FENCE_TAG.sub("```\n", text)


def reflection_lm(runtime: Runtime, meter: Meter) -> MeteredLM:
    """The configured reflection model, metered; it writes whole instructions, so it gets room for them."""
    plain = runtime.switcher.lm(runtime.switcher.spec_for("reflection"))
    kwargs = {**plain.kwargs, "max_tokens": max(REFLECTION_MAX_TOKENS, plain.kwargs.get("max_tokens") or 0)}
    lm = MeteredLM(plain.model, cache=False, num_retries=plain.num_retries, **kwargs)
    lm.meter = meter
    return lm


def run_gepa(
    runtime: Runtime, role: RoleProgram, budget: RoleBudget, data: dict[str, list], meter: Meter, demos: Demos
) -> tuple[Any, RuleProposer | None]:
    """GEPA over the gated role program (with its demos): the compiled student (with ``detailed_results``)
    and the proposer."""
    caps = budget.optimizer
    reflection = reflection_lm(runtime, meter)
    proposer = RuleProposer(reflection) if caps.proposer == "rule" else None
    student = Gated(_student(runtime, role, demos), role, meter)
    lm = runtime.switcher.chain(role.role).lms[0]
    with installed(proposer) as proposer_kwargs, no_straggler_copies(), dspy.context(lm=lm):
        gepa = dspy.GEPA(
            metric=gated_metric(role, meter),
            max_metric_calls=caps.max_metric_calls,
            reflection_lm=reflection,
            reflection_minibatch_size=caps.reflection_minibatch_size,
            candidate_selection_strategy="pareto",
            track_stats=True,
            num_threads=1,
            use_merge=False,
            seed=0,
            **proposer_kwargs,
        )
        compiled = gepa.compile(
            student,
            trainset=[role.example(item) for item in data["train"]],
            valset=[role.example(item) for item in data["validation"]],
        )
    return compiled, proposer


@contextlib.contextmanager
def no_straggler_copies() -> Iterator[None]:
    """DSPy's ParallelExecutor starts a second copy of any rollout still running after 120 s (its default
    ``timeout``), and leaves that copy running when the first one ends: with Coder rollouts of 2 to 11
    minutes, a GEPA minibatch ran its bugs twice, the copies competing for the CPU and counted as metric
    calls. Inside this block executors are created without that timeout."""
    from dspy.utils.parallelizer import ParallelExecutor

    init = ParallelExecutor.__init__
    ParallelExecutor.__init__ = functools.partialmethod(init, timeout=0)
    try:
        yield
    finally:
        ParallelExecutor.__init__ = init


def frontier(results: Any, with_seed: bool) -> list[int]:
    """Candidate indices on GEPA's Pareto frontier (best per validation task), best first; the seed (index 0)
    only ``with_seed``: a seed with demos is a candidate of its own, a bare one is the baseline."""
    best = results.per_val_instance_best_candidates
    sets = best.values() if isinstance(best, dict) else best  # a dict keyed by task in gepa >= 0.1
    found = {index for group in sets for index in group} | {results.best_idx}
    found = found | {0} if with_seed else found - {0}
    return sorted(found, key=lambda i: -results.val_aggregate_scores[i])


def search(
    runtime: Runtime, role: RoleProgram, budget: RoleBudget, data: dict[str, list], steps: Steps, demos: Demos
) -> dict[str, Any]:
    """GEPA under the meter with every model answer recorded; what the release and the report need of it."""
    meter = Meter(budget.optimizer)
    answers = Answers(steps, meter)  # a resumed run's clock is where the interrupted one was
    started = time.time()
    try:
        with recording(answers), hard_stop(budget.optimizer.max_wall_minutes * HARD_STOP_FACTOR * 60):
            compiled, proposer = run_gepa(runtime, role, budget, data, meter, demos)
    except HardStop as stop:
        why = f"{stop} (x{HARD_STOP_FACTOR} the wall cap); {meter.stopped or 'no cap reached'}"
        raise PlancoderError(why, STUCK_FIX) from None
    results = compiled.detailed_results
    return {
        "candidates": candidate_instructions(results, frontier(results, with_seed=bool(demos))),
        "gepa": _gepa_stats(results),
        "meter": meter.as_dict(),
        "usage": usage_since(started),
        "proposals": proposer.log if proposer else "GEPA's own (whole-instruction rewrites)",
        "replayed_answers": answers.replayed,
    }


def release(
    runtime: Runtime,
    role: RoleProgram,
    budget: RoleBudget,
    found: dict[str, Any],
    data: dict[str, list],
    steps: Steps,
    progress: Progress,
    demos: Demos,
) -> dict[str, Any]:
    """Measure GEPA's frontier against the baseline on the release tasks and decide."""
    candidates = {int(index): instructions for index, instructions in found["candidates"].items()}
    if not candidates:
        return unreleased(runtime, role, found, data["validation"], progress)
    items, repeats = data["release"], budget.production.repeats
    resumed = sum(steps.has(MEASURED, key) for *_, key in draws(items, repeats))
    record = functools.partial(steps.once, MEASURED)
    start = functools.partial(_student, runtime, role, demos)
    measured = measure(runtime, role, candidates, items, start, progress, record, repeats)
    section = decide(runtime, role, budget, measured) | {"resumed_measurements": resumed}
    return with_unseen_gains(section, items, seen=len(data["validation"]))


def with_unseen_gains(section: dict[str, Any], items: list, seen: int) -> dict[str, Any]:
    """Each candidate's gain on the release tasks after GEPA's ``seen`` ones: its choice checked where it was not
    made."""
    tasks = {task_key(item, number) for number, item in enumerate(items, 1) if number > seen}
    if not tasks:
        return section
    for candidate in section["candidates"]:
        candidate["unseen_gain"] = gain_on(section["records"], str(candidate["index"]), tasks)
    return section | {"unseen_tasks": sorted(tasks)}


def unreleased(runtime: Runtime, role: RoleProgram, found: dict[str, Any], items: list, progress: Progress) -> dict:
    """The section of a run with no candidate: GEPA's own baseline pass stands, since measuring the baseline
    again would cost a whole validation pass (30 min for a Coder run) for nothing."""
    progress("GEPA found no candidate: the baseline is not measured again")
    baseline = {"tasks": len(items), "score": found["gepa"]["val_aggregate_scores"][0]}
    baseline["measured_by"] = "GEPA's validation pass (no candidate to compare, so no latency or tokens)"
    first_not_run = found["meter"].get("first_not_run")
    if first_not_run is not None and first_not_run <= len(items):  # a cap was reached inside that pass
        baseline["partial"] = f"{first_not_run - 1} of {len(items)} tasks ran; the others scored 0 unrun"
    instructions = role.instructions(role.build(runtime))
    return release_section(role.role, baseline, instructions)


def _student(runtime: Runtime, role: RoleProgram, demos: Demos) -> Any:
    """The program GEPA started from: the role's module with the run's demos."""
    return demos.on(role.build(runtime))


def candidate_instructions(results: Any, indices: list[int]) -> dict[int, dict[str, str]]:
    """Per frontier candidate, its instructions under the role module's own predictor names."""
    out = {}
    for index in indices:
        named = results.candidates[index].named_predictors()
        out[index] = {name.removeprefix("program."): p.signature.instructions for name, p in named}
    return out


def sample_seconds(runtime: Runtime, role: RoleProgram, items: list[dict[str, Any]]) -> float:
    """Mean latency of the baseline on a sample: what one metric call costs in wall time."""
    program = role.build(runtime)
    records = [role.run_task(runtime, item, program) for item in items]
    return sum(r["latency_s"] for r in records) / max(1, len(records))


def optimize_role(
    runtime: Runtime,
    role: RoleProgram,
    budget: RoleBudget,
    progress: Progress = log.info,
    sample: int = 1,
    resume: bool = False,
    keep: Callable[[dict[str, Any]], Any] = lambda section: None,
) -> dict[str, Any]:
    """The whole run; returns the report section (and saves the accepted candidate as a version).

    Each step is journaled as it ends (``plancoder.journal``), GEPA's model answers included
    (``plancoder.replay``): with ``resume``, an interrupted run of the same optimization goes on from there.
    ``keep`` writes the report; the journal is removed only after it."""
    train = role.items("train", None)  # loaded once: loading checks every reference plan
    demos = choose_demos(role, train, budget.optimizer.demos)
    data = _splits(role, budget, [item for item in train if item.get("id") not in demos.tasks])
    params = _params(runtime, role, budget, data, demos)
    journal = progress_journal(runtime, params, budget)
    if resume and not journal.path.exists():
        progress(f"no saved progress of a {role.role} optimization: starting afresh")
    steps = Steps(journal, resume)
    with tracked_run(runtime.store, role.role, f"optimize {role.role}", params) as run:
        seconds = steps.once("sample", lambda: sample_seconds(runtime, role, data["validation"][:sample]))
        sizes = (len(data["train"]), len(data["validation"]), seconds, len(data["release"]))
        budget_lines = describe(budget, role.role, *sizes)
        for line in budget_lines + _demo_lines(demos):
            progress(line)
        found = steps.once("gepa", lambda: search(runtime, role, budget, data, steps, demos))
        progress(_search_summary(found))
        section = release(runtime, role, budget, found, data, steps, progress, demos)
        section["prompt_diff"] = demos.diff() + section["prompt_diff"]
        section |= {"params": params, "budget": budget.model_dump(), "budget_in_human_units": budget_lines}
        section |= {key: found[key] for key in ("meter", "usage", "gepa", "proposals", "replayed_answers")}
        section["version"] = steps.once("version", lambda: _save_version(runtime, role, section, params, demos))
        _log_run(run, section)
    keep(section)
    steps.journal.finish()
    return section


def progress_journal(runtime: Runtime, params: dict[str, Any], budget: RoleBudget) -> Journal:
    """Where an optimization of this role keeps its progress; it resumes only with the same head (the sampling
    seed too: it is not part of a request, but another seed would have drawn other answers)."""
    head = {**params, "budget": budget.model_dump(), "plancoder_version": __version__}
    head |= answer_settings(runtime.settings, params["role"])
    return Journal(runtime.home / "optimize_progress" / f"{params['role']}.jsonl", head, compared=tuple(head))


def _splits(role: RoleProgram, budget: RoleBudget, train: list) -> dict[str, list]:
    """The tasks GEPA trains and validates on, from ``train`` without the demos' tasks (their answers are in
    the prompt)."""
    limits, validation = budget.data, role.items("validation", None)
    return {
        "train": limits.choose(train, limits.train_limit),
        "validation": limits.choose(validation, limits.validation_limit),
        "release": limits.for_release(validation),
    }


def _demo_lines(demos: Demos) -> list[str]:
    if not demos:
        return []
    return [f"{len(demos.tasks)} worked example(s) on {demos.predictor} before GEPA: {', '.join(demos.tasks)}"]


def _search_summary(found: dict[str, Any]) -> str:
    replayed = found["replayed_answers"]
    resumed = f"; {replayed} model answers replayed from the interrupted run" if replayed else ""
    return f"GEPA: {found['gepa']['candidates']} candidates, stopped by {found['meter']['stopped_by']}{resumed}"


def _log_run(run: Any, section: dict[str, Any]) -> None:
    run.log_dict(section, "optimize_report.json")
    run.log_text(section["prompt_diff"], "prompt_diff.txt")
    run.log_metrics(_candidate_metrics(section))
    section["mlflow_run_id"] = run.run_id


def _params(
    runtime: Runtime, role: RoleProgram, budget: RoleBudget, data: dict[str, list], demos: Demos
) -> dict[str, Any]:
    return {
        "role": role.role,
        "models": runtime.switcher.chain(role.role).specs,
        "reflection_model": runtime.switcher.spec_for("reflection"),
        "dspy_version": metadata.version("dspy"),
        "max_metric_calls": budget.optimizer.max_metric_calls,
        "max_wall_minutes": budget.optimizer.max_wall_minutes,
        "train_hash": data_hash(data["train"]),
        "validation_hash": data_hash(data["validation"]),
        "train_tasks": len(data["train"]),
        "validation_tasks": len(data["validation"]),
        "release_hash": data_hash(data["release"]),
        "release_tasks": len(data["release"]),
        "demos": list(demos.tasks),
        "demos_hash": data_hash(list(demos.examples)),
    }


def _gepa_stats(results: Any) -> dict[str, Any]:
    return {
        "candidates": len(results.candidates),
        "val_aggregate_scores": [round(float(s), 4) for s in results.val_aggregate_scores],
        "parents": copy.deepcopy(results.parents),
        "total_metric_calls": results.total_metric_calls,
        "num_full_val_evals": results.num_full_val_evals,
        "best_idx": results.best_idx,
    }


def _candidate_metrics(section: dict[str, Any]) -> dict[str, float]:
    metrics = {"validation.baseline.score": section["baseline"]["score"]}
    for candidate in section["candidates"]:
        prefix = f"validation.candidate_{candidate['index']}"
        metrics |= {f"{prefix}.score": candidate["totals"]["score"], f"{prefix}.accepted": candidate["accepted"]}
        metrics |= {f"{prefix}.{k}": v for k, v in candidate["ratios"].items()}
    return metrics


def _save_version(
    runtime: Runtime, role: RoleProgram, section: dict[str, Any], params: dict[str, Any], demos: Demos
) -> str | None:
    """Save the baseline (first time) and the accepted candidate as program versions; the candidate's id."""
    registry, baseline = registry_for(runtime, role.role), role.build(runtime)
    unused = ("demos", "demos_hash")  # the baseline carries no examples
    if registry.save_baseline(baseline, {"kind": "baseline", **{k: v for k, v in params.items() if k not in unused}}):
        mirror(runtime, role.role, BASELINE, (BASELINE,))
    chosen = section.get("chosen")
    if chosen is None:
        return None
    from plancoder.programs import with_instructions

    program = with_instructions(_student(runtime, role, demos), chosen["instructions"])
    meta = {"kind": "candidate", "parent": BASELINE, "parent_state": state_digest(baseline.dump_state())}
    meta |= {**params, **{k: chosen[k] for k in ("totals", "ratios")}}
    meta |= {"budget_verdict": "within", "baseline_totals": section["baseline"]}
    version = registry.save_once(program, meta).id
    mirror(runtime, role.role, version)
    return version
