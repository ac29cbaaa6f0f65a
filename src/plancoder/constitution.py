"""The constitution: numbered articles parsed from ``constitution.md``, each enforced by named checks.

One rule set, three uses: ``Constitution.judge`` gives a role's guard its score and the feedback
that names the violated articles; the role metrics reuse that feedback for GEPA; and the pytest
plugin ``plancoder.testing`` reports which articles passing tests validate.
"""

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from plancoder.checks import CHECKS
from plancoder.errors import PlancoderError

HEADING = re.compile(r"^## Article (?P<id>[IVXLCDM]+): (?P<title>\S.*)$")
FIELD = re.compile(r"^- \*\*(?P<name>[^*]+?):\*\*\s*(?P<value>.*)$")
FIELDS = {"Rationale": "rationale", "Rule": "rule", "Enforcement": "enforcement", "Checks": "checks"}
OPTIONAL = {"Not machine-checked": "manual"}
ROMAN = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
HARD_CAP, SOFT_FACTOR = 0.5, 0.9


class ConstitutionError(PlancoderError):
    """The constitution file is malformed."""


@dataclass(frozen=True)
class Article:
    """One numbered article: what must hold, why, and the checks that enforce it."""

    id: str
    title: str
    rationale: str
    rule: str
    hard: bool
    checks: tuple[str, ...]
    manual: str = ""

    def checks_for(self, role: str) -> list[str]:
        return [name for name in self.checks if name.startswith(f"{role}.")]


@dataclass(frozen=True)
class Finding:
    """A check that failed on an output, with the article it enforces."""

    article: str
    title: str
    check: str
    message: str
    hard: bool

    def line(self) -> str:
        return f"Article {self.article} ({self.title}) [{self.check}]: {self.message}"


@dataclass(frozen=True)
class Verdict:
    """What the constitution says about one output."""

    findings: tuple[Finding, ...] = ()

    @property
    def hard_failed(self) -> bool:
        return any(f.hard for f in self.findings)

    @property
    def articles(self) -> list[str]:
        return sorted({f.article for f in self.findings}, key=roman_value)

    def score(self, base: float = 1.0) -> float:
        """``base`` lowered 10 % per finding; capped at 0.5 when a hard article is violated."""
        score = base * SOFT_FACTOR ** len(self.findings)
        return round(min(score, HARD_CAP) if self.hard_failed else score, 4)

    def feedback(self) -> str:
        if not self.findings:
            return "The output obeys every article of the constitution."
        return "The output violates the constitution:\n" + "\n".join(f"- {f.line()}" for f in self.findings)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [f.__dict__ for f in self.findings]


@dataclass(frozen=True)
class Constitution:
    """The parsed articles, in order."""

    articles: tuple[Article, ...]
    source: str = ""

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        known = ", ".join(a.id for a in self.articles)
        raise ConstitutionError(f"there is no article '{article_id}'", f"use one of: {known}")

    def judge(self, role: str, output: object) -> Verdict:
        """Run every check of ``role`` on ``output``; a raising check is a failed check, never a crash."""
        findings = []
        for article in self.articles:
            for name in article.checks_for(role):
                findings += [
                    Finding(article.id, article.title, name, message, article.hard) for message in _run(name, output)
                ]
        return Verdict(tuple(findings))


def finding_lines(findings: list[dict[str, Any]], skip: frozenset[str] = frozenset()) -> list[str]:
    """Findings (as stored in results) as feedback lines, leaving out the checks in ``skip``."""
    return [f"Article {f['article']} ({f['title']}): {f['message']}" for f in findings if f["check"] not in skip]


def _run(name: str, output: object) -> list[str]:
    try:
        return list(CHECKS[name](output))
    except Exception as error:  # a broken check must not crash the role; it fails with its reason
        return [f"the check raised {type(error).__name__}: {error}"]


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral; 0 when it is not a canonical one (IIII, VX, ...)."""
    values = [ROMAN.get(c, 0) for c in numeral]
    total = sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))
    return total if numeral and _to_roman(total) == numeral else 0


def _to_roman(value: int) -> str:
    pairs = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    pairs += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for number, letters in pairs:
        count, value = divmod(value, number)
        out += letters * count
    return out


def default_path() -> Path:
    return Path(str(resources.files("plancoder") / "constitution.md"))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Constitution:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def load_constitution(path: Path | str | None = None) -> Constitution:
    """Parse a constitution file (the packaged one by default); malformed files raise ConstitutionError."""
    source = Path(path) if path else default_path()
    try:
        return _load_cached(str(source), source.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError) as error:
        raise ConstitutionError(
            f"cannot read the constitution {source}: {error}", "give a readable UTF-8 file"
        ) from None


def text_digest(path: Path | str | None = None) -> str:
    """sha256 of the constitution's text (the packaged one by default): what a run's answers depend on."""
    source = Path(path) if path else default_path()
    try:
        return hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError as error:
        raise ConstitutionError(f"cannot read the constitution {source}: {error}", "give a readable file") from None


def parse(text: str, source: str = "constitution.md") -> Constitution:
    """Articles from the Markdown text; every problem names the line and how to fix it."""
    blocks = _article_blocks(text.splitlines(), source)
    articles = tuple(_article(header, body, source) for header, body in blocks)
    if not articles:
        raise ConstitutionError(f"{source} has no articles", "add sections headed '## Article I: <title>'")
    _check_unique(articles, source)
    return Constitution(articles, source)


def _article_blocks(lines: list[str], source: str) -> list[tuple[tuple[int, str], list[tuple[int, str]]]]:
    blocks: list[tuple[tuple[int, str], list[tuple[int, str]]]] = []
    for number, line in enumerate(lines, 1):
        if line.startswith("## "):
            if not line.startswith("## Article"):
                blocks.append(((number, ""), []))  # a section that is not an article ends the previous one
                continue
            if not HEADING.match(line):
                raise ConstitutionError(
                    f"{source}:{number}: malformed article heading '{line}'",
                    "write '## Article <Roman numeral>: <title>', e.g. '## Article III: Error prevention'",
                )
            blocks.append(((number, line), []))
        elif blocks:
            blocks[-1][1].append((number, line))
    return [block for block in blocks if block[0][1]]


def _article(header: tuple[int, str], body: list[tuple[int, str]], source: str) -> Article:
    number, line = header
    match = HEADING.match(line)
    article_id, title = match["id"], match["title"].strip()
    where = f"{source}:{number}: Article {article_id}"
    if not roman_value(article_id):
        raise ConstitutionError(f"{where}: '{article_id}' is not a Roman numeral", "number articles I, II, III, ...")
    fields = _fields(body, where)
    checks = _checks(fields, where)
    return Article(
        article_id, title, fields["rationale"], fields["rule"], _hard(fields, where), checks, fields.get("manual", "")
    )


def _fields(body: list[tuple[int, str]], where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    last = None
    for number, line in body:
        match = FIELD.match(line)
        if match:
            last = _field_key(match["name"].strip(), where, number)
            if last in fields:
                raise ConstitutionError(f"{where}, line {number}: a second '{match['name'].strip()}'", _FIELD_FIX)
            fields[last] = match["value"].strip()
        elif line.strip() and last and line.startswith((" ", "\t")):
            fields[last] += " " + line.strip()
        elif line.strip():
            raise ConstitutionError(f"{where}, line {number}: unexpected text '{line.strip()[:60]}'", _FIELD_FIX)
    missing = [name for name, key in FIELDS.items() if not fields.get(key)]
    if missing:
        raise ConstitutionError(f"{where} lacks {', '.join(missing)}", _FIELD_FIX)
    return fields


_FIELD_FIX = "write each field as '- **Name:** value' (Rationale, Rule, Enforcement, Checks, Not machine-checked)"


def _field_key(name: str, where: str, number: int) -> str:
    key = FIELDS.get(name) or OPTIONAL.get(name)
    if key is None:
        raise ConstitutionError(f"{where}, line {number}: unknown field '{name}'", _FIELD_FIX)
    return key


def _hard(fields: dict[str, str], where: str) -> bool:
    value = fields["enforcement"].strip("` ").lower()
    if value not in ("hard", "soft"):
        raise ConstitutionError(f"{where}: Enforcement is '{fields['enforcement']}'", "use 'hard' or 'soft'")
    return value == "hard"


def _checks(fields: dict[str, str], where: str) -> tuple[str, ...]:
    names = [name.strip("` ") for name in fields["checks"].split(",") if name.strip("` ")]
    if names == ["none"]:
        if not fields.get("manual"):
            raise ConstitutionError(f"{where} has no checks", "name its checks, or say what a person must judge")
        return ()
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise ConstitutionError(
            f"{where} names unknown check(s) {', '.join(unknown)}",
            f"use registered checks: {', '.join(sorted(CHECKS))}",
        )
    return tuple(names)


def _check_unique(articles: tuple[Article, ...], source: str) -> None:
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ConstitutionError(
                f"{source}: Article {article.id} is defined twice", "give every article its own number"
            )
        seen.add(article.id)
