import ast

from fresh_python import printed_under_hash_seeds

from plancoder.mutations import IN_WORDS, OPERATORS, apply, find_mutations, in_words

SOURCE = '''"""Module docstring."""


def total_above(values, limit):
    """Sum of the values above the limit, doubled."""
    total = 0
    for i in range(0, len(values)):
        if values[i] > limit and not i < 0:
            total += values[i] * 2
    return total


class Counter:
    def bump(self, step):
        self.count = max(self.count, 0) + step
        return self.count
'''


def by_operator(operator):
    return {m.description for m in find_mutations(SOURCE) if m.operator == operator}


def test_every_operator_finds_its_sites():
    assert by_operator("comparison_swap") == {"values[i] > limit -> values[i] >= limit", "i < 0 -> i <= 0"}
    assert "values[i] * 2 -> values[i] + 2" in by_operator("arithmetic_swap")
    assert "total += values[i] * 2 -> total -= values[i] * 2" in by_operator("arithmetic_swap")
    assert {"len(values) -> len(values) + 1", "len(values) -> len(values) - 1"} <= by_operator("off_by_one")
    assert "i -> i + 1" in by_operator("off_by_one")
    assert "range(0, len(values)) -> range(len(values), 0)" in by_operator("swapped_arguments")
    assert "max(self.count, 0) -> max(0, self.count)" in by_operator("swapped_arguments")
    assert {"0 -> 1", "2 -> 3"} <= by_operator("wrong_constant")
    assert "values[i] > limit and (not i < 0) -> values[i] > limit or not i < 0" in by_operator("boolean_negation")
    assert "dropped `total = 0`" in by_operator("dropped_statement")
    assert by_operator("dropped_return") == {"dropped `return total`", "dropped `return self.count`"}
    assert {"values -> limit", "total -> i"} <= by_operator("wrong_variable")
    assert set(OPERATORS) | {"dropped_return"} == {m.operator for m in find_mutations(SOURCE)}


def test_a_mutant_differs_only_at_the_bug():
    mutation = next(m for m in find_mutations(SOURCE) if m.description == "values[i] > limit -> values[i] >= limit")
    mutant = apply(SOURCE, mutation)
    changed = [(a, b) for a, b in zip(SOURCE.splitlines(), mutant.splitlines(), strict=True) if a != b]
    assert changed == [("        if values[i] > limit and not i < 0:", "        if values[i] >= limit and not i < 0:")]


def test_dropped_statement_removes_whole_lines():
    mutation = next(m for m in find_mutations(SOURCE) if m.description == "dropped `total = 0`")
    mutant = apply(SOURCE, mutation)
    assert "total = 0" not in mutant and len(mutant.splitlines()) == len(SOURCE.splitlines()) - 1


def test_every_mutant_parses_and_docstrings_are_untouched():
    for mutation in find_mutations(SOURCE):
        mutant = apply(SOURCE, mutation)
        ast.parse(mutant)
        assert '"""Sum of the values above the limit, doubled."""' in mutant
        assert mutant != SOURCE


def test_finding_is_the_same_in_every_process():
    code = f"from plancoder.mutations import find_mutations\nprint(find_mutations({SOURCE!r}))"
    assert printed_under_hash_seeds(code) == [f"{find_mutations(SOURCE)}\n"] * 2


def test_non_ascii_columns_are_respected():
    source = 'def f(x):\n    return "é" if x < 1 else "ü"\n'
    mutation = next(m for m in find_mutations(source) if m.operator == "comparison_swap")
    assert apply(source, mutation) == 'def f(x):\n    return "é" if x <= 1 else "ü"\n'


def test_every_kind_of_seeded_bug_is_said_in_words():
    assert set(OPERATORS) | {"dropped_return"} <= set(IN_WORDS)
    assert in_words("arithmetic_swap") == "a swapped arithmetic operator (such as - for +)"
    assert in_words("new_kind") == "a new kind"
