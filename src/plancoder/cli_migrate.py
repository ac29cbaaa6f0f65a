"""``plancoder migrate-check``: the same program under several DSPy versions, side by side."""

from pathlib import Path
from typing import Annotated

import typer

from plancoder.cli import ConfigOption, JsonOption, _print_json, _settings, _writable_files, app
from plancoder.errors import PlancoderError
from plancoder.home import ensure_data_dir


def _states(entries: list[str]) -> dict[str, list[str]]:
    """``NAME=FILE`` options -> per program name, its state files (each must exist)."""
    states: dict[str, list[str]] = {}
    for entry in entries:
        name, sep, file = entry.partition("=")
        if not sep or not name or not file:
            raise PlancoderError(f"--state '{entry}' is not NAME=FILE", "write e.g. --state planner=programs/v1.json")
        if not Path(file).is_file():
            raise PlancoderError(f"state file {file} does not exist", "point --state at a saved JSON state")
        states.setdefault(name, []).append(str(Path(file).resolve()))
    return states


@app.command("migrate-check")
def migrate_check(
    program: Annotated[
        str | None, typer.Option(help="MODULE:ATTR of a dspy.Module, a factory or a dict of them.")
    ] = None,
    versions: Annotated[str | None, typer.Option(help="DSPy versions, e.g. 2.6.27,3.0.1,latest (or current).")] = None,
    suite: Annotated[str | None, typer.Option(help="MODULE:ATTR of suite(programs, limit) -> cases.")] = None,
    state: Annotated[list[str] | None, typer.Option(help="NAME=FILE: a saved JSON state to load (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option(min=0, max=100, help="Evaluation cases per program.")] = None,
    with_: Annotated[
        list[str] | None, typer.Option("--with", help="A requirement the program needs in every env (repeatable).")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Rebuild the versions' environments.")] = False,
    out: Annotated[Path, typer.Option(help="The JSON report (the HTML page goes beside it).")] = Path(
        "eval/migration_report.json"
    ),
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Prompts, saved states, API names, scores, latency and tokens compared across DSPy versions."""
    from plancoder.migration import DEFAULT_PROGRAM, DEFAULT_SUITE, Check, check_reference, run_check, saved_states
    from plancoder.migration_envs import parse_versions
    from plancoder.migration_report import build_report, write_report

    cfg = _settings(config).migration
    _writable_files("--out", out, out.with_suffix(".html"))  # before the environments are built
    chosen = check_reference(program or DEFAULT_PROGRAM, "--program")
    default_states = saved_states([Path("programs"), ensure_data_dir() / "programs"]) if program is None else {}
    check = Check(
        program=chosen,
        suite=check_reference(suite, "--suite") if suite else (DEFAULT_SUITE if program is None else None),
        versions=parse_versions(versions or cfg.versions),
        states=_states(state or []) or default_states,
        limit=cfg.limit if limit is None else limit,
        timeout_s=cfg.timeout_s,
        rebuild=rebuild,
        envs_dir=ensure_data_dir() / "migration" / "envs",
        config=config,
        extra=tuple(with_ or ()),
    )
    results = run_check(check, progress=lambda line: typer.echo(line, err=True))
    report = build_report(results, check.program, check.suite, cfg.score_tolerance)
    paths = write_report(report, out)
    if as_json:
        _print_json(report)
    else:
        typer.echo("\n".join(report["problems"]) or "the versions agree")
        typer.echo(f"wrote {paths[0]} and {paths[1]}")
    raise typer.Exit(1 if report["problems"] else 0)
