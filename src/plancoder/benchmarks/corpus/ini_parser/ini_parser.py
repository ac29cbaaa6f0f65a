"""A small INI parser: [sections], key = value pairs and comment lines."""

COMMENT_CHARS = ";#"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def parse_section(line: str, number: int) -> str:
    """Return the name in a '[name]' header line; ``number`` is used in error messages."""
    if len(line) < 3 or line[0] != "[" or line[-1] != "]":
        raise ValueError(f"line {number}: malformed section header {line!r}")
    name = line[1:-1].strip()
    if not name:
        raise ValueError(f"line {number}: empty section name")
    return name


def parse_pair(line: str, number: int) -> tuple[str, str]:
    """Split 'key = value' at the first '='; both sides are stripped and the key must not be empty."""
    key, sep, value = line.partition("=")
    if not sep:
        raise ValueError(f"line {number}: expected 'key = value'")
    if not key.strip():
        raise ValueError(f"line {number}: empty key")
    return key.strip().lower(), value.strip()


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    """Parse INI ``text`` into {section: {key: value}}; keys are lower-cased, later keys win."""
    data: dict[str, dict[str, str]] = {}
    section = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in COMMENT_CHARS:
            continue
        if line[0] == "[":
            section = parse_section(line, number)
            data.setdefault(section, {})
        elif section is None:
            raise ValueError(f"line {number}: key outside of any section")
        else:
            key, value = parse_pair(line, number)
            data[section][key] = value
    return data


def get_int(data: dict[str, dict[str, str]], section: str, key: str, default: int = 0) -> int:
    """Read an integer option, returning ``default`` when the section or key is missing."""
    value = data.get(section, {}).get(key)
    if value is None:
        return default
    return int(value)


def get_bool(data: dict[str, dict[str, str]], section: str, key: str, default: bool = False) -> bool:
    """Read a boolean option (1/true/yes/on or 0/false/no/off, any case)."""
    value = data.get(section, {}).get(key)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"[{section}] {key}: not a boolean: {value!r}")


def dump_ini(data: dict[str, dict[str, str]]) -> str:
    """Serialise ``data`` back to INI text with a blank line between sections."""
    blocks = []
    for section, pairs in data.items():
        lines = [f"[{section}]"] + [f"{key} = {value}" for key, value in pairs.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
