"""Sites published once per test session: the Yongsan data with the bundled shapes and ontology
(the default base), and a small fixture city with the fixture shapes (the gate tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learningcity.load import load_paths
from learningcity.publish import publish
from support import REPO

DATA = REPO / "data" / "yongsan.ttl"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    result = publish(load_paths(DATA), out)
    assert result.written, "data/yongsan.ttl must pass the bundled shapes to be published"
    return out
