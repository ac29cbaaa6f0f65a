"""Rate limiters driven by explicit integer timestamps (seconds); they never read a clock."""

from collections import deque


class TokenBucket:
    """Allows bursts of up to capacity requests, refilling rate tokens per second."""

    def __init__(self, capacity: int, rate: int, start: int = 0) -> None:
        if capacity < 1 or rate < 0:
            raise ValueError("capacity must be >= 1 and rate >= 0")
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.last = start

    def _refill(self, now: int) -> None:
        if now < self.last:
            raise ValueError(f"time went backwards: {now} < {self.last}")
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def available(self, now: int) -> int:
        """Return the number of tokens available at time now."""
        self._refill(now)
        return self.tokens

    def allow(self, now: int, cost: int = 1) -> bool:
        """Spend cost tokens at time now if there are enough; return whether it was allowed."""
        if cost < 1 or cost > self.capacity:
            raise ValueError(f"cost must be between 1 and {self.capacity}")
        self._refill(now)
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False

    def wait_time(self, now: int, cost: int = 1) -> int:
        """Return the whole seconds to wait from now until cost tokens are available."""
        self._refill(now)
        missing = cost - self.tokens
        if missing <= 0:
            return 0
        if self.rate == 0:
            raise ValueError("bucket never refills")
        return (missing + self.rate - 1) // self.rate


class SlidingWindowLimiter:
    """Allows at most limit requests in any window of the last window seconds."""

    def __init__(self, limit: int, window: int) -> None:
        if limit < 1 or window < 1:
            raise ValueError("limit and window must be at least 1")
        self.limit = limit
        self.window = window
        self.times = deque()

    def _expire(self, now: int) -> None:
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()

    def allow(self, now: int) -> bool:
        """Record a request at time now if the window has room; return whether it was allowed."""
        self._expire(now)
        if len(self.times) < self.limit:
            self.times.append(now)
            return True
        return False

    def remaining(self, now: int) -> int:
        """Return how many more requests would be allowed at time now."""
        self._expire(now)
        return self.limit - len(self.times)

    def retry_after(self, now: int) -> int:
        """Return the seconds from now until a request would be allowed (0 if it is now)."""
        if self.remaining(now) > 0:
            return 0
        return self.times[0] + self.window - now
