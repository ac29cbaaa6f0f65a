"""``plancoder review``: the human review queue from the command line."""

from pathlib import Path
from typing import Annotated

import typer

from plancoder.cli import ConfigOption, JsonOption, _print_json, _runtime, app
from plancoder.flags import who
from plancoder.review import MAX_ITEM_ID

review_app = typer.Typer(help="The human review queue: list, show, approve, edit, reject, apply.", no_args_is_help=True)
app.add_typer(review_app, name="review")
ByOption = Annotated[str | None, typer.Option("--by", help="Reviewer name (default: $USER).")]
ItemId = Annotated[int, typer.Argument(min=1, max=MAX_ITEM_ID, help="The review item's id.")]
CommentOption = Annotated[str, typer.Option("--comment", help="Why, for the audit log.")]


def _queue(config: Path | None):
    from plancoder.reviewing import queue_for

    return queue_for(_runtime(config))


@review_app.command("list")
def review_list(
    status: Annotated[str | None, typer.Option(help="pending, approved, edited, rejected or expired.")] = None,
    role: Annotated[str | None, typer.Option(help="planner or coder.")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Items in the queue (expired ones are marked first: they never ship)."""
    found = _queue(config).list(status, role)
    if as_json:
        _print_json([item.as_dict() for item in found])
        return
    for item in found:
        typer.echo(f"#{item.id:<5} {item.role:8} {item.status:9} score {item.score}  {item.reason}")
    if not found:
        typer.echo("the review queue is empty")


@review_app.command("show")
def review_show(item_id: ItemId, config: ConfigOption = None) -> None:
    """One item in full, with its audit trail."""
    queue = _queue(config)
    _print_json(queue.get(item_id).as_dict() | {"events": queue.events(item_id)})


def _decide(item_id: int, action: str, by: str | None, comment: str, config: Path | None) -> None:
    item = _queue(config).decide(item_id, action, who(by), comment)
    typer.echo(f"#{item.id} is {item.status} (by {item.decided_by})")


@review_app.command("approve")
def review_approve(
    item_id: ItemId, by: ByOption = None, comment: CommentOption = "", config: ConfigOption = None
) -> None:
    """Approve an item as it is (approving twice is one approval)."""
    _decide(item_id, "approve", by, comment, config)


@review_app.command("reject")
def review_reject(
    item_id: ItemId, by: ByOption = None, comment: CommentOption = "", config: ConfigOption = None
) -> None:
    """Reject an item: it never ships."""
    _decide(item_id, "reject", by, comment, config)


@review_app.command("edit")
def review_edit(
    item_id: ItemId,
    file: Annotated[Path, typer.Option("--file", help="The corrected file (Coder) or plan JSON (Planner).")],
    by: ByOption = None,
    comment: CommentOption = "",
    config: ConfigOption = None,
) -> None:
    """Correct an item; a fix must pass its tests and a plan its validator before the edit counts."""
    from plancoder.cli import read_context
    from plancoder.reviewing import edit

    text = read_context(file, "--file", "the corrected Python file, or the plan as JSON")
    item = edit(_runtime(config), item_id, who(by), text, comment)
    typer.echo(f"#{item.id} is {item.status} (by {item.decided_by}); the edit was validated")


@review_app.command("apply")
def review_apply(item_id: ItemId, config: ConfigOption = None) -> None:
    """Write an approved or edited fix into its file (atomically, after its tests pass again)."""
    from plancoder.reviewing import apply_fix

    typer.echo(f"wrote {apply_fix(_runtime(config), item_id)}")
