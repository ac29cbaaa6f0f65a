"""Recursive permutations, combinations and subsets of small sequences."""


def permutations(items: list) -> list[list]:
    """All orderings of ``items``, in the order produced by picking each position first."""
    if not items:
        return [[]]
    result = []
    for i in range(len(items)):
        rest = items[:i] + items[i + 1 :]
        for tail in permutations(rest):
            result.append([items[i], *tail])
    return result


def combinations(items: list, k: int) -> list[list]:
    """All ``k``-element selections of ``items`` keeping their original order."""
    if k < 0:
        raise ValueError(f"k must not be negative, got {k}")
    if k == 0:
        return [[]]
    if k > len(items):
        return []
    with_first = [[items[0], *rest] for rest in combinations(items[1:], k - 1)]
    return with_first + combinations(items[1:], k)


def power_set(items: list) -> list[list]:
    """All subsets of ``items``; subsets without the first item come first."""
    if not items:
        return [[]]
    rest = power_set(items[1:])
    return rest + [[items[0], *subset] for subset in rest]


def count_permutations(n: int, k: int) -> int:
    """Number of ordered selections of ``k`` out of ``n`` items: n! / (n - k)!."""
    if k < 0 or n < 0:
        raise ValueError(f"n and k must not be negative, got n={n}, k={k}")
    if k > n:
        return 0
    if k == 0:
        return 1
    return n * count_permutations(n - 1, k - 1)


def next_permutation(seq: list) -> list | None:
    """The next lexicographic ordering of ``seq``, or None when it is the last one."""
    pivot = len(seq) - 2
    while pivot >= 0 and seq[pivot] >= seq[pivot + 1]:
        pivot -= 1
    if pivot < 0:
        return None
    swap = len(seq) - 1
    while seq[swap] <= seq[pivot]:
        swap -= 1
    result = list(seq)
    result[pivot], result[swap] = result[swap], result[pivot]
    result[pivot + 1 :] = reversed(result[pivot + 1 :])
    return result
