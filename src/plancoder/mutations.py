"""AST mutation operators: each finds the places in a module where it can seed one bug.

A mutation is a span of the source and its replacement text, so a mutant differs from the original
only where the bug is (no reformatting of the rest of the file).
"""

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

COMPARISON_SWAPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
ARITHMETIC_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}


@dataclass(frozen=True)
class Mutation:
    """One seeded bug: which operator, where, and the text that replaces the span."""

    operator: str
    lineno: int
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str
    description: str


def _expr(operator: str, node: ast.AST, new: ast.AST, description: str) -> Mutation:
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    return Mutation(operator, node.lineno, start, end, ast.unparse(new), description)


def comparison_swap(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if isinstance(node, ast.Compare) and type(node.ops[0]) in COMPARISON_SWAPS:
        new = ast.Compare(node.left, [COMPARISON_SWAPS[type(node.ops[0])](), *node.ops[1:]], node.comparators)
        yield _expr("comparison_swap", node, new, f"{ast.unparse(node)} -> {ast.unparse(new)}")


def arithmetic_swap(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC_SWAPS:
        new = ast.BinOp(node.left, ARITHMETIC_SWAPS[type(node.op)](), node.right)
        yield _expr("arithmetic_swap", node, new, f"{ast.unparse(node)} -> {ast.unparse(new)}")
    elif isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC_SWAPS:
        new = ast.AugAssign(node.target, ARITHMETIC_SWAPS[type(node.op)](), node.value)
        yield _expr("arithmetic_swap", node, new, f"{ast.unparse(node)} -> {ast.unparse(new)}")


def _shifted(node: ast.expr, delta: int) -> ast.expr:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return ast.Constant(node.value + delta)
    return ast.BinOp(node, ast.Add() if delta > 0 else ast.Sub(), ast.Constant(abs(delta)))


def off_by_one(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    target = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and node.args:
        target = node.args[1] if len(node.args) > 1 else node.args[0]
    elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and not isinstance(node.slice, ast.Slice):
        target = node.slice
    if target is None or isinstance(target, ast.Tuple) or not hasattr(target, "lineno"):
        return
    if isinstance(target, ast.Constant) and not isinstance(target.value, int):
        return
    for delta in (1, -1):
        new = _shifted(target, delta)
        yield _expr("off_by_one", target, new, f"{ast.unparse(target)} -> {ast.unparse(new)}")


def _function_names(function: ast.AST) -> list[str]:
    """Local variables and parameters read in a function, in first-use order."""
    names = [a.arg for a in function.args.args] if isinstance(function, ast.FunctionDef) else []
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return list(dict.fromkeys(n for n in names if n not in ("self", "cls", "_")))


def wrong_variable(node: ast.AST, function: ast.AST) -> Iterator[Mutation]:
    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and function is not None):
        return
    names = _function_names(function)
    if node.id not in names:
        return
    others = [n for n in names if n != node.id]
    if others:
        other = others[(names.index(node.id)) % len(others)]
        yield _expr("wrong_variable", node, ast.Name(other), f"{node.id} -> {other}")


def _body_owner(function: ast.AST) -> Iterator[list[ast.stmt]]:
    for node in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and len(body) > 1 and all(isinstance(s, ast.stmt) for s in body):
                yield body


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def dropped_statement(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if not isinstance(node, ast.FunctionDef):
        return
    for body in _body_owner(node):
        for statement in body:
            kind = "dropped_return" if isinstance(statement, ast.Return) else "dropped_statement"
            droppable = (ast.Assign, ast.AugAssign, ast.Expr, ast.Return, ast.AnnAssign)
            if isinstance(statement, droppable) and not _is_docstring(statement):
                start, end = (statement.lineno, 0), (statement.end_lineno + 1, 0)
                text = ast.unparse(statement).splitlines()[0]
                yield Mutation(kind, statement.lineno, start, end, "", f"dropped `{text}`")


def swapped_arguments(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if not isinstance(node, ast.Call) or len(node.args) < 2:
        return
    first, second = node.args[0], node.args[1]
    if any(isinstance(a, ast.Starred) for a in (first, second)) or ast.unparse(first) == ast.unparse(second):
        return
    new = ast.Call(node.func, [second, first, *node.args[2:]], node.keywords)
    yield _expr("swapped_arguments", node, new, f"{ast.unparse(node)} -> {ast.unparse(new)}")


def wrong_constant(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        value = {0: 1, 1: 0}.get(node.value, node.value + 1)
        yield _expr("wrong_constant", node, ast.Constant(value), f"{node.value} -> {value}")


def boolean_negation(node: ast.AST, _: ast.AST) -> Iterator[Mutation]:
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        new = ast.UnaryOp(ast.Not(), node.test)
        yield _expr("boolean_negation", node.test, new, f"{ast.unparse(node.test)} -> {ast.unparse(new)}")
    elif isinstance(node, ast.BoolOp):
        new = ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
        yield _expr("boolean_negation", node, new, f"{ast.unparse(node)} -> {ast.unparse(new)}")


Operator = Callable[[ast.AST, ast.AST], Iterator[Mutation]]
OPERATORS: dict[str, Operator] = {
    "comparison_swap": comparison_swap,
    "arithmetic_swap": arithmetic_swap,
    "off_by_one": off_by_one,
    "wrong_variable": wrong_variable,
    "dropped_statement": dropped_statement,
    "swapped_arguments": swapped_arguments,
    "wrong_constant": wrong_constant,
    "boolean_negation": boolean_negation,
}

IN_WORDS = {
    "comparison_swap": "a swapped comparison operator (such as < for <=)",
    "arithmetic_swap": "a swapped arithmetic operator (such as - for +)",
    "boolean_negation": "a negated condition (a not added, or and/or swapped)",
    "off_by_one": "an index or range bound off by one",
    "wrong_variable": "a wrong variable read",
    "dropped_statement": "a deleted statement",
    "dropped_return": "a deleted return statement",
    "swapped_arguments": "two arguments of a call swapped",
    "wrong_constant": "an integer constant changed (such as 0 for 1)",
}
"""Each kind of seeded bug in words: told "a arithmetic_swap", the 1.5B reflection model took the kind for a
function's name ("Fix the arithmetic_swap function ...", refused as the examples' specifics)."""


def in_words(kind: str) -> str:
    return IN_WORDS.get(kind, f"a {kind.replace('_', ' ')}")


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _docstring_ids(tree: ast.Module) -> set[int]:
    owners = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    return {id(o.body[0].value) for o in owners if o.body and _is_docstring(o.body[0])}


def find_mutations(source: str) -> list[Mutation]:
    """Every mutation any operator can make inside the module's functions (docstrings excluded)."""
    tree = ast.parse(source)
    skip = _docstring_ids(tree)
    found: list[Mutation] = []
    for function in _functions(tree):
        for node in _own_nodes(function):
            if id(node) in skip:
                continue
            for operator in OPERATORS.values():
                found.extend(operator(node, function))
    return list(dict.fromkeys(found))


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The function and the nodes of its body, not those of nested functions (they are visited on their own)."""
    yield function
    stack = [*function.body]
    while stack:
        node = stack.pop(0)
        yield node
        if isinstance(node, ast.AnnAssign):  # annotations never run: mutating them seeds no bug
            stack.extend(child for child in (node.target, node.value) if child is not None)
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def apply(source: str, mutation: Mutation) -> str:
    """The mutated source: the span replaced, everything else untouched."""
    lines = source.splitlines(keepends=True)
    start = _offset(lines, *mutation.start)
    end = _offset(lines, *mutation.end)
    return source[:start] + mutation.replacement + source[end:]


def _offset(lines: list[str], lineno: int, col: int) -> int:
    """Character offset of a 1-based line and a UTF-8 byte column."""
    before = sum(len(line) for line in lines[: lineno - 1])
    if lineno > len(lines):
        return before
    return before + len(lines[lineno - 1].encode()[:col].decode(errors="ignore"))
