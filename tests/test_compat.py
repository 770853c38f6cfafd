"""The fence around dependency internals (`learningcity.compat`): the pins admit only the tested
versions, and an untested version gets one warning and the plain path, with the same results."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from importlib.metadata import requires, version
from pathlib import Path

import pyoxigraph as ox
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from learningcity import compat, resources
from learningcity.errors import LearningCityWarning
from learningcity.load import load_paths
from learningcity.namespaces import prefixes
from learningcity.validation import ValidationOutcome, Validator, outcome_from_report
from support import FIXTURES


def _pins() -> dict[str, Requirement]:
    """The installed learningcity's requirements (pyproject.toml's, as pip enforces them)."""
    requirements = map(Requirement, requires("learningcity") or [])
    return {requirement.name.lower(): requirement for requirement in requirements}


@pytest.mark.parametrize("distribution", sorted(compat.TESTED))
def test_the_pins_admit_only_the_tested_series(distribution: str) -> None:
    """pyproject.toml and `compat.TESTED` decide together: the pin admits the installed version,
    which is of the tested series, and neither the series before nor the one after it."""
    series = Version(compat.TESTED[distribution])
    major, minor = series.release
    pin = _pins()[distribution].specifier
    assert Version(version(distribution)) in pin
    assert compat.tested(distribution)
    assert Version(f"{major}.{minor + 1}.0") not in pin
    assert Version(f"{major}.{minor - 1}.999") not in pin


@pytest.fixture
def untested_pyshacl(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`compat.TESTED` naming a pyshacl series other than the installed one."""
    monkeypatch.setitem(compat.TESTED, "pyshacl", "0.39")
    compat.tested.cache_clear()
    yield
    compat.tested.cache_clear()


def by_pyshacl(data: list[ox.Quad]) -> ValidationOutcome:
    """pyshacl's run on the data with the bundled shapes (which the native engine would serve)."""
    return outcome_from_report(Validator().engine.check(data))


@pytest.mark.usefixtures("untested_pyshacl")
def test_an_untested_pyshacl_warns_once_and_validates_as_shipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two validations: one warning line naming the version, pyshacl's own parameter list and
    components used (no `compat.ParameterList` asked), and the report the shortcuts give."""
    data = list(load_paths(FIXTURES / "validation" / "data-several-problems.ttl"))
    asked: list[object] = []
    contains = compat.ParameterList.__contains__

    def counted(self: compat.ParameterList, item: object) -> bool:
        asked.append(item)
        return contains(self, item)

    monkeypatch.setattr(compat.ParameterList, "__contains__", counted)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = [by_pyshacl(data) for _ in range(2)]
    said = [str(w.message) for w in caught if issubclass(w.category, LearningCityWarning)]
    assert said == [
        f"pyshacl {version('pyshacl')} is not the 0.39 series learningcity was tested with: "
        "its shortcuts into it are off (same results, slower)"
    ]
    assert not asked
    compat.tested.cache_clear()
    monkeypatch.setitem(compat.TESTED, "pyshacl", version("pyshacl").rsplit(".", 1)[0])
    quick = by_pyshacl(data)
    assert asked
    assert plain[0].results == plain[1].results == quick.results != ()


def test_the_command_says_an_untested_pyshacl_in_one_line(tmp_path: Path) -> None:
    """`learningcity validate` with `compat.TESTED` naming another pyshacl series (set before
    the command runs, by a `sitecustomize` of the test's): one warning line on stderr, and the
    report and exit code of the shortcuts' run."""
    data = str(FIXTURES / "validation" / "data-several-problems.ttl")
    command = [str(Path(sys.executable).with_name("learningcity")), "validate", data]
    (tmp_path / "sitecustomize.py").write_text(
        "from learningcity import compat\ncompat.TESTED['pyshacl'] = '0.39'\n", encoding="utf-8"
    )
    untested = dict(os.environ, PYTHONPATH=str(tmp_path))
    plain = subprocess.run(command, env=untested, capture_output=True, text=True, timeout=60)
    quick = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert plain.stderr.splitlines() == [
        f"learningcity: warning: pyshacl {version('pyshacl')} is not the 0.39 series "
        "learningcity was tested with: its shortcuts into it are off (same results, slower)"
    ]
    assert (plain.returncode, plain.stdout) == (quick.returncode, quick.stdout)
    assert quick.returncode == 1 and not quick.stderr


@pytest.mark.parametrize(
    ("syntax", "text", "position"),
    [
        (ox.RdfFormat.TURTLE, b'<x:a> <x:b> <x:c> .\n<x:a> <x:b> "x .', (2, 13)),
        (ox.RdfFormat.N_TRIPLES, b"<http://a> <http://b> .\n", (1, 23)),
    ],
)
def test_oxigraph_parse_errors_still_begin_with_their_position(
    syntax: ox.RdfFormat, text: bytes, position: tuple[int, int]
) -> None:
    """Liveness of the reading of Oxigraph's message text: each known form of a parse error
    gives its line and column, and the rest of the text no longer names them."""
    with pytest.raises(SyntaxError) as raised:
        list(ox.parse(text, format=syntax))
    line, column, rest = compat.oxigraph_position(str(raised.value.msg))
    assert (line, column) == position
    assert rest and "line" not in rest and "column" not in rest


def test_oxigraph_query_errors_still_say_where_and_what() -> None:
    """A SPARQL syntax error's text gives its position (Oxigraph sets no `lineno` for it), and
    an unknown function's error names the function, as `learningcity.query` reads them."""
    store = ox.Store()
    with pytest.raises(SyntaxError) as raised:
        store.query("SELECT * WHERE {\n  ?s ?p }")
    assert compat.oxigraph_position(str(raised.value))[:2] == (2, 10)
    with pytest.raises(RuntimeError) as refused:
        store.query("SELECT * WHERE { FILTER(<http://example.org/f>(1)) }")
    assert compat.oxigraph_unknown_function(str(refused.value)) == "http://example.org/f"


def test_the_bundled_shapes_queries_are_reordered_this_first() -> None:
    """Liveness of `compat.order_patterns` on rdflib's algebra: in some SHACL-SPARQL query of
    the bundled shapes (`?value a org:Membership ; org:member $this`), rdflib's own order does
    not start from `$this` and ours does. Fails if rdflib's algebra changes shape under it."""
    from rdflib import Variable
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def first_patterns(node: object) -> list[tuple[object, ...]]:
        if isinstance(node, CompValue):
            found = [node["triples"][0]] if node.name == "BGP" and node["triples"] else []
            return found + [p for value in node.values() for p in first_patterns(value)]
        if isinstance(node, list | tuple):
            return [p for item in node for p in first_patterns(item)]
        return []

    texts = [
        q.object.value
        for q in load_paths(resources.shapes_path())
        if q.predicate.value == "http://www.w3.org/ns/shacl#select"
    ]
    reordered = 0
    for text in texts:
        query = prepareQuery(text, initNs=prefixes())
        before = first_patterns(query.algebra)
        compat.order_patterns(query.algebra)
        after = first_patterns(query.algebra)
        reordered += sum(
            Variable("this") not in b and Variable("this") in a
            for b, a in zip(before, after, strict=True)
        )
    assert reordered >= 2
