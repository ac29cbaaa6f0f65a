import pytest
from run_length import compression_ratio, decode, decode_string, encode, encode_string, longest_run


def test_encode_runs() -> None:
    assert encode("aaabccdddd") == [("a", 3), ("b", 1), ("c", 2), ("d", 4)]
    assert encode("abc") == [("a", 1), ("b", 1), ("c", 1)]


def test_encode_empty_and_single() -> None:
    assert encode("") == []
    assert encode("x") == [("x", 1)]
    assert encode("xx") == [("x", 2)]


def test_encode_repeated_separate_runs() -> None:
    assert encode("aabaa") == [("a", 2), ("b", 1), ("a", 2)]


def test_decode() -> None:
    assert decode([("a", 3), ("b", 1), ("c", 2)]) == "aaabcc"
    assert decode([]) == ""


def test_decode_invalid_count() -> None:
    with pytest.raises(ValueError):
        decode([("a", 0)])
    with pytest.raises(ValueError):
        decode([("a", 2), ("b", -1)])
    assert decode([("a", 1)]) == "a"


def test_roundtrip() -> None:
    for text in ("", "a", "aaaa", "abba", "  xx  y", "mississippi"):
        assert decode(encode(text)) == text


def test_encode_string() -> None:
    assert encode_string("aaabcc") == "3a1b2c"
    assert encode_string("") == ""
    assert encode_string("a" * 12) == "12a"


def test_encode_string_rejects_digits() -> None:
    with pytest.raises(ValueError):
        encode_string("a1")


def test_decode_string() -> None:
    assert decode_string("3a1b2c") == "aaabcc"
    assert decode_string("12x") == "x" * 12
    assert decode_string("1 2-") == " --"
    assert decode_string("") == ""


def test_decode_string_errors() -> None:
    with pytest.raises(ValueError):
        decode_string("a")
    with pytest.raises(ValueError):
        decode_string("2a3")
    with pytest.raises(ValueError):
        decode_string("2ab")
    with pytest.raises(ValueError):
        decode_string("0a")


def test_string_roundtrip() -> None:
    for text in ("hello", "aaaaaaaaaaabbb", "x", " . "):
        assert decode_string(encode_string(text)) == text


def test_longest_run() -> None:
    assert longest_run("abbbcc") == ("b", 3)
    assert longest_run("aabbb") == ("b", 3)
    assert longest_run("z") == ("z", 1)
    assert longest_run("") == ("", 0)


def test_longest_run_ties_prefer_first() -> None:
    assert longest_run("aabb") == ("a", 2)
    assert longest_run("abc") == ("a", 1)


def test_compression_ratio() -> None:
    assert compression_ratio("aaaa") == 0.5
    assert compression_ratio("ab") == 2.0
    assert compression_ratio("") == 1.0
