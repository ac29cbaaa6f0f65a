"""A DSPy 3.0 slowdown that DSPy fixed upstream later, fixed the same way when plancoder configures DSPy.

DSPy 3.0's ``Module.__getattribute__`` calls ``inspect.stack()`` every time a module's ``forward``
is looked up (to warn about ``module.forward(...)`` called directly). That walks the whole call
stack and reads every frame's source file: a scripted Planner call looks ``forward`` up five times,
4.3 of its 7.5 ms in process (cProfile, 100 calls). DSPy 3.4 asks only the immediate caller; on a
version whose method still walks the stack, the same one-frame check is installed (same warning,
same condition).
"""

import inspect
import logging
import sys
from typing import Any

import dspy

log = logging.getLogger("dspy.primitives.module")


def walks_the_stack() -> bool:
    """True when the installed DSPy's ``Module.__getattribute__`` calls ``inspect.stack()``."""
    try:
        return "inspect.stack()" in inspect.getsource(dspy.Module.__getattribute__)
    except (OSError, TypeError):
        return False


def _getattribute(self: Any, name: str) -> Any:
    attr = object.__getattribute__(self, name)
    if name == "forward" and callable(attr) and sys._getframe(1).f_code.co_name != "__call__":
        log.warning(
            f"Calling module.forward(...) on {type(self).__name__} directly is discouraged. "
            "Please use module(...) instead."
        )
    return attr


def apply() -> None:
    """Install the one-frame check where DSPy still walks the stack; idempotent."""
    if dspy.Module.__getattribute__ is not _getattribute and walks_the_stack():
        dspy.Module.__getattribute__ = _getattribute  # dspy.Module: its module path differs in DSPy 2.6
