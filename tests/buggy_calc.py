"""The small project the Coder is tested on: calc.add subtracts, test_calc.py catches it."""

from pathlib import Path

from plancoder.scripted import chat_answer

BUGGY = 'def add(a, b):\n    """Sum of a and b."""\n    return a - b\n\n\ndef double(x):\n    return x * 2\n'
TESTS = (
    "from calc import add, double\n\n\n"
    "def test_add():\n    assert add(2, 3) == 5\n\n\n"
    "def test_add_zero():\n    assert add(0, 0) == 0\n\n\n"
    "def test_double():\n    assert double(4) == 8\n"
)
TEST_CMD = "python -m pytest -q -p no:cacheprovider test_calc.py"
GOOD = 'def add(a, b):\n    """Sum of a and b."""\n    return a + b\n'
WRONG = 'def add(a, b):\n    """Sum of a and b."""\n    return a * b\n'


def write_project(root: Path, source: str = BUGGY) -> Path:
    """Create ``root`` with ``source`` as its calc.py and TESTS as its test_calc.py; return ``root``."""
    root.mkdir()
    (root / "calc.py").write_text(source)
    (root / "test_calc.py").write_text(TESTS)
    return root


def fix_reply(code, name="add"):
    return chat_answer(reasoning="add subtracts instead of adding.", function_name=name, fixed_function=code)
