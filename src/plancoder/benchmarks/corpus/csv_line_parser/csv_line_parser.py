"""Parse and format single CSV lines with double-quoted fields."""

QUOTE = '"'


def _read_quoted(line: str, start: int, delimiter: str) -> tuple[str, int]:
    """Read a quoted field whose opening quote is just before ``start``; return (field, end index)."""
    chars = []
    i = start
    while i < len(line):
        if line[i] != QUOTE:
            chars.append(line[i])
            i += 1
        elif i + 1 < len(line) and line[i + 1] == QUOTE:
            chars.append(QUOTE)
            i += 2
        elif i + 1 < len(line) and line[i + 1] != delimiter:
            raise ValueError(f"unexpected text after closing quote at {i + 1}")
        else:
            return "".join(chars), i + 1
    raise ValueError("unterminated quoted field")


def _read_field(line: str, start: int, delimiter: str) -> tuple[str, int]:
    """Read one field starting at ``start``; return (field, index of the following delimiter or end)."""
    if line[start : start + 1] == QUOTE:
        return _read_quoted(line, start + 1, delimiter)
    end = line.find(delimiter, start)
    if end == -1:
        end = len(line)
    field = line[start:end]
    if QUOTE in field:
        raise ValueError(f"quote inside unquoted field {field!r}")
    return field, end


def parse_line(line: str, delimiter: str = ",") -> list[str]:
    """Split one CSV line into fields; a doubled quote inside quotes is a literal quote."""
    if len(delimiter) != 1 or delimiter == QUOTE:
        raise ValueError("delimiter must be one character other than a quote")
    fields = []
    i = 0
    while True:
        field, i = _read_field(line, i, delimiter)
        fields.append(field)
        if i >= len(line):
            return fields
        i += 1


def format_field(value: str, delimiter: str = ",") -> str:
    """Quote ``value`` when it contains the delimiter, a quote or surrounding spaces."""
    needs_quotes = delimiter in value or QUOTE in value or value != value.strip()
    if not needs_quotes:
        return value
    return QUOTE + value.replace(QUOTE, QUOTE + QUOTE) + QUOTE


def format_line(fields: list[str], delimiter: str = ",") -> str:
    """Join ``fields`` into one CSV line, quoting where needed."""
    return delimiter.join(format_field(field, delimiter) for field in fields)


def parse_records(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    """Parse lines of CSV whose first non-blank line is a header; blank lines are skipped.

    Raises ValueError naming the 1-based line number when a row has the wrong number of fields.
    """
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        return []
    header = parse_line(lines[0][1], delimiter)
    records = []
    for number, line in lines[1:]:
        row = parse_line(line, delimiter)
        if len(row) != len(header):
            raise ValueError(f"line {number}: expected {len(header)} fields, got {len(row)}")
        records.append(dict(zip(header, row, strict=True)))
    return records
