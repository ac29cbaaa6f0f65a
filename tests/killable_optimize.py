"""A scripted optimization in a process of its own, for tests/test_optimize.py: run it, kill it, resume it.

``python killable_optimize.py WORKDIR [DIE_AT] [--resume]`` runs the Planner's optimization with the
scripted models of test_optimize (created first, so their specs are the same in every such process);
with DIE_AT the process dies at that Planner call as under ``kill -9``. Prints the report as JSON.
"""

import json
import sys
from pathlib import Path

from test_optimize import Dying, optimize_planner, reflection

from plancoder.scripted import Script


def main(workdir: Path, die_at: int | None, resume: bool) -> None:
    planner = Dying(die_at)
    section = optimize_planner(workdir, (Script(planner), Script(reflection)), resume)
    print(json.dumps({**section, "planner_calls": planner.calls}, default=str))


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg != "--resume"]
    main(Path(args[0]), int(args[1]) if len(args) > 1 else None, "--resume" in sys.argv)
