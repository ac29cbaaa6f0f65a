"""``plancoder migrate-check``: the same program under several DSPy versions, side by side."""

from pathlib import Path
from typing import Annotated

import typer

from plancoder.cli import ConfigOption, JsonOption, _print_json, _settings, _writable_files, app
from plancoder.errors import PlancoderError
from plancoder.home import ensure_data_dir

OUT_EXAMPLE = "e.g. --out eval/migration_report.json; the HTML page goes beside it"


def _state_file(file: str) -> str:
    """One ``--state`` file, resolved; it must be an existing file."""
    path = Path(file)
    if path.is_dir():
        raise PlancoderError(f"state file {file} is a directory", "point --state at a saved JSON state file in it")
    if not path.is_file():
        raise PlancoderError(f"state file {file} does not exist", "point --state at a saved JSON state")
    return str(path.resolve())


def _states(entries: list[str]) -> dict[str, list[str]]:
    """``NAME=FILE`` options -> per program name, its state files (each must exist)."""
    states: dict[str, list[str]] = {}
    for entry in entries:
        name, sep, file = entry.partition("=")
        if not sep or not name or not file:
            raise PlancoderError(f"--state '{entry}' is not NAME=FILE", "write e.g. --state planner=programs/v1.json")
        states.setdefault(name, []).append(_state_file(file))
    return states


def _check_out(out: Path) -> None:
    """Refuse an ``--out`` that names no file, or whose HTML page (``.html`` beside it) would overwrite it."""
    if not out.name.strip():
        raise PlancoderError("--out is empty or names a directory", f"give the JSON report's path, {OUT_EXAMPLE}")
    if out.suffix.lower() == ".html":
        raise PlancoderError(
            f"--out {out} ends in .html, the name of the HTML page written beside the report",
            f"give the JSON report's path, {OUT_EXAMPLE}",
        )


def _requirements(entries: list[str]) -> tuple[str, ...]:
    """``--with`` requirements; a blank one is refused (pip would fail only after an environment is made)."""
    if any(not entry.strip() for entry in entries):
        raise PlancoderError("a --with requirement is empty", "write e.g. --with rich>=13, or leave --with out")
    return tuple(entries)


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
    from plancoder.migration import (
        DEFAULT_PROGRAM,
        DEFAULT_SUITE,
        Check,
        check_reference,
        check_state_names,
        run_check,
        saved_states,
    )
    from plancoder.migration_envs import parse_versions
    from plancoder.migration_report import build_report, page_path, write_report

    cfg = _settings(config).migration
    _check_out(out)  # every input is checked before an environment is built; an empty one is not "not given"
    chosen = check_reference(DEFAULT_PROGRAM if program is None else program, "--program")
    default_states = saved_states([Path("programs"), ensure_data_dir() / "programs"]) if program is None else {}
    check = Check(
        program=chosen,
        suite=check_reference(suite, "--suite") if suite is not None else (DEFAULT_SUITE if program is None else None),
        versions=parse_versions(cfg.versions if versions is None else versions),
        states=_states(state or []) or default_states,
        limit=cfg.limit if limit is None else limit,
        timeout_s=cfg.timeout_s,
        rebuild=rebuild,
        envs_dir=ensure_data_dir() / "migration" / "envs",
        config=config,
        extra=_requirements(with_ or []),
    )
    if state:
        check_state_names(check)
    _writable_files("--out", out, page_path(out))  # last: after the checks that need no disk
    results = run_check(check, progress=lambda line: typer.echo(line, err=True))
    report = build_report(results, check.program, check.suite, cfg.score_tolerance)
    paths = write_report(report, out)
    if as_json:
        _print_json(report)
    else:
        typer.echo("\n".join(report["problems"]) or "the versions agree")
        typer.echo(f"wrote {paths[0]} and {paths[1]}")
    raise typer.Exit(1 if report["problems"] else 0)
