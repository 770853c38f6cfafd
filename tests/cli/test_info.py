from __future__ import annotations

import json

from click.testing import CliRunner

from learningcity.cli import cli
from support import FIXTURES

TRICKY = str(FIXTURES / "core" / "literals-and-blank-nodes.ttl")


def test_text_summary_counts_statements_and_uses_declared_prefixes() -> None:
    result = CliRunner().invoke(cli, ["info", TRICKY])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("16 statements about 5 subjects in 1 graph\n")
    assert "        2  ex:name" in result.output
    assert "  ex: <http://example.org/>" in result.output


def test_json_summary_is_machine_readable() -> None:
    result = CliRunner().invoke(cli, ["info", TRICKY, "--format", "json"])
    summary = json.loads(result.output)
    assert summary["statements"] == 16
    assert ["ex:name", 2] in summary["properties"]
    assert summary["classes"] == []
