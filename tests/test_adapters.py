"""plancoder's adapter renders exactly what DSPy's ChatAdapter renders, however often it is asked."""

import dspy

from plancoder.adapters import ChatOnlyAdapter
from plancoder.coder import FixFunction
from plancoder.planner import PlanTask


def test_the_cached_field_structure_is_dspys_own_for_every_signature():
    for signature in (PlanTask, FixFunction, dspy.Signature("question -> answer"), PlanTask.with_instructions("x")):
        inputs = {name: f"sample {name}" for name in signature.input_fields}
        for _ in range(2):  # the second call is served from the cache
            assert ChatOnlyAdapter().format(signature, [], inputs) == dspy.ChatAdapter().format(signature, [], inputs)
    assert ChatOnlyAdapter().format_field_structure(PlanTask) != ChatOnlyAdapter().format_field_structure(FixFunction)
