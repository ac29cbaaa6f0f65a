"""Paths through rectangular grids: '.' is an open cell and '#' is a wall."""

from collections import deque

OPEN = "."
WALL = "#"


def parse_grid(text: str) -> list[str]:
    """Split text into grid rows, rejecting ragged rows and unknown characters."""
    rows = [line.strip() for line in text.strip().splitlines()]
    for row in rows:
        if len(row) != len(rows[0]):
            raise ValueError("rows must all have the same width")
        if set(row) - {OPEN, WALL}:
            raise ValueError(f"unknown cell in row {row!r}")
    return rows


def size(grid: list[str]) -> tuple[int, int]:
    """Return (height, width) of the grid; an empty grid is (0, 0)."""
    if not grid:
        return 0, 0
    return len(grid), len(grid[0])


def neighbors(grid: list[str], row: int, col: int) -> list[tuple[int, int]]:
    """Return the open cells next to (row, col), in the order up, down, left, right."""
    height, width = size(grid)
    found = []
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        r, c = row + dr, col + dc
        if 0 <= r < height and 0 <= c < width and grid[r][c] == OPEN:
            found.append((r, c))
    return found


def count_paths(grid: list[str]) -> int:
    """Count the paths from top-left to bottom-right that move only right or down."""
    height, width = size(grid)
    if height == 0:
        return 0
    ways = [1] + [0] * (width - 1)
    for r in range(height):
        for c in range(width):
            if grid[r][c] == WALL:
                ways[c] = 0
            elif c > 0:
                ways[c] += ways[c - 1]
    return ways[-1]


def step_map(grid: list[str]) -> dict[tuple[int, int], int]:
    """Return the fewest 4-directional steps from top-left to every reachable open cell."""
    if not grid or grid[0][0] == WALL:
        return {}
    steps = {(0, 0): 0}
    queue = deque([(0, 0)])
    while queue:
        cell = queue.popleft()
        for nxt in neighbors(grid, cell[0], cell[1]):
            if nxt not in steps:
                steps[nxt] = steps[cell] + 1
                queue.append(nxt)
    return steps


def shortest_steps(grid: list[str]) -> int:
    """Return the fewest steps from top-left to bottom-right, or -1 if it cannot be reached."""
    height, width = size(grid)
    return step_map(grid).get((height - 1, width - 1), -1)


def min_path_sum(costs: list[list[int]]) -> int:
    """Return the smallest total cost of a right/down path from top-left to bottom-right."""
    if not costs or not costs[0]:
        raise ValueError("costs must be a non-empty grid")
    best = []
    running = 0
    for cost in costs[0]:
        running += cost
        best.append(running)
    for row in costs[1:]:
        best[0] += row[0]
        for c in range(1, len(best)):
            best[c] = min(best[c], best[c - 1]) + row[c]
    return best[-1]
