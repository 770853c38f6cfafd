"""SHACL validation: data parsed by Oxigraph, checked by pyshacl, reported three ways.

Why this shape: Oxigraph parses strictly and ~15x faster than rdflib, but pyshacl validates rdflib
graphs, so the parsed dataset is handed over term by term (never re-serialized and re-parsed).
Shapes and ontology go through `learningcity.load` too, so every parse error in any input reads
`file:line:column: message`. pyshacl is imported here only, and only when `validate()` runs, so
other commands and `--help` do not pay its ~0.2 s import.

Validation sees the union of all statements of the data (named graphs included) as one graph, with
the ontology mixed in the way `pyshacl -e` does it (its class and property axioms are copied, so
`sh:targetClass` reaches subclasses), no inference and no `owl:imports`.

Two verdicts, kept apart: the W3C report's `sh:conforms` is SHACL's (true only when there is no
result at all, whatever its severity), while whether the data *passes* (exit code 0) is ours:
infos never fail it, warnings only with `strict` (`ValidationOutcome.passed`).

Validation never uses the network. Every SHACL-SPARQL query is read by rdflib's own parser before
anything runs, and one that uses SERVICE or FROM (which rdflib would fetch) is refused, as is one
nested deeper than rdflib's parser can recurse (see `shacl_sparql`); while pyshacl runs, an audit
hook refuses any socket or URL this thread opens, should a future query slip through.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from learningcity import compat, resources
from learningcity.errors import InputError, LearningCityWarning
from learningcity.host import usable_cpus
from learningcity.load import load_paths
from learningcity.namespaces import STANDARD_PREFIXES, prefixes
from learningcity.query import scan_query, tokenize
from learningcity.serialize import TurtleWriter, canonical_quads, to_turtle, used_prefixes
from learningcity.terms import RDF_NIL, RDF_TYPE
from learningcity.terms import SH_INFO as INFO
from learningcity.terms import SH_VIOLATION as VIOLATION
from learningcity.terms import SH_WARNING as WARNING

if TYPE_CHECKING:
    import rdflib

SH = STANDARD_PREFIXES["sh"]
RDF = STANDARD_PREFIXES["rdf"]
NT = ox.RdfFormat.N_TRIPLES
XSD_STRING = STANDARD_PREFIXES["xsd"] + "string"
_SEVERITY_RANK = {VIOLATION: 0, WARNING: 1, INFO: 2}

#: Statements in one part. pyshacl's work per focus node grows with the graph it runs on (rdflib
#: evaluates some SHACL-SPARQL patterns before `$this` is bound, scanning every node of a class),
#: so small parts are faster: ~20 profiles of Yongsan's size, at ~0.1 s of fixed cost per part.
PART_STATEMENTS = 2_000
#: A node that more statements than this point to is shared by many profiles (the network, a
#: country, the dataset): statements about it go into every part instead of joining the profiles.
SHARED_DEGREE = 32

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: Called with a short description of each step (`parsing shapes`, `validating`, ...).
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ComplexPath:
    """A SHACL path other than a single predicate; `kind` is the SHACL name without `sh:`."""

    kind: str  # sequence, alternative, inverse, zeroOrMore, oneOrMore, zeroOrOne
    parts: tuple[ShaclPath, ...]


ShaclPath = ox.NamedNode | ComplexPath


@dataclass(frozen=True)
class Message:
    text: str
    language: str | None = None


@dataclass(frozen=True)
class ValidationResult:
    """One `sh:ValidationResult`, in the terms of the W3C report."""

    focus_node: Term
    path: ShaclPath | None
    value: Term | None
    severity: ox.NamedNode
    source_shape: Term
    component: ox.NamedNode
    source_constraint: Term | None
    messages: tuple[Message, ...]  # sorted: English first, then by language tag


@dataclass(frozen=True)
class ValidationOutcome:
    """What a validation found; `report` is the whole W3C report graph (canonical blank nodes)."""

    strict: bool
    results: tuple[ValidationResult, ...]  # in report order: focus node, severity, path, value
    report: tuple[ox.Quad, ...]

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's `sh:conforms`: no validation result of any severity (SHACL 3.6.1)."""
        return not self.results

    @property
    def passed(self) -> bool:
        """Our verdict, exit code 0: every result is an info, or a warning when not `strict`.

        A severity other than SHACL's three fails the data, as it fails pyshacl's
        `allow_warnings`."""
        allowed = {INFO} if self.strict else {INFO, WARNING}
        return all(r.severity in allowed for r in self.results)

    def count(self, severity: ox.NamedNode) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def focus_nodes(self) -> int:
        return len({r.focus_node for r in self.results})


def validate(
    dataset: Iterable[ox.Quad],
    shapes: Path | None = None,
    ontology: Path | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    part_statements: int = PART_STATEMENTS,
) -> ValidationOutcome:
    """Validate `dataset` against `shapes` (default: the bundled shapes), with `ontology` mixed in.

    Data of more than `part_statements` statements is validated in parts of about that size over
    `workers` processes (default: every CPU this process may use), see `validate_in_parts`.
    Raises `InputError` for unusable shapes or ontology (parse errors as `file:line:column: ...`).
    """
    step = progress or (lambda _stage: None)
    quads = dataset if isinstance(dataset, list) else list(dataset)
    shapes = shapes or resources.shapes_path()
    ontology = ontology or resources.ontology_path()
    step(f"parsing {shapes}")
    run = _Run.read(shapes, ontology)
    workers = workers or usable_cpus()
    if workers > 1 and len(quads) > part_statements:
        report = validate_in_parts(quads, run, workers, part_statements, step)
    else:
        step(f"validating {len(quads)} statements")
        report = run.check(quads)
    return outcome_from_report(report, strict)


@dataclass(frozen=True)
class _Run:
    """One pyshacl run's fixed inputs; `check` validates some statements with them."""

    shapes_path: Path
    ontology_path: Path
    shapes: rdflib.Graph
    ontology: rdflib.Graph

    @classmethod
    def read(cls, shapes: Path, ontology: Path) -> _Run:
        """Parse the shapes and the ontology (`InputError` with file:line:column if unusable)."""
        compat.announce_untested("pyshacl", "rdflib")  # before any worker uses them
        shapes_dataset = load_paths(shapes)
        check_shacl_sparql(shapes_dataset, shapes)
        ontology_dataset = load_paths(ontology)
        from pyshacl.monkey import rdflib_bool_patch, rdflib_bool_unpatch

        ontology_graph = to_rdflib(ontology_dataset)
        rdflib_bool_patch()  # read the shapes as pyshacl reads them: literals as written
        try:
            shapes_graph = to_rdflib(shapes_dataset)
        finally:
            rdflib_bool_unpatch()
        return cls(shapes, ontology, shapes_graph, ontology_graph)

    def check(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """The W3C report graph of pyshacl's run on `quads`.

        pyshacl runs with warnings and infos not allowed: only then does its `sh:conforms` say
        what SHACL says (no results), and only then are nested shapes (`sh:or`, qualified
        value shapes) judged by their results alone, not by their severity. Whether the data
        passes is decided from the results afterwards (`ValidationOutcome.passed`).
        """
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        graph = to_rdflib(quads)
        try:
            with compat.quicker_pyshacl(), _offline() as attempts:
                _, report_graph, _ = pyshacl.validate(
                    graph,
                    shacl_graph=self.shapes,
                    ont_graph=self.ontology,
                    inference="none",
                    inplace=True,  # the converted graph is ours: mix the ontology in without a copy
                    do_owl_imports=False,
                )
        except ReportableRuntimeError as error:
            message = " ".join(str(error.message).split())
            raise InputError(f"{self.shapes_path}: {message}") from None
        except SparqlRefused as error:
            raise InputError(f"{self.shapes_path}: {error}") from None
        except RecursionError:  # the token limits should make this impossible; one line anyway
            raise InputError(
                f"{self.shapes_path}: a SHACL-SPARQL query is too complex for rdflib"
            ) from None
        if attempts:  # refused by the audit hook, and the refusal swallowed (SERVICE SILENT)
            raise InputError(f"{self.shapes_path}: {_network_refused(attempts[0])}")
        if not hasattr(report_graph, "triples"):  # pyshacl returns a ValidationFailure instead
            raise InputError(f"{self.shapes_path}: validation failed: {report_graph}")
        return from_rdflib(report_graph)


# --- SHACL-SPARQL: what rdflib may run, and no network ----------------------------------------

#: Deepest brackets in a SHACL-SPARQL query. rdflib's parser (pyparsing) recurses in Python, some
#: 45 frames per parenthesis and 30 per group, and pyshacl runs it already deep in its own calls:
#: at the default recursion limit it fails (RecursionError) from 24 nested parentheses or 26
#: nested `FILTER EXISTS {` (measured with rdflib 7.6 under pyshacl 0.40). Real shapes nest 3 or 4.
MAX_SHACL_SPARQL_BRACKETS = 12
#: Shape properties whose values are SPARQL text pyshacl hands to rdflib (constraints, validators
#: of constraint components, SPARQL targets and rules).
_SPARQL_TEXTS = frozenset(SH + name for name in ("select", "ask", "construct"))
#: Values pyshacl pastes into that text as `PREFIX {prefix}: <{namespace}>` lines.
_DECLARATIONS = frozenset((SH + "prefix", SH + "namespace"))
_NETWORK_WORDS = re.compile("SERVICE|FROM", re.IGNORECASE)
_NETWORK_EVENTS = frozenset(
    (
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.sendto",
        "urllib.Request",
    )
)
#: While pyshacl runs in this thread: where it tried to reach (`_offline`); else None.
_ATTEMPTS: ContextVar[list[str] | None] = ContextVar("network_attempts", default=None)


class SparqlRefused(InputError):
    """A SHACL-SPARQL query that validation must not run; the message says why."""

    def __init__(self, message: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.unreadable = unreadable  # rdflib cannot parse it (as written, it may still be
        # completed by pyshacl: `$PATH` replaced, prefixes prepended)


def shacl_sparql(text: str, source: str = "query") -> Any:
    """rdflib's parse of a SHACL-SPARQL query, once nothing in it could reach the network.

    Refused (`SparqlRefused`): nesting that rdflib's recursive parser could not survive
    (`_checked_tokens`); then whatever in rdflib's own parse tree would open a URL: SERVICE
    (`S\\u0045RVICE` is one to rdflib, and pyshacl's own check, a regular expression, misses
    it), and FROM or FROM NAMED, which rdflib loads from the web. Deciding on rdflib's tree
    decides on exactly what rdflib would execute.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    _checked_tokens(text, source)
    try:
        tree = parseQuery(text)
    except ParseBaseException as error:
        raise SparqlRefused(
            f"{source}:{error.lineno}:{error.col}: rdflib cannot parse it ({error.msg})",
            unreadable=True,
        ) from None
    except RecursionError:
        raise SparqlRefused(f"{source}: too complex for rdflib's SPARQL parser") from None
    reason = _network_use(tree)
    if reason:
        raise SparqlRefused(f"{source}: {reason}; validation never uses the network")
    return tree


def _checked_tokens(text: str, source: str) -> str:
    """The text as rdflib's parser reads it (`\\u` escapes decoded first), after refusing on
    its tokens what `query.scan_query` refuses, with brackets at most
    `MAX_SHACL_SPARQL_BRACKETS` deep (brackets in strings, IRIs and comments do not count)."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        expanded = expandUnicodeEscapes(text)
        scan_query(
            expanded,
            allow_service=True,  # decided on rdflib's parse tree: exactly what it would run
            max_brackets=MAX_SHACL_SPARQL_BRACKETS,
            source=source,
        )
    except InputError as error:
        raise SparqlRefused(str(error)) from None
    except ValueError as error:  # an escape that is no code point
        raise SparqlRefused(f"{source}: {error}") from None
    return expanded


def _network_use(tree: Any) -> str | None:
    """What in an rdflib parse tree would open a URL (walked without recursion)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return "SERVICE would make a network request"
            if node.name == "DatasetClause":
                return "FROM would make rdflib load a graph from the web"
            pending.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            pending.extend(node)
    return None


def check_shacl_sparql(shapes: Iterable[ox.Quad], path: Path) -> None:
    """Refuse a shapes file holding a SPARQL text that `shacl_sparql` refuses, naming the shape.

    Checked before pyshacl reads the shapes, on each text as written. pyshacl may still change a
    text (prefixes prepended, `$PATH` replaced), so every text it composes is checked again where
    rdflib receives it (`_preparing_graph_class`); a text rdflib cannot parse as written is left
    to that check.
    """
    quads = list(shapes)
    for quad in quads:
        if not isinstance(quad.object, ox.Literal):
            continue
        where = f"sh:{_local_name(quad.predicate)}"
        if quad.predicate.value in _DECLARATIONS and not _declares(quad):
            value = quad.object.value
            shown = repr(value if len(value) <= 40 else value[:36] + "...")
            raise InputError(
                f"{path}: {_named_owner(quads, quad.subject)} {where} {shown}: pyshacl would "
                "write it into SPARQL as more than a prefix declaration; give a prefix name "
                "and an IRI"
            )
        if quad.predicate.value not in _SPARQL_TEXTS:
            continue
        try:
            # The network words cannot be keywords of rdflib's parse unless their letters are
            # in the text it reads: only then is it parsed here (10 ms a text).
            if _NETWORK_WORDS.search(_checked_tokens(quad.object.value, where)):
                shacl_sparql(quad.object.value, where)
        except SparqlRefused as error:
            if not error.unreadable:
                shape = _named_owner(quads, quad.subject)
                raise InputError(f"{path}: shape {shape}: {error}") from None


def _declares(quad: ox.Quad) -> bool:
    """Whether pyshacl's `PREFIX p: <namespace>` line with this value declares one prefix and
    nothing else (a namespace holding `> SELECT ... #` would write a query of its own)."""
    value = quad.object.value
    is_prefix = quad.predicate.value == SH + "prefix"
    line = f"PREFIX {value}: <>" if is_prefix else f"PREFIX p: <{value}>"
    try:
        kinds = [token.kind for token in tokenize(line) if token.kind != "ws"]
    except InputError:
        return False
    return kinds == ["word", "pname", "iri"] and (is_prefix or _is_iri(value))


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _named_owner(quads: list[ox.Quad], node: Term) -> str:
    """The named node a blank node (`sh:sparql [ ... ]`) hangs from, written as in Turtle."""
    parents = {q.object: q.subject for q in quads if isinstance(q.object, ox.BlankNode)}
    seen = set()
    while isinstance(node, ox.BlankNode) and node in parents and node not in seen:
        seen.add(node)
        node = parents[node]
    return TurtleWriter(prefixes()).term(node)


@contextmanager
def _offline() -> Iterator[list[str]]:
    """While pyshacl runs: no socket, name lookup or URL opened by this thread, whatever asks.

    A Python audit hook (installed once per process, `_install_network_guard`) refuses them while
    this context is active in the current thread; other threads are not affected. The list it
    yields holds what was refused, in case rdflib swallowed the refusal (SERVICE SILENT).
    """
    _install_network_guard()
    attempts: list[str] = []
    token = _ATTEMPTS.set(attempts)
    try:
        yield attempts
    finally:
        _ATTEMPTS.reset(token)


@cache
def _install_network_guard() -> None:
    sys.addaudithook(_network_guard)


def _network_guard(event: str, args: tuple[Any, ...]) -> None:
    if event not in _NETWORK_EVENTS:
        return
    attempts = _ATTEMPTS.get()
    if attempts is None:
        return
    target = str(args[1] if event == "socket.connect" else args[0])
    attempts.append(target)
    raise SparqlRefused(_network_refused(target))


def _network_refused(target: str) -> str:
    return f"validation never uses the network; refused to reach {target}"


# --- Validation at scale: the data in parts, over every CPU -----------------------------------


#: In a worker process: the fixed inputs of every run, and the shared statements.
_worker: tuple[_Run, list[ox.Quad]] | None = None


def partition(
    quads: list[ox.Quad], size: int, shared_degree: int = SHARED_DEGREE
) -> tuple[list[int], list[list[int]]]:
    """Split statements into parts of about `size` that never cut a profile; also shared ones.

    Why this is safe: SHACL looks from a focus node along its links, so a part holding whole
    connected components (nodes joined by IRI or blank-node objects, `rdf:type` aside) gives each
    focus node the same neighbourhood as the whole graph. Nodes that more than `shared_degree`
    statements point to would join every city into one component; they and the nodes they point
    to are instead described in every part (returned first, as statement indices), and results
    about them, found once per part, are merged.
    """
    ids: dict[str, int] = {}
    subjects = [ids.setdefault(q.subject.value, len(ids)) for q in quads]
    links = [
        (i, q.object.value)
        for i, q in enumerate(quads)
        if type(q.object) is not ox.Literal and q.predicate != RDF_TYPE
    ]
    objects = [ids.setdefault(value, len(ids)) for _, value in links]
    degree = [0] * len(ids)
    for node in objects:
        degree[node] += 1
    shared = {node for node, count in enumerate(degree) if count > shared_degree}
    shared |= {o for (i, _), o in zip(links, objects, strict=True) if subjects[i] in shared}
    roots = list(range(len(ids)))
    for (i, _), node in zip(links, objects, strict=True):
        if subjects[i] not in shared and node not in shared:
            _union(roots, subjects[i], node)
    components: dict[int, list[int]] = {}
    shared_statements = []
    for i, subject in enumerate(subjects):
        if subject in shared:
            shared_statements.append(i)
        else:
            components.setdefault(_find(roots, subject), []).append(i)
    packed: list[list[int]] = [[]]
    for members in components.values():
        if len(packed[-1]) >= size:
            packed.append([])
        packed[-1].extend(members)
    return shared_statements, packed


def _find(roots: list[int], node: int) -> int:
    root = node
    while roots[root] != root:
        root = roots[root]
    while roots[node] != root:
        roots[node], node = root, roots[node]
    return root


def _union(roots: list[int], a: int, b: int) -> None:
    root_a, root_b = _find(roots, a), _find(roots, b)
    if root_a != root_b:
        roots[root_a] = root_b


def validate_in_parts(
    quads: list[ox.Quad], run: _Run, workers: int, size: int, step: Progress
) -> list[ox.Quad]:
    """pyshacl on each part (see `partition`) in worker processes; one merged report.

    Workers come from a fork server, not from this (large) process, so they hold only the shapes,
    the ontology, the shared statements and one part at a time: parts go to them as N-Triples
    and reports come back the same way. Memory stays near that of the parsed data.
    """
    step(f"dividing {len(quads)} statements into parts")
    shared, parts = partition(quads, size)
    payloads = (ox.serialize([quads[i] for i in part], format=NT) for part in parts)
    shared_nt = ox.serialize([quads[i] for i in shared], format=NT)
    reports: list[list[ox.Quad]] = []
    context = multiprocessing.get_context("forkserver")
    initargs = (run.shapes_path, run.ontology_path, shared_nt)
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        for done, report in enumerate(pool.imap_unordered(_check_part, payloads), start=1):
            step(f"validating: {done} of {len(parts)} parts done")
            if isinstance(report, str):
                raise InputError(report)
            reports.append(list(ox.parse(report, format=NT)))
    return merge_reports(reports)


def _start_worker(shapes: Path, ontology: Path, shared: bytes) -> None:
    global _worker
    warnings.simplefilter("ignore", LearningCityWarning)  # said once, by the process reading first
    _worker = (_Run.read(shapes, ontology), list(ox.parse(shared, format=NT)))


def _check_part(part: bytes) -> bytes | str:
    """In a worker: validate one part; the report as N-Triples, or the error message."""
    assert _worker is not None
    run, shared = _worker
    try:
        report = run.check([*ox.parse(part, format=NT), *shared])
    except InputError as error:
        return str(error)
    return ox.serialize(report, format=NT)


def merge_reports(reports: Iterable[list[ox.Quad]]) -> list[ox.Quad]:
    """One W3C report holding each distinct result of the parts' reports once.

    A result about a shared node (or an ontology term) is found by every part; results are
    compared by content, blank nodes by structure, since each part labels them its own way.
    `sh:conforms` is SHACL's: true when no part found a result.
    """
    report = ox.BlankNode("report")
    merged = [
        ox.Quad(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport")),
    ]
    seen: set[Any] = set()
    for number, quads in enumerate(reports):
        index = _Index(quads)
        for result in index.subjects_of_type(ox.NamedNode(SH + "ValidationResult")):
            signature = _signature(index, result)
            if signature in seen:
                continue
            seen.add(signature)
            merged += _relabelled(_closure(index, result), f"p{number}")
            merged.append(
                ox.Quad(report, ox.NamedNode(SH + "result"), _relabel(result, f"p{number}"))
            )
    merged.append(ox.Quad(report, ox.NamedNode(SH + "conforms"), ox.Literal(not seen)))
    return merged


def _signature(index: _Index, node: Any, depth: int = 0) -> Any:
    """The content of a node, blank nodes replaced by their own content (labels ignored)."""
    if not isinstance(node, ox.BlankNode) or depth > 64:
        return str(node)
    return tuple(
        sorted(
            (predicate, _signature(index, value, depth + 1))
            for predicate, values in index.edges.get(node, {}).items()
            for value in values
        )
    )


def _closure(index: _Index, node: Any) -> list[ox.Quad]:
    """Statements about `node` and, recursively, about the blank nodes it points to."""
    found: list[ox.Quad] = []
    stack, visited = [node], {node}
    while stack:
        subject = stack.pop()
        for predicate, values in index.edges.get(subject, {}).items():
            for value in values:
                found.append(ox.Quad(subject, ox.NamedNode(predicate), value))
                if isinstance(value, ox.BlankNode) and value not in visited:
                    visited.add(value)
                    stack.append(value)
    return found


def _relabel(term: Any, prefix: str) -> Any:
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term


def _relabelled(quads: list[ox.Quad], prefix: str) -> list[ox.Quad]:
    return [
        ox.Quad(_relabel(q.subject, prefix), q.predicate, _relabel(q.object, prefix)) for q in quads
    ]


def outcome_from_report(report: Iterable[ox.Quad], strict: bool = False) -> ValidationOutcome:
    """Read the results out of a W3C report graph (any blank-node labels; made canonical here).

    The report's `sh:conforms` must be SHACL's (no results): one that says otherwise (pyshacl
    run with `allow_warnings`, say) is refused rather than passed on to the renderers.
    """
    quads = canonical_quads(report)
    index = _Index(quads)
    results = [
        _result(index, node)
        for node in index.subjects_of_type(ox.NamedNode(SH + "ValidationResult"))
    ]
    results.sort(key=_result_sort_key)
    stated = [q.object for q in quads if q.predicate.value == SH + "conforms"]
    if stated != [ox.Literal(not results)]:
        raise ValueError(f"sh:conforms {stated} in a report with {len(results)} result(s)")
    return ValidationOutcome(strict, tuple(results), tuple(quads))


class _Index:
    """subject -> predicate -> objects, over a small graph (the report)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.edges: dict[Any, dict[str, list[Any]]] = {}
        for quad in quads:
            by_predicate = self.edges.setdefault(quad.subject, {})
            by_predicate.setdefault(quad.predicate.value, []).append(quad.object)

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        return self.edges.get(subject, {}).get(predicate, [])

    def one(self, subject: Any, predicate: str) -> Any | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects_of_type(self, cls: ox.NamedNode) -> list[Any]:
        return [s for s, edges in self.edges.items() if cls in edges.get(RDF + "type", [])]

    def rdf_list(self, head: Any) -> list[Any]:
        items = []
        while head != RDF_NIL and head is not None:
            items.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return items


_PATH_KINDS = ("inverse", "zeroOrMore", "oneOrMore", "zeroOrOne", "alternative")


def _path(index: _Index, node: Any) -> ShaclPath | None:
    if node is None or isinstance(node, ox.NamedNode):
        return node
    for kind in _PATH_KINDS:
        target = index.one(node, f"{SH}{kind}Path")
        if target is None:
            continue
        if kind == "alternative":
            return ComplexPath(kind, tuple(_path(index, p) for p in index.rdf_list(target)))
        return ComplexPath(kind, (_path(index, target),))
    return ComplexPath("sequence", tuple(_path(index, p) for p in index.rdf_list(node)))


def _result(index: _Index, node: Any) -> ValidationResult:
    messages = [Message(m.value, m.language) for m in index.objects(node, SH + "resultMessage")]
    messages.sort(key=lambda m: (m.language != "en", m.language or "", m.text))
    return ValidationResult(
        focus_node=index.one(node, SH + "focusNode"),
        path=_path(index, index.one(node, SH + "resultPath")),
        value=index.one(node, SH + "value"),
        severity=index.one(node, SH + "resultSeverity"),
        source_shape=index.one(node, SH + "sourceShape"),
        component=index.one(node, SH + "sourceConstraintComponent"),
        source_constraint=index.one(node, SH + "sourceConstraint"),
        messages=tuple(messages),
    )


def _result_sort_key(result: ValidationResult) -> tuple[str | int, ...]:
    return (
        str(result.focus_node),
        _SEVERITY_RANK.get(result.severity, 3),
        _path_key(result.path),
        str(result.value or ""),
        str(result.component),
        str(result.source_shape),
        str(result.source_constraint or ""),
        str(result.messages),
    )


def _path_key(path: ShaclPath | None) -> str:
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return str(path)
    return f"{path.kind}({','.join(_path_key(p) for p in path.parts)})"


# --- Oxigraph <-> rdflib, term by term --------------------------------------------------------


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """One rdflib graph holding every statement (graph names dropped), built term by term.

    Terms repeat (predicates, classes, common values), so each distinct one is built once; an
    `xsd:string` literal becomes a plain rdflib literal, as rdflib's own parsers make it. The
    graph binds no prefixes (rdflib would bind them again for every query pyshacl runs) and
    prepares each distinct SPARQL text once (see `_preparing_graph_class`).
    """
    from rdflib import BNode, Literal, URIRef

    graph = _preparing_graph_class()(bind_namespaces="none")
    converted_terms: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        converted = converted_terms.get(term)
        if converted is not None:
            return converted
        if isinstance(term, ox.NamedNode):
            converted = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            converted = BNode(term.value)
        else:  # a literal: `learningcity.load` refuses triple terms
            datatype = term.datatype.value
            if term.language:
                converted = Literal(term.value, lang=term.language)
            elif datatype == XSD_STRING:
                converted = Literal(term.value)
            else:
                converted = Literal(term.value, datatype=URIRef(datatype))
        converted_terms[term] = converted
        return converted

    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)
    return graph


@cache
def _preparing_graph_class() -> type[rdflib.Graph]:
    """An rdflib Graph that parses each distinct SPARQL text once, then reuses the prepared query.

    pyshacl sends a SHACL-SPARQL constraint's same text once per focus node, with `$this` as an
    initial binding; rdflib would parse it every time (pyparsing: ~10 ms a query, most of the run
    on large data). A prepared query is what `rdflib.plugins.sparql.prepareQuery` returns and is
    made to be evaluated many times, so results do not change. Every text pyshacl sends, exactly
    as it composed it (prefixes prepended, `$PATH` replaced), goes through `shacl_sparql` here.
    """
    from rdflib import Graph
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.sparql import Query

    @lru_cache(maxsize=1024)
    def prepare(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
        query = translateQuery(shacl_sparql(text, "SHACL-SPARQL"), base, dict(namespaces))
        compat.order_patterns(query.algebra)
        return query

    class PreparingGraph(Graph):
        def query(  # type: ignore[override]
            self,
            query_object: Any,
            processor: Any = "sparql",
            result: Any = "sparql",
            initNs: Any = None,
            initBindings: Any = None,
            use_store_provided: bool = True,
            **kwargs: Any,
        ) -> Any:
            if isinstance(query_object, str) and processor == "sparql":
                namespaces = initNs or dict(self.namespaces())
                key = tuple(sorted((k, str(v)) for k, v in namespaces.items()))
                query_object = prepare(query_object, kwargs.get("base"), key)
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )

    return PreparingGraph


def from_rdflib(graph: rdflib.Graph) -> list[ox.Quad]:
    """The statements of an rdflib graph as Oxigraph quads in the default graph."""
    from rdflib import BNode, Literal, URIRef

    def convert(term: Any) -> Term:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        raise ValueError(f"unexpected term {term!r} in the report")

    return [ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in graph]


# --- Renderers ---------------------------------------------------------------------------------

_STYLES = {VIOLATION: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}
_BOLD, _DIM, _RESET, _GREEN, _RED = "\033[1m", "\033[2m", "\033[0m", "\033[32m", "\033[31m"


def render(outcome: ValidationOutcome, format: str, *, color: bool = False) -> str:
    """The report as `text`, `json` (JSON-LD) or `turtle`."""
    if format == "json":
        return render_json(outcome)
    if format == "turtle":
        return render_turtle(outcome)
    return render_text(outcome, color=color)


def render_text(outcome: ValidationOutcome, *, color: bool = False) -> str:
    """Results grouped by focus node, each with severity, path, value and messages; a summary."""
    writer = TurtleWriter(prefixes())

    def paint(style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if color else text

    lines: list[str] = []
    focus = None
    for result in outcome.results:
        if result.focus_node != focus:
            focus = result.focus_node
            lines.append(("\n" if lines else "") + paint(_BOLD, writer.term(focus)))
        severity = _local_name(result.severity)
        path = path_text(result.path, writer) if result.path else "—"
        head = f"  {paint(_STYLES.get(result.severity, ''), f'{severity:<9}')}  {path}"
        if result.value is not None:
            head += f"  {paint(_DIM, 'value')} {writer.term(result.value)}"
        lines.append(head)
        lines.extend(
            f"    {m.language + ': ' if m.language else ''}{m.text}" for m in result.messages
        )
    lines.append(("\n" if lines else "") + summary_line(outcome, color=color))
    return "\n".join(lines) + "\n"


def summary_line(outcome: ValidationOutcome, *, color: bool = False) -> str:
    """`Conforms: no — 2 violations, 1 warning, 0 infos in 3 focus nodes`.

    `Conforms` is the report's `sh:conforms` (no results at all). When the data does not
    conform but passes all the same (exit code 0: only warnings and infos, or with `strict`
    only infos), the line says so and why: `...; passes: warnings and infos allowed`.
    """
    verdict = "yes" if outcome.shacl_conforms else "no"
    if color:  # green: conforms; yellow: passes all the same; red: fails
        style = _GREEN if outcome.shacl_conforms else _STYLES[WARNING] if outcome.passed else _RED
        verdict = f"{style}{verdict}{_RESET}"
    counts = ", ".join(
        _plural(outcome.count(severity), _local_name(severity).lower())
        for severity in (VIOLATION, WARNING, INFO)
    )
    strict = " (strict: warnings count)" if outcome.strict else ""
    allowed = "infos" if outcome.strict else "warnings and infos"
    passes = f"; passes: {allowed} allowed" if outcome.passed and not outcome.shacl_conforms else ""
    focus = _plural(outcome.focus_nodes, "focus node")
    return f"Conforms: {verdict} — {counts} in {focus}{strict}{passes}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _local_name(iri: ox.NamedNode) -> str:
    return iri.value[len(SH) :] if iri.value.startswith(SH) else iri.value


def path_text(path: ShaclPath, writer: TurtleWriter) -> str:
    """A SHACL path in SPARQL property-path syntax with prefixed names: `lc:mayor/schema:name`."""
    if isinstance(path, ox.NamedNode):
        return writer.term(path)
    parts = [path_text(p, writer) for p in path.parts]
    parts = [f"({p})" if _needs_brackets(p) else p for p in parts]
    if path.kind == "sequence":
        return "/".join(parts)
    if path.kind == "alternative":
        return "|".join(parts)
    if path.kind == "inverse":
        return "^" + parts[0]
    return parts[0] + {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[path.kind]


def _needs_brackets(text: str) -> bool:
    return any(c in text for c in "/|") and not text.startswith("(")


def render_turtle(outcome: ValidationOutcome) -> str:
    """The whole report graph as canonical Turtle (sorted, stable prefixes)."""
    return to_turtle(outcome.report)


# --- JSON-LD ------------------------------------------------------------------------------------

#: Readable names for the report's own terms: (coerced to `@id`, always an array).
_JSONLD_TERMS: dict[str, tuple[bool, bool]] = {
    "ValidationReport": (False, False),
    "ValidationResult": (False, False),
    "conforms": (False, False),
    "result": (False, True),
    "focusNode": (True, False),
    "resultPath": (True, False),
    "value": (False, False),
    "resultSeverity": (True, False),
    "sourceShape": (True, False),
    "sourceConstraintComponent": (True, False),
    "sourceConstraint": (True, False),
    "resultMessage": (False, True),
    "detail": (False, True),
}


def _report_context(report: list[ox.Quad]) -> dict[str, Any]:
    """The project's prefixes the report uses, and a term per report term (`focusNode` for
    `sh:focusNode`)."""
    context: dict[str, Any] = {"sh": SH, **used_prefixes(report, prefixes())}
    for term, (is_id, is_set) in _JSONLD_TERMS.items():
        definition = {"@id": f"sh:{term}"}
        if is_id:
            definition["@type"] = "@id"
        if is_set:
            definition["@container"] = "@set"
        context[term] = definition if len(definition) > 1 else definition["@id"]
    return context


def render_json(outcome: ValidationOutcome) -> str:
    """The whole report graph as JSON-LD 1.1 with a readable, inline context, nested from the
    report and deterministic, by the project's one JSON-LD writer (`learningcity.jsonld`).

    The top-level object is the `sh:ValidationReport` (`conforms` a JSON boolean, `result` always
    an array ...); what the results hold is nested where it is first used, RDF lists (sequence
    paths) are `@list`s. Parsed by any JSON-LD processor it gives back exactly the report graph.
    """
    from learningcity.jsonld import dumps, parse_context, single_node, to_jsonld

    definitions = _report_context(list(outcome.report))
    report_type = ox.NamedNode(SH + "ValidationReport")
    reports = {
        q.subject for q in outcome.report if q.predicate == RDF_TYPE and q.object == report_type
    }
    context = parse_context(definitions, definitions)
    document = to_jsonld(outcome.report, context, frame=True, roots=reports)
    return dumps(single_node(document)).decode("utf-8")
