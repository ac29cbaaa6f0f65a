"""Run-length encoding of strings."""


def encode(text: str) -> list[tuple[str, int]]:
    """Encode ``text`` as a list of (character, run length) pairs."""
    runs: list[tuple[str, int]] = []
    for ch in text:
        if runs and runs[-1][0] == ch:
            runs[-1] = (ch, runs[-1][1] + 1)
        else:
            runs.append((ch, 1))
    return runs


def decode(runs: list[tuple[str, int]]) -> str:
    """Expand (character, run length) pairs; raises ValueError for a length below 1."""
    parts = []
    for ch, count in runs:
        if count < 1:
            raise ValueError(f"run length must be positive, got {count}")
        parts.append(ch * count)
    return "".join(parts)


def encode_string(text: str) -> str:
    """Encode ``text`` in the compact form '3a2b1c'; digits in ``text`` are rejected."""
    if any(ch.isdigit() for ch in text):
        raise ValueError("text must not contain digits")
    return "".join(f"{count}{ch}" for ch, count in encode(text))


def decode_string(encoded: str) -> str:
    """Decode the compact form produced by :func:`encode_string`."""
    runs = []
    digits = ""
    for ch in encoded:
        if ch.isdigit():
            digits += ch
        elif not digits:
            raise ValueError(f"missing count before {ch!r}")
        else:
            runs.append((ch, int(digits)))
            digits = ""
    if digits:
        raise ValueError("count at end without a character")
    return decode(runs)


def longest_run(text: str) -> tuple[str, int]:
    """The longest run as (character, length), the first one on ties; ('', 0) for empty text."""
    best = ("", 0)
    for ch, count in encode(text):
        if count > best[1]:
            best = (ch, count)
    return best


def compression_ratio(text: str) -> float:
    """Length of the compact encoding divided by the length of ``text`` (1.0 for empty text)."""
    if len(text) == 0:
        return 1.0
    return len(encode_string(text)) / len(text)
