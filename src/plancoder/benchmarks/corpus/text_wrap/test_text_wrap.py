import pytest
from text_wrap import center, fill, justify, split_long, wrap


def test_split_long() -> None:
    assert split_long("abcdefg", 3) == ["abc", "def", "g"]
    assert split_long("abcdef", 3) == ["abc", "def"]
    assert split_long("ab", 3) == ["ab"]
    assert split_long("abc", 1) == ["a", "b", "c"]
    assert split_long("", 4) == []


def test_split_long_invalid_width() -> None:
    with pytest.raises(ValueError, match="width must be at least 1"):
        split_long("abc", 0)
    with pytest.raises(ValueError, match="width must be at least 1"):
        split_long("abc", -2)


def test_wrap_basic() -> None:
    assert wrap("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert wrap("a b c d", 3) == ["a b", "c d"]


def test_wrap_exact_fit_boundary() -> None:
    assert wrap("abcd efgh", 9) == ["abcd efgh"]
    assert wrap("abcd efgh", 8) == ["abcd", "efgh"]
    assert wrap("ab cd ef", 5) == ["ab cd", "ef"]


def test_wrap_collapses_whitespace() -> None:
    assert wrap("  one   two\nthree ", 20) == ["one two three"]


def test_wrap_splits_long_words() -> None:
    assert wrap("abcdefgh", 3) == ["abc", "def", "gh"]
    assert wrap("xy abcdefg z", 4) == ["xy", "abcd", "efg", "z"]
    assert wrap("a bcdef", 3) == ["a", "bcd", "ef"]


def test_wrap_empty() -> None:
    assert wrap("", 5) == []
    assert wrap("   ", 5) == []


def test_wrap_invalid_width() -> None:
    with pytest.raises(ValueError, match="width must be at least 1"):
        wrap("text", 0)
    with pytest.raises(ValueError):
        wrap("", 0)
    with pytest.raises(ValueError):
        wrap("", -1)


def test_wrap_width_one() -> None:
    assert wrap("ab c", 1) == ["a", "b", "c"]


def test_fill() -> None:
    assert fill("aa bb cc", 5) == "aa bb\ncc"
    assert fill("", 5) == ""


def test_justify_distributes_extra_spaces_left_first() -> None:
    assert justify("a b c", 7) == "a  b  c"
    assert justify("a b c", 8) == "a   b  c"
    assert justify("a b c d", 9) == "a  b  c d"
    assert justify("a b c d", 8) == "a  b c d"
    assert justify("ab cd", 6) == "ab  cd"


def test_justify_already_full() -> None:
    assert justify("ab cd", 5) == "ab cd"


def test_justify_single_word_and_empty() -> None:
    assert justify("word", 7) == "word   "
    assert justify("word", 4) == "word"
    assert justify("", 3) == "   "


def test_justify_too_long_raises() -> None:
    with pytest.raises(ValueError):
        justify("ab cd", 4)
    with pytest.raises(ValueError):
        justify("abcde", 4)


def test_center() -> None:
    assert center("ab", 6) == "  ab  "
    assert center("ab", 5) == " ab  "
    assert center("abc", 4) == "abc "
    assert center("", 2) == "  "


def test_center_exact_width_and_too_long() -> None:
    assert center("abc", 3) == "abc"
    with pytest.raises(ValueError):
        center("abcd", 3)
