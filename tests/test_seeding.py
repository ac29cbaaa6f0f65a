import json
import re
from pathlib import Path

import pytest
from fresh_python import printed_under_hash_seeds

from plancoder.errors import PlancoderError
from plancoder.mutations import find_mutations
from plancoder.seeding import ordered_candidates, seed_bugs, source_files

MODULE = '''def clamp(value, low, high):
    """Clamp value into [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value


def unused_branch(x):
    return x if x or True else x
'''
TESTS = """from mod import clamp


def test_clamp():
    assert clamp(5, 0, 10) == 5
    assert clamp(-1, 0, 10) == 0
    assert clamp(11, 0, 10) == 10
    assert clamp(0, 0, 10) == 0
"""
CMD = "python -m pytest -q -p no:cacheprovider tests/test_mod.py"


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "mod.py").write_text(MODULE)
    (root / "tests" / "test_mod.py").write_text(
        TESTS.replace("from mod", "import sys; sys.path.insert(0, '.')\nfrom mod")
    )
    return root


def test_only_caught_mutants_are_kept_and_they_record_where(project):
    bugs = seed_bugs(project, project, CMD, per_file=3, seed=7)
    assert 1 <= len(bugs) <= 3
    for bug in bugs:
        assert bug.file == "mod.py" and bug.lineno <= 7  # unused_branch is never tested: its mutants survive
        assert bug.original_line == MODULE.splitlines()[bug.lineno - 1].strip()
        assert "failed" in bug.failing_output
        assert bug.patch.startswith("--- mod.py\n+++ mod.py\n")
    assert json.loads(json.dumps([b.as_dict() for b in bugs]))


def test_seeding_is_deterministic_for_a_seed(project):
    first = [b.id for b in seed_bugs(project, project, CMD, per_file=2, seed=3)]
    again = [b.id for b in seed_bugs(project, project, CMD, per_file=2, seed=3)]
    assert first == again


def test_the_candidate_order_is_the_same_in_every_process():
    code = (
        "from plancoder.mutations import find_mutations\nfrom plancoder.seeding import ordered_candidates\n"
        f"print(ordered_candidates(find_mutations({MODULE!r}), 's'))"
    )
    assert printed_under_hash_seeds(code) == [f"{ordered_candidates(find_mutations(MODULE), 's')}\n"] * 2


def test_candidate_order_mixes_operators():
    mutations = find_mutations(MODULE)
    kinds = len({m.operator for m in mutations})
    order = ordered_candidates(mutations, "s")
    assert kinds >= 4 and len({m.operator for m in order[:kinds]}) == kinds
    assert sorted(order, key=id) == sorted(mutations, key=id)


def test_test_files_are_never_mutated(project):
    assert source_files(project, project) == ["mod.py"]


@pytest.mark.parametrize(
    ("src", "message"),
    [("../elsewhere.py", "is outside the project"), ("notes.txt", "holds no Python source file"),
     ("tests", "holds no Python source file")],
)  # fmt: skip
def test_nothing_to_seed_is_a_clear_error_before_any_test_run(project, src, message):
    (project.parent / "elsewhere.py").write_text(MODULE)
    (project / "notes.txt").write_text("text")
    with pytest.raises(PlancoderError, match=message):
        seed_bugs(project, Path(src), "false")  # a test run would fail differently: "do not pass"


def test_a_file_that_is_not_python_is_named(project):
    (project / "mod.py").write_text("def broken(:\n")
    with pytest.raises(PlancoderError, match=r"mod.py is not valid Python: .* \(line 1\)"):
        seed_bugs(project, Path("mod.py"), "true")


def test_failing_baseline_is_refused(project):
    (project / "mod.py").write_text(MODULE.replace("return low", "return high", 1))
    with pytest.raises(PlancoderError, match="do not pass on the unmodified code") as refused:
        seed_bugs(project, project, CMD)
    assert "\n" not in refused.value.problem
    assert re.search(r"\(exit 1\): .*1 failed", refused.value.problem)
