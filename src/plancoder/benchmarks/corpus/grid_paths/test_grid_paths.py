import pytest
from grid_paths import count_paths, min_path_sum, neighbors, parse_grid, shortest_steps, size, step_map

MAZE = ["..#.", "....", ".#..", "...."]


def test_parse_grid_strips_whitespace() -> None:
    assert parse_grid("\n  ..#\n  #..\n") == ["..#", "#.."]


def test_parse_grid_single_row_and_empty_text() -> None:
    assert parse_grid("..#") == ["..#"]
    assert parse_grid("") == []


def test_size() -> None:
    assert size(MAZE) == (4, 4)
    assert size(["...", "..."]) == (2, 3)
    assert size([]) == (0, 0)


def test_parse_grid_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="same width"):
        parse_grid("...\n..")


def test_parse_grid_rejects_unknown_cells() -> None:
    with pytest.raises(ValueError, match="unknown cell"):
        parse_grid("..\n.x")


def test_neighbors_in_corners() -> None:
    assert neighbors(MAZE, 0, 0) == [(1, 0), (0, 1)]
    assert neighbors(MAZE, 3, 3) == [(2, 3), (3, 2)]


def test_neighbors_order_and_walls() -> None:
    assert neighbors(MAZE, 1, 2) == [(2, 2), (1, 1), (1, 3)]
    assert neighbors(MAZE, 2, 2) == [(1, 2), (3, 2), (2, 3)]


def test_count_paths_open_grid() -> None:
    assert count_paths(["...", "...", "..."]) == 6
    assert count_paths(["..", ".."]) == 2


def test_count_paths_rectangular_and_thin() -> None:
    assert count_paths(["....", "...."]) == 4
    assert count_paths(["..", "..", ".."]) == 3
    assert count_paths([".", ".", "."]) == 1
    assert count_paths(["...."]) == 1
    assert count_paths(["."]) == 1


def test_count_paths_with_walls() -> None:
    assert count_paths(MAZE) == 7
    assert count_paths(["..", "#."]) == 1


def test_count_paths_blocked_or_empty() -> None:
    assert count_paths([]) == 0
    assert count_paths(["#."]) == 0
    assert count_paths([".#", "#."]) == 0
    assert count_paths(["..", ".#"]) == 0


def test_shortest_steps() -> None:
    assert shortest_steps(MAZE) == 6
    assert shortest_steps(["."]) == 0
    assert shortest_steps(["..."]) == 2


def test_shortest_steps_needs_detour() -> None:
    grid = ["...", "##.", "...", ".##", "..."]
    assert shortest_steps(grid) == 10


def test_step_map_covers_reachable_cells() -> None:
    assert step_map(["..#", "...", "#.."]) == {
        (0, 0): 0,
        (1, 0): 1,
        (0, 1): 1,
        (1, 1): 2,
        (2, 1): 3,
        (1, 2): 3,
        (2, 2): 4,
    }
    assert step_map([".#", "#."]) == {(0, 0): 0}
    assert step_map(["#"]) == {}


def test_shortest_steps_blocked() -> None:
    assert shortest_steps([]) == -1
    assert shortest_steps(["#."]) == -1
    assert shortest_steps([".#", "#."]) == -1


def test_min_path_sum() -> None:
    assert min_path_sum([[1, 3, 1], [1, 5, 1], [4, 2, 1]]) == 7
    assert min_path_sum([[1, 2, 3], [4, 5, 6]]) == 12


def test_min_path_sum_single_row_and_column() -> None:
    assert min_path_sum([[5, 1, 2]]) == 8
    assert min_path_sum([[2], [3], [4]]) == 9
    assert min_path_sum([[7]]) == 7


def test_min_path_sum_prefers_cheaper_left_neighbor() -> None:
    assert min_path_sum([[1, 1, 9], [9, 1, 1], [9, 9, 1]]) == 5
    assert min_path_sum([[1, 9, 9], [1, 9, 9], [1, 1, 1]]) == 5


def test_min_path_sum_first_column_ignores_previous_row_end() -> None:
    assert min_path_sum([[1, 1, 1], [9, 9, 1], [1, 9, 1]]) == 5
    assert min_path_sum([[1, 1, 1], [100, 1, 1], [1, 100, 1]]) == 5


def test_min_path_sum_rejects_empty() -> None:
    with pytest.raises(ValueError):
        min_path_sum([])
    with pytest.raises(ValueError):
        min_path_sum([[]])
