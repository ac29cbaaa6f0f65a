"""DSPy 3.0's stack-walking ``forward`` lookup is replaced by the one-frame check DSPy 3.4 made upstream."""

import logging

import dspy

from plancoder import dspy_fixes
from plancoder.scripted import Script, chat_answer


class Echo(dspy.Module):
    def forward(self, text: str) -> dspy.Prediction:
        return dspy.Prediction(text=text)


def test_the_check_is_installed_exactly_where_dspy_still_walks_the_stack():
    dspy_fixes.apply()
    dspy_fixes.apply()  # idempotent
    patched = dspy.Module.__getattribute__ is dspy_fixes._getattribute
    assert patched == dspy.__version__.startswith("3.0")  # 3.4 asks the immediate caller itself
    assert not dspy_fixes.walks_the_stack()


def test_a_direct_forward_call_still_warns_and_a_module_call_does_not(caplog):
    dspy_fixes.apply()
    with caplog.at_level(logging.WARNING):
        assert Echo()(text="a").text == "a"
        assert not [r for r in caplog.records if "directly is discouraged" in r.getMessage()]
        assert Echo().forward(text="b").text == "b"
    assert any("Calling module.forward(...) on Echo directly" in r.getMessage() for r in caplog.records)


def test_a_predictor_still_answers_through_the_patched_lookup():
    dspy_fixes.apply()
    with dspy.context(lm=Script([chat_answer(answer="4")]).lm()):
        assert dspy.Predict("question -> answer")(question="2+2?").answer == "4"
