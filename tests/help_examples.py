"""The example command lines a command's `--help` shows, so tests can run them."""

from __future__ import annotations

import shlex

from click.testing import CliRunner

from learningcity.cli import cli


def help_examples(command: str) -> list[list[str]]:
    """The arguments of each example of `learningcity COMMAND --help`, continuation lines joined."""
    text = CliRunner().invoke(cli, [command, "--help"]).output
    block = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in block.splitlines()]
