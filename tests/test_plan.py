import pytest

from plancoder.plan import Plan, Step, dependency_violations, step_lines, unlinked_steps, validate, with_links


def plan(*steps):
    return Plan(steps=[Step(id=i, title=f"do {i}", depends_on=list(deps)) for i, deps in steps])


def kinds(violations):
    return sorted(v.kind for v in violations)


def test_a_valid_chain_and_diamond_have_no_violations():
    assert validate(plan(("a", ""), ("b", "a"), ("c", "b"))) == []
    assert validate(plan(("a", ""), ("b", "a"), ("c", "a"), ("d", "bc"))) == []


@pytest.mark.article("III")
def test_unknown_self_and_later_dependencies():
    violations = validate(plan(("a", "z"), ("b", "b"), ("c", "d"), ("d", "ab")), single_goal=False)
    assert kinds(violations) == ["order", "self_dependency", "unknown_dependency"]
    messages = " | ".join(v.message for v in violations)
    assert "'a' depends on 'z', which is not a step id (a, b, c, d)" in messages
    assert "step 'c' uses the output of the later step 'd'; move 'd' before 'c'" in messages


@pytest.mark.article("III")
def test_cycles_are_named():
    violations = validate(plan(("a", "c"), ("b", "a"), ("c", "b")))
    cycles = [v.message for v in violations if v.kind == "cycle"]
    assert cycles == ["dependency cycle a -> c -> b -> a; break it"]


def test_duplicate_ids_and_empty_titles():
    bad = Plan(steps=[Step(id="a", title=" "), Step(id="a", title="x", depends_on=["a"])])
    assert {"duplicate_id", "empty_title"} <= set(kinds(validate(bad, single_goal=False)))


def test_orphans_only_when_the_task_has_a_single_goal():
    orphaned = plan(("a", ""), ("b", ""), ("c", "a"))
    assert [v.message for v in validate(orphaned)] == [
        "step 'b' does not lead to the goal 'c'; make a later step depend on it or drop it"
    ]
    assert validate(orphaned, single_goal=False) == []


def test_step_cap_and_empty_plan():
    long = plan(*[(f"s{i}", "") for i in range(5)])
    assert "too_many_steps" in kinds(validate(long, max_steps=4, single_goal=False))
    assert kinds(validate(Plan(steps=[]))) == ["no_steps"]


def test_dependency_violations_are_the_order_breaking_kinds():
    violations = validate(plan(("a", "c"), ("b", "a"), ("c", "b"), ("d", "x")), single_goal=False)
    assert kinds(dependency_violations(violations)) == ["cycle", "order", "unknown_dependency"]


def test_a_long_chain_does_not_recurse():
    long = Plan(steps=[Step(id=f"s{i}", title="t", depends_on=[f"s{i - 1}"] if i else []) for i in range(5000)])
    assert validate(long, max_steps=5000) == []


def test_links_join_the_earlier_step_to_the_later_whichever_way_they_are_written():
    bare = plan(("a", []), ("b", []), ("c", []), ("d", ["a"]))
    linked, added = with_links(bare, {"b": ["a"], "a": ["c"], "d": "c", "x": ["a"], "c": ["c", "b"]})
    assert [s.depends_on for s in linked.steps] == [[], ["a"], ["a", "b"], ["a", "c"]]
    assert added == 4 and unlinked_steps(bare) == ["b", "c"] and unlinked_steps(linked) == []
    assert with_links(linked, {"b": ["a"]}) == (linked, 0)


def test_linking_never_creates_a_violation():
    bare = plan(*[(f"s{i}", []) for i in range(6)])
    every_pair = {f"s{i}": [f"s{j}" for j in range(6)] for i in range(6)}
    linked, added = with_links(bare, every_pair)
    assert added == 15 and validate(linked, single_goal=True) == []


def test_step_lines_read_one_step_per_line():
    plan = Plan(steps=[Step(id="s1", title="Add the flag", detail="in cli.py"), Step(id="s2", title="Test it")])
    assert step_lines(plan) == "s1: Add the flag - in cli.py\ns2: Test it"
