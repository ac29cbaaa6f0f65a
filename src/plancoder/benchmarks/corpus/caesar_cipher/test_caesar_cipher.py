import pytest
from caesar_cipher import decrypt, encrypt, guess_shift, letter_counts, shift_char, vigenere


def test_shift_char_lowercase_and_wraparound() -> None:
    assert shift_char("a", 1) == "b"
    assert shift_char("y", 1) == "z"
    assert shift_char("z", 1) == "a"
    assert shift_char("a", 25) == "z"
    assert shift_char("a", 26) == "a"


def test_shift_char_uppercase_keeps_case() -> None:
    assert shift_char("A", 3) == "D"
    assert shift_char("Z", 1) == "A"
    assert shift_char("Z", 0) == "Z"


def test_shift_char_negative_shift() -> None:
    assert shift_char("a", -1) == "z"
    assert shift_char("C", -3) == "Z"


def test_shift_char_non_letters_pass_through() -> None:
    assert shift_char("!", 5) == "!"
    assert shift_char("5", 5) == "5"
    assert shift_char("@", 1) == "@"  # just before "A"
    assert shift_char("[", 1) == "["  # just after "Z"
    assert shift_char("`", 1) == "`"  # just before "a"
    assert shift_char("{", 1) == "{"  # just after "z"
    assert shift_char("é", 1) == "é"


def test_encrypt_known_text() -> None:
    assert encrypt("Hello, World!", 3) == "Khoor, Zruog!"
    assert encrypt("xyz", 3) == "abc"


def test_encrypt_empty_and_zero_shift() -> None:
    assert encrypt("", 7) == ""
    assert encrypt("Same", 0) == "Same"


def test_decrypt_inverts_encrypt() -> None:
    assert decrypt("Khoor, Zruog!", 3) == "Hello, World!"
    text = "The Quick Brown Fox, 42."
    for shift in (1, 13, 25, 27, -5):
        assert decrypt(encrypt(text, shift), shift) == text


def test_letter_counts() -> None:
    counts = letter_counts("Aab zZ!")
    assert len(counts) == 26
    assert counts[0] == 2
    assert counts[1] == 1
    assert counts[25] == 2
    assert sum(counts) == 5


def test_letter_counts_empty() -> None:
    assert letter_counts("") == [0] * 26
    assert letter_counts("123 ?!") == [0] * 26


def test_guess_shift_recovers_shift() -> None:
    plain = "meet me here seven eleven"
    assert guess_shift(encrypt(plain, 0)) == 0
    assert guess_shift(encrypt(plain, 5)) == 5
    assert guess_shift(encrypt(plain, 22)) == 22
    assert guess_shift(encrypt(plain, 25)) == 25


def test_guess_shift_most_frequent_letter() -> None:
    assert guess_shift("e") == 0
    assert guess_shift("a") == 22
    assert guess_shift("zzz") == 21
    assert guess_shift("b") == 23


def test_guess_shift_tie_prefers_first_letter() -> None:
    assert guess_shift("ab") == 22
    assert guess_shift("ba") == 22
    assert guess_shift("fe") == 0


def test_guess_shift_without_letters_raises() -> None:
    with pytest.raises(ValueError):
        guess_shift("")
    with pytest.raises(ValueError):
        guess_shift("123 !")


def test_vigenere_known_vector() -> None:
    assert vigenere("ATTACKATDAWN", "LEMON") == "LXFOPVEFRNHR"
    assert vigenere("LXFOPVEFRNHR", "LEMON", decrypt=True) == "ATTACKATDAWN"


def test_vigenere_skips_non_letters_for_key_position() -> None:
    assert vigenere("a a", "bc") == "b c"
    assert vigenere("ab-ab", "ab") == "ac-ac"
    assert vigenere("Hi!", "B") == "Ij!"


def test_vigenere_key_case_insensitive_and_roundtrip() -> None:
    text = "Attack at dawn, 5 o'clock."
    assert vigenere(text, "Lemon") == vigenere(text, "lemon")
    assert vigenere(vigenere(text, "key"), "key", decrypt=True) == text


def test_vigenere_invalid_key() -> None:
    with pytest.raises(ValueError):
        vigenere("abc", "")
    with pytest.raises(ValueError):
        vigenere("abc", "k3y")
    with pytest.raises(ValueError):
        vigenere("abc", "clé")
