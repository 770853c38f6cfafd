"""The schema.org JSON-LD block a learning city's web page embeds for search engines.

The mapping from our model to schema.org 30.0 is one SPARQL CONSTRUCT (`embed.rq`, beside this
module) run on a pyoxigraph Store: it is declarative, reviewable by people who know RDF, and
produces schema.org terms only. The result is written by our JSON-LD writer, framed from the
city so that the page holds one nested object.

Why an inline `"@context": {"@vocab": "https://schema.org/", ...}` and not `"https://schema.org"`:
schema.org's published context maps terms to `http://schema.org/`, while schema.org's own RDF
(30.0) and our data use `https://schema.org/`; naming the https vocabulary inline makes every term
expand to the IRIs of the 30.0 release, needs no remote context fetch (search engines and pyld
read it as is), and search engines treat both forms alike. The context adds one thing to
`@vocab`: `sameAs` and `url` are coerced to IRIs, so their values are the plain URL strings that
pages and consumers expect while still meaning IRIs; any other IRI value is written as
`{"@id": ...}` so it is never misread as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.jsonld import Context, dumps, single_node, to_jsonld
from learningcity.terms import LEARNING_CITY, RDF_TYPE

SCHEMA = "https://schema.org/"
#: schema.org properties whose range is URL: written as plain strings, as pages usually do, and
#: coerced to IRIs so that JSON-LD readers do not take them for text.
URL_PROPERTIES = ("sameAs", "url")
EMBED_CONTEXT = {
    "@vocab": SCHEMA,
    **{name: {"@id": SCHEMA + name, "@type": "@id"} for name in URL_PROPERTIES},
}


@cache
def mapping_query() -> str:
    """The CONSTRUCT query from our model to schema.org, with `?city` as its parameter."""
    return files("learningcity").joinpath("embed.rq").read_text(encoding="utf-8")


def learning_city(dataset: Iterable[ox.Quad], resource: str | None = None) -> ox.NamedNode:
    """The city to describe: `resource`, or the one `lc:LearningCity` in the data."""
    quads = list(dataset)
    if resource is not None:
        node = ox.NamedNode(resource)
        if not any(q.subject == node for q in quads):
            raise InputError(f"--resource {resource}: the data says nothing about it")
        return node
    cities = sorted(
        {
            q.subject
            for q in quads
            if q.predicate == RDF_TYPE
            and q.object == LEARNING_CITY
            and isinstance(q.subject, ox.NamedNode | ox.BlankNode)
        },
        key=str,
    )
    if len(cities) == 1 and isinstance(cities[0], ox.NamedNode):
        return cities[0]
    if not cities:
        raise InputError("the data has no lc:LearningCity; name one with --resource IRI")
    listed = ", ".join(c.value for c in cities)
    raise InputError(f"the data has several learning cities ({listed}); pick one with --resource")


def schema_org_quads(dataset: Iterable[ox.Quad], city: ox.NamedNode) -> list[ox.Quad]:
    """The city's facts in schema.org terms (the CONSTRUCT of `embed.rq`)."""
    store = ox.Store()
    store.extend(dataset)
    triples = store.query(
        mapping_query(),
        substitutions={ox.Variable("city"): city},
        use_default_graph_as_union=True,
    )
    assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


def embed(dataset: Iterable[ox.Quad], resource: str | None = None) -> dict[str, Any]:
    """The JSON-LD document for the city's page: one object, nested from the city."""
    quads = list(dataset)
    city = learning_city(quads, resource)
    context = Context(
        EMBED_CONTEXT,
        terms={SCHEMA + name: name for name in URL_PROPERTIES},
        id_terms=frozenset(URL_PROPERTIES),
        vocab=SCHEMA,
    )
    return single_node(to_jsonld(schema_org_quads(quads, city), context, frame=True, roots=[city]))


def to_json(document: dict[str, Any]) -> str:
    return dumps(document).decode("utf-8")


def script_block(document: dict[str, Any]) -> str:
    """The `<script type="application/ld+json">` element for the page's HTML.

    Every `<` in the JSON becomes `\\u003c`, so no text in the data can close the script
    element (`</script>`) or open an HTML comment (`<!--`); JSON readers decode it back.
    """
    text = to_json(document).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}</script>\n'
