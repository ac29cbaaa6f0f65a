import pytest
from roman_numerals import add_roman, from_roman, is_roman, symbol_value, to_roman


def test_to_roman_single_symbols() -> None:
    assert to_roman(1) == "I"
    assert to_roman(5) == "V"
    assert to_roman(10) == "X"
    assert to_roman(50) == "L"
    assert to_roman(100) == "C"
    assert to_roman(500) == "D"
    assert to_roman(1000) == "M"


def test_to_roman_subtractive_forms() -> None:
    assert to_roman(4) == "IV"
    assert to_roman(9) == "IX"
    assert to_roman(40) == "XL"
    assert to_roman(90) == "XC"
    assert to_roman(400) == "CD"
    assert to_roman(900) == "CM"


def test_to_roman_compound() -> None:
    assert to_roman(3) == "III"
    assert to_roman(8) == "VIII"
    assert to_roman(14) == "XIV"
    assert to_roman(1994) == "MCMXCIV"
    assert to_roman(2024) == "MMXXIV"
    assert to_roman(444) == "CDXLIV"


def test_to_roman_boundaries() -> None:
    assert to_roman(3999) == "MMMCMXCIX"
    with pytest.raises(ValueError):
        to_roman(0)
    with pytest.raises(ValueError):
        to_roman(4000)
    with pytest.raises(ValueError):
        to_roman(-5)


def test_symbol_value() -> None:
    assert symbol_value("I") == 1
    assert symbol_value("M") == 1000
    with pytest.raises(ValueError):
        symbol_value("A")
    with pytest.raises(ValueError):
        symbol_value("i")


def test_from_roman_basic() -> None:
    assert from_roman("I") == 1
    assert from_roman("II") == 2
    assert from_roman("III") == 3
    assert from_roman("IV") == 4
    assert from_roman("VI") == 6
    assert from_roman("IX") == 9
    assert from_roman("MCMXCIV") == 1994
    assert from_roman("MMMCMXCIX") == 3999


def test_from_roman_roundtrip_sample() -> None:
    for number in [*range(1, 120), *range(3880, 4000), *range(120, 3880, 37)]:
        assert from_roman(to_roman(number)) == number


def test_from_roman_rejects_non_canonical() -> None:
    for text in ("IIII", "VV", "IC", "IL", "XM", "MMMM", "VX", "IIV", "CMM"):
        with pytest.raises(ValueError):
            from_roman(text)


def test_from_roman_rejects_empty_and_bad_symbols() -> None:
    with pytest.raises(ValueError, match="empty numeral"):
        from_roman("")
    with pytest.raises(ValueError):
        from_roman("XIZ")
    with pytest.raises(ValueError):
        from_roman("xiv")


def test_is_roman() -> None:
    assert is_roman("XLII") is True
    assert is_roman("MMMCMXCIX") is True
    assert is_roman("IIII") is False
    assert is_roman("") is False
    assert is_roman("ABC") is False


def test_add_roman() -> None:
    assert add_roman("I", "I") == "II"
    assert add_roman("XIV", "XXVI") == "XL"
    assert add_roman("MMM", "CMXCIX") == "MMMCMXCIX"


def test_add_roman_overflow() -> None:
    with pytest.raises(ValueError):
        add_roman("MMM", "M")
