import itertools
import json

import dspy
import pytest

from plancoder.registry import BASELINE, Registry, RegistryError


def program(instructions="Answer the question."):
    return dspy.Predict(dspy.Signature("question -> answer", instructions))


@pytest.fixture
def registry(tmp_path):
    registry = Registry(tmp_path, "planner")
    registry.save(program(), {"kind": "baseline"}, BASELINE)
    return registry


def test_versions_are_dspy_json_state_with_metadata(registry, tmp_path):
    saved = registry.save(program("Answer in one word."), {"kind": "candidate", "totals": {"score": 0.8}})
    assert saved.id == "v1" and registry.ids() == ["baseline", "v1"]
    data = json.loads((tmp_path / "planner" / "versions" / "v1.json").read_text())
    assert data["metadata"]["dspy_version"] == dspy.__version__ and data["metadata"]["totals"] == {"score": 0.8}
    assert data["state"]["signature"]["instructions"] == "Answer in one word."
    loaded = registry.load_into(program(), "v1")
    assert loaded.signature.instructions == "Answer in one word."


def test_promote_is_idempotent_and_rollback_restores_the_previous_version(registry):
    registry.save(program("one"), {})
    registry.save(program("two"), {})
    registry.promote("v1", by="ann")
    registry.promote("v2", by="bob")
    assert registry.promote("v2", by="bob")["production"] == "v2"  # promoting it again changes nothing
    assert registry.rollback(by="cid")["production"] == "v1"
    assert registry.rollback(by="cid")["production"] == BASELINE
    history = registry.aliases()["history"]
    assert [(h["from"], h["to"], h["by"]) for h in history] == [
        ("baseline", "v1", "ann"),
        ("v1", "v2", "bob"),
        ("v2", "v1", "cid"),
        ("v1", "baseline", "cid"),
    ]
    with pytest.raises(RegistryError, match="already baseline"):
        registry.rollback(by="cid")


def test_the_baseline_is_promoted_back_even_when_no_run_saved_it(tmp_path):
    registry = Registry(tmp_path, "coder")  # no baseline file: it is what the code builds
    registry.save(program("one"), {})
    registry.promote("v1", by="ann")
    assert registry.promote(BASELINE, by="bob")["production"] == BASELINE
    assert registry.rollback(by="cid")["production"] == "v1"


def test_a_state_saved_by_another_dspy_minor_version_is_refused_with_what_to_do(registry, tmp_path):
    path = tmp_path / "planner" / "versions" / "baseline.json"
    data = json.loads(path.read_text())
    data["metadata"]["dspy_version"] = "2.6.27"
    path.write_text(json.dumps(data))
    with pytest.raises(RegistryError) as error:
        registry.load_into(program(), BASELINE)
    assert "saved with DSPy 2.6.27" in str(error.value) and "plancoder optimize --role planner" in str(error.value)


def test_a_state_that_does_not_fit_the_program_any_more_is_refused_with_what_to_do(registry):
    class TwoSteps(dspy.Module):  # the program gained a predictor since the version was saved
        def __init__(self):
            super().__init__()
            self.draft, self.check = program(), program()

    with pytest.raises(RegistryError, match="planner baseline does not fit the planner program as it is now"):
        registry.load_into(TwoSteps(), BASELINE)


def test_unknown_and_malformed_versions_are_clear_errors(registry, tmp_path):
    with pytest.raises(RegistryError, match="no version 'v7' \\(saved: baseline\\)"):
        registry.get("v7")
    with pytest.raises(RegistryError, match="not a version id"):
        registry.get("../../etc/passwd")
    (tmp_path / "planner" / "versions" / "v3.json").write_text("{broken")
    with pytest.raises(RegistryError, match="is not a program version"):
        registry.get("v3")
    (tmp_path / "planner" / "versions" / "v4.json").write_text('{"id": "v4", "metadata": [], "state": {}}')
    with pytest.raises(RegistryError, match="metadata and state must be objects"):
        registry.get("v4")
    (tmp_path / "planner" / "versions" / "v5.json").mkdir()
    with pytest.raises(RegistryError, match="is not a program version"):
        registry.get("v5")
    with pytest.raises(RegistryError):
        registry.promote("v9", by="ann")


def _in_processes(*jobs):
    """Run each job in a process of its own, all at once (fork: they share nothing but the files)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=job) for job in jobs]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0] * len(jobs)


def test_two_processes_saving_and_promoting_at_once_lose_nothing(registry):
    def save_ten():
        for _ in range(10):
            registry.save(program(), {})

    _in_processes(save_ten, save_ten)
    assert registry.ids() == ["baseline", *[f"v{n}" for n in range(1, 21)]]  # no number given twice

    def promote(first, second):
        return lambda: [registry.promote(v, by=first) for _ in range(10) for v in (first, second)]

    _in_processes(promote("v1", "v2"), promote("v3", "v4"))
    history = registry.aliases()["history"]
    assert len(history) == 40  # each promotion changed production: one the other process did not undo
    assert all(h["from"] == before["to"] for before, h in itertools.pairwise(history))


@pytest.mark.parametrize(
    "aliases", ["[]", "null", '{"production": "v1"}', '{"production": 3, "previous": [], "history": []}']
)
def test_a_malformed_aliases_file_is_a_clear_error(registry, aliases):
    registry.aliases_path.write_text(aliases)
    actions = (lambda: registry.production, lambda: registry.promote(BASELINE, by="a"), lambda: registry.rollback("a"))
    for action in actions:
        with pytest.raises(RegistryError, match="is not an aliases file"):
            action()


def test_a_changed_baseline_is_saved_again_and_the_one_it_replaces_is_kept_by_its_digest(registry, tmp_path):
    from plancoder.registry import state_digest

    assert registry.save_baseline(program(), {"kind": "baseline"}) is False  # unchanged: nothing written
    old = registry.get(BASELINE)
    assert registry.save_baseline(program("Answer in French."), {"kind": "baseline"}) is True
    new = registry.get(BASELINE)
    assert new.state["signature"]["instructions"] == "Answer in French."
    assert new.metadata["replaces"] == state_digest(old.state)
    kept = tmp_path / "planner" / "replaced" / f"baseline-{state_digest(old.state)}.json"
    assert json.loads(kept.read_text())["state"] == old.state and registry.ids() == [BASELINE]


def test_saving_the_same_version_twice_returns_the_first_one(registry):
    meta = {"kind": "candidate", "totals": {"score": 0.8}, "models": ("local/a",)}
    first = registry.save_once(program("one"), meta)
    assert registry.save_once(program("one"), meta).id == first.id == "v1"  # a resumed run saving it again
    assert registry.save_once(program("one"), meta | {"totals": {"score": 0.7}}).id == "v2"  # another run's
    assert registry.save_once(program("two"), meta).id == "v3"
