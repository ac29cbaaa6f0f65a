import pytest

from plancoder.edits import EditError, replace_function, strip_fences, target_function, unified_diff

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


def test_a_form_feed_does_not_move_the_edit():
    """``splitlines`` splits at form feeds too, ``ast`` counts only newlines: the edit must land on the function."""
    source = "def a():\n    return 1\n\x0c\ndef b():\n    return 2\n"
    assert (
        replace_function(source, "b", "def b():\n    return 20\n")
        == "def a():\n    return 1\n\x0c\ndef b():\n    return 20\n"
    )


def test_a_name_defined_twice_is_refused_not_guessed():
    getter = "    @property\n    def x(self):\n        return self._x\n"
    source = f"class C:\n{getter}\n    @x.setter\n    def x(self, v):\n        self._x = v\n"
    with pytest.raises(EditError, match=r"`C.x` is defined 2 times \(lines 3, 7\)"):
        replace_function(source, "C.x", "def x(self):\n    return self._x + 1\n")


def test_decorators_stay_when_the_new_definition_has_none():
    source = "import functools\n\n\n@functools.cache\ndef f(n):\n    return n - 1\n"
    fixed = replace_function(source, "f", "def f(n):\n    return n + 1\n")
    assert fixed == "import functools\n\n\n@functools.cache\ndef f(n):\n    return n + 1\n"


def test_a_multi_line_string_in_a_method_keeps_its_text():
    source = 'class C:\n    def title(self):\n        return "x"\n'
    new = 'def title(self):\n    return """Title\n-----\n"""\n'
    fixed = replace_function(source, "C.title", new)
    namespace = {}
    exec(fixed, namespace)
    assert namespace["C"]().title() == "Title\n-----\n"


def test_code_that_runs_on_import_is_refused_imports_are_kept():
    source = "def f():\n    return 1\n"
    with pytest.raises(EditError, match="line 1 is other code"):
        replace_function(source, "f", "LIMIT = 1000\ndef f():\n    return LIMIT\n")
    assert "import math" in replace_function(source, "f", "import math\n\ndef f():\n    return math.floor(1.5)\n")


WHOLE_CLASS = SOURCE[SOURCE.index("class Shape") :].replace('"shape"', '"polygon"')  # as the 1.5B answered


def test_a_whole_class_for_one_method_replaces_only_the_method_that_changed():
    result = replace_function(SOURCE, "sides", f"```python\n{WHOLE_CLASS}```")
    assert result == SOURCE.replace('return "shape"', 'return "polygon"')
    assert target_function(SOURCE, "`sides`", WHOLE_CLASS) == "Shape.name"


def test_an_unchanged_whole_class_is_the_named_method_unchanged():
    unchanged = WHOLE_CLASS.replace("polygon", "shape")
    assert replace_function(SOURCE, "Shape.sides", unchanged) == SOURCE
    assert target_function(SOURCE, "sides()", unchanged) == "Shape.sides"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (WHOLE_CLASS.replace("3}", "4}"), "changes in sides, name; return only one method"),
        (WHOLE_CLASS.replace("class Shape:", "class Shape:\n    edges = 0\n"), "changes in more than `name`"),
        (WHOLE_CLASS.split("    def name")[0].replace("sides", "name").replace("3}", "5}"), "more than `name`"),
        (WHOLE_CLASS.replace("Shape", "Circle"), "found 0"),
        ("class Shape:\n    edges = 3\n", "found 0"),
    ],
)
def test_a_whole_class_with_more_than_one_change_is_refused(code, message):
    with pytest.raises(EditError, match=message.replace("(", r"\(")):
        replace_function(SOURCE, "name", code)
