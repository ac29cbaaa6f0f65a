import pytest
from csv_line_parser import format_field, format_line, parse_line, parse_records


def test_parse_simple_fields() -> None:
    assert parse_line("a,b,c") == ["a", "b", "c"]
    assert parse_line("one") == ["one"]


def test_parse_empty_fields() -> None:
    assert parse_line("") == [""]
    assert parse_line(",") == ["", ""]
    assert parse_line("a,,b") == ["a", "", "b"]
    assert parse_line("a,") == ["a", ""]
    assert parse_line(",a") == ["", "a"]


def test_parse_quoted_fields() -> None:
    assert parse_line('"a,b",c') == ["a,b", "c"]
    assert parse_line('x,"y"') == ["x", "y"]
    assert parse_line('""') == [""]
    assert parse_line('"",""') == ["", ""]


def test_parse_doubled_quotes() -> None:
    assert parse_line('"say ""hi""",2') == ['say "hi"', "2"]
    assert parse_line('""""') == ['"']
    assert parse_line('"a""",b') == ['a"', "b"]


def test_parse_keeps_spaces() -> None:
    assert parse_line(" a , b ") == [" a ", " b "]
    assert parse_line('" a ",b') == [" a ", "b"]


def test_parse_custom_delimiter() -> None:
    assert parse_line("a;b,c;d", delimiter=";") == ["a", "b,c", "d"]
    assert parse_line('"x;y";z', delimiter=";") == ["x;y", "z"]
    assert parse_line("a\tb", delimiter="\t") == ["a", "b"]


def test_parse_errors() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        parse_line('"abc')
    with pytest.raises(ValueError, match="unterminated"):
        parse_line('"a""')
    with pytest.raises(ValueError, match=r"after closing quote at 4$"):
        parse_line('"ab"c,d')
    with pytest.raises(ValueError, match=r"after closing quote at 3$"):
        parse_line('"a"b')
    with pytest.raises(ValueError):
        parse_line('ab"c')
    with pytest.raises(ValueError):
        parse_line('a,"b')


def test_parse_invalid_delimiter() -> None:
    with pytest.raises(ValueError):
        parse_line("a,b", delimiter="")
    with pytest.raises(ValueError):
        parse_line("a,b", delimiter=";;")
    with pytest.raises(ValueError):
        parse_line("a,b", delimiter='"')


def test_format_field() -> None:
    assert format_field("plain") == "plain"
    assert format_field("") == ""
    assert format_field("a,b") == '"a,b"'
    assert format_field('say "hi"') == '"say ""hi"""'
    assert format_field(" pad") == '" pad"'
    assert format_field("pad ") == '"pad "'
    assert format_field("a;b") == "a;b"
    assert format_field("a;b", delimiter=";") == '"a;b"'


def test_format_line_and_roundtrip() -> None:
    fields = ["a", "b,c", 'q"', "", " s "]
    line = format_line(fields)
    assert line == 'a,"b,c","q""",," s "'
    assert parse_line(line) == fields
    assert format_line([]) == ""
    assert format_line(["x", "y"], delimiter="|") == "x|y"


def test_parse_records() -> None:
    text = 'name,age\nann,31\n\n"bob, jr",7\n'
    assert parse_records(text) == [{"name": "ann", "age": "31"}, {"name": "bob, jr", "age": "7"}]


def test_parse_records_header_only_and_empty() -> None:
    assert parse_records("a,b\n") == []
    assert parse_records("") == []
    assert parse_records("\n  \n") == []


def test_parse_records_skips_leading_blank_lines() -> None:
    assert parse_records("\nk;v\n1;2", delimiter=";") == [{"k": "1", "v": "2"}]


def test_parse_records_wrong_field_count_reports_line() -> None:
    with pytest.raises(ValueError, match=r"^line 4: expected 2 fields, got 3$"):
        parse_records("a,b\n1,2\n\n1,2,3")
    with pytest.raises(ValueError, match=r"^line 2: expected 2 fields, got 1$"):
        parse_records("a,b\n1")
