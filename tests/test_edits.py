import pytest

from plancoder.edits import EditError, replace_function, strip_fences, unified_diff

SOURCE = '''import math


def area(r):
    """Area of a circle."""
    return math.pi * r * 2


class Shape:
    @staticmethod
    def sides(kind):
        return {"triangle": 3}.get(kind, 0)

    def name(self):
        return "shape"
'''


def test_replaces_a_top_level_function_keeping_the_rest():
    fixed = 'def area(r):\n    """Area of a circle."""\n    return math.pi * r ** 2\n'
    result = replace_function(SOURCE, "area", fixed)
    assert "return math.pi * r ** 2" in result
    assert result.replace("r ** 2", "r * 2") == SOURCE


def test_replaces_a_method_and_reindents_it():
    fixed = "```python\n@staticmethod\ndef sides(kind):\n    return {'triangle': 3, 'square': 4}.get(kind, 0)\n```"
    result = replace_function(SOURCE, "Shape.sides", fixed)
    assert "    @staticmethod\n    def sides(kind):\n        return {'triangle': 3, 'square': 4}" in result
    assert result.count("@staticmethod") == 1 and "def name(self):" in result


def test_a_bare_method_name_is_resolved_when_unique():
    result = replace_function(SOURCE, "name", "def name(self):\n    return 'circle'\n")
    assert "        return 'circle'" in result


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("volume", "def volume(r):\n    return r\n", "no function named `volume`; functions in the file: area"),
        ("area", "def area(r):\n    return (r\n", "your function has a syntax error"),
        ("area", "x = 1\n", "exactly one complete function definition"),
        ("area", "def a(r):\n    return r\ndef b(r):\n    return r\n", "found 2"),
        ("area", "def perimeter(r):\n    return r\n", "named `perimeter` but replaces `area`"),
    ],
)
def test_bad_proposals_become_feedback(name, code, message):
    with pytest.raises(EditError, match=message.replace("(", r"\(").replace("`", "`")):
        replace_function(SOURCE, name, code)


def test_strip_fences_and_diff():
    assert strip_fences("Here:\n```py\ndef f():\n    pass\n```\nDone") == "def f():\n    pass"
    assert strip_fences("def f():\n    pass\n") == "def f():\n    pass"
    diff = unified_diff("a = 1\n", "a = 2\n", "m.py")
    assert diff.startswith("--- a/m.py\n+++ b/m.py\n") and "-a = 1\n+a = 2\n" in diff
