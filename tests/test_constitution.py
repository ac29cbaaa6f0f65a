from pathlib import Path

import pytest

from plancoder import checks
from plancoder.constitution import (
    ConstitutionError,
    Finding,
    Verdict,
    default_path,
    load_constitution,
    parse,
    roman_value,
)

ROOT = Path(__file__).parents[1]
ARTICLE = """## Article {id}: {title}
- **Rationale:** why it matters
- **Rule:** what must hold,
  continued on a second line
- **Enforcement:** {enforcement}
- **Checks:** {checks}
"""


def article(id="I", title="File safety", enforcement="hard", checks="coder.tests_untouched"):
    return ARTICLE.format(id=id, title=title, enforcement=enforcement, checks=checks)


def test_the_repository_constitution_parses_and_is_the_packaged_one():
    constitution = load_constitution()
    assert [a.id for a in constitution.articles] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert default_path().read_text() == (ROOT / "constitution.md").read_text()
    assert constitution.article("III").hard and not constitution.article("II").hard
    assert "coder.tests_pass" in constitution.article("III").checks


def test_every_registered_check_is_named_by_an_article():
    named = {name for a in load_constitution().articles for name in a.checks}
    assert named == set(checks.CHECKS)


def test_fields_continue_on_indented_lines_and_other_sections_are_ignored():
    text = "# Title\n\nPreamble.\n\n" + article() + "\n## Notes\nfree text\n"
    (only,) = parse(text).articles
    assert only.rule == "what must hold, continued on a second line" and only.checks == ("coder.tests_untouched",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# nothing\n", "has no articles"),
        ("## Article 1: Numbers\n", "malformed article heading"),
        ("## Article IIII: Bad\n", "is not a Roman numeral"),
        (article() + article(title="Again"), "Article I is defined twice"),
        (article(checks="coder.no_such_check"), "unknown check(s) coder.no_such_check"),
        (article(enforcement="maybe"), "Enforcement is 'maybe'"),
        (article(checks="none"), "has no checks"),
        (article().replace("- **Rationale:** why it matters\n", ""), "lacks Rationale"),
        (article() + "- **Colour:** blue\n", "unknown field 'Colour'"),
        (article() + "stray text\n", "unexpected text 'stray text'"),
        (article() + "- **Checks:** coder.no_new_imports\n", "a second 'Checks'"),
    ],
)
def test_malformed_constitutions_are_clear_errors(text, problem):
    with pytest.raises(ConstitutionError) as caught:
        parse(text, "c.md")
    assert problem in caught.value.problem and caught.value.fix


def test_an_article_judged_only_by_people_is_allowed_when_it_says_so():
    text = article(checks="none") + "- **Not machine-checked:** a person reads every plan\n"
    assert parse(text).articles[0].checks == ()


def test_unreadable_files_are_clear_errors(tmp_path):
    with pytest.raises(ConstitutionError, match="cannot read the constitution"):
        load_constitution(tmp_path / "missing.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConstitutionError, match="cannot read"):
        load_constitution(binary)


def test_a_custom_constitution_file_is_loaded_and_reloaded_when_it_changes(tmp_path):
    path = tmp_path / "c.md"
    path.write_text(article())
    assert load_constitution(path).articles[0].title == "File safety"
    path.write_text(article(title="Tests are read-only") + "\n")
    assert load_constitution(path).articles[0].title == "Tests are read-only"


def test_unknown_article_lookup_lists_the_known_ones():
    with pytest.raises(ConstitutionError) as caught:
        load_constitution().article("IX")
    assert "I, II, III, IV, V" in caught.value.fix


def test_a_raising_check_is_a_failed_check_with_its_message(monkeypatch):
    def explode(output):
        raise KeyError("boom")

    monkeypatch.setitem(checks.CHECKS, "coder.explodes", explode)
    constitution = parse(article(checks="coder.explodes"))
    verdict = constitution.judge("coder", object())
    assert verdict.hard_failed and verdict.articles == ["I"]
    assert verdict.findings[0].message == "the check raised KeyError: 'boom'"


def test_checks_of_another_role_are_not_run(monkeypatch):
    monkeypatch.setitem(checks.CHECKS, "planner.explodes", lambda output: 1 / 0)
    assert parse(article(checks="planner.explodes")).judge("coder", object()).findings == ()


def test_verdict_score_and_feedback():
    soft = Finding("IV", "Documentation", "coder.keeps_docstring", "keep the docstring", False)
    hard = Finding("I", "File safety", "coder.no_secrets", "no secrets", True)
    assert Verdict().score() == 1.0 and "obeys every article" in Verdict().feedback()
    assert Verdict((soft,)).score() == 0.9 and Verdict((soft, soft)).score(0.5) == 0.405
    assert Verdict((hard,)).score() == 0.5 and Verdict((hard, soft)).score() == 0.5
    assert Verdict((hard,)).score(0.2) == 0.18
    text = Verdict((soft, hard)).feedback()
    assert "- Article IV (Documentation) [coder.keeps_docstring]: keep the docstring" in text
    assert Verdict((soft, hard)).articles == ["I", "IV"]


@pytest.mark.parametrize(
    ("numeral", "value"), [("I", 1), ("IV", 4), ("XIV", 14), ("MCMXC", 1990), ("IIII", 0), ("VX", 0)]
)
def test_roman_numerals(numeral, value):
    assert roman_value(numeral) == value
