"""Named queries (grlc-style headers in `queries/*.rq`) and their typed parameters."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from learningcity.errors import InputError, unreadable
from learningcity.query.lexer import (
    XSD,
    Term,
    default_prefixes,
)
from learningcity.resources import queries_dir
from learningcity.terms import XSD_BOOLEAN, XSD_DATE

# --------------------------------------------------------------------------------------------
# Named queries (grlc-style headers) and their typed parameters
# --------------------------------------------------------------------------------------------

PARAM_TYPES: tuple[str, ...] = (
    "iri",
    "string",
    "lang-string",
    "integer",
    "decimal",
    "date",
    "year",
    "boolean",
)
_HEADER = re.compile(r"^#\+\s*(?P<key>[\w-]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>[\w-]+)(?:\s*=\s*(?P<default>.+))?$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")


@dataclass(frozen=True)
class Param:
    """A declared parameter: bound to the query variable of the same name."""

    name: str
    type: str
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: Mapping[str, str]) -> dict[str, Term]:
        """RDF terms for `--param` values (and defaults), each checked against its type."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise InputError(
                f"--param {unknown[0]}: query {self.name!r} has no such parameter "
                f"(parameters: {known})"
            )
        bindings = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                raise InputError(
                    f"--param {param.name}: query {self.name!r} needs it "
                    f"({param.type}); give --param {param.name}=VALUE"
                )
            bindings[param.name] = parse_param(param, value)
        return bindings


def parse_param(param: Param, value: str) -> Term:
    """Turn a `--param` string into an RDF term of the declared type, or say what is wrong."""
    try:
        return _PARSERS[param.type](value.strip())
    except (ValueError, KeyError) as error:
        raise InputError(
            f"--param {param.name}={value}: not a valid {param.type} ({_PARAM_HINTS[param.type]})"
            + (f": {error}" if str(error) and not isinstance(error, KeyError) else "")
        ) from None


def _iri(value: str) -> ox.NamedNode:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    name, colon, local = value.partition(":")
    known = default_prefixes()
    if colon and name in known and not local.startswith("//"):
        value = known[name] + local
    if not _ABSOLUTE_IRI.match(value):
        raise ValueError("")
    return ox.NamedNode(value)


def _lang_string(value: str) -> ox.Literal:
    text, at, language = value.rpartition("@")
    if not at or not _LANG.match(language):
        raise ValueError("")
    return ox.Literal(text, language=language.lower())


def _typed(pattern: str, datatype: str) -> Callable[[str], ox.Literal]:
    def parse(value: str) -> ox.Literal:
        if not re.fullmatch(pattern, value):
            raise ValueError("")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    return parse


def _date(value: str) -> ox.Literal:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("")
    date.fromisoformat(value)
    return ox.Literal(value, datatype=XSD_DATE)


def _boolean(value: str) -> ox.Literal:
    if value.lower() not in ("true", "false"):
        raise ValueError("")
    return ox.Literal(value.lower(), datatype=XSD_BOOLEAN)


_PARSERS: dict[str, Callable[[str], Term]] = {
    "iri": _iri,
    "string": ox.Literal,
    "lang-string": _lang_string,
    "integer": _typed(r"[+-]?[0-9]+", "integer"),
    "decimal": _typed(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", "decimal"),
    "date": _date,
    "year": _typed(r"[0-9]{4}", "gYear"),
    "boolean": _boolean,
}
_PARAM_HINTS = {
    "iri": "an absolute IRI or a known prefixed name like city:kr-yongsan-gu",
    "string": "any text",
    "lang-string": "text@lang, like 용산구@ko",
    "integer": "a whole number like 2016",
    "decimal": "a number like 2.5",
    "date": "YYYY-MM-DD, like 2016-10-01",
    "year": "four digits, like 2016",
    "boolean": "true or false",
}


def read_named_query(path: Path) -> NamedQuery:
    """Read one `.rq` file and its `#+ key: value` header (title, description, params)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise unreadable(path, error) from None
    title = description = ""
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = match.group("key").lower(), match.group("value")
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            params.append(_declared_param(path, value))
    for param in params:
        if param.default is not None:
            parse_param(param, param.default)
    return NamedQuery(path.stem, path, title, description, tuple(params), text)


def _declared_param(path: Path, declaration: str) -> Param:
    match = _PARAM.match(declaration)
    if not match or match.group("type") not in PARAM_TYPES:
        raise InputError(
            f"{path}: '#+ param: {declaration}' should read 'NAME TYPE [= DEFAULT]' "
            f"with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    return Param(match.group("name"), match.group("type"), match.group("default"))


def list_named_queries(directory: Path | None = None) -> list[NamedQuery]:
    """The bundled named queries (or those in `directory`), sorted by name."""
    folder = queries_dir() if directory is None else directory
    return [read_named_query(path) for path in sorted(folder.glob("*.rq"))]


def named_query(name: str, directory: Path | None = None) -> NamedQuery:
    folder = queries_dir() if directory is None else directory
    path = folder / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and path.is_file():
        return read_named_query(path)
    names = ", ".join(q.name for q in list_named_queries(directory)) or "none"
    raise InputError(f"--name {name}: no such named query (available: {names}); see --list")
