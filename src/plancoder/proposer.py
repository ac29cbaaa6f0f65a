"""GEPA's instruction proposer for small reflection models: one new rule per proposal.

GEPA's default proposer asks the reflection model to rewrite the whole instruction. With the
embedded 1.5B model every real run failed that way: a sentence repeated up to the token cap,
"json", "Certainly! Please provide the inputs", the old text behind a fence tag. ``RuleProposer``
asks a narrower question, through a typed DSPy signature: from the feedback on the failed examples,
write ONE general rule. The proposal is the current instruction with the rule appended under a
"Rules learned from feedback" list. A rule that is empty, too long, a question, repetitive, names
the examples' specifics (two quoted names, pieces of code, line numbers or class names; one file
name), is already there or says a learned rule again in mostly its words is asked for again with
the reason (``dspy.BestOfN`` through ``Guarded``, ``ATTEMPTS`` calls at most); one still unusable
then is refused (GEPA logs it and skips that iteration). At most ``MAX_RULES`` rules are kept (the
oldest goes), so an optimized prompt costs a bounded number of extra tokens (Article VI).
"""

import builtins
import contextlib
import functools
import inspect
import keyword
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import dspy

from plancoder.guards import Guarded
from plancoder.plan import Step

RULES_HEADER = "Rules learned from feedback:"
MAX_RULES = 4
MAX_RULE_WORDS = 40
MIN_RULE_WORDS = 4
MAX_FEEDBACK_CHARS = 700
ATTEMPTS = 3  # reflection calls per proposal: a refused rule is asked for again with the reason
PERFECT = ("meets every requirement", "made every test pass")


class ProposeRule(dspy.Signature):
    """You improve the instructions of an AI assistant. Read its current instructions and the feedback
    on its recent outputs, then write ONE new rule that would have avoided the problems the feedback
    names, first the problem that recurs in the most outputs. The rule is one imperative sentence
    addressed to the assistant, general (true for every task, not only these examples: never name
    their files, ids, steps or keywords), at most 30 words, and not already in the instructions."""

    current_instructions: str = dspy.InputField(desc="The assistant's current instructions")
    examples_feedback: str = dspy.InputField(
        desc="What was wrong with recent outputs: the recurring problems counted, then one numbered item per output"
    )
    feedback: str = dspy.InputField(desc="Why your previous rule was refused; empty on the first attempt")
    rule: str = dspy.OutputField(desc="One new rule: a single imperative sentence")


class RuleRefused(ValueError):
    """The reflection model's rule cannot be used (GEPA skips the iteration)."""


class RuleProposer:
    """A gepa ``ProposalFn``: ``(candidate, reflective_dataset, components) -> {component: instruction}``."""

    def __init__(self, lm: dspy.LM, attempts: int = ATTEMPTS) -> None:
        self.lm, self.attempts = lm, attempts
        self.log: list[dict[str, str]] = []

    def __call__(
        self, candidate: dict[str, str], reflective_dataset: dict[str, list], components_to_update: list[str]
    ) -> dict[str, str]:
        datasets = {name: reflective_dataset.get(name, []) for name in components_to_update}
        return {name: self.propose(name, candidate[name], examples) for name, examples in datasets.items()}

    def propose(self, component: str, instruction: str, examples: list[dict[str, Any]]) -> str:
        feedback = feedback_text(examples)  # the model sees it masked; a rule is checked against all of it
        summary = recurring(feedbacks(examples))
        propose_rule = Guarded(dspy.Predict(ProposeRule), functools.partial(_usable, feedback=feedback), self.attempts)
        with dspy.context(lm=self.lm):
            guarded = propose_rule(current_instructions=instruction, examples_feedback=shown(summary, feedback))
        raw = str(getattr(guarded.best, "rule", ""))
        entry = {"component": component, "recurring": summary}
        try:
            if guarded.best is None:  # no attempt answered (a spent budget, a model error): say why
                raise RuleRefused(guarded.channel.feedback[-1] if guarded.channel.feedback else "no answer")
            rule = clean_rule(raw, instruction, feedback)
        except RuleRefused as refused:
            self.log.append({**entry, "rule": raw, "refused": str(refused)})
            raise
        self.log.append({**entry, "rule": rule, "refused": ""})
        return with_rule(instruction, rule)


def _usable(args: dict[str, Any], prediction: dspy.Prediction, feedback: str = "") -> tuple[float, str]:
    """The guard's check: a refused rule is retried with the reason (``dspy.BestOfN``, bounded); ``feedback``
    is the examples' feedback unmasked, so that a name the model still brings up is caught here."""
    try:
        clean_rule(prediction.rule, args["current_instructions"], feedback)
    except RuleRefused as refused:
        return 0.0, f"Your rule was refused ({refused}). Write one different rule that holds for every task."
    return 1.0, "usable"


def shown(summary: str, feedback: str) -> str:
    """What the reflection model reads: the problems that recur across the outputs, counted, then each output's
    feedback, both masked. Measured in Planner run G: shown the three plans' feedback one by one, the 1.5B
    paraphrased the instruction twice; the rule set led by the rule a count points at ("no step covers 'tests'"
    in most plans: "include a step that adds or updates automated tests") made 10 of 12 valid training plans
    against the baseline's 8 (``bench/instruction_headroom.py``)."""
    counted = f"Recurring problems:\n{masked(summary)}\n\nEach output:\n" if summary else ""
    return counted + masked(feedback)


def recurring(texts: list[str], most: int = 3) -> str:
    """The problems found in two outputs or more, the most frequent first: "In 3 of 3 outputs: no step covers
    tests" (a problem's details in brackets differ between tasks and are left out; a name that recurs across
    tasks is general, so it loses its quotes: quoted, the 1.5B copied it with the examples' other names).
    Kinds of problems are not counted: shown "In 3 of 3 outputs: one of the parts the task names should come
    before another", the 1.5B wrote a rule about ``depends_on`` order, which the validator already enforces."""
    counts = Counter(problem for text in texts for problem in problems(text))
    common = [(SINGLE_QUOTED.sub(r"\1", problem), n) for problem, n in counts.most_common() if n >= 2][:most]
    return "\n".join(f"{i}. In {n} of {len(texts)} outputs: {problem}" for i, (problem, n) in enumerate(common, 1))


def problems(text: str) -> list[str]:
    """The problems one feedback names, each once in the order given: its first line's "; "-separated parts,
    without bracketed details. A list, not a set: a set's order changes with the process's string hashing, and
    the summary (the reflection prompt) must be the same in a resumed run for its answers to be replayed."""
    if not text.strip() or perfect(text):
        return []
    first = IMPROVE.sub("", text.strip().splitlines()[0])
    return list(dict.fromkeys(filter(None, (DETAILS.sub("", part).strip() for part in first.split("; ")))))


IMPROVE = re.compile(r"^To improve [^:]*:\s*")
DETAILS = re.compile(r"\s*\([^()]*\)")
SINGLE_QUOTED = re.compile(r"'([^'\n]+)'")


def masked(feedback: str) -> str:
    """Each item's first line (the facts; a Coder item's failing test lines follow it), its quoted code and
    names shown as `…` and its line numbers left out. Shown `parse_ini`, `fired += 1` or a test's name, the
    1.5B wrote rules about them in 12 of the first 15 answers of Coder run E (all refused); shown "at line 35",
    it wrote "Fix the syntax error in the function at line 35."."""
    items = re.split(r"\n(?=\d+\. )", feedback)
    return "\n".join(LINE_NUMBER.sub("", QUOTED.sub("`…`", item.splitlines()[0])) for item in items if item.strip())


QUOTED = re.compile(r"`[^`\n]+`")
LINE_NUMBER = re.compile(r" (?:at|on) line \d+")


def feedback_text(examples: list[dict[str, Any]]) -> str:
    """The feedback of the imperfect examples, numbered and trimmed (their inputs are too long to show)."""
    texts = [text.strip() for text in feedbacks(examples)]
    wanted = [t for t in dict.fromkeys(texts) if t and not perfect(t)]
    return "\n".join(f"{i}. {text[:MAX_FEEDBACK_CHARS]}" for i, text in enumerate(wanted or texts, 1))


def feedbacks(examples: list[dict[str, Any]]) -> list[str]:
    """Each reflective example's feedback, as GEPA's adapter names it."""
    return [str(example.get("Feedback", "")) for example in examples]


def perfect(feedback: str) -> bool:
    """The metric's words for an output with nothing to improve."""
    return any(words in feedback for words in PERFECT)


LEAD = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)]|rule\s*\d*\s*:|new rule\s*:)\s*", re.IGNORECASE)


def clean_rule(raw: str, instruction: str, feedback: str = "") -> str:
    """The usable rule in the model's answer; ``RuleRefused`` says why there is none."""
    rule = rule_text(raw)
    problem = refusal(rule, instruction, feedback)
    if problem:
        raise RuleRefused(problem)
    return rule if rule.endswith((".", "!")) else rule + "."


def rule_text(raw: str) -> str:
    """The first sentence of the answer's first line that is not a code fence, without list marks or quotes."""
    line = next((line for line in str(raw).splitlines() if line.strip() and not line.strip().startswith("```")), "")
    return first_sentence(LEAD.sub("", line).strip().strip("\"'`").strip())


def refusal(rule: str, instruction: str, feedback: str = "") -> str:
    """Why ``rule`` cannot be used ("" when it can); a code name from the examples' ``feedback`` makes it specific."""
    words, shown = rule.split(), rule[:80]
    problems = [
        (rule.endswith("?"), f"not a rule: {shown!r}"),
        (
            not MIN_RULE_WORDS <= len(words) <= MAX_RULE_WORDS,
            f"a rule has {MIN_RULE_WORDS} to {MAX_RULE_WORDS} words, this one {len(words)}",
        ),
        (repetitive(words), f"repetitive: {shown!r}"),
        ("…" in rule, f"copies the `…` that stands for the examples' code: {shown!r}"),
        (
            len(SPECIFIC.findall(rule)) >= 2 or ONE_IS_ENOUGH.search(rule) is not None,
            f"names the examples' specifics, not a rule for every task: {shown!r}",
        ),
        (
            bool(names := borrowed(rule, feedback)),
            f"names the examples' specifics ({', '.join(names)}: only these examples have them), not a rule for "
            f"every task: {shown!r}",
        ),
        (_norm(rule) in _norm(instruction), f"already in the instructions: {shown!r}"),
        (bool(old := restated(rule, instruction)), f"says the learned rule {old[:80]!r} again: name another problem"),
    ]
    return next((why for found, why in problems if found), "")


SPECIFIC = re.compile(
    r"""(?<!\w)(?:'[^'\n]{1,40}'|`[^`\n]+`|"[^"\n]+")(?!\w)"""  # quoted names or code
    r"|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b"  # CamelCase names: classes, exceptions
)
"""A quoted name, a quoted piece of code or a class name (two make a rule specific).
Measured: Planner rules listing the examples' keywords ("covers 'params', 'query', ...") scored
higher on 4 validation tasks and lower on the held-out test split (6/11 valid plans against the
baseline's 9/11); a Coder rule copied one bug's fix ("Fix the comparison_swap at line 48: the
original line `...` became `...`")."""
ONE_IS_ENOUGH = re.compile(r"\b[\w-]+\.py\b|\b[Ll]ines? \d+")
"""A file name ("Fix the arithmetic_swap function in the age_calc.py file ...") or a line number: run E
accepted "Fix the syntax error in the function at line 35." with one, and 12 later answers repeated it."""


CODE_NAME = re.compile(r"`([^`\n]+)`|\b([A-Za-z]\w*(?:[._]\w+)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)\b")
"""A quoted piece of code, or a name written as code: ``snake_case``, ``dotted.name``, ``CamelCase``."""


def borrowed(rule: str, feedback: str) -> list[str]:
    """The code names in ``rule`` that come from the examples' feedback. Measured: Coder run E's first rule
    was "Fix the bug in the `parse_ini` function by ...", one quoted name, which ``SPECIFIC`` lets pass."""
    names = {(quoted or bare).strip("()") for quoted, bare in CODE_NAME.findall(rule)} - GENERAL_NAMES
    return sorted(n for n in names if n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", feedback))


GENERAL_NAMES = set(keyword.kwlist) | set(dir(builtins)) | set(Step.model_fields)
"""Every task's words, not an example's: Python's own names (run E refused "Ensure that the `return` statement
is ..." for them) and the fields of a plan's steps (a rule about ``depends_on`` holds for every plan)."""


def first_sentence(text: str) -> str:
    """Up to the first sentence end (the 1.5B model tends to add "Also, ..." about single examples)."""
    match = SENTENCE_END.search(text)
    return text[: match.start() + 1] if match else text


SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z])")


def repetitive(words: list[str]) -> bool:
    """True when a word triple comes three times: the small models' failure mode is a phrase repeated to the cap."""
    triples = [tuple(w.lower() for w in words[i : i + 3]) for i in range(len(words) - 2)]
    return any(triples.count(t) >= 3 for t in set(triples))


def restated(rule: str, instruction: str) -> str:
    """The learned rule whose words ``rule`` mostly repeats ("" when none). Measured: Coder run F gave four of
    its 12 iterations (about 38 minutes) to "Ensure that the arithmetic operator is correctly used in the
    function." after "Fix the bug ... by ensuring that the arithmetic operator is correctly used in the function."."""
    words = stems(rule)
    said_again = (old for old in learned(instruction) if words and len(words & stems(old)) >= SAME_WORDS * len(words))
    return next(said_again, "")


SAME_WORDS = 0.8  # the share of a rule's words that makes it a learned rule said again
STOP_WORDS = frozenset("a an and are as be by for in is it its of on or that the this to with".split())  # noqa: SIM905


def stems(text: str) -> set[str]:
    """The words that carry meaning, cut to five letters so that "ensure" and "ensuring" are one word."""
    return {word[:5] for word in re.findall(r"[a-z]+", text.lower()) if word not in STOP_WORDS}


def learned(instruction: str) -> list[str]:
    """The rules listed under ``RULES_HEADER``, oldest first."""
    return [line[2:] for line in instruction.partition(RULES_HEADER)[2].splitlines() if line.startswith("- ")]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def with_rule(instruction: str, rule: str) -> str:
    """The instruction with ``rule`` added to its learned rules (the oldest dropped past ``MAX_RULES``)."""
    rules = "\n".join(f"- {r}" for r in [*learned(instruction), rule][-MAX_RULES:])
    return instruction.partition(RULES_HEADER)[0].rstrip() + f"\n\n{RULES_HEADER}\n" + rules


def gepa_accepts_proposer() -> bool:
    """DSPy 3.4's GEPA takes ``instruction_proposer``; 3.0's does not."""
    return "instruction_proposer" in inspect.signature(dspy.GEPA).parameters


@contextlib.contextmanager
def installed(proposer: RuleProposer | None) -> Iterator[dict[str, Any]]:
    """GEPA keyword arguments that make ``proposer`` GEPA's; on DSPy 3.0 it is set on the adapter instead.

    gepa's engine asks the adapter's ``propose_new_texts`` before its own default, the hook that
    DSPy 3.4 fills from ``instruction_proposer``; DSPy 3.0 leaves it empty, so it is set for the
    duration of the run and removed afterwards."""
    if proposer is None:
        yield {}
        return
    if gepa_accepts_proposer():
        yield {"instruction_proposer": proposer}
        return
    from dspy.teleprompt.gepa.gepa_utils import DspyAdapter

    DspyAdapter.propose_new_texts = staticmethod(proposer)
    try:
        yield {}
    finally:
        del DspyAdapter.propose_new_texts
