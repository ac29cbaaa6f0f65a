"""A binary min-heap on a plain list, and helpers built on it."""


def sift_up(heap: list[int], i: int) -> int:
    """Move heap[i] up until its parent is not larger; return the number of swaps."""
    swaps = 0
    while i > 0:
        parent = (i - 1) // 2
        if heap[parent] <= heap[i]:
            return swaps
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
        swaps += 1
    return swaps


def sift_down(heap: list[int], i: int, size: int) -> int:
    """Move heap[i] down within heap[:size] until no child is smaller; return the number of swaps."""
    swaps = 0
    while True:
        smallest = i
        left, right = 2 * i + 1, 2 * i + 2
        if left < size and heap[left] < heap[smallest]:
            smallest = left
        if right < size and heap[right] < heap[smallest]:
            smallest = right
        if smallest == i:
            return swaps
        heap[i], heap[smallest] = heap[smallest], heap[i]
        i = smallest
        swaps += 1


def heappush(heap: list[int], value: int) -> None:
    """Add value to the heap."""
    heap.append(value)
    sift_up(heap, len(heap) - 1)


def heappop(heap: list[int]) -> int:
    """Remove and return the smallest value; IndexError if the heap is empty."""
    if not heap:
        raise IndexError("pop from empty heap")
    last = heap.pop()
    if not heap:
        return last
    smallest = heap[0]
    heap[0] = last
    sift_down(heap, 0, len(heap))
    return smallest


def heapify(items: list[int]) -> list[int]:
    """Return a new list holding items arranged as a heap."""
    heap = list(items)
    for i in range(len(heap) // 2 - 1, -1, -1):
        sift_down(heap, i, len(heap))
    return heap


def is_heap(items: list[int]) -> bool:
    """Return True if every element is no larger than its children."""
    return all(items[(i - 1) // 2] <= items[i] for i in range(1, len(items)))


def k_smallest(items: list[int], k: int) -> list[int]:
    """Return the k smallest items in ascending order (all of them if k is large)."""
    if k < 0:
        raise ValueError("k must be non-negative")
    heap = heapify(items)
    return [heappop(heap) for _ in range(min(k, len(heap)))]
