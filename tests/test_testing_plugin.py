"""The constitution plugin, run on small generated test suites (pytester runs pytest in-process)."""

import pytest

from plancoder.constitution import load_constitution

ALL = ", ".join(f'"{a.id}"' for a in load_constitution().articles)
PASSING_ALL = f"""
import pytest

@pytest.mark.article({ALL})
def test_everything():
    assert True
"""


def run(pytester, source, *args):
    pytester.makepyfile(test_generated=source)
    return pytester.runpytest("-p", "plancoder.testing", *args)


@pytest.mark.article("III")
def test_every_article_validated_passes_and_is_reported(pytester):
    result = run(pytester, PASSING_ALL)
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*constitution*", "Article I *File safety*validated by 1 passing test(s)"])


@pytest.mark.article("III")
def test_the_whole_suite_fails_when_an_article_has_no_passing_test(pytester):
    source = (
        PASSING_ALL.replace(f"article({ALL})", 'article("I")')
        + "\n@pytest.mark.article('II')\ndef test_no():\n    assert False\n"
    )
    result = run(pytester, source)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["Article II *NOT VALIDATED", "FAILED: article(s) II, III, IV, V, VI, VII have no passing test"]
    )


@pytest.mark.article("III")
def test_a_green_suite_missing_articles_fails_only_when_the_whole_suite_runs(pytester):
    source = 'import pytest\n\n@pytest.mark.article("I")\ndef test_one():\n    pass\n\ndef test_other():\n    pass\n'
    assert run(pytester, source).ret == pytest.ExitCode.TESTS_FAILED
    assert run(pytester, source, "-k", "one").ret == 0  # a selection only reports
    assert run(pytester, source, "test_generated.py").ret == 0
    assert run(pytester, source, "test_generated.py", "--constitution", "strict").ret == pytest.ExitCode.TESTS_FAILED
    assert run(pytester, source, "--constitution", "report").ret == 0
    off = run(pytester, source, "--constitution", "off")
    assert off.ret == 0 and "constitution" not in off.stdout.str()


def test_an_unknown_article_is_a_usage_error(pytester):
    result = run(pytester, 'import pytest\n\n@pytest.mark.article("IX")\ndef test_x():\n    pass\n')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown article(s) ['IX']" in result.stderr.str()


def test_a_custom_or_broken_constitution_file(pytester):
    custom = pytester.path / "rules.md"
    custom.write_text(
        "## Article I: Only one\n- **Rationale:** r\n- **Rule:** r\n- **Enforcement:** soft\n"
        "- **Checks:** none\n- **Not machine-checked:** people\n"
    )
    source = 'import pytest\n\n@pytest.mark.article("I")\ndef test_one():\n    pass\n'
    assert run(pytester, source, f"--constitution-file={custom}").ret == 0
    custom.write_text("## Article one: Bad\n")
    broken = run(pytester, source, f"--constitution-file={custom}")
    assert broken.ret == pytest.ExitCode.USAGE_ERROR and "malformed article heading" in broken.stderr.str()
