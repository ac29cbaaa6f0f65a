"""Where should the reflection model read its job: in a system message, or at the top of the user message?

GEPA's own proposer (``proposer: rewrite``) sends one raw prompt. ``MeteredLM`` tells the reflection
model its job (``REFLECTION_ROLE``) first, because the 1.5B otherwise answered like a chat assistant
("Certainly! Please provide the inputs"). DSPy 3.4 deprecates ``lm(messages=...)`` (removed in 3.5), which
the system-message form needs; a plain ``lm(prompt)`` works on every DSPy 3.x. This sends the same GEPA
reflection prompts both ways, cache off, and prints per prompt what GEPA would take as the new instruction.

    python bench/reflection_role.py [--prompts 4] [--config FILE]

The prompts are GEPA's (``InstructionProposalSignature``) over the Planner's baseline instruction and three
of Planner run I's validation plans each, with the judge's findings as the feedback
(``eval/optimize_runs/planner-run-I.json``).
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import json
import time
from pathlib import Path

import plancoder  # noqa: F401

import dspy
from gepa.strategies.instruction_proposal import InstructionProposalSignature

from plancoder.optimize import REFLECTION_MAX_TOKENS, REFLECTION_ROLE, drop_fence_tags
from plancoder.planning import load_tasks
from plancoder.runtime import build_runtime

RUN = Path(__file__).resolve().parent.parent / "eval" / "optimize_runs" / "planner-run-I.json"
CHAT_REPLY = ("certainly", "sure", "of course", "please provide", "i'd be happy")


def prompts(count: int) -> list[str]:
    """GEPA's reflection prompts: the baseline instruction and three recorded plans with feedback each."""
    run = json.loads(RUN.read_text(encoding="utf-8"))["planner"]
    instruction = next(iter(run["baseline_instructions"].values()))
    records = run["records"]["baseline"]
    texts = {task["id"]: task["task"] for task in load_tasks(split="validation")}
    samples = [_sample(record, texts[record["id"]]) for record in records]
    groups = [samples[start : start + 3] for start in range(0, 3 * count, 3)]
    render = InstructionProposalSignature.prompt_renderer
    return [render({"current_instruction_doc": instruction, "dataset_with_feedback": group}) for group in groups]


def _sample(record: dict, task: str) -> dict:
    feedback = "; ".join(record["missing"] + record["feedback"])
    return {"Inputs": {"task": task}, "Generated Outputs": {"plan": json.dumps(record["plan"])}, "Feedback": feedback}


def ask(lm: dspy.LM, prompt: str, form: str) -> tuple[str, float, int]:
    """The proposed instruction, as GEPA extracts it, the seconds the call took and the tokens it wrote."""
    started = time.perf_counter()
    if form == "system":
        messages = [{"role": "system", "content": REFLECTION_ROLE}, {"role": "user", "content": prompt}]
        text = lm(messages=messages)[0]
    else:
        text = lm(f"{REFLECTION_ROLE}\n\n{prompt}")[0]
    proposed = InstructionProposalSignature.output_extractor(drop_fence_tags(text))["new_instruction"]
    return proposed, time.perf_counter() - started, lm.history[-1]["usage"]["completion_tokens"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    runtime = build_runtime(args.config, cache=False)
    plain = runtime.switcher.lm(runtime.switcher.spec_for("reflection"))
    lm = dspy.LM(plain.model, cache=False, **{**plain.kwargs, "max_tokens": REFLECTION_MAX_TOKENS})
    for number, prompt in enumerate(prompts(args.prompts), 1):
        for form in ("system", "user"):
            proposed, seconds, written = ask(lm, prompt, form)
            chat = proposed.strip().lower().startswith(CHAT_REPLY)
            cut = written >= REFLECTION_MAX_TOKENS
            print(f"prompt {number} {form}: {seconds:.0f} s, {written} tokens (cut off: {cut}), chat reply: {chat}")
            print("   ", proposed.strip().replace("\n", " ")[:400])


if __name__ == "__main__":
    main()
