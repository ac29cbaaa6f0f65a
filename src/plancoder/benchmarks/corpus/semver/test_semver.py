from dataclasses import FrozenInstanceError
from itertools import pairwise

import pytest
from semver import Version, bump, compare, parse, satisfies


def test_parse_plain() -> None:
    assert parse("1.2.3") == Version(1, 2, 3)
    assert parse("0.0.0") == Version(0, 0, 0)
    assert parse("10.20.30") == Version(10, 20, 30)


def test_parse_prerelease() -> None:
    assert parse("1.0.0-alpha") == Version(1, 0, 0, ("alpha",))
    assert parse("1.0.0-rc.1") == Version(1, 0, 0, ("rc", "1"))
    assert parse("1.0.0-x-y") == Version(1, 0, 0, ("x-y",))


def test_parse_errors() -> None:
    for text in ("1.2", "1.2.3.4", "", "a.b.c", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-a..b", "-1.2.3", "1..3"):
        with pytest.raises(ValueError):
            parse(text)


def test_version_is_frozen_and_hashable() -> None:
    version = parse("1.2.3")
    assert {version, Version(1, 2, 3)} == {Version(1, 2, 3)}
    with pytest.raises(FrozenInstanceError):
        version.major = 2  # type: ignore[misc]


def test_str() -> None:
    assert str(Version(1, 2, 3)) == "1.2.3"
    assert str(Version(1, 0, 0, ("rc", "1"))) == "1.0.0-rc.1"
    assert str(parse("2.0.0-beta.11")) == "2.0.0-beta.11"


def test_compare_core() -> None:
    assert compare("1.0.0", "1.0.0") == 0
    assert compare("1.0.0", "2.0.0") == -1
    assert compare("2.0.0", "1.9.9") == 1
    assert compare("1.2.0", "1.10.0") == -1
    assert compare("1.1.9", "1.1.10") == -1
    assert compare("1.1.10", "1.1.9") == 1


def test_compare_prerelease_below_release() -> None:
    assert compare("1.0.0-alpha", "1.0.0") == -1
    assert compare("1.0.0", "1.0.0-alpha") == 1
    assert compare("1.0.0-rc.1", "0.9.0") == 1


def test_compare_prerelease_identifiers() -> None:
    assert compare("1.0.0-alpha", "1.0.0-beta") == -1
    assert compare("1.0.0-beta", "1.0.0-alpha") == 1
    assert compare("1.0.0-2", "1.0.0-10") == -1
    assert compare("1.0.0-10", "1.0.0-2") == 1
    assert compare("1.0.0-1", "1.0.0-alpha") == -1
    assert compare("1.0.0-alpha", "1.0.0-1") == 1
    assert compare("1.0.0-rc.1", "1.0.0-rc.1") == 0


def test_compare_prerelease_length() -> None:
    assert compare("1.0.0-alpha", "1.0.0-alpha.1") == -1
    assert compare("1.0.0-alpha.1", "1.0.0-alpha") == 1
    assert compare("1.0.0-alpha.beta", "1.0.0-alpha.1") == 1


def test_semver_spec_ordering() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    for low, high in pairwise(ordered):
        assert compare(low, high) == -1
        assert compare(high, low) == 1


def test_bump() -> None:
    assert bump("1.2.3", "patch") == "1.2.4"
    assert bump("1.2.3", "minor") == "1.3.0"
    assert bump("1.2.3", "major") == "2.0.0"
    assert bump("0.9.9-rc.1", "patch") == "0.9.10"


def test_bump_unknown_part() -> None:
    with pytest.raises(ValueError):
        bump("1.2.3", "build")


def test_satisfies_each_operator() -> None:
    assert satisfies("1.2.3", ">=1.2.3") is True
    assert satisfies("1.2.2", ">=1.2.3") is False
    assert satisfies("1.2.3", "<=1.2.3") is True
    assert satisfies("1.2.4", "<=1.2.3") is False
    assert satisfies("1.2.3", ">1.2.3") is False
    assert satisfies("1.2.4", ">1.2.3") is True
    assert satisfies("1.2.3", "<1.2.3") is False
    assert satisfies("1.2.2", "<1.2.3") is True
    assert satisfies("1.2.3", "==1.2.3") is True
    assert satisfies("1.2.4", "==1.2.3") is False
    assert satisfies("1.2.3", "!=1.2.3") is False
    assert satisfies("1.2.4", "!=1.2.3") is True


def test_satisfies_whitespace_and_prerelease() -> None:
    assert satisfies("2.0.0-rc.1", "< 2.0.0") is True
    assert satisfies("2.0.0", ">= 2.0.0-rc.1") is True


def test_satisfies_missing_operator() -> None:
    with pytest.raises(ValueError):
        satisfies("1.0.0", "1.0.0")
    with pytest.raises(ValueError):
        satisfies("1.0.0", "~1.0.0")
