"""Reports comparing collections as sets: overlaps, similarity and membership counts."""


def overlap_report(a: list[str], b: list[str]) -> dict[str, list[str]]:
    """Return the sorted elements only in a, only in b, and in both."""
    left, right = set(a), set(b)
    return {
        "only_a": sorted(left - right),
        "only_b": sorted(right - left),
        "both": sorted(left & right),
    }


def jaccard_percent(a: list[str], b: list[str]) -> int:
    """Return the Jaccard similarity of a and b as a whole percentage (100 when both are empty)."""
    left, right = set(a), set(b)
    union = left | right
    if not union:
        return 100
    return len(left & right) * 100 // len(union)


def membership_counts(groups: list[list[str]]) -> dict[str, int]:
    """Return, for each element, how many groups contain it (duplicates in a group count once)."""
    counts = {}
    for group in groups:
        for element in set(group):
            counts[element] = counts.get(element, 0) + 1
    return counts


def in_at_least(groups: list[list[str]], k: int) -> list[str]:
    """Return, sorted, the elements found in at least k of the groups."""
    if k < 1:
        raise ValueError("k must be at least 1")
    return sorted(element for element, count in membership_counts(groups).items() if count >= k)


def odd_one_out(groups: list[list[str]]) -> list[str]:
    """Return, sorted, the elements found in an odd number of groups."""
    return sorted(element for element, count in membership_counts(groups).items() if count % 2 == 1)


def is_chain(groups: list[list[str]]) -> bool:
    """Return True if every group is a subset of the group after it."""
    return all(set(groups[i]) <= set(groups[i + 1]) for i in range(len(groups) - 1))


def pairwise_common(groups: list[list[str]]) -> dict[tuple[int, int], int]:
    """Return the number of shared elements for every pair of group indexes i < j."""
    common = {}
    for j in range(len(groups)):
        for i in range(j):
            common[(i, j)] = len(set(groups[i]) & set(groups[j]))
    return common
