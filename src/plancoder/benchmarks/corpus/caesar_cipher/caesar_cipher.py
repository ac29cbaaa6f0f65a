"""Caesar and Vigenere shift ciphers over the Latin alphabet."""

ALPHABET_SIZE = 26
E_INDEX = 4


def shift_char(ch: str, shift: int) -> str:
    """Shift one ASCII letter by ``shift`` places, keeping its case; other characters pass through."""
    if "a" <= ch <= "z":
        base = ord("a")
    elif "A" <= ch <= "Z":
        base = ord("A")
    else:
        return ch
    return chr(base + (ord(ch) - base + shift) % ALPHABET_SIZE)


def encrypt(text: str, shift: int) -> str:
    """Encrypt ``text`` with a Caesar shift of ``shift`` places."""
    return "".join(shift_char(ch, shift) for ch in text)


def decrypt(text: str, shift: int) -> str:
    """Undo :func:`encrypt` given the same shift."""
    return encrypt(text, -shift)


def letter_counts(text: str) -> list[int]:
    """Count each letter a-z case-insensitively; returns a list of 26 counts."""
    counts = [0] * ALPHABET_SIZE
    for ch in text.lower():
        if "a" <= ch <= "z":
            counts[ord(ch) - ord("a")] += 1
    return counts


def guess_shift(ciphertext: str) -> int:
    """Guess the shift assuming the most frequent letter stands for 'e' (first letter wins ties).

    Raises ValueError when the text has no letters.
    """
    counts = letter_counts(ciphertext)
    if sum(counts) == 0:
        raise ValueError("no letters to analyse")
    best = 0
    for i in range(1, ALPHABET_SIZE):
        if counts[i] > counts[best]:
            best = i
    return (best - E_INDEX) % ALPHABET_SIZE


def vigenere(text: str, key: str, decrypt: bool = False) -> str:
    """Vigenere-encrypt (or decrypt) ``text`` with an alphabetic ``key``.

    Only letters consume key positions; other characters pass through unchanged.
    """
    if not key.isalpha() or not key.isascii():
        raise ValueError("key must be a non-empty string of ASCII letters")
    out = []
    pos = 0
    for ch in text:
        if ch.isascii() and ch.isalpha():
            shift = ord(key[pos % len(key)].lower()) - ord("a")
            out.append(shift_char(ch, -shift if decrypt else shift))
            pos += 1
        else:
            out.append(ch)
    return "".join(out)
