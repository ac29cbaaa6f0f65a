"""Two-pointer techniques on sorted lists and strings."""


def pair_with_sum(nums: list[int], target: int) -> tuple[int, int] | None:
    """Return indexes (i, j), i < j, of two sorted numbers adding up to target, or None."""
    i, j = 0, len(nums) - 1
    while i < j:
        total = nums[i] + nums[j]
        if total == target:
            return i, j
        if total < target:
            i += 1
        else:
            j -= 1
    return None


def count_pairs_below(nums: list[int], limit: int) -> int:
    """Return how many index pairs i < j of a sorted list have nums[i] + nums[j] < limit."""
    count = 0
    i, j = 0, len(nums) - 1
    while i < j:
        if nums[i] + nums[j] < limit:
            count += j - i
            i += 1
        else:
            j -= 1
    return count


def dedupe_sorted(nums: list[int]) -> list[int]:
    """Return the distinct values of a sorted list, in order."""
    result = []
    for value in nums:
        if not result or result[-1] != value:
            result.append(value)
    return result


def is_palindrome(text: str) -> bool:
    """Return True if text reads the same both ways, ignoring case and non-alphanumerics."""
    i, j = 0, len(text) - 1
    while i < j:
        if not text[i].isalnum():
            i += 1
        elif not text[j].isalnum():
            j -= 1
        elif text[i].lower() != text[j].lower():
            return False
        else:
            i, j = i + 1, j - 1
    return True


def max_water(heights: list[int]) -> int:
    """Return the most water held between two lines: min height times their distance."""
    best = 0
    i, j = 0, len(heights) - 1
    while i < j:
        best = max(best, min(heights[i], heights[j]) * (j - i))
        if heights[i] < heights[j]:
            i += 1
        else:
            j -= 1
    return best


def merge_sorted(a: list[int], b: list[int]) -> list[int]:
    """Merge two sorted lists into one sorted list."""
    merged = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] <= b[j]:
            merged.append(a[i])
            i += 1
        else:
            merged.append(b[j])
            j += 1
    return merged + a[i:] + b[j:]
