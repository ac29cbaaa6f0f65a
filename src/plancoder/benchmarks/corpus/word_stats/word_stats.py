"""Word and sentence statistics over plain text."""

SENTENCE_ENDS = ".!?"


def words(text: str) -> list[str]:
    """Split ``text`` into lowercase words made of letters, digits and apostrophes."""
    result = []
    current: list[str] = []
    for ch in text:
        if ch.isalnum() or ch == "'":
            current.append(ch.lower())
        elif current:
            result.append("".join(current))
            current = []
    if current:
        result.append("".join(current))
    return result


def word_frequencies(text: str) -> dict[str, int]:
    """Map each word to the number of times it occurs."""
    freq: dict[str, int] = {}
    for word in words(text):
        freq[word] = freq.get(word, 0) + 1
    return freq


def top_words(text: str, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent words with their counts; ties are broken alphabetically."""
    if n < 0:
        raise ValueError("n must not be negative")
    ranked = sorted(word_frequencies(text).items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]


def average_word_length(text: str) -> float:
    """Mean length of the words in ``text``; 0.0 when there are none."""
    found = words(text)
    if not found:
        return 0.0
    return sum(len(word) for word in found) / len(found)


def longest_word(text: str) -> str:
    """The longest word (the first one on ties); empty string when there are none."""
    best = ""
    for word in words(text):
        if len(word) > len(best):
            best = word
    return best


def sentence_count(text: str) -> int:
    """Count sentences ended by '.', '!' or '?'; a run of terminators ends one sentence.

    Trailing text without a terminator counts as a final sentence.
    """
    count = 0
    in_sentence = False
    for ch in text:
        if ch in SENTENCE_ENDS:
            if in_sentence:
                count += 1
            in_sentence = False
        elif not ch.isspace():
            in_sentence = True
    if in_sentence:
        count += 1
    return count
