import pytest
from ini_parser import dump_ini, get_bool, get_int, parse_ini, parse_pair, parse_section

SAMPLE = """
; top comment
[server]
host = example.org
Port=8080
# another comment
debug = yes

[paths]
root = /var/www = main
"""


def test_parse_section() -> None:
    assert parse_section("[main]", 1) == "main"
    assert parse_section("[ spaced name ]", 1) == "spaced name"
    assert parse_section("[x]", 1) == "x"


def test_parse_section_errors_report_line() -> None:
    with pytest.raises(ValueError, match=r"^line 7: malformed"):
        parse_section("[open", 7)
    with pytest.raises(ValueError, match=r"^line 2: malformed"):
        parse_section("[]", 2)
    with pytest.raises(ValueError, match=r"^line 3: empty section"):
        parse_section("[  ]", 3)
    with pytest.raises(ValueError, match="malformed"):
        parse_section("x]", 1)


def test_parse_pair() -> None:
    assert parse_pair("key = value", 1) == ("key", "value")
    assert parse_pair("Key=", 1) == ("key", "")
    assert parse_pair("a = b = c", 1) == ("a", "b = c")


def test_parse_pair_errors() -> None:
    with pytest.raises(ValueError, match=r"^line 4: expected"):
        parse_pair("novalue", 4)
    with pytest.raises(ValueError, match=r"^line 5: empty key"):
        parse_pair(" = x", 5)


def test_parse_ini_sample() -> None:
    assert parse_ini(SAMPLE) == {
        "server": {"host": "example.org", "port": "8080", "debug": "yes"},
        "paths": {"root": "/var/www = main"},
    }


def test_parse_ini_empty_and_comments_only() -> None:
    assert parse_ini("") == {}
    assert parse_ini("; c\n# d\n\n   \n") == {}


def test_parse_ini_empty_section_kept() -> None:
    assert parse_ini("[a]\n[b]\nk=v") == {"a": {}, "b": {"k": "v"}}


def test_parse_ini_repeated_section_and_key() -> None:
    text = "[s]\nk = 1\nj = 2\n[t]\n[s]\nk = 3"
    assert parse_ini(text) == {"s": {"k": "3", "j": "2"}, "t": {}}


def test_parse_ini_key_before_section() -> None:
    with pytest.raises(ValueError, match=r"^line 2: key outside"):
        parse_ini("; c\nk = v\n[s]")


def test_parse_ini_error_line_numbers() -> None:
    with pytest.raises(ValueError, match=r"^line 3: expected"):
        parse_ini("[s]\na = 1\nbroken")
    with pytest.raises(ValueError, match=r"^line 1: malformed"):
        parse_ini("[s")


def test_get_int() -> None:
    data = parse_ini(SAMPLE)
    assert get_int(data, "server", "port") == 8080
    assert get_int(data, "server", "missing") == 0
    assert get_int(data, "server", "missing", 5) == 5
    assert get_int(data, "nope", "port", 7) == 7
    with pytest.raises(ValueError):
        get_int(data, "server", "host")


def test_get_bool() -> None:
    data = parse_ini("[f]\na = YES\nb = off\nc = 1\nd = False\ne = maybe\nf = On\ng = 0")
    assert get_bool(data, "f", "a") is True
    assert get_bool(data, "f", "b") is False
    assert get_bool(data, "f", "c") is True
    assert get_bool(data, "f", "d") is False
    assert get_bool(data, "f", "f") is True
    assert get_bool(data, "f", "g") is False
    assert get_bool(data, "f", "zz") is False
    assert get_bool(data, "f", "zz", True) is True
    assert get_bool(data, "none", "a", True) is True
    with pytest.raises(ValueError, match="maybe"):
        get_bool(data, "f", "e")


def test_dump_ini() -> None:
    data = {"a": {"x": "1", "y": "two"}, "b": {}}
    assert dump_ini(data) == "[a]\nx = 1\ny = two\n\n[b]\n"
    assert dump_ini({}) == ""


def test_dump_then_parse_roundtrip() -> None:
    data = parse_ini(SAMPLE)
    assert parse_ini(dump_ini(data)) == data
