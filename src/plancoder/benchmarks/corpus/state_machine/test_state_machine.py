import pytest
from state_machine import InvalidTransition, StateMachine, order_workflow

TOGGLE = {("off", "press"): "on", ("on", "press"): "off"}


def test_initial_state() -> None:
    machine = order_workflow()
    assert machine.state == "new"
    assert machine.history == ["new"]
    assert machine.is_finished() is False


def test_unknown_initial_state_rejected() -> None:
    with pytest.raises(ValueError, match="unknown initial state 'idle'"):
        StateMachine("idle", TOGGLE)


def test_initial_state_may_be_only_a_target() -> None:
    machine = StateMachine("done", {("start", "go"): "done"})
    assert machine.events() == []


def test_fire_moves_and_records() -> None:
    machine = order_workflow()
    assert machine.fire("pay") == "paid"
    assert machine.fire("ship") == "shipped"
    assert machine.history == ["new", "paid", "shipped"]


def test_fire_invalid_event_raises_with_data() -> None:
    machine = order_workflow()
    with pytest.raises(InvalidTransition) as info:
        machine.fire("ship")
    assert (info.value.state, info.value.event) == ("new", "ship")
    assert str(info.value) == "event 'ship' not allowed in state 'new'"
    assert machine.state == "new"
    assert machine.history == ["new"]


def test_final_state_accepts_nothing() -> None:
    machine = StateMachine("a", {("a", "go"): "b", ("b", "go"): "a"}, final=("b",))
    machine.fire("go")
    assert machine.is_finished() is True
    assert machine.can_fire("go") is False
    with pytest.raises(InvalidTransition):
        machine.fire("go")


def test_can_fire() -> None:
    machine = order_workflow()
    assert machine.can_fire("pay") is True
    assert machine.can_fire("deliver") is False


def test_events_sorted_for_current_state() -> None:
    machine = order_workflow()
    assert machine.events() == ["cancel", "pay"]
    machine.fire("pay")
    assert machine.events() == ["cancel", "refuse", "ship"]
    machine.fire("cancel")
    assert machine.events() == []


def test_run_stops_at_first_invalid_event() -> None:
    machine = order_workflow()
    assert machine.run(["pay", "ship", "pay", "deliver"]) == 2
    assert machine.state == "shipped"


def test_run_all_events() -> None:
    machine = order_workflow()
    assert machine.run(["pay", "ship", "deliver"]) == 3
    assert machine.is_finished() is True
    assert machine.run([]) == 0


def test_run_stops_after_final_state() -> None:
    machine = StateMachine("a", {("a", "go"): "b", ("b", "go"): "a"}, final=("b",))
    assert machine.run(["go", "go", "go"]) == 1


def test_visits_count_loops() -> None:
    machine = StateMachine("off", TOGGLE)
    assert machine.run(["press"] * 5) == 5
    assert machine.state == "on"
    assert machine.visits("off") == 3
    assert machine.visits("on") == 3
    assert machine.visits("broken") == 0


def test_refuse_loops_back_to_new() -> None:
    machine = order_workflow()
    machine.run(["pay", "refuse", "pay"])
    assert machine.visits("new") == 2
    assert machine.visits("paid") == 2


def test_reset() -> None:
    machine = order_workflow()
    machine.run(["pay", "cancel"])
    machine.reset()
    assert machine.state == "new"
    assert machine.history == ["new"]
    assert machine.fire("pay") == "paid"


def test_transitions_are_copied() -> None:
    table = dict(TOGGLE)
    machine = StateMachine("off", table)
    table[("on", "press")] = "broken"
    machine.run(["press", "press"])
    assert machine.state == "off"
