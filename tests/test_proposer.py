"""The rule proposer: one checked rule per proposal, a bounded list, and the GEPA hook on either DSPy."""

import dspy
import pytest

from plancoder.proposer import (
    ATTEMPTS,
    MAX_RULES,
    RULES_HEADER,
    RuleProposer,
    RuleRefused,
    clean_rule,
    feedback_text,
    gepa_accepts_proposer,
    installed,
    masked,
    recurring,
    shown,
    with_rule,
)
from plancoder.scripted import Script, chat_answer

BASE = "Break a task into steps."


def test_a_rule_is_appended_under_the_header_and_the_oldest_goes_past_the_cap():
    first = with_rule(BASE, "Add a step that writes tests.")
    assert first == f"{BASE}\n\n{RULES_HEADER}\n- Add a step that writes tests."
    text = first
    for n in range(MAX_RULES):
        text = with_rule(text, f"Rule number {n} is here.")
    assert text.startswith(BASE) and text.count("\n- ") == MAX_RULES
    assert "writes tests" not in text and text.endswith("- Rule number 3 is here.")


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("- Always add a step that writes tests", "Always add a step that writes tests."),
        ('Rule: "Name the files each step changes."\nMore text', "Name the files each step changes."),
        ("Add a test step. Also, add a step for 'build_image'.", "Add a test step."),
        ("1. Order the steps by their dependencies!", "Order the steps by their dependencies!"),
        ("```\nAlways add a step that writes tests\n```", "Always add a step that writes tests."),
    ],
)
def test_a_rule_is_cleaned_to_one_sentence(raw, rule):
    assert clean_rule(raw, BASE) == rule


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "words, this one 0"),
        ("Be good.", "words, this one 2"),
        ("Could you provide the inputs for the task please?", "not a rule"),
        ("```json\n```", "this one 0"),
        ("the plan is clear, the plan is clear, the plan is clear, the plan is clear", "repetitive"),
        ("break a task into steps and more", None),
        ("Break a task into steps.", "already in the instructions"),
        ("Add a step that covers 'params', 'query' and 'docs'.", "names the examples' specifics"),
        ("Remove the `build` and `deps` steps from the plan.", "names the examples' specifics"),
        ("Fix line 48: the original line `return a if a < b else b` was wrong.", "names the examples' specifics"),
        ("Fix the arithmetic_swap function in the age_calc.py file to count days.", "names the examples' specifics"),
        ("Fix the syntax error in the function at line 35.", "names the examples' specifics"),
        ("Check the lines 3 to 5 of the function first.", "names the examples' specifics"),
        ("Fix the index or range bound off by one in the function `…`.", "copies the `…`"),  # run E
        ("Check each line of the function against the failing test.", None),
        ("Check the comparison in the UnionFind class first.", None),
        ("Keep the UnionFind class and the BankAccount class.", "names the examples' specifics"),
        ("If the input is wrong, raise a ValueError with the message 'bad items'.", "names the examples' specifics"),
        ("Add a step that covers 'tests' before the release.", None),
        ("Don't add steps that aren't needed.", None),
        (" ".join(["word"] * 2 + [f"w{i}" for i in range(45)]), "this one 47"),
    ],
)
def test_an_unusable_rule_is_refused_with_the_reason(raw, why):
    if why is None:
        assert clean_rule(raw, BASE).endswith(".")
        return
    with pytest.raises(RuleRefused, match=why):
        clean_rule(raw, BASE)


RUN_F_RULE = (
    "Fix the bug in the Python file by ensuring that the arithmetic operator is correctly used in the function."
)


@pytest.mark.parametrize(
    ("raw", "said_again"),
    [
        ("Ensure that the arithmetic operator is correctly used in the function.", True),  # run F, four times
        ("Ensure the arithmetic operators are used correctly in every function.", True),
        ("Ensure that all variables are correctly redeclared before they are used in the code.", False),  # run F
        ("Check the comparison operators of the function against the failing test.", False),
    ],
)
def test_a_rule_that_says_a_learned_rule_again_is_refused(raw, said_again):
    instruction = with_rule(BASE, RUN_F_RULE)
    assert clean_rule(raw, BASE).endswith(".")  # the same rule is new to an instruction without it
    if not said_again:
        assert clean_rule(raw, instruction).endswith(".")
        return
    with pytest.raises(RuleRefused, match="says the learned rule 'Fix the bug in the Python file"):
        clean_rule(raw, instruction)


FEEDBACK = (
    "1. After 3 attempt(s) the tests still fail. The seeded bug was an index or range bound off by one at line 12 "
    "in `parse_ini`: ...\n"
    "2. ... in `StateMachine.run`: the original line `fired += 1` became `fired -= 1`; `return a + b` ...\n"
    "3. To improve the plan: steps after the first have an empty depends_on (s2, s3: ...)"
)


@pytest.mark.parametrize(
    ("raw", "borrowed"),
    [
        ("Fix the bug in the `parse_ini` function by checking the section first.", True),  # run E's first rule
        ("Fix the parse_ini() function before the others.", True),
        ("Look for an off_by_one in loops over ranges.", False),
        ("Change at least one line: never return the function unchanged.", False),
        ("Check the `if` conditions of the function that fails.", False),
        ("Ensure that the `return` statement gives a value of the right type.", False),  # run E, refused before
        ("Fix the StateMachine.run function first, then its callers.", True),
        ("List in depends_on the earlier steps each step needs.", False),  # a field of every plan's steps
    ],
)
def test_a_rule_that_names_what_the_examples_feedback_names_is_refused(raw, borrowed):
    assert clean_rule(raw, BASE).endswith(".")  # one name alone is not refused without the feedback
    if not borrowed:
        assert clean_rule(raw, BASE, FEEDBACK).endswith(".")
        return
    with pytest.raises(RuleRefused, match="names the examples' specifics"):
        clean_rule(raw, BASE, FEEDBACK)


def test_the_reflection_model_is_not_shown_the_examples_code_and_a_rule_naming_it_is_asked_for_again():
    script = Script([chat_answer(rule="Fix the bug in the `parse_ini` function first.")] * ATTEMPTS)
    proposer = RuleProposer(script.lm())
    with pytest.raises(RuleRefused, match=r"names the examples' specifics \(parse_ini: only these examples"):
        proposer({"p": BASE}, {"p": [{"Feedback": FEEDBACK[3:]}]}, ["p"])
    first, second, _ = (call["messages"][-1]["content"] for call in script.calls)
    assert (
        "off by one in `…`: ..." in first
        and "line 12" not in first
        and "parse_ini" not in first
        and "fired" not in first
    )
    assert "Your rule was refused (names the examples' specifics (parse_ini: only these examples have them)" in second
    assert (
        masked("1. Tests fail. In `f`.\nFAILED test_f.py::test_f\n2. Meh `g`\nE  g")
        == "1. Tests fail. In `…`.\n2. Meh `…`"
    )


def test_the_feedback_shown_is_the_imperfect_examples_once_each():
    examples = [
        {"Feedback": "To improve the plan: no step covers 'tests'"},
        {"Feedback": "The plan meets every requirement."},
        {"Feedback": "To improve the plan: no step covers 'tests'"},
        {"Feedback": "x" * 5000},
    ]
    text = feedback_text(examples)
    assert text.startswith("1. To improve the plan: no step covers 'tests'\n2. xxx")
    assert "meets every" not in text and len(text) < 800


def test_the_proposer_asks_the_reflection_model_again_with_the_reason_and_logs_refusals():
    replies = ["json", "Always add a step that writes tests", "json", "Be good.", "Add 'a' and 'b' steps."]
    script = Script([chat_answer(rule=reply) for reply in replies])
    proposer = RuleProposer(script.lm())
    dataset = {"p": [{"Feedback": "no step covers 'tests'"}]}
    proposed = proposer({"p": BASE, "q": "other"}, dataset, ["p"])
    assert proposed == {"p": with_rule(BASE, "Always add a step that writes tests.")}
    first, second = (call["messages"][-1]["content"] for call in script.calls[:2])
    assert "no step covers 'tests'" in first and "Your rule was refused (a rule has 4 to 40 words" in second
    with pytest.raises(RuleRefused, match="this one 1"):  # three unusable answers: the iteration is skipped
        proposer({"p": BASE}, dataset, ["p"])
    assert len(script.calls) == 5
    assert [entry["refused"] == "" for entry in proposer.log] == [True, False]
    assert proposer.log[0]["recurring"] == ""  # one example: nothing recurs


def test_a_proposer_whose_budget_is_spent_says_why():
    from plancoder.budget import Meter, OptimizerCaps
    from plancoder.optimize import MeteredLM

    lm = MeteredLM(Script([]).spec, cache=False, temperature=0.0, max_tokens=64)
    lm.meter = Meter(OptimizerCaps(max_metric_calls=1, max_wall_minutes=5, max_reflection_tokens=10))
    lm.meter.reflection_tokens = 10
    with pytest.raises(RuleRefused, match="reflection tokens over 10"):
        RuleProposer(lm)({"p": BASE}, {"p": [{"Feedback": "x"}]}, ["p"])


def test_the_proposer_becomes_gepas_on_either_dspy_version():
    from dspy.teleprompt.gepa.gepa_utils import DspyAdapter

    proposer = RuleProposer(Script([]).lm())
    before = getattr(DspyAdapter, "propose_new_texts", None)
    with installed(proposer) as kwargs:
        if gepa_accepts_proposer():  # DSPy 3.4: an argument of dspy.GEPA
            assert kwargs == {"instruction_proposer": proposer}
            dspy.GEPA(metric=lambda *a: 0.0, max_metric_calls=1, reflection_lm=Script([]).lm(), **kwargs)
        else:  # DSPy 3.0: gepa's adapter hook, for the run only
            assert kwargs == {} and DspyAdapter.propose_new_texts is proposer
    assert getattr(DspyAdapter, "propose_new_texts", None) is before
    with installed(None) as kwargs:
        assert kwargs == {}


def test_the_problems_that_recur_across_outputs_are_counted_and_shown_first():
    tests, docs = "no step covers 'tests' (expected words like test)", "no step covers 'docs' (expected words like x)"
    perfect = {"Feedback": "The plan meets every requirement."}
    examples = [
        {"Feedback": f"To improve the plan: {tests}; 'a' should come before 'b'"},
        {"Feedback": f"To improve the plan: {docs}; {tests.replace('test)', 'pytest, mock)')}"},
        perfect,
        perfect,
        {"Feedback": f"To improve the plan: {tests}; {docs}"},
    ]
    assert recurring([e["Feedback"] for e in examples]) == (
        "1. In 3 of 5 outputs: no step covers tests\n2. In 2 of 5 outputs: no step covers docs"
    )
    text = shown(recurring([e["Feedback"] for e in examples]), feedback_text(examples))
    assert text.startswith("Recurring problems:\n1. In 3 of 5 outputs: no step covers tests\n2. In 2 of 5")
    assert "\n\nEach output:\n1. To improve the plan: no step covers 'tests' (expected" in text


def test_without_a_recurring_problem_only_the_outputs_are_shown():
    examples = [
        {"Feedback": "Tests fail. In `f`.\nE  boom"},
        {"Feedback": "The fix made every test pass in 1 attempt(s)."},
    ]
    assert recurring([e["Feedback"] for e in examples]) == ""
    assert shown("", feedback_text(examples)) == "1. Tests fail. In `…`."


def test_problems_counted_alike_keep_the_order_they_first_came_in():
    """The summary is part of the reflection prompt: a resumed run replays answers only if it is the same."""
    texts = [
        "To improve the plan: no step covers 'b'; no step covers 'a'",
        "To improve the plan: x; no step covers 'a'; no step covers 'b'",
    ]
    assert recurring(texts) == "1. In 2 of 2 outputs: no step covers b\n2. In 2 of 2 outputs: no step covers a"
