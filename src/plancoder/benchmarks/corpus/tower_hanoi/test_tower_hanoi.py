import pytest
from tower_hanoi import apply_move, disk_for_move, hanoi_moves, initial_state, move_count, simulate


def test_hanoi_moves_small() -> None:
    assert hanoi_moves(0) == []
    assert hanoi_moves(1) == [("A", "C")]
    assert hanoi_moves(2) == [("A", "B"), ("A", "C"), ("B", "C")]


def test_hanoi_moves_three() -> None:
    assert hanoi_moves(3) == [
        ("A", "C"),
        ("A", "B"),
        ("C", "B"),
        ("A", "C"),
        ("B", "A"),
        ("B", "C"),
        ("A", "C"),
    ]


def test_hanoi_moves_custom_pegs() -> None:
    assert hanoi_moves(2, "C", "A", "B") == [("C", "B"), ("C", "A"), ("B", "A")]
    assert hanoi_moves(1, "B", "A", "C") == [("B", "A")]


def test_hanoi_moves_negative() -> None:
    with pytest.raises(ValueError, match=r"got -1$"):
        hanoi_moves(-1)


def test_move_count() -> None:
    assert move_count(0) == 0
    assert move_count(1) == 1
    assert move_count(2) == 3
    assert move_count(10) == 1023
    for n in range(8):
        assert move_count(n) == len(hanoi_moves(n))
    with pytest.raises(ValueError, match=r"got -1$"):
        move_count(-1)


def test_initial_state() -> None:
    assert initial_state(3) == {"A": [3, 2, 1], "B": [], "C": []}
    assert initial_state(0) == {"A": [], "B": [], "C": []}
    assert initial_state(2, "B") == {"A": [], "B": [2, 1], "C": []}


def test_apply_move_valid() -> None:
    state = {"A": [2, 1], "B": [], "C": [3]}
    apply_move(state, ("A", "B"))
    assert state == {"A": [2], "B": [1], "C": [3]}
    apply_move(state, ("A", "C"))
    assert state == {"A": [], "B": [1], "C": [3, 2]}
    apply_move(state, ("B", "C"))
    assert state == {"A": [], "B": [], "C": [3, 2, 1]}


def test_apply_move_errors() -> None:
    state = {"A": [2, 1], "B": [], "C": []}
    with pytest.raises(ValueError, match="empty"):
        apply_move(state, ("B", "A"))
    with pytest.raises(ValueError, match="invalid"):
        apply_move(state, ("A", "A"))
    with pytest.raises(ValueError, match="invalid"):
        apply_move(state, ("A", "D"))
    with pytest.raises(ValueError, match="invalid"):
        apply_move(state, ("D", "A"))
    apply_move(state, ("A", "B"))
    with pytest.raises(ValueError, match="cannot put disk 2 on disk 1"):
        apply_move(state, ("A", "B"))
    assert state == {"A": [2], "B": [1], "C": []}


def test_apply_move_compares_with_top_disk() -> None:
    state = {"A": [2], "B": [3, 1], "C": []}
    with pytest.raises(ValueError, match=r"^cannot put disk 2 on disk 1$"):
        apply_move(state, ("A", "B"))
    apply_move(state, ("B", "C"))
    apply_move(state, ("A", "B"))
    assert state == {"A": [], "B": [3, 2], "C": [1]}


def test_simulate_solution_solves() -> None:
    for n in range(6):
        assert simulate(n, hanoi_moves(n)) == {"A": [], "B": [], "C": list(range(n, 0, -1))}


def test_simulate_custom_source() -> None:
    assert simulate(2, hanoi_moves(2, "B", "A", "C"), "B") == {"A": [2, 1], "B": [], "C": []}


def test_simulate_rejects_illegal_sequence() -> None:
    with pytest.raises(ValueError):
        simulate(2, [("A", "C"), ("A", "C")])


def test_disk_for_move() -> None:
    assert [disk_for_move(k) for k in range(1, 9)] == [1, 2, 1, 3, 1, 2, 1, 4]
    with pytest.raises(ValueError):
        disk_for_move(0)


def test_disk_for_move_matches_solution() -> None:
    n = 4
    state = initial_state(n)
    for k, move in enumerate(hanoi_moves(n), start=1):
        assert state[move[0]][-1] == disk_for_move(k)
        apply_move(state, move)
