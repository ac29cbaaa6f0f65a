import pytest
from url_query import build_query, parse_query, percent_decode, percent_encode, split_url, with_param


def test_percent_encode_unreserved_kept() -> None:
    assert percent_encode("abcXYZ019-._~") == "abcXYZ019-._~"
    assert percent_encode("") == ""


def test_percent_encode_reserved_and_space() -> None:
    assert percent_encode("a b") == "a%20b"
    assert percent_encode("a&b=c/d?") == "a%26b%3Dc%2Fd%3F"
    assert percent_encode("+%") == "%2B%25"


def test_percent_encode_utf8_and_control() -> None:
    assert percent_encode("é") == "%C3%A9"
    assert percent_encode("\n") == "%0A"
    assert percent_encode("\x7f") == "%7F"


def test_percent_decode() -> None:
    assert percent_decode("a%20b") == "a b"
    assert percent_decode("a+b") == "a b"
    assert percent_decode("%C3%a9") == "é"
    assert percent_decode("100%25") == "100%"
    assert percent_decode("") == ""
    assert percent_decode("plain") == "plain"


def test_percent_decode_malformed() -> None:
    with pytest.raises(ValueError, match="at 1"):
        percent_decode("a%2")
    with pytest.raises(ValueError, match="at 0"):
        percent_decode("%")
    with pytest.raises(ValueError, match="malformed escape at 0"):
        percent_decode("%G0")
    with pytest.raises(ValueError, match="malformed escape at 2"):
        percent_decode("ab%0G")
    with pytest.raises(ValueError, match="malformed escape"):
        percent_decode("%+1")
    with pytest.raises(ValueError):
        percent_decode("%FF")


def test_roundtrip() -> None:
    for text in ("hello world", "a+b&c=d", "ünïcødé ✓", "%%", ""):
        assert percent_decode(percent_encode(text)) == text


def test_parse_query() -> None:
    assert parse_query("a=1&b=2&a=3") == {"a": ["1", "3"], "b": ["2"]}
    assert parse_query("?x=y") == {"x": ["y"]}
    assert parse_query("q=a+b%21") == {"q": ["a b!"]}


def test_parse_query_edge_cases() -> None:
    assert parse_query("") == {}
    assert parse_query("?") == {}
    assert parse_query("&&a=1&") == {"a": ["1"]}
    assert parse_query("flag&k=") == {"flag": [""], "k": [""]}
    assert parse_query("k=a=b") == {"k": ["a=b"]}
    assert parse_query("??a=1") == {"?a": ["1"]}


def test_build_query() -> None:
    assert build_query({"a": "1", "b": "x y"}) == "a=1&b=x%20y"
    assert build_query({"t": ["1", "2"], "u": "3"}) == "t=1&t=2&u=3"
    assert build_query({}) == ""
    assert build_query({"e": []}) == ""
    assert build_query({"k&": "v="}) == "k%26=v%3D"


def test_build_then_parse() -> None:
    params = {"name": ["Ann Lee"], "tags": ["a", "b&c"]}
    assert parse_query(build_query(params)) == params


def test_split_url() -> None:
    assert split_url("http://h/p?a=1#top") == ("http://h/p", "a=1", "top")
    assert split_url("http://h/p") == ("http://h/p", "", "")
    assert split_url("http://h/p#f?x") == ("http://h/p", "", "f?x")
    assert split_url("/p?q") == ("/p", "q", "")


def test_with_param() -> None:
    assert with_param("http://h/p", "a", "1") == "http://h/p?a=1"
    assert with_param("http://h/p?a=1&a=2&b=3", "a", "9") == "http://h/p?a=9&b=3"
    assert with_param("http://h/p?b=3#frag", "c", "x y") == "http://h/p?b=3&c=x%20y#frag"
