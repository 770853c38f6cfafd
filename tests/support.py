"""Paths shared by the tests: the repository, its fixtures, and the read-only `../shared`."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()  # CI may place it beside the clone as a link
FIXTURES = Path(__file__).resolve().parent / "fixtures"
