"""bench/coder_reasoning.py: the Coder whose fix call answers without reasoning first."""

import pytest
from bench_scripts import BENCH, load_bench
from buggy_calc import GOOD
from test_coder import run_coder

from plancoder.coder import Coder
from plancoder.sandbox import Limits
from plancoder.scripted import chat_answer


@pytest.fixture
def reasoning_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # it imports instruction_headroom's report
    return load_bench("coder_reasoning")


def test_without_reasoning_the_fix_call_asks_for_the_function_alone_and_still_fixes(reasoning_bench, calc_project):
    coder = reasoning_bench.without_reasoning(Coder(limits=Limits(wall_s=30)))
    result, script = run_coder(calc_project, [chat_answer(function_name="add", fixed_function=GOOD)], coder=coder)
    system = script.calls[0]["messages"][0]["content"]
    assert result.passed and result.fixed_code.count("return a + b") == 1
    assert "reasoning" not in system and "fixed_function" in system
    assert "reasoning" in Coder().fix.guard.module.predictor.proposer.predict.signature.output_fields
