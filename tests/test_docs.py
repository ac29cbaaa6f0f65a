"""Docs cannot drift: every command, file and config key the README names exists and answers."""

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plancoder import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
GENERATED = {"eval/eval_report.json", "eval/optimize_report.json", "eval/report.html"}  # written by the commands
DEFAULTS = tomllib.loads((ROOT / "src/plancoder/defaults.toml").read_text())


def code() -> str:
    """The README's code: fenced blocks and inline code spans (prose may say 'plancoder never ...')."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", README, re.S)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", README, flags=re.S))
    return "\n".join(blocks + spans)


def commands() -> set[tuple[str, ...]]:
    """`plancoder <command> [<subcommand>]` as the README's code writes them."""
    found = set()
    for line in re.findall(r"(?:^|\s|`)plancoder ([a-z][a-z-]+(?: [a-z][a-z-]+)?)", code(), re.M):
        words = tuple(line.split())
        found.add(words[:2] if words[0] in ("programs", "review", "mlflow") and len(words) > 1 else words[:1])
    return found


@pytest.mark.parametrize("command", sorted(commands()), ids=" ".join)
def test_every_command_the_readme_names_exists(command):
    result = CliRunner().invoke(cli.app, [*command, "--help"])
    assert result.exit_code == 0, f"`plancoder {' '.join(command)}` from the README: {result.output}"


@pytest.mark.parametrize(
    "path", sorted(set(re.findall(r"`((?:src|bench|scripts|eval|docs|tests)/[A-Za-z0-9_./-]+)`", README)) - GENERATED)
)
def test_every_file_the_readme_names_exists(path):
    assert (ROOT / path).exists(), f"the README names {path}, which does not exist"


@pytest.mark.parametrize("section, key", sorted(set(re.findall(r"`\[([a-z_.]+)\] ([a-z_]+)", README))))
def test_every_config_key_the_readme_names_is_a_default(section, key):
    table = DEFAULTS
    for part in section.split("."):
        table = table[part]
    assert any(name.startswith(key) for name in table), f"[{section}] {key} is not in defaults.toml"


def test_the_readme_test_command_is_what_ci_runs():
    assert "make test" in README and "make test\n" in (ROOT / ".ci/run").read_text()
    assert "make run" in README and "plancoder demo" in (ROOT / "Makefile").read_text()
