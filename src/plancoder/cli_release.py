"""The release commands: ``optimize``, ``programs``, ``rollout``, ``rollback`` and ``flags``."""

import functools
import json
from pathlib import Path
from typing import Annotated

import typer

from plancoder.cli import ConfigOption, JsonOption, _print_json, _runtime, _writable_files, app
from plancoder.flags import who

RoleOption = Annotated[str, typer.Option("--role", help="planner or coder.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who makes the change (default: $USER).")]
programs_app = typer.Typer(help="Program versions per role: baseline, candidates, production.", no_args_is_help=True)
app.add_typer(programs_app, name="programs")


def _check_role(role: str) -> str:
    from plancoder.programs import role_program

    return role_program(role).role


@app.command()
def optimize(
    role: RoleOption,
    budget: Annotated[Path | None, typer.Option(help="optimizer_budget.yaml to use.")] = None,
    out: Annotated[Path, typer.Option(help="The report to write.")] = Path("eval/optimize_report.json"),
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run of the same optimization: its recorded model answers and "
            "measurements are replayed, and it goes on live where it stopped.",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """GEPA on a role under its budget; candidates over budget or against the constitution are rejected."""
    from plancoder.budget import load_budgets
    from plancoder.evaluate import write_report
    from plancoder.optimize import optimize_role
    from plancoder.programs import role_program
    from plancoder.release import scored

    caps = load_budgets(budget).for_role(_check_role(role))
    _writable_files("--out", out)  # before hours of search, not after
    runtime = _runtime(config, cache=False)
    progress = functools.partial(typer.echo, err=True)
    try:
        keep = functools.partial(write_report, path=out)
        section = optimize_role(runtime, role_program(role), caps, progress=progress, resume=resume, keep=keep)
    except KeyboardInterrupt:
        typer.echo("\ninterrupted: the work done is kept; run the same command with --resume to go on", err=True)
        raise typer.Exit(130) from None
    for candidate in section["candidates"]:
        verdict = "accepted" if candidate["accepted"] else "rejected: " + "; ".join(candidate["reasons"])
        typer.echo(f"candidate {candidate['index']}: {scored(candidate['totals'])} {candidate['ratios']} {verdict}")
    typer.echo(f"baseline {scored(section['baseline'])}; new version: {section['version'] or 'none'}")
    typer.echo(f"wrote {out}")


@programs_app.command("list")
def programs_list(
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None, config: ConfigOption = None
) -> None:
    """Every saved version per role, and which one is production."""
    from plancoder.programs import BUILT_IN, ROLE_PROGRAMS, registry_for

    runtime = _runtime(config)
    for name in list(ROLE_PROGRAMS) if role is None else [_check_role(role)]:  # --role "" is refused
        registry = registry_for(runtime, name)
        for version in registry.ids() or ["baseline"]:
            mark = "*" if version == registry.production else " "
            meta = registry.get(version).metadata if version in registry.ids() else BUILT_IN
            score = (meta.get("totals") or {}).get("score", "")
            typer.echo(f"{mark} {name:8} {version:9} {meta.get('kind', ''):10} {meta.get('created', '')} {score}")


@programs_app.command("show")
def programs_show(role: str, version: str, config: ConfigOption = None) -> None:
    """A version's metadata, its instructions per predictor and how many worked examples each carries."""
    from plancoder.programs import saved_or_built_in

    saved = saved_or_built_in(_runtime(config), _check_role(role), version)
    _print_json({"metadata": saved.metadata, "instructions": saved.instructions(), "demos": saved.demos()})


@programs_app.command("promote")
def programs_promote(role: str, version: str, by: ByOption = None, config: ConfigOption = None) -> None:
    """Make VERSION production (the flag decides who it serves)."""
    from plancoder.programs import mirror, registry_for

    runtime = _runtime(config)
    aliases = registry_for(runtime, _check_role(role)).promote(version, who(by))
    mirror(runtime, role, aliases["production"], ("production",))
    typer.echo(f"{role} production: {aliases['production']}")


@programs_app.command("rollback")
def programs_rollback(role: str, by: ByOption = None, config: ConfigOption = None) -> None:
    """Production goes back to the version it replaced."""
    from plancoder.programs import mirror, registry_for

    runtime = _runtime(config)
    aliases = registry_for(runtime, _check_role(role)).rollback(who(by))
    mirror(runtime, role, aliases["production"], ("production",))
    typer.echo(f"{role} production: {aliases['production']}")


@app.command()
def rollout(
    role: RoleOption,
    percent: Annotated[int, typer.Option("--percent", help="Share of request keys served the production version.")],
    reason: Annotated[str, typer.Option(help="Why, for the audit log.")] = "rollout",
    by: ByOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the production version to PERCENT % of requests (sticky per request key)."""
    from plancoder.programs import flag_file_for

    entry = flag_file_for(_runtime(config)).rollout(_check_role(role), percent, by, reason)
    typer.echo(f"{entry['flag']}: {entry['old']} -> {entry['new']}")


@app.command()
def rollback(
    role: RoleOption,
    reason: Annotated[str, typer.Option(help="Why, for the audit log.")] = "rollback",
    by: ByOption = None,
    config: ConfigOption = None,
) -> None:
    """The kill switch: every request of ROLE gets the baseline at once."""
    from plancoder.programs import flag_file_for

    entry = flag_file_for(_runtime(config)).disable(_check_role(role), by, reason)
    typer.echo(f"{entry['flag']}: {entry['old']} -> {entry['new']}")


@app.command()
def flags(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """The rollout flags and their audit log."""
    from plancoder.flags import FLAG_OF
    from plancoder.programs import flag_file_for

    flag_file = flag_file_for(_runtime(config))
    state = {role: flag_file.percent(role) for role in FLAG_OF}
    if as_json:
        _print_json({"path": str(flag_file.path), "percent": state, "audit": flag_file.audit()})
        return
    for role, percent in state.items():
        typer.echo(f"{FLAG_OF[role]}: {percent}% of requests get the production version")
    for entry in flag_file.audit()[-10:]:
        typer.echo(json.dumps(entry))
