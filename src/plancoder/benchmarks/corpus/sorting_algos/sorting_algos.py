"""Classic comparison sorts that return new lists, plus a counting sort and helpers."""

from collections.abc import Callable


def _identity(x: object) -> object:
    return x


def insertion_sort(items: list, key: Callable = _identity) -> list:
    """Return a stably sorted copy of items, ordered by key."""
    result = list(items)
    for i in range(1, len(result)):
        current = result[i]
        j = i - 1
        while j >= 0 and key(result[j]) > key(current):
            result[j + 1] = result[j]
            j -= 1
        result[j + 1] = current
    return result


def selection_sort(items: list) -> list:
    """Return a sorted copy of items by repeatedly selecting the smallest remaining one."""
    result = list(items)
    for i in range(len(result) - 1):
        smallest = i
        for j in range(i + 1, len(result)):
            if result[j] < result[smallest]:
                smallest = j
        result[i], result[smallest] = result[smallest], result[i]
    return result


def bubble_sort(items: list) -> tuple[list, int]:
    """Return (sorted copy, number of swaps made); the swap count equals the inversions."""
    result = list(items)
    swaps = 0
    for end in range(len(result) - 1, 0, -1):
        for i in range(end):
            if result[i] > result[i + 1]:
                result[i], result[i + 1] = result[i + 1], result[i]
                swaps += 1
    return result, swaps


def merge_sort(items: list, key: Callable = _identity) -> list:
    """Return a stably sorted copy of items, ordered by key."""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    return merge(merge_sort(items[:middle], key), merge_sort(items[middle:], key), key)


def merge(left: list, right: list, key: Callable = _identity) -> list:
    """Merge two sorted lists into one, taking from left first on ties."""
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if key(right[j]) < key(left[i]):
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    return merged + left[i:] + right[j:]


def counting_sort(items: list[int], low: int, high: int) -> list[int]:
    """Return items sorted, all of which must lie in low..high inclusive."""
    counts = [0] * (high - low + 1)
    for value in items:
        if value < low or value > high:
            raise ValueError(f"{value} outside {low}..{high}")
        counts[value - low] += 1
    result = []
    for offset, count in enumerate(counts):
        result.extend([offset + low] * count)
    return result
