"""A least-recently-used cache with a fixed capacity and hit/miss counters."""

from collections import OrderedDict


class LRUCache:
    """Keeps at most capacity entries, evicting the one used longest ago."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.entries = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, default: object = None) -> object:
        """Return the value for key (marking it most recent), or default on a miss."""
        if key not in self.entries:
            self.misses += 1
            return default
        self.hits += 1
        self.entries.move_to_end(key)
        return self.entries[key]

    def put(self, key: str, value: object) -> str | None:
        """Store value under key as most recent; return the evicted key, if any."""
        if key in self.entries:
            self.entries.move_to_end(key)
        self.entries[key] = value
        if len(self.entries) > self.capacity:
            evicted, _ = self.entries.popitem(last=False)
            return evicted
        return None

    def peek(self, key: str) -> object:
        """Return the value for key without changing its recency or the counters."""
        return self.entries[key]

    def keys(self) -> list[str]:
        """Return the keys from least to most recently used."""
        return list(self.entries)

    def resize(self, capacity: int) -> list[str]:
        """Change the capacity, evicting the oldest entries that no longer fit; return them."""
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        evicted = []
        while len(self.entries) > capacity:
            evicted.append(self.entries.popitem(last=False)[0])
        return evicted

    def hit_rate(self) -> int:
        """Return the percentage of lookups that were hits, rounded down; 0 before any lookup."""
        lookups = self.hits + self.misses
        if lookups == 0:
            return 0
        return self.hits * 100 // lookups

    def __len__(self) -> int:
        return len(self.entries)
