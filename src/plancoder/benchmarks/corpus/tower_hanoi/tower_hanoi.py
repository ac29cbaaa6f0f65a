"""The Towers of Hanoi: recursive solution, move counting and move checking."""

PEGS = ("A", "B", "C")


def hanoi_moves(n: int, source: str = "A", target: str = "C", spare: str = "B") -> list[tuple[str, str]]:
    """The optimal list of (from, to) moves that carries ``n`` disks from ``source`` to ``target``."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    if n == 0:
        return []
    before = hanoi_moves(n - 1, source, spare, target)
    after = hanoi_moves(n - 1, spare, target, source)
    return [*before, (source, target), *after]


def move_count(n: int) -> int:
    """Number of moves in the optimal solution for ``n`` disks, by the recurrence 2*T(n-1) + 1."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    if n == 0:
        return 0
    return 2 * move_count(n - 1) + 1


def initial_state(n: int, source: str = "A") -> dict[str, list[int]]:
    """Pegs with disks ``n`` (largest, bottom) .. 1 (smallest, top) stacked on ``source``."""
    state: dict[str, list[int]] = {peg: [] for peg in PEGS}
    state[source] = list(range(n, 0, -1))
    return state


def apply_move(state: dict[str, list[int]], move: tuple[str, str]) -> None:
    """Move the top disk in place; raises ValueError for an empty source or a larger disk on a smaller one."""
    source, target = move
    if source == target or source not in state or target not in state:
        raise ValueError(f"invalid move {move}")
    if not state[source]:
        raise ValueError(f"peg {source} is empty")
    disk = state[source][-1]
    if state[target] and state[target][-1] < disk:
        raise ValueError(f"cannot put disk {disk} on disk {state[target][-1]}")
    state[target].append(state[source].pop())


def simulate(n: int, moves: list[tuple[str, str]], source: str = "A") -> dict[str, list[int]]:
    """Play ``moves`` from the initial state and return the final pegs."""
    state = initial_state(n, source)
    for move in moves:
        apply_move(state, move)
    return state


def disk_for_move(k: int) -> int:
    """The disk moved at step ``k`` (1-based) of the optimal solution: one plus the trailing zero bits of k."""
    if k < 1:
        raise ValueError("k must be at least 1")
    disk = 1
    while k % 2 == 0:
        k //= 2
        disk += 1
    return disk
