"""Paths shared by the tests: the repository, its fixtures, and the read-only `../shared`."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()  # CI may place it beside the clone as a link
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The RDF media types a client may ask the server for, spelled out here rather than read from
#: the code under test, each with the Oxigraph parser that reads the answer back.
SERVED_RDF_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
