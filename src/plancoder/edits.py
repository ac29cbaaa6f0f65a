"""Edits a model proposes, applied to a Python file: replace one whole function (or method).

Measured choice (``python bench/edit_formats.py --limit 15 --split validation``: 15 validation bugs
spread over 11 modules, embedded 1.5B model, one ChainOfThought attempt each): all three formats
fixed 3 of 15, but one function cost a median 193 completion tokens and 25 s, a search/replace
block 231 tokens and 48 s, and the whole file 673 tokens and 62 s (3.5x the tokens; it grows with
the file, not with the fix). So the Coder returns one function definition, which replaces the
function of the same name (``name`` or ``Class.name``) in place.
"""

import ast
import difflib
import re
import textwrap

from plancoder.errors import PlancoderError

FENCE = re.compile(r"```[a-zA-Z0-9_-]*\n(.*?)```", re.DOTALL)


class EditError(PlancoderError):
    """A proposed edit cannot be applied; the message is feedback for the model."""


def strip_fences(text: str) -> str:
    """The code inside the first Markdown code fence, or the text itself."""
    match = FENCE.search(text)
    return (match.group(1) if match else text).strip("\n")


def functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions by name, and methods as ``Class.method``."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _parse(source: str, what: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as error:
        raise EditError(f"{what} has a syntax error at line {error.lineno}: {error.msg}") from None


def _new_definition(code: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    tree = _parse(textwrap.dedent(strip_fences(code)), "your function")
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if len(defs) != 1:
        raise EditError(f"return exactly one complete function definition (`def ...`), found {len(defs)}")
    return defs[0]


def _resolve(name: str, new_name: str, known: dict[str, ast.AST]) -> str:
    """The key of the function to replace: the given name, or the new definition's own name."""
    for candidate in (name.strip().strip("`").removesuffix("()"), new_name):
        if candidate in known:
            return candidate
        methods = [k for k in known if k.endswith(f".{candidate}")]
        if len(methods) == 1:
            return methods[0]
    raise EditError(f"there is no function named `{name or new_name}`; functions in the file: {', '.join(known)}")


def target_function(source: str, name: str, code: str) -> str:
    """The function (``name`` or ``Class.method``) that ``replace_function`` replaces; ``EditError`` if none."""
    return _resolve(name, _new_definition(code).name, functions(_parse(source, "the original file")))


def replace_function(source: str, name: str, code: str) -> str:
    """``source`` with function ``name`` replaced by the definition in ``code`` (re-indented)."""
    tree = _parse(source, "the original file")
    new = _new_definition(code)
    old = functions(tree)[_resolve(name, new.name, functions(tree))]
    if new.name != old.name:
        raise EditError(f"your function is named `{new.name}` but replaces `{old.name}`; keep the name")
    lines = source.splitlines(keepends=True)
    first = min([old.lineno, *(d.lineno for d in old.decorator_list)]) - 1
    indent = re.match(r"\s*", lines[first]).group(0)
    body = textwrap.indent(textwrap.dedent(strip_fences(code)).strip("\n") + "\n", indent)
    result = "".join([*lines[:first], body, *lines[old.end_lineno :]])
    _parse(result, "the file with your function")
    return result


def same_code(before: str, after: str) -> bool:
    """Whether two sources run the same: equal syntax trees, whatever their comments and layout."""
    return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))


def unified_diff(before: str, after: str, path: str) -> str:
    """A unified diff of one file, as `git diff` would print it."""
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{path}", f"b/{path}")
    return "".join(lines)
