import pytest
from word_index import build_index, search_all, search_any, tokenize, top_words, word_positions

DOCS = ["The cat sat.", "The dog sat down!", "A cat and a dog", ""]


def test_tokenize_lowercases_and_strips_punctuation() -> None:
    assert tokenize("Hello, World! It's 2024.") == ["hello", "world", "it's", "2024"]


def test_tokenize_drops_bare_apostrophes_and_quotes() -> None:
    assert tokenize("'quoted' ' word") == ["quoted", "word"]


def test_tokenize_empty() -> None:
    assert tokenize("") == []
    assert tokenize("?!...") == []


def test_build_index() -> None:
    index = build_index(DOCS)
    assert index["the"] == {0, 1}
    assert index["cat"] == {0, 2}
    assert index["a"] == {2}
    assert index["down"] == {1}
    assert sorted(index) == ["a", "and", "cat", "dog", "down", "sat", "the"]


def test_build_index_empty() -> None:
    assert build_index([]) == {}
    assert build_index(["", "!!"]) == {}


def test_search_all_intersects() -> None:
    index = build_index(DOCS)
    assert search_all(index, "cat") == [0, 2]
    assert search_all(index, "the sat") == [0, 1]
    assert search_all(index, "cat dog") == [2]
    assert search_all(index, "Cat, SAT") == [0]


def test_search_all_missing_word_finds_nothing() -> None:
    index = build_index(DOCS)
    assert search_all(index, "cat bird") == []
    assert search_all(index, "bird cat") == []


def test_search_all_empty_query() -> None:
    assert search_all(build_index(DOCS), "  ") == []


def test_search_all_does_not_mutate_index() -> None:
    index = build_index(DOCS)
    search_all(index, "cat dog")
    assert index["cat"] == {0, 2}


def test_search_any_unites() -> None:
    index = build_index(DOCS)
    assert search_any(index, "down cat") == [0, 1, 2]
    assert search_any(index, "bird") == []
    assert search_any(index, "") == []


def test_word_positions() -> None:
    assert word_positions("to be or not to be") == {"to": [0, 4], "be": [1, 5], "or": [2], "not": [3]}
    assert word_positions("") == {}


def test_top_words_orders_by_count_then_word() -> None:
    text = "b a c b a b d"
    assert top_words(text, 3) == [("b", 3), ("a", 2), ("c", 1)]
    assert top_words(text, 10) == [("b", 3), ("a", 2), ("c", 1), ("d", 1)]


def test_top_words_zero_and_negative() -> None:
    assert top_words("a b", 0) == []
    with pytest.raises(ValueError):
        top_words("a b", -1)


def test_top_words_min_length_boundary() -> None:
    text = "go go went gone gone gone a"
    assert top_words(text, 5, min_length=2) == [("gone", 3), ("go", 2), ("went", 1)]
    assert top_words(text, 5, min_length=4) == [("gone", 3), ("went", 1)]
    assert top_words(text, 5, min_length=5) == []
