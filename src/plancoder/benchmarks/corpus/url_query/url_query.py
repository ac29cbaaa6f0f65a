"""Percent-encoding and query-string handling for URLs."""

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
HEX_DIGITS = "0123456789abcdefABCDEF"


def percent_encode(text: str) -> str:
    """Encode ``text`` as UTF-8, escaping every byte outside the unreserved set as %XX."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        out.append(ch if ch in UNRESERVED else f"%{byte:02X}")
    return "".join(out)


def percent_decode(text: str) -> str:
    """Decode %XX escapes and '+' (as a space); raises ValueError for a malformed escape."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] != "%":
            out.extend((" " if text[i] == "+" else text[i]).encode("utf-8"))
            i += 1
            continue
        pair = text[i + 1 : i + 3]
        if len(pair) != 2 or pair[0] not in HEX_DIGITS or pair[1] not in HEX_DIGITS:
            raise ValueError(f"malformed escape at {i}")
        out.append(int(pair, 16))
        i += 3
    return out.decode("utf-8")


def parse_query(query: str) -> dict[str, list[str]]:
    """Parse 'a=1&b=2&a=3' into {'a': ['1', '3'], 'b': ['2']}; a leading '?' is ignored.

    Empty parts are skipped and a part without '=' gets the value ''.
    """
    if query.startswith("?"):
        query = query[1:]
    result: dict[str, list[str]] = {}
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        result.setdefault(percent_decode(key), []).append(percent_decode(value))
    return result


def build_query(params: dict[str, str | list[str]]) -> str:
    """Build a query string from ``params``; list values repeat the key in order."""
    parts = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            parts.append(f"{percent_encode(key)}={percent_encode(item)}")
    return "&".join(parts)


def split_url(url: str) -> tuple[str, str, str]:
    """Split ``url`` into (base, query, fragment); missing parts are empty strings."""
    rest, _, fragment = url.partition("#")
    base, _, query = rest.partition("?")
    return base, query, fragment


def with_param(url: str, key: str, value: str) -> str:
    """Return ``url`` with ``key`` set to ``value`` (replacing earlier values), keeping the fragment."""
    base, query, fragment = split_url(url)
    params: dict[str, str | list[str]] = dict(parse_query(query))
    params[key] = value
    result = base + "?" + build_query(params)
    if fragment:
        result = result + "#" + fragment
    return result
