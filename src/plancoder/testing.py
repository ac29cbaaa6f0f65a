"""A pytest plugin: ``@pytest.mark.article("III")`` ties tests to constitution articles.

Load it with ``pytest -p plancoder.testing`` or ``pytest_plugins = ["plancoder.testing"]`` in the root
conftest (plancoder's own tests do that: loaded there, after pytest-cov starts, its imports are measured). At the end
of the run it prints, per article, how many passing tests validated it. In strict mode the run
fails when an article has no passing test. ``--constitution`` chooses the mode: ``auto`` (the
default) is strict when the whole suite runs (no file, ``-k`` or ``-m`` selection) and a report
otherwise; ``strict``, ``report`` and ``off`` force one. ``--constitution-file`` names another
constitution.
"""

from collections import defaultdict
from pathlib import Path

import pytest

from plancoder.constitution import Constitution, ConstitutionError, load_constitution

MARKER = "article"
MODES = ("auto", "strict", "report", "off")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("plancoder constitution")
    group.addoption(
        "--constitution", choices=MODES, default="auto", help="Article coverage: auto, strict, report, off."
    )
    group.addoption("--constitution-file", default=None, help="The constitution.md to check against.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*ids): the test validates these constitution articles")
    if config.getoption("constitution") != "off":
        config.pluginmanager.register(ArticleLedger(config), "plancoder-article-ledger")


class ArticleLedger:
    """Which tests claim which articles, and which of them passed."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.constitution = _load(config.getoption("constitution_file"))
        self.claims: dict[str, tuple[str, ...]] = {}
        self.validated: dict[str, set[str]] = defaultdict(set)
        self.deselected = False

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        known = {a.id for a in self.constitution.articles}
        for item in items:
            ids = tuple(i for mark in item.iter_markers(MARKER) for i in mark.args)
            unknown = sorted(set(ids) - known)
            if unknown:
                raise pytest.UsageError(f"{item.nodeid}: unknown article(s) {unknown}; articles: {sorted(known)}")
            if ids:
                self.claims[item.nodeid] = ids

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected = self.deselected or bool(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.passed and report.nodeid in self.claims:
            for article_id in self.claims[report.nodeid]:
                self.validated[article_id].add(report.nodeid)

    def missing(self) -> list[str]:
        return [a.id for a in self.constitution.articles if not self.validated[a.id]]

    def strict(self) -> bool:
        mode = self.config.getoption("constitution")
        no_selection = self.config.args_source != pytest.Config.ArgsSource.ARGS
        whole_suite = no_selection and not self.deselected
        return mode == "strict" or (mode == "auto" and whole_suite)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.section("constitution")
        for article in self.constitution.articles:
            count = len(self.validated[article.id])
            state = f"validated by {count} passing test(s)" if count else "NOT VALIDATED"
            terminalreporter.write_line(f"Article {article.id:<5} {article.title:<32} {state}")
        if self.missing() and self.strict():
            terminalreporter.write_line(
                f"FAILED: article(s) {', '.join(self.missing())} have no passing test", red=True
            )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.missing() and self.strict() and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _load(path: str | None) -> Constitution:
    try:
        return load_constitution(Path(path) if path else None)
    except ConstitutionError as error:
        raise pytest.UsageError(str(error)) from None
