"""JSON a user gives is parsed with limits, and what went wrong is said in words."""

import pytest

from plancoder.json_files import parse_json, read_json, reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "it is nested too deeply"),
        ("-" + "9" * 31, "the number -99999999999... is too large"),
        ("1e999", "the number 1e999 is too large"),
        ("[Infinity]", "Infinity is not a number JSON allows"),
    ],
)
def test_input_that_would_crash_later_is_a_value_error_now(text, message):
    with pytest.raises(ValueError, match=message):
        parse_json(text)


def test_ordinary_json_parses_as_usual():
    assert parse_json('{"a": [1, -2.5, "9' + "9" * 40 + '", null]}') == {"a": [1, -2.5, "9" * 41, None]}


def test_each_reason_names_what_is_wrong(tmp_path):
    (tmp_path / "latin.json").write_bytes(b'"\xe9"')
    (tmp_path / "broken.json").write_text("{")
    reasons = []
    for name in ("missing.json", "latin.json", "broken.json"):
        with pytest.raises((OSError, ValueError)) as raised:
            read_json(tmp_path / name)
        reasons.append(reason(raised.value))
    assert reasons[0] == "No such file or directory" and reasons[1] == "it is not UTF-8 text"
    assert reasons[2].startswith("it is not valid JSON (Expecting property name")
