"""The RDF terms the code itself names, made once: every module takes `rdf:type`, the list terms,
the SHACL severities and the like from here instead of building its own `ox.NamedNode` (seven
modules each defined `RDF_TYPE`). Their IRIs come from the one prefix source
(`learningcity.namespaces`)."""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, VOCAB

_RDF = STANDARD_PREFIXES["rdf"]
_XSD = STANDARD_PREFIXES["xsd"]
_SH = STANDARD_PREFIXES["sh"]

RDF_TYPE: Final = ox.NamedNode(_RDF + "type")
RDF_FIRST: Final = ox.NamedNode(_RDF + "first")
RDF_REST: Final = ox.NamedNode(_RDF + "rest")
RDF_NIL: Final = ox.NamedNode(_RDF + "nil")

XSD_BOOLEAN: Final = ox.NamedNode(_XSD + "boolean")
XSD_DATE: Final = ox.NamedNode(_XSD + "date")
XSD_INTEGER: Final = ox.NamedNode(_XSD + "integer")
XSD_STRING: Final = ox.NamedNode(_XSD + "string")

DCAT_DATASET: Final = ox.NamedNode(STANDARD_PREFIXES["dcat"] + "Dataset")

SH_VIOLATION: Final = ox.NamedNode(_SH + "Violation")
SH_WARNING: Final = ox.NamedNode(_SH + "Warning")
SH_INFO: Final = ox.NamedNode(_SH + "Info")

LEARNING_CITY: Final = ox.NamedNode(VOCAB + "LearningCity")
