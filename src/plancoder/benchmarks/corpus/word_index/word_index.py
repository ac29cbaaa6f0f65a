"""An inverted index from words to the documents and positions where they occur."""

import re

WORD = re.compile(r"[a-z0-9']+")


def tokenize(text: str) -> list[str]:
    """Return the lowercase words of text, dropping punctuation (apostrophes stay)."""
    return [word.strip("'") for word in WORD.findall(text.lower()) if word.strip("'")]


def build_index(docs: list[str]) -> dict[str, set[int]]:
    """Map every word to the set of document numbers (0-based) that contain it."""
    index = {}
    for number, doc in enumerate(docs):
        for word in tokenize(doc):
            index.setdefault(word, set()).add(number)
    return index


def search_all(index: dict[str, set[int]], query: str) -> list[int]:
    """Return, sorted, the documents containing every word of query; an empty query finds none."""
    words = tokenize(query)
    if not words:
        return []
    found = set(index.get(words[0], set()))
    for word in words[1:]:
        found &= index.get(word, set())
    return sorted(found)


def search_any(index: dict[str, set[int]], query: str) -> list[int]:
    """Return, sorted, the documents containing at least one word of query."""
    found = set()
    for word in tokenize(query):
        found |= index.get(word, set())
    return sorted(found)


def word_positions(text: str) -> dict[str, list[int]]:
    """Map every word of text to the 0-based positions where it occurs."""
    positions = {}
    for position, word in enumerate(tokenize(text)):
        positions.setdefault(word, []).append(position)
    return positions


def top_words(text: str, n: int, min_length: int = 1) -> list[tuple[str, int]]:
    """Return the n most frequent words at least min_length long, ties in alphabetical order."""
    if n < 0:
        raise ValueError("n must be non-negative")
    counts = {}
    for word in tokenize(text):
        if len(word) >= min_length:
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]
