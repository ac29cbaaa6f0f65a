from anagram_groups import anagrams_of, are_anagrams, group_anagrams, largest_group, letter_difference, signature


def test_signature_ignores_case_and_non_letters() -> None:
    assert signature("Dormitory") == "dimoorrty"
    assert signature("a-b C!") == "abc"
    assert signature("123") == ""
    assert signature("") == ""


def test_are_anagrams_true() -> None:
    assert are_anagrams("listen", "silent") is True
    assert are_anagrams("Dormitory", "dirty room") is True


def test_are_anagrams_false_for_different_letters() -> None:
    assert are_anagrams("listen", "enlists") is False
    assert are_anagrams("abc", "abd") is False


def test_word_is_not_its_own_anagram() -> None:
    assert are_anagrams("stop", "stop") is False
    assert are_anagrams("Stop", "sTOP") is False


def test_words_without_letters_are_not_anagrams() -> None:
    assert are_anagrams("", "") is False
    assert are_anagrams("12", "21") is False
    assert are_anagrams("", "a") is False


def test_group_anagrams_keeps_first_seen_order() -> None:
    words = ["eat", "tea", "tan", "ate", "nat", "bat"]
    assert group_anagrams(words) == [["eat", "tea", "ate"], ["tan", "nat"], ["bat"]]


def test_group_anagrams_drops_duplicates_but_keeps_case_variants() -> None:
    assert group_anagrams(["tea", "eat", "tea", "Eat"]) == [["tea", "eat", "Eat"]]


def test_group_anagrams_empty() -> None:
    assert group_anagrams([]) == []


def test_largest_group() -> None:
    words = ["ab", "cd", "dc", "ba", "xyz", "zyx", "yxz"]
    assert largest_group(words) == ["xyz", "zyx", "yxz"]


def test_largest_group_tie_prefers_earliest() -> None:
    assert largest_group(["ab", "cd", "dc", "ba"]) == ["ab", "ba"]
    assert largest_group(["q", "ab", "ba"]) == ["ab", "ba"]


def test_largest_group_empty_and_single() -> None:
    assert largest_group([]) == []
    assert largest_group(["solo"]) == ["solo"]


def test_anagrams_of() -> None:
    candidates = ["enlist", "google", "inlets", "banana", "Listen", "silent"]
    assert anagrams_of("listen", candidates) == ["enlist", "inlets", "silent"]
    assert anagrams_of("listen", []) == []


def test_letter_difference() -> None:
    assert letter_difference("apple", "pale") == {"p": 1}
    assert letter_difference("cat", "tack") == {"k": -1}
    assert letter_difference("aab", "bcc") == {"a": 2, "c": -2}


def test_letter_difference_of_anagrams_is_empty() -> None:
    assert letter_difference("Listen", "silent!") == {}
    assert letter_difference("", "") == {}


def test_letter_difference_is_sorted() -> None:
    assert list(letter_difference("zyx", "")) == ["x", "y", "z"]
