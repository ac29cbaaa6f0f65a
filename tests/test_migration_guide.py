"""The worked example of docs/migrating-from-dspy-2.5.md runs on DSPy 3 and retries with feedback."""

import re
from pathlib import Path

import dspy

from plancoder.scripted import Script, chat_answer

GUIDE = Path(__file__).parents[1] / "docs" / "migrating-from-dspy-2.5.md"


def example_code() -> str:
    blocks = re.findall(r"^```python\n(.*?)^```$", GUIDE.read_text(), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "the guide has exactly one python example"
    return blocks[0]


def test_the_guide_example_retries_a_wordy_answer_with_the_feedback():
    wordy = chat_answer(reasoning="France's capital.", answer="The capital of France is Paris.")
    script = Script([wordy, chat_answer(reasoning="Keep it short.", answer="Paris")])
    namespace = {"__name__": "migration_guide_example"}
    with dspy.context(lm=script.lm()):
        exec(compile(example_code(), str(GUIDE), "exec"), namespace)
        prediction = namespace["program"](question="What is the capital of France?")
    assert prediction.answer == "Paris"
    assert len(script.calls) == 2
    retry = script.calls[1]["messages"][-1]["content"]
    assert "[[ ## past_answer ## ]]\nThe capital of France is Paris." in retry
    assert "[[ ## feedback ## ]]\nAnswer in at most three words." in retry
