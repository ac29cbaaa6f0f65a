"""Anagram detection and grouping; case and non-letters are ignored."""


def signature(word: str) -> str:
    """Return the sorted lowercase letters of word, the key shared by all its anagrams."""
    return "".join(sorted(ch for ch in word.lower() if ch.isalpha()))


def are_anagrams(a: str, b: str) -> bool:
    """Return True if a and b use the same letters and are not the same word."""
    key = signature(a)
    return key != "" and key == signature(b) and a.lower() != b.lower()


def group_anagrams(words: list[str]) -> list[list[str]]:
    """Group words by signature; groups and their words keep first-seen order, duplicates dropped."""
    groups = {}
    for word in words:
        members = groups.setdefault(signature(word), [])
        if word not in members:
            members.append(word)
    return list(groups.values())


def largest_group(words: list[str]) -> list[str]:
    """Return the biggest anagram group (the earliest one on ties); [] for no words."""
    best = []
    for group in group_anagrams(words):
        if len(group) > len(best):
            best = group
    return best


def anagrams_of(word: str, candidates: list[str]) -> list[str]:
    """Return the candidates that are anagrams of word, in their original order."""
    return [candidate for candidate in candidates if are_anagrams(word, candidate)]


def letter_difference(a: str, b: str) -> dict[str, int]:
    """Return letter -> (count in a minus count in b) for every letter whose counts differ."""
    diff = {}
    for ch in signature(a):
        diff[ch] = diff.get(ch, 0) + 1
    for ch in signature(b):
        diff[ch] = diff.get(ch, 0) - 1
    return {ch: n for ch, n in sorted(diff.items()) if n != 0}
