"""Disjoint-set (union-find) with union by size and path compression."""


class UnionFind:
    """Disjoint sets over the integers 0 .. n-1."""

    def __init__(self, n: int) -> None:
        if n < 0:
            raise ValueError("n must be non-negative")
        self.parent = list(range(n))
        self.size = [1] * n
        self.count = n

    def find(self, x: int) -> int:
        """Return the root of x's set, pointing every node on the way straight at it."""
        if x < 0 or x >= len(self.parent):
            raise IndexError(f"element {x} out of range")
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        """Merge the sets of a and b; return False if they were already one set."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        self.count -= 1
        return True

    def connected(self, a: int, b: int) -> bool:
        """Return True if a and b are in the same set."""
        return self.find(a) == self.find(b)

    def component_size(self, x: int) -> int:
        """Return the number of elements in x's set."""
        return self.size[self.find(x)]

    def groups(self) -> list[list[int]]:
        """Return every set as a sorted list, the sets ordered by their smallest element."""
        by_root = {}
        for x in range(len(self.parent)):
            by_root.setdefault(self.find(x), []).append(x)
        return sorted(by_root.values())


def count_components(n: int, edges: list[tuple[int, int]]) -> int:
    """Return the number of connected components of an undirected graph on n nodes."""
    uf = UnionFind(n)
    for a, b in edges:
        uf.union(a, b)
    return uf.count
