"""Sliding-window algorithms over lists of integers and strings."""

from collections import deque


def _check_window(nums: list[int], k: int) -> None:
    if k < 1 or k > len(nums):
        raise ValueError(f"window size {k} does not fit a list of {len(nums)}")


def window_sums(nums: list[int], k: int) -> list[int]:
    """Return the sum of every window of k consecutive numbers."""
    _check_window(nums, k)
    total = sum(nums[:k])
    sums = [total]
    for i in range(k, len(nums)):
        total += nums[i] - nums[i - k]
        sums.append(total)
    return sums


def max_sum_window(nums: list[int], k: int) -> tuple[int, int]:
    """Return (best sum, start index) of the k-window with the largest sum, earliest on ties."""
    sums = window_sums(nums, k)
    best = 0
    for i in range(1, len(sums)):
        if sums[i] > sums[best]:
            best = i
    return sums[best], best


def window_maxima(nums: list[int], k: int) -> list[int]:
    """Return the maximum of every window of k consecutive numbers."""
    _check_window(nums, k)
    candidates = deque()
    maxima = []
    for i, value in enumerate(nums):
        while candidates and nums[candidates[-1]] <= value:
            candidates.pop()
        candidates.append(i)
        if candidates[0] <= i - k:
            candidates.popleft()
        if i >= k - 1:
            maxima.append(nums[candidates[0]])
    return maxima


def longest_unique_run(text: str) -> int:
    """Return the length of the longest stretch of text without a repeated character."""
    last_seen = {}
    start = 0
    best = 0
    for i, ch in enumerate(text):
        if ch in last_seen and last_seen[ch] >= start:
            start = last_seen[ch] + 1
        last_seen[ch] = i
        best = max(best, i - start + 1)
    return best


def shortest_run_reaching(nums: list[int], target: int) -> int:
    """Return the length of the shortest run of non-negative numbers summing to at least target (0 if none)."""
    if target < 1:
        raise ValueError("target must be positive")
    best = len(nums) + 1
    total = 0
    left = 0
    for right in range(len(nums)):
        total += nums[right]
        while total >= target:
            best = min(best, right - left + 1)
            total -= nums[left]
            left += 1
    return 0 if best > len(nums) else best
