import pytest
from word_stats import average_word_length, longest_word, sentence_count, top_words, word_frequencies, words


def test_words_basic_split_and_lowercase() -> None:
    assert words("Hello, World!") == ["hello", "world"]
    assert words("It's 42 o'clock") == ["it's", "42", "o'clock"]


def test_words_empty_and_separators_only() -> None:
    assert words("") == []
    assert words("  ,;!  ") == []


def test_words_last_word_without_separator() -> None:
    assert words("one two") == ["one", "two"]
    assert words("x") == ["x"]


def test_words_multiple_separators() -> None:
    assert words("a--b  c\n\td") == ["a", "b", "c", "d"]


def test_word_frequencies() -> None:
    assert word_frequencies("The cat and the hat. THE end") == {"the": 3, "cat": 1, "and": 1, "hat": 1, "end": 1}
    assert word_frequencies("") == {}


def test_top_words_ordering_and_ties() -> None:
    text = "b a c b a b d"
    assert top_words(text, 1) == [("b", 3)]
    assert top_words(text, 2) == [("b", 3), ("a", 2)]
    assert top_words(text, 3) == [("b", 3), ("a", 2), ("c", 1)]
    assert top_words(text, 10) == [("b", 3), ("a", 2), ("c", 1), ("d", 1)]


def test_top_words_ties_alphabetical_not_first_seen() -> None:
    assert top_words("z y z y a", 3) == [("y", 2), ("z", 2), ("a", 1)]


def test_top_words_zero_and_negative() -> None:
    assert top_words("a b c", 0) == []
    assert top_words("", 3) == []
    with pytest.raises(ValueError):
        top_words("a", -1)


def test_average_word_length() -> None:
    assert average_word_length("ab abcd") == 3.0
    assert average_word_length("a bb ccc dddd") == 2.5
    assert average_word_length("word") == 4.0


def test_average_word_length_empty() -> None:
    assert average_word_length("") == 0.0
    assert average_word_length("!!!") == 0.0


def test_longest_word() -> None:
    assert longest_word("a quick brownish fox") == "brownish"
    assert longest_word("abc de fghij") == "fghij"


def test_longest_word_ties_prefer_first() -> None:
    assert longest_word("cat dog emu") == "cat"
    assert longest_word("ab cde fgh") == "cde"


def test_longest_word_empty() -> None:
    assert longest_word("") == ""
    assert longest_word(" ... ") == ""


def test_sentence_count_basic() -> None:
    assert sentence_count("Hi. How are you? Fine!") == 3
    assert sentence_count("One sentence.") == 1


def test_sentence_count_runs_of_terminators() -> None:
    assert sentence_count("Wait... what?!") == 2
    assert sentence_count("...") == 0
    assert sentence_count("?! .") == 0


def test_sentence_count_trailing_text_without_terminator() -> None:
    assert sentence_count("First. Second") == 2
    assert sentence_count("no terminator") == 1
    assert sentence_count("Ends here.   ") == 1


def test_sentence_count_empty() -> None:
    assert sentence_count("") == 0
    assert sentence_count("   \n ") == 0
