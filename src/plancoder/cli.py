"""The ``plancoder`` command line: a thin layer over the library."""

import contextlib
import functools
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plancoder.atomic import writable_file
from plancoder.errors import PlancoderError, as_user_error
from plancoder.home import blamed_on_data_dir, check_can_hold_files, check_data_dir_path, data_dir

if TYPE_CHECKING:
    from plancoder.runtime import Runtime

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


def _writable_dir(path: Path, option: str) -> None:
    """A clear error when ``path`` cannot hold files (it is made when the command writes)."""
    try:
        check_can_hold_files(path)
    except OSError as error:
        raise PlancoderError(
            f"{option} {path} cannot hold files: {error.strerror} ({error.filename})", "give a writable directory"
        ) from None


def _writable_files(option: str, *paths: Path) -> None:
    """Paths a command will write: none a directory, their directories able to hold files (checked before a
    long run, so that its result is not lost at the end, nor half of it written)."""
    for path in paths:
        if path.is_dir():
            raise PlancoderError(f"{option}: {path} is a directory", "give the path of a file, or move that directory")
        _writable_dir(writable_file(path).parent, option)  # a link's target, never a device or pipe


def _runtime(config: Path | None, cache: bool | None = None):
    from plancoder.runtime import build_runtime

    return build_runtime(config, dict(os.environ), cache)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


FIX_JSON_KEYS = (
    "passed",
    "attempts",
    "diff",
    "fixed_code",
    "score",
    "tokens",
    "latency_s",
    "trace_id",
    "constitution",
    "version",
)
KeyOption = Annotated[
    str | None, typer.Option("--request-key", help="Rollout key (sticky); default: a hash of the input.")
]


@app.command()
def fix(
    path: Annotated[Path, typer.Argument(help="The Python file to fix.")],
    test_cmd: Annotated[str, typer.Option("--test-cmd", help="Test command, run from the project root.")],
    project: Annotated[Path, typer.Option(help="Project root (where the test command runs).")] = Path("."),
    task: Annotated[str, typer.Option(help="Extra instructions for the Coder.")] = "",
    write: Annotated[bool, typer.Option("--write", help="Apply a passing fix to the file (atomically).")] = False,
    model: Annotated[str | None, typer.Option(help="Model spec overriding the coder role's.")] = None,
    key: KeyOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fix a bug in PATH so that the failing tests pass; prove it by running them."""
    from plancoder import operations
    from plancoder.fix import write_fix

    relative = operations.check_fix(project, str(path), test_cmd, task)
    with contextlib.redirect_stdout(sys.stderr):  # DSPy 3.0's BestOfN prints failed attempts: not into --json
        report, review_id = operations.fix_report(_runtime(config), project, relative, test_cmd, task, key, model)
    if as_json:
        _print_json(operations.as_json(report, FIX_JSON_KEYS, review_id))
    else:
        _print_fix(report, held=review_id is not None)
    if review_id is not None:
        typer.echo(
            f"queued for review: #{review_id} (plancoder review show {review_id}); nothing was written", err=True
        )
        raise typer.Exit(1)
    if report.passed and write and not report.already_passing:
        typer.echo(f"wrote {write_fix(project, relative, report)}", err=as_json)


def _print_fix(report, held: bool = False) -> None:  # noqa: ANN001
    if report.already_passing:
        typer.echo("The tests already pass: there is nothing to fix.")
        return
    typer.echo("(the proposal waits for review)" if held else report.diff or "(no passing fix)")
    verdict = "PASSED" if report.passed else "FAILED"
    typer.echo(
        f"tests: {verdict} after {report.attempts} attempt(s), model {report.model}, "
        f"{report.tokens.get('total_tokens', 0)} tokens, {report.latency_s:.1f} s"
    )
    _print_findings(report.constitution)


def _print_findings(findings: list[dict]) -> None:
    """Constitution findings of the returned output: hard ones block it, soft ones are notes."""
    from plancoder.constitution import finding_lines

    for finding, line in zip(findings, finding_lines(findings), strict=True):
        typer.echo(f"{'blocked' if finding['hard'] else 'note'}: {line}", err=True)


@app.command()
def demo(
    bug: Annotated[str | None, typer.Option(help="Id of a built-in seeded bug (default: a test-split bug).")] = None,
    model: Annotated[str | None, typer.Option(help="Model spec overriding the coder role's.")] = None,
    config: ConfigOption = None,
) -> None:
    """The main job, end to end: the Coder fixes a built-in seeded bug and the tests prove it."""
    from plancoder.fix import fix_file
    from plancoder.suite import DEMO_BUG, find_bug, materialized

    chosen = find_bug(DEMO_BUG if bug is None else bug)
    typer.echo(f"seeded bug {chosen['id']}: {chosen['description']} (line {chosen['lineno']} of {chosen['file']})")
    typer.echo(f"test command: {chosen['test_cmd']}\n")
    with materialized(chosen) as project:
        report = fix_file(_runtime(config), project, chosen["file"], chosen["test_cmd"], model=model)
    _print_fix(report)
    if not report.passed:
        raise typer.Exit(1)


@app.command()
def plan(
    task: Annotated[str, typer.Argument(help="The software task to plan.")],
    context: Annotated[Path | None, typer.Option(help="A text file: repository layout, tools, constraints.")] = None,
    model: Annotated[str | None, typer.Option(help="Model spec overriding the planner role's.")] = None,
    key: KeyOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn a software task into a dependency-ordered plan (never returned with dependency violations)."""
    from plancoder import operations
    from plancoder.planner import Plan, render_tree

    with contextlib.redirect_stdout(sys.stderr):  # DSPy 3.0's BestOfN prints failed attempts: not into --json
        record = operations.plan(_runtime(config), task, read_context(context), key, model)
    if as_json:
        _print_json(record)
    else:
        if record["plan"] is not None:  # withheld while it waits for review
            typer.echo(render_tree(Plan(**record["plan"])))
        _print_findings(record["constitution"])
    if not record["valid"]:
        problems = "; ".join(v["message"] for v in record["violations"][:3]) or record["feedback"][-1]
        typer.echo(f"error: no valid plan after {record['attempts']} attempt(s): {problems}", err=True)
    if record["review_id"] is not None:
        typer.echo(f"queued for review: #{record['review_id']} (plancoder review show {record['review_id']})", err=True)
        raise typer.Exit(1)


def read_context(path: Path | None, what: str = "context file", wanted: str = "layout, tools, constraints") -> str:
    """The --context file (or another ``what``) as text; a missing, unreadable or binary file is a clear error."""
    if path is None:
        return ""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlancoderError(f"cannot read {what} {path}: {error.strerror}", "give an existing text file") from None
    if b"\0" in data[:8192]:
        raise PlancoderError(f"{what} {path} is binary", f"give a text file ({wanted})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlancoderError(f"{what} {path} is not UTF-8 text", "save it as UTF-8") from None


@app.command("constitution")
def constitution_command(
    path: Annotated[
        Path | None, typer.Option(help="A constitution.md to validate instead of the configured one.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """List the constitution's articles and the checks that enforce each (validates the file)."""
    from plancoder.config import load_settings
    from plancoder.constitution import load_constitution

    constitution = load_constitution(path or load_settings(config).constitution.path or None)
    typer.echo(f"{constitution.source}: {len(constitution.articles)} articles")
    for article in constitution.articles:
        enforcement = "hard" if article.hard else "soft"
        typer.echo(f"Article {article.id}: {article.title} ({enforcement})")
        typer.echo(f"    checks: {', '.join(article.checks) or 'none (judged by people)'}")


mlflow_app = typer.Typer(help="The MLflow store of plancoder's runs.", no_args_is_help=True)
app.add_typer(mlflow_app, name="mlflow")


@mlflow_app.command("ui")
def mlflow_ui(
    host: Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 5000,
    config: ConfigOption = None,
) -> None:
    """Serve the MLflow UI for the local store (runs, metrics, artifacts, traces) until Ctrl+C."""
    import subprocess

    from plancoder.tracking import ui_command

    runtime = _runtime(config)
    argv, env = ui_command(runtime.store, host, port)
    typer.echo(f"MLflow UI for {runtime.store.uri} on {listen_url(host, port)} (Ctrl+C stops it)", err=True)
    if code := subprocess.call(argv, env=env):
        raise PlancoderError(f"the MLflow UI stopped with exit code {code}", "see its output above")


@app.command("seed-bugs")
def seed_bugs(
    src: Annotated[Path, typer.Argument(help="File or directory to seed bugs into (tests are never mutated).")],
    test_cmd: Annotated[str, typer.Option("--test-cmd", help="Test command, run from the project root.")],
    out: Annotated[Path, typer.Option("--out", help="Directory for bugs.json.")],
    project: Annotated[Path, typer.Option(help="Project root (where the test command runs).")] = Path("."),
    per_file: Annotated[int, typer.Option("--per-file", min=1, help="Bugs kept per source file.")] = 3,
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same bugs.")] = 0,
) -> None:
    """Seed bugs that the tests catch into code whose tests pass; write DIR/bugs.json."""
    from plancoder.seeding import seed_bugs as find_bugs
    from plancoder.suite import write_suite

    if not (src if src.is_absolute() else project / src).exists():
        raise PlancoderError(f"{src} does not exist", "give a file or directory inside the project")
    _writable_dir(out, "--out")  # before the seeding's minutes of test runs, not after
    bugs = find_bugs(project.resolve(), src, test_cmd, per_file, seed, progress=lambda line: typer.echo(line, err=True))
    if not bugs:
        raise PlancoderError(
            f"no bug seeded into {src} was caught by the tests (none could be made, or none failed them in time)",
            "give a --test-cmd that runs this code's tests, or another file to seed",
        )
    root = str(project.resolve())
    suite = {"version": 1, "seed": seed, "per_file": per_file, "bugs": [b.as_dict() | {"project": root} for b in bugs]}
    path = write_suite(suite, out / "bugs.json")
    typer.echo(f"{len(bugs)} bugs caught by the tests written to {path}")


@app.command("eval")
def evaluate(
    role: Annotated[str, typer.Option(help="Role to evaluate: coder or planner.")] = "coder",
    split: Annotated[str | None, typer.Option(help="train, validation or test; all when omitted.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N tasks.")] = None,
    suite: Annotated[Path | None, typer.Option(help="bugs.json (coder) or planning tasks file (planner).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Also write eval/baseline.json.")] = False,
    out_dir: Annotated[Path, typer.Option(help="Where the reports go.")] = Path("eval"),
    model: Annotated[str | None, typer.Option(help="Model spec overriding the role's.")] = None,
    version: Annotated[
        str, typer.Option(help="Program version to evaluate (see plancoder programs list).")
    ] = "baseline",
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue an interrupted run of the same evaluation: its finished tasks are kept."
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Run a role over its suite; write eval/eval_report.json (and eval/baseline.json)."""
    from plancoder.evaluate import evaluate_coder, evaluate_planner, write_report
    from plancoder.planning import load_tasks
    from plancoder.suite import load_bugs

    if role not in ("coder", "planner"):
        raise PlancoderError(f"there is no evaluation for role '{role}'", "use --role coder or --role planner")
    items = load_bugs(suite, split, limit) if role == "coder" else load_tasks(suite, split, limit)
    reports = [out_dir / "eval_report.json", *([out_dir / "baseline.json"] if baseline else [])]
    _writable_files("--out-dir", *reports)
    run = evaluate_coder if role == "coder" else evaluate_planner
    runtime = _runtime(config, cache=False)  # an evaluation measures real calls, never cache hits
    from plancoder.programs import load_version

    program = (version, load_version(runtime, role, version))
    section = _run_eval(
        functools.partial(run, runtime, items, split, model, program=program, resume=resume), items, role
    )
    (_print_eval if role == "coder" else _print_plan_eval)(section)
    for path in reports:
        typer.echo(f"wrote {write_report(section, path)}")


def _run_eval(run: Callable[..., dict], items: list, role: str) -> dict:
    """Run an evaluation with a progress bar; Ctrl-C says how to go on from the tasks already finished."""
    try:
        with typer.progressbar(length=len(items), label=f"{role} on {len(items)} tasks", file=sys.stderr) as bar:
            section = run(on_task=lambda _: bar.update(1))
    except KeyboardInterrupt:
        typer.echo("\ninterrupted: the finished tasks are kept; run the same command with --resume to go on", err=True)
        raise typer.Exit(130) from None
    if section["resumed_tasks"]:
        typer.echo(f"resumed: {section['resumed_tasks']} of {len(items)} tasks came from the interrupted run")
    return section


def _cost(task: dict) -> str:
    """Attempts, tokens and latency of one evaluated task, as a table cell."""
    return f"attempts {task['attempts']}  {task['tokens'].get('total_tokens', 0):>6} tok  {task['latency_s']:>6.1f} s"


def _print_eval(section: dict) -> None:
    for task in section["tasks"]:
        typer.echo(f"{'pass' if task['passed'] else 'FAIL'}  {task['id']:<45} {_cost(task)}")
    totals = section["totals"]
    low, high = totals["pass_rate_ci95"]
    typer.echo(
        f"passed {totals['passed']}/{totals['tasks']} = {totals['pass_rate']:.0%} (95% CI {low:.0%}-{high:.0%}), "
        f"{totals['first_attempt_passed']} on the first attempt, "
        f"mean latency {totals['latency_s']['mean']} s, tokens/task {totals['tokens_per_task']['mean']}"
    )


def _print_plan_eval(section: dict) -> None:
    for task in section["tasks"]:
        mark = "valid" if task["valid"] else "INVALID"
        typer.echo(f"{mark:7}  {task['id']:<40} score {task['score']:.2f}  {_cost(task)}")
    totals = section["totals"]
    typer.echo(
        f"valid {totals['valid']}/{totals['tasks']}, dependency violations in returned plans "
        f"{totals['dependency_violations_in_returned_plans']}, mean score {totals['score']['mean']}, "
        f"mean latency {totals['latency_s']['mean']} s"
    )


@app.command("report")
def report_command(
    compare: Annotated[
        tuple[str, str] | None, typer.Option(metavar="RUN_A RUN_B", help="Two MLflow run ids to show side by side.")
    ] = None,
    input_path: Annotated[Path, typer.Option("--input", help="The report to render.")] = Path("eval/eval_report.json"),
    out: Annotated[Path, typer.Option(help="The HTML file to write.")] = Path("eval/report.html"),
    config: ConfigOption = None,
) -> None:
    """Render an evaluation report, or two tracked runs side by side, as one self-contained HTML file."""
    from plancoder.atomic import write_text_atomic
    from plancoder.report import fetch_report, load_report, render_compare, render_report

    _writable_files("--out", out)
    if compare:
        store = _runtime(config).store
        page = render_compare(fetch_report(store, compare[0]), fetch_report(store, compare[1]))
    else:
        page = render_report(load_report(input_path), str(input_path))
    write_text_atomic(out, page)
    typer.echo(f"wrote {out}")


@app.command("alerts")
def alerts_command(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Alert rules YAML (default: the packaged rules).")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="The baseline that *_vs_baseline and score_drop rules compare with (default: eval/baseline.json "
            "when it exists).",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", envvar="PLANCODER_ALERT_WEBHOOK", help="POST each fired or resolved alert as JSON."),
    ] = None,
    prometheus: Annotated[bool, typer.Option("--prometheus", help="Print the rules as Prometheus rules.")] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Evaluate the alert rules over the recorded role calls (and roll back a failing rollout); print the alerts."""
    from plancoder.alerts import (
        DEFAULT_BASELINE,
        NO_BASELINE,
        check_alerts,
        load_baselines,
        load_rules,
        prometheus_rules,
    )
    from plancoder.reviewing import export_queue_depth

    # the default may be missing (no evaluation yet); a file the user names may not
    checked, baselines = load_rules(rules), load_baselines(baseline or DEFAULT_BASELINE, required=baseline is not None)
    runtime = _runtime(config)
    _auto_rollbacks(runtime)
    if prometheus:
        typer.echo(prometheus_rules(checked, baselines), nl=False)
        return
    export_queue_depth(runtime)  # a queue_growth rule judges the queue, not what this process enqueued
    alerts = check_alerts(checked, baselines, webhook)
    if as_json:
        _print_json([alert.as_dict() for alert in alerts])
        return
    for alert in alerts:
        if alert.state == NO_BASELINE:
            typer.echo(f"note: {alert.name}: {alert.message} in {baseline}", err=True)
    typer.echo("\n".join(alert.line() for alert in alerts if alert.firing) or "no active alerts")


from plancoder import cli_migrate, cli_release, cli_review  # noqa: E402, F401 - register their commands


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default \\[service] host: loopback).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default \\[service] port).")] = None,
    config: ConfigOption = None,
) -> None:
    """The HTTP API (/plan, /fix, /jobs, /reviews, /flags, /metrics, /healthz) and the dashboard at /."""
    import uvicorn

    from plancoder.service import check_serviceable, create_app

    runtime = _runtime(config)
    cfg = runtime.settings.service
    host, port = cfg.host if host is None else host, port or cfg.port
    url = listen_url(host, port)
    token = os.environ.get(cfg.token_env) or None
    if token is None:
        typer.echo(f"note: ${cfg.token_env} is not set, so every POST is refused", err=True)
    check_serviceable(runtime)
    app_ = create_app(runtime, token, cfg.max_body_bytes)
    typer.echo(f"plancoder on {url} (Ctrl+C stops it)", err=True)
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def listen_url(host: str, port: int) -> str:
    """The URL of a server on ``host``:``port``, after a clear error when it cannot listen there (an empty host
    would listen on every interface; a taken port made uvicorn log and exit)."""
    if not host.strip():
        raise PlancoderError("--host is empty", "give an interface, e.g. --host 127.0.0.1 (loopback)")
    check_listenable(host, port)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def check_listenable(host: str, port: int) -> None:
    """A clear error before start-up when the address is taken or not this machine's."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError as error:
        raise PlancoderError(
            f"cannot listen on {host}:{port}: {error.strerror or error}", "choose another --port or --host"
        ) from None


def _auto_rollbacks(runtime: "Runtime") -> None:
    """The alert check also pulls back a rollout whose optimized version scores below the baseline."""
    from plancoder.flags import FLAG_OF, auto_rollback
    from plancoder.programs import flag_file_for, registry_for

    for role in FLAG_OF:
        production = registry_for(runtime, role).production
        entry = auto_rollback(flag_file_for(runtime), role, production, runtime.settings.flags)
        if entry:
            typer.echo(f"rolled back {entry['flag']}: {entry['reason']}", err=True)


def main() -> None:
    """Entry point: errors become one line on stderr and exit code 1, never a traceback."""
    try:
        check_data_dir_path()  # before DSPy's import puts its cache there
        app()
    except Exception as error:  # the one place an error leaves plancoder
        if os.environ.get("PLANCODER_DEBUG") and not isinstance(error, PlancoderError):
            raise
        typer.echo(f"error: {as_user_error(blamed_on_data_dir(error))}", err=True)
        sys.exit(1)
