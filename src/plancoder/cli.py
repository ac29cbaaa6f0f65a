"""The ``plancoder`` command line: a thin layer over the library."""

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from plancoder.errors import PlancoderError
from plancoder.home import data_dir

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="plancoder: a Planner and a Coder on DSPy 3, with an embedded offline model.",
)
ConfigOption = Annotated[Path | None, typer.Option("--config", help="plancoder.toml to use.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _settings(config: Path | None):
    from plancoder.config import load_settings

    return load_settings(config, dict(os.environ))


@app.command()
def doctor(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Check the environment: DSPy, model files, each role's model, the data directory."""
    from plancoder.doctor import Check, run_checks

    try:
        checks = run_checks(_settings(config), data_dir(), dict(os.environ))
    except PlancoderError as error:
        checks = [Check("config", False, error.problem, error.fix)]
    if as_json:
        typer.echo(json.dumps({"ok": all(c.ok for c in checks), "checks": [c.as_dict() for c in checks]}, indent=2))
    else:
        for check in checks:
            fix = f" (fix: {check.fix})" if check.fix else ""
            typer.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}{fix}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@app.command()
def smoke(
    role: Annotated[str, typer.Option(help="Role whose model answers.")] = "planner",
    question: Annotated[str, typer.Option(help="What to ask.")] = "Name one benefit of unit tests.",
    model: Annotated[str | None, typer.Option(help="Model spec overriding the role's.")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """One real call of the role's model through DSPy (ChainOfThought)."""
    import dspy

    from plancoder.models import ModelSwitcher, configure_dspy

    settings, home = _settings(config), data_dir()
    configure_dspy(settings, home)
    chain = ModelSwitcher(settings, home, dict(os.environ)).chain(role, model)
    started = time.perf_counter()
    prediction = chain.run(lambda: dspy.ChainOfThought("question -> answer")(question=question))
    report = {
        "model": chain.served_by,
        "answer": prediction.answer,
        "reasoning": prediction.reasoning,
        "usage": prediction.get_lm_usage(),
        "latency_s": round(time.perf_counter() - started, 2),
    }
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    typer.echo(f"model:     {report['model']}\nreasoning: {report['reasoning']}\nanswer:    {report['answer']}")
    typer.echo(f"usage:     {report['usage']}\nlatency:   {report['latency_s']} s")


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 1, never a traceback."""
    try:
        app()
    except PlancoderError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
