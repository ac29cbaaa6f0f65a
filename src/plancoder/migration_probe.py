"""What one DSPy version makes of a program: run inside that version's own virtual environment.

``python -m plancoder.migration_probe REQUEST.json RESULT.json`` imports the program, checks which
``dspy`` names its source uses still exist, renders every predictor's prompt for fixed inputs with
ChatAdapter and JSONAdapter, loads the saved JSON states, and runs the small evaluation, timing each
case and counting its tokens. It needs only the standard library and the DSPy version under test
(plus what the program itself imports), so it runs unchanged on DSPy 2.6 and 3.x.
"""

import importlib
import json
import os
import sys
import time
import traceback
import types
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import dspy  # after the environment variable that keeps LiteLLM offline

ADAPTERS = ("ChatAdapter", "JSONAdapter")
PACKAGES = ("dspy", "litellm", "pydantic", "openai", "llama_cpp_python")
SAMPLES = {str: "sample {name}", int: 1, float: 0.5, bool: True}


def resolve(reference: str) -> Any:
    """``package.module:attr`` -> the object; a ``dspy`` name such as ``dspy.primitives.assertions`` too."""
    module_name, _, attr = reference.partition(":")
    obj = importlib.import_module(module_name)
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return obj


def symbol_exists(name: str) -> bool:
    """Whether a dotted ``dspy`` name resolves, as an attribute or as a submodule.

    Only modules and classes are looked into: ``dspy.settings.lm`` is an API name up to ``settings``."""
    parts = name.split(".")
    obj: Any = importlib.import_module(parts[0])
    for index, part in enumerate(parts[1:], start=1):
        if not isinstance(obj, types.ModuleType | type):
            return True
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module(".".join(parts[: index + 1]))
        except ImportError:
            return False
    return True


def programs_of(target: Any) -> dict[str, Any]:
    """A module, a factory of one, or a dict of them -> ``{name: dspy.Module}``."""
    if isinstance(target, dspy.Module):
        return {"program": target}
    if isinstance(target, dict):
        return {name: programs_of(value)["program"] for name, value in target.items()}
    if callable(target):
        return programs_of(target())
    raise TypeError(f"{type(target).__name__} is not a dspy.Module, a factory of one or a dict of them")


def sample_inputs(signature: Any) -> dict[str, Any]:
    """The same fixed value per input field in every version: ``sample <name>`` for text."""
    values = {}
    for name, field in signature.input_fields.items():
        sample = SAMPLES.get(getattr(field, "annotation", str), "sample {name}")
        values[name] = sample.format(name=name) if isinstance(sample, str) else sample
    return values


def render(adapter: Any, predictor: Any) -> str:
    """The messages the adapter sends for the fixed inputs, as one text."""
    messages = adapter.format(predictor.signature, predictor.demos, sample_inputs(predictor.signature))
    return "\n".join(f"--- {m['role']}\n{m['content']}" for m in messages)


def prompts(program: Any) -> dict[str, dict[str, str]]:
    """Per predictor and adapter, the rendered prompt (or the error that rendering raised)."""
    rendered: dict[str, dict[str, str]] = {}
    for name, predictor in program.named_predictors():
        rendered[name] = {}
        for adapter_name in ADAPTERS:
            try:
                rendered[name][adapter_name] = render(getattr(dspy, adapter_name)(), predictor)
            except Exception as error:  # a rendering break is a finding, not a crash
                rendered[name][adapter_name] = f"ERROR {type(error).__name__}: {error}"
    return rendered


def load_state(program: Any, path: str) -> dict[str, Any]:
    """Load a saved JSON state (a plancoder registry version or a plain ``dump_state``) into a copy."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        state = data["state"] if isinstance(data, dict) and "state" in data and "metadata" in data else data
        program.deepcopy().load_state(state)
        return {"ok": True, "error": None}
    except Exception as error:  # a state that does not load is the finding
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


def load_states(programs: dict[str, Any], states: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Per ``<program>:<file name>``, whether the saved state loads into that program."""
    return {
        f"{name}:{Path(path).name}": load_named(programs, name, path)
        for name, paths in states.items()
        for path in paths
    }


def load_named(programs: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    """A state for a program the target does not have fails, naming those it has (never skipped silently)."""
    if name not in programs:
        return {"ok": False, "error": f"no program named '{name}' (there are: {', '.join(sorted(programs))})"}
    return load_state(programs[name], path)


def usage_tokens(usage: Any) -> int:
    """Total tokens of a usage tracker, summed over models (0 when the version tracks nothing)."""
    totals = usage.get_total_tokens() if usage is not None else {}
    return sum(int(entry.get("total_tokens") or 0) for entry in totals.values())


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """One evaluation case: its score, wall time and tokens (an exception is a zero score with its message)."""
    record: dict[str, Any] = {"program": case["program"], "id": case["id"], "error": None}
    started = time.perf_counter()
    with dspy.track_usage() as usage:
        try:
            record["score"] = float(case["run"]())
        except Exception as error:  # a failing case is scored, not fatal
            record["score"], record["error"] = 0.0, f"{type(error).__name__}: {error}"
    record["latency_s"] = round(time.perf_counter() - started, 3)
    record["tokens"] = usage_tokens(usage)
    return record


def evaluate(suite_ref: str | None, programs: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """The suite's cases run in order; no suite or a limit of 0 is no evaluation."""
    if not suite_ref or limit <= 0:
        return []
    return [run_case(case) for case in resolve(suite_ref)(programs, limit)]


def versions() -> dict[str, str | None]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package.replace("_", "-"))
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def probe(request: dict[str, Any]) -> dict[str, Any]:
    """Everything the comparison needs from this DSPy version."""
    result: dict[str, Any] = {"dspy": dspy.__version__, "python": sys.version.split()[0], "packages": versions()}
    result["symbols"] = {name: symbol_exists(name) for name in request.get("symbols", [])}
    try:
        programs = programs_of(resolve(request["program"]))
    except Exception as error:  # an import break is the finding; the rest cannot run
        result["import_error"] = f"{type(error).__name__}: {error}"
        result["traceback"] = traceback.format_exc(limit=-3)
        return result
    result["import_error"] = None
    result["prompts"] = {name: prompts(program) for name, program in programs.items()}
    result["states"] = load_states(programs, request.get("states", {}))
    result["cases"] = evaluate(request.get("suite"), programs, int(request.get("limit", 0)))
    return result


def main(argv: list[str]) -> int:
    request_path, result_path = argv
    result = probe(json.loads(Path(request_path).read_text(encoding="utf-8")))
    temporary = Path(result_path).with_suffix(".tmp")
    temporary.write_text(json.dumps(result, indent=1), encoding="utf-8")
    temporary.replace(result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
