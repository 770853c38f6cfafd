"""The report written three ways: text grouped by focus node, canonical Turtle, JSON-LD."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from learningcity.namespaces import prefixes
from learningcity.serialize import TurtleWriter, to_turtle, used_prefixes
from learningcity.terms import RDF_TYPE
from learningcity.validation.report import (
    INFO,
    SH,
    VIOLATION,
    WARNING,
    ShaclPath,
    ValidationOutcome,
    local_name,
)

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
        severity = local_name(result.severity)
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
        _plural(outcome.count(severity), local_name(severity).lower())
        for severity in (VIOLATION, WARNING, INFO)
    )
    strict = " (strict: warnings count)" if outcome.strict else ""
    allowed = "infos" if outcome.strict else "warnings and infos"
    passes = f"; passes: {allowed} allowed" if outcome.passed and not outcome.shacl_conforms else ""
    focus = _plural(outcome.focus_nodes, "focus node")
    return f"Conforms: {verdict} — {counts} in {focus}{strict}{passes}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
        q.subject
        for q in outcome.report
        if q.predicate == RDF_TYPE
        and q.object == report_type
        and isinstance(q.subject, ox.NamedNode | ox.BlankNode)
    }
    context = parse_context(definitions, definitions)
    document = to_jsonld(outcome.report, context, frame=True, roots=reports)
    return dumps(single_node(document)).decode("utf-8")
