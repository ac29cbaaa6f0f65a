"""Greedy line wrapping, justification and centering."""


def split_long(word: str, width: int) -> list[str]:
    """Chop ``word`` into pieces of at most ``width`` characters."""
    if width < 1:
        raise ValueError("width must be at least 1")
    return [word[i : i + width] for i in range(0, len(word), width)]


def wrap(text: str, width: int) -> list[str]:
    """Greedily wrap the words of ``text`` into lines of at most ``width`` characters.

    Words are separated by single spaces; a word longer than ``width`` is split.
    """
    if width < 1:
        raise ValueError("width must be at least 1")
    lines = []
    current = ""
    for word in text.split():
        for piece in split_long(word, width):
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= width:
                current = current + " " + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def fill(text: str, width: int) -> str:
    """Wrap ``text`` and join the lines with newlines."""
    return "\n".join(wrap(text, width))


def justify(line: str, width: int) -> str:
    """Stretch ``line`` to exactly ``width`` by widening the gaps between words.

    Left gaps receive the extra spaces first; a single word is padded on the right.
    """
    parts = line.split()
    letters = sum(len(part) for part in parts)
    gaps = len(parts) - 1
    if not parts:
        return " " * width
    if letters + gaps > width:
        raise ValueError("line is longer than width")
    if gaps == 0:
        return parts[0] + " " * (width - letters)
    base = (width - letters) // gaps
    extra = (width - letters) % gaps
    out = parts[0]
    for i in range(1, len(parts)):
        pad = base + 1 if i <= extra else base
        out = out + " " * pad + parts[i]
    return out


def center(line: str, width: int) -> str:
    """Center ``line`` in ``width`` columns; an odd leftover space goes to the right."""
    if len(line) > width:
        raise ValueError("line is longer than width")
    total = width - len(line)
    left = total // 2
    return " " * left + line + " " * (total - left)
