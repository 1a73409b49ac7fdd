"""Every command's --help: defaults are shown, never swallowed by rich markup."""

import re

import pytest
from typer.testing import CliRunner

from minions.cli.main import app


def _commands(group, prefix=()):
    import typer.main

    click_group = typer.main.get_command(group)
    stack = [(prefix, click_group)]
    while stack:
        path, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            stack += [((*path, name), sub) for name, sub in subs.items()]
        else:
            yield path


COMMANDS = sorted(_commands(app))


def test_there_are_many_commands():
    assert ("train",) in COMMANDS and ("adapters", "list") in COMMANDS and len(COMMANDS) > 15


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_defaults_instead_of_dangling_text(command):
    """Regression: `[default: ...]` in help text was eaten as rich markup (`--out  Folder .`)."""
    out = CliRunner().invoke(app, [*command, "--help"], terminal_width=200, env={"COLUMNS": "200"}).output
    assert "Usage" in out, out
    dangling = [line for line in out.splitlines() if re.search(r"\w \.\s*(│|$)", line)]
    assert not dangling, dangling


def test_train_help_says_its_defaults():
    out = CliRunner().invoke(app, ["train", "--help"], terminal_width=200, env={"COLUMNS": "200"}).output
    assert "<workspace>/adapters/<name>" in out and "sized to the dataset" in out
