"""Every use of a dependency's internals, each enabled only for the versions it was tested with.

learningcity reaches past the public API of its dependencies in a few places, all decided here:
- pyshacl: the parameter list and the map from parameter to constraint component that
  `pyshacl.shape` keeps in a module attribute are swapped for quicker ones while a validation
  runs (`quicker_pyshacl`); the components it makes are shared per shape, which is safe only
  while they hold no state as they evaluate (true in 0.40).
- rdflib: the algebra of a prepared SHACL-SPARQL query is reordered in place (`order_patterns`);
  pyshacl hands such texts to the data graph's `query` only because validation runs it with
  `inplace=True` (`learningcity.validation.engine._preparing_graph_class` relies on that, and
  its tests see that it applies).
- Oxigraph: the text of its error messages is read for positions and for the function it does
  not support (`oxigraph_position`, `oxigraph_unknown_function`); an unknown form of text gives
  the message as it is, without a position.
- Checks, not shortcuts, fenced by the pins alone (no plain path would be safe or right):
  `learningcity.validation` reads the shapes under `pyshacl.monkey.rdflib_bool_patch`, as
  pyshacl does, and decides which SHACL-SPARQL may run on rdflib's own parse tree
  (`parseQuery`, `CompValue`); its network tests are their liveness tests.
- uvicorn: `learningcity.server.protocol` subclasses its HTTP protocols. That is a guard, not a
  shortcut, so there is no plain path to fall back to: the pin in pyproject.toml is its fence,
  and the server tests (431, 408, connection limits) are its liveness tests.

A shortcut runs only when the installed version is in `TESTED`; otherwise a warning says so
once, in one line, and the plain path runs (same results, slower). The pins in pyproject.toml
admit only these versions (`tests/test_compat.py`), so the warning is for someone who overrode
them. Each shortcut has a liveness test that fails when it silently stops applying
(`tests/test_validation.py::test_the_pyshacl_shortcuts_apply_to_the_bundled_shapes`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib.metadata import version
from typing import Any

from learningcity.errors import LearningCityWarning

#: The release series each shortcut into a distribution was tested with (`tested`).
TESTED: dict[str, str] = {
    "pyshacl": "0.40",
    "rdflib": "7.6",
    "pyoxigraph": "0.5",
    "uvicorn": "0.54",
}


@cache
def tested(distribution: str) -> bool:
    """Whether the installed `distribution` is of its `TESTED` series; warns once if not (worker
    processes ignore the warning: `learningcity.validation.parallel._start_worker`)."""
    installed = version(distribution)
    series = TESTED[distribution]
    if installed == series or installed.startswith(series + "."):
        return True
    warnings.warn(
        f"{distribution} {installed} is not the {series} series learningcity was tested with: "
        "its shortcuts into it are off (same results, slower)",
        LearningCityWarning,
        stacklevel=2,
    )
    return False


def announce_untested(*distributions: str) -> None:
    """Decide for each distribution in this (main) process, so an untested one is warned of
    even when only worker processes would use its shortcuts."""
    for distribution in distributions:
        tested(distribution)


# --- pyshacl ------------------------------------------------------------------------------------


class ParameterList(list):
    """A list whose `in` is answered by a set of the same items."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


class OnePerShape:
    """Stands for a constraint component class: gives each shape one instance of it, made the
    first time and reused (components read their parameters in `__init__` and hold no state
    while they evaluate)."""

    def __init__(self, component: type) -> None:
        self.component = component
        self.made: dict[int, tuple[Any, Any]] = {}  # id(shape) -> (shape, its component)

    def __call__(self, shape: Any) -> Any:
        found = self.made.get(id(shape))
        if found is None:
            found = self.made[id(shape)] = (shape, self.component(shape))
        return found[1]


@contextmanager
def quicker_pyshacl() -> Iterator[None]:
    """Two shortcuts in pyshacl's per-shape overhead, for one validation; same results.

    pyshacl finds which constraints a shape has by testing each predicate of the shape with
    `p in` a list of ~40 parameter IRIs (rdflib's Python-level `__eq__` for each item), and then
    builds each constraint component anew, reading its parameters from the shapes graph, once
    per shape per focus or value node it checks (a qualified value shape is checked for every
    value). pyshacl keeps the list and the map from parameter to component class in a module
    attribute it fills on first use; here the same items, in the same order, answer `in` from a
    set, and the map gives per-shape instances. The attribute is restored afterwards, so other
    pyshacl runs in the process (tests comparing with plain pyshacl, say) see pyshacl as shipped.
    """
    if not tested("pyshacl"):
        yield
        return
    import pyshacl.shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    before = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    reusing = {cls: OnePerShape(cls) for cls in set(CONSTRAINT_PARAMETERS_MAP.values())}
    pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        ParameterList(ALL_CONSTRAINT_PARAMETERS),
        {parameter: reusing[cls] for parameter, cls in CONSTRAINT_PARAMETERS_MAP.items()},
    )
    try:
        yield
    finally:
        if before is None:
            del pyshacl.shape.CONSTRAINT_PARAMS  # type: ignore[attr-defined]
        else:
            pyshacl.shape.CONSTRAINT_PARAMS = before  # type: ignore[attr-defined]


# --- rdflib -------------------------------------------------------------------------------------


def order_patterns(algebra: Any) -> None:
    """Put the triple patterns of every basic graph pattern in `$this`-bound-first order.

    rdflib orders patterns when it translates a query, before pyshacl binds `$this` to the focus
    node, so `?post a org:Post ; org:postIn $this` scans every post for every city (quadratic in
    the data). Patterns of a basic graph pattern are a conjunction, so their order changes only
    the work: here each next pattern is the one with the fewest unbound variables and the most
    bound ones, `$this` counting as bound. Rewrites rdflib's algebra (`CompValue` trees) in place.
    """
    if not tested("rdflib"):
        return
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [algebra]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "BGP":
                node["triples"] = _bound_first(node["triples"])
            pending.extend(node.values())
        elif isinstance(node, list | tuple):
            pending.extend(node)


def _bound_first(triples: list[tuple[Any, Any, Any]]) -> list[tuple[Any, Any, Any]]:
    from rdflib import BNode, Variable

    bound: set[Any] = {Variable("this")}
    remaining, ordered = list(triples), []

    def cost(triple: tuple[Any, Any, Any]) -> tuple[int, int]:
        """Fewest unbound variables first; among those, the most joined to bound ones (a class
        like `org:Post` is a constant, but one that every post shares)."""
        variables = [t for t in triple if isinstance(t, Variable | BNode)]
        joined = sum(t in bound for t in variables)
        return len(variables) - joined, -joined

    while remaining:
        triple = remaining.pop(min(range(len(remaining)), key=lambda i: cost(remaining[i])))
        ordered.append(triple)
        bound.update(t for t in triple if isinstance(t, Variable | BNode))
    return ordered


# --- Oxigraph's messages ------------------------------------------------------------------------

_OXIGRAPH_POSITION = re.compile(
    r"^(?:Parser error at line (?P<line>\d+) "
    r"(?:between columns (?P<col>\d+) and \d+|column (?P<col1>\d+))"
    r"|Parser error between line (?P<line3>\d+) column (?P<col3>\d+) and line \d+ column \d+"
    r"|error at (?P<line2>\d+):(?P<col2>\d+)(?:-\d+:\d+)?)\s*:?\s*"
)
_UNSUPPORTED = re.compile(r"The custom function <(?P<iri>[^>]*)> is not supported")


def oxigraph_position(text: str) -> tuple[int | None, int | None, str]:
    """The line and column an Oxigraph parse error's text begins with, and the rest of it
    (`None, None, text` for a form of text not known here)."""
    match = _OXIGRAPH_POSITION.match(text)
    if match is None:
        return None, None, text
    line = match["line"] or match["line2"] or match["line3"]
    column = match["col"] or match["col1"] or match["col2"] or match["col3"]
    return int(line), int(column), text[match.end() :]


def oxigraph_unknown_function(text: str) -> str | None:
    """The IRI of the function an Oxigraph query error says it does not support, else None."""
    found = _UNSUPPORTED.fullmatch(text)
    return found["iri"] if found else None
