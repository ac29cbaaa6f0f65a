"""bench/coder_reasoning.py: the Coder whose fix call answers without reasoning first."""

import dspy
import pytest
from bench_scripts import BENCH, load_bench
from buggy_calc import GOOD, TEST_CMD
from test_spectrum import LIMITS

from plancoder.adapters import ChatOnlyAdapter
from plancoder.coder import Coder
from plancoder.scripted import Script, chat_answer


@pytest.fixture
def reasoning_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # it imports instruction_headroom's report
    return load_bench("coder_reasoning")


def test_without_reasoning_the_fix_call_asks_for_the_function_alone_and_still_fixes(reasoning_bench, calc_project):
    script = Script([chat_answer(function_name="add", fixed_function=GOOD)])
    coder = reasoning_bench.without_reasoning(Coder(limits=LIMITS))
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        result = coder(project=str(calc_project), file="calc.py", test_cmd=TEST_CMD)
    system = script.calls[0]["messages"][0]["content"]
    assert result.passed and result.fixed_code.count("return a + b") == 1
    assert "reasoning" not in system and "fixed_function" in system
    assert "reasoning" in Coder().fix.guard.module.predictor.proposer.predict.signature.output_fields
