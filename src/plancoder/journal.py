"""A run's finished work, one JSON line each, so an interrupted run resumes where it stopped.

A Coder pass over the test split takes an hour or more on CPU, an optimization several; a crash, a
reboot or Ctrl-C must not throw away the work already done. The first line is the run's head (role,
split, models, program version, data hash, settings): ``--resume`` continues only a journal with the
same head. Each entry is appended and flushed to disk as soon as it is done; a line cut by a crash is
dropped. The journal is removed once the report is written.
"""

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from plancoder.atomic import write_text_atomic
from plancoder.config import ANSWER_SETTINGS
from plancoder.errors import PlancoderError

COMPARED = ("role", "split", "models", "dspy_version", "data_hash", "program_version", *ANSWER_SETTINGS)


def journal_path(home: Path, head: dict[str, Any]) -> Path:
    """Where an evaluation with this head keeps its progress (one journal per role, split and version)."""
    name = f"{head['role']}-{head['split']}-{head['program_version']}-{head['data_hash']}.jsonl"
    return home / "eval_progress" / name


class Journal:
    """Finished entries of one run on disk."""

    def __init__(self, path: Path, head: dict[str, Any], compared: Sequence[str] = COMPARED, others: str = "") -> None:
        """``others``: a pattern beside ``path`` naming the journals of other runs that ``--resume`` may have meant."""
        self.path, self.head, self.compared, self.others = path, head, compared, others
        self._lock = threading.Lock()  # entries can come from DSPy's worker threads

    def start(self, resume: bool) -> list[dict[str, Any]]:
        """The entries already finished (``resume``), or a fresh journal and none.

        Without ``resume``, saved progress is never overwritten: it may hold hours of work."""
        if not resume and self.path.exists() and self._finished(check=False):
            raise PlancoderError(
                f"{self.path} holds the progress of an interrupted run",
                "add --resume to go on from it, or delete that file to start over",
            )
        if resume and not self.path.exists():
            self._refuse_other_runs()
        finished = self._finished() if resume and self.path.exists() else []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(entry, default=str) + "\n" for entry in [self.head, *finished]]
        write_text_atomic(self.path, "".join(lines))  # a clean journal: no cut line for the new tasks to follow
        return finished

    def add(self, entry: dict[str, Any]) -> dict[str, Any]:
        line = json.dumps(entry, default=str) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        return entry

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)

    def _finished(self, check: bool = True) -> list[dict[str, Any]]:
        head, *lines = self.path.read_text(encoding="utf-8").splitlines() or [""]
        if check:
            self._check_head(json.loads(head))
        entries = []
        for line in lines:
            try:
                entries.append(json.loads(line))
            except ValueError:  # the last line, cut by the crash that interrupted the run
                break
        return entries

    def _check_head(self, saved: dict[str, Any]) -> None:
        if differ := self._differ(saved):
            raise PlancoderError(
                f"the saved progress in {self.path} is from another run (it differs in: {', '.join(differ)})",
                "run the same command again with --resume, or drop --resume to start over",
            )

    def _refuse_other_runs(self) -> None:
        """``--resume`` finds no progress of this run but another run's: a different split, version or
        ``--limit`` names another journal, and starting afresh instead would go unnoticed."""
        for other in sorted(self.path.parent.glob(self.others)) if self.others else []:
            if (saved := _progress_head(other)) is not None:
                raise PlancoderError(
                    f"no saved progress for this run; {other} holds another run's "
                    f"(it differs in: {', '.join(self._differ(saved))})",
                    "run that run's command again with --resume, or drop --resume to start this one afresh",
                )

    def _differ(self, saved: dict[str, Any]) -> list[str]:
        current = json.loads(json.dumps(self.head, default=str))
        return [key for key in self.compared if saved.get(key) != current.get(key)]


def _progress_head(path: Path) -> dict[str, Any] | None:
    """The head of a journal that holds finished work; None when it holds none (a run that had just begun),
    {} when it cannot be read."""
    try:
        head, _, entries = path.read_text(encoding="utf-8").partition("\n")
        saved = json.loads(head) if entries.strip() else None
    except (OSError, ValueError):
        return {}
    return saved if saved is None or isinstance(saved, dict) else {}


class Steps:
    """A run's finished steps by kind and key: a resumed run takes each one instead of doing it again."""

    def __init__(self, journal: Journal, resume: bool) -> None:
        self.journal = journal
        self._done = {(entry["kind"], entry["key"]): entry["value"] for entry in journal.start(resume)}

    def has(self, kind: str, key: str = "") -> bool:
        return (kind, key) in self._done

    def once(self, kind: str, compute: Callable[[], Any], key: str = "") -> Any:
        """The value recorded for this step, or ``compute()``'s, recorded (both as JSON reads it back)."""
        return self.replay(kind, compute, key)[0]

    def replay(self, kind: str, compute: Callable[[], Any], key: str = "") -> tuple[Any, bool]:
        """``once``, and whether the value came from the journal."""
        if (kind, key) in self._done:
            return self._done.pop((kind, key)), True
        value = json.loads(json.dumps(compute(), default=str))
        self.journal.add({"kind": kind, "key": key, "value": value})
        return value, False
