"""learningcity: a knowledge graph and linked-data publisher for learning cities.

The version below is the one source of the release number: the package, the ontology's
``owl:versionInfo`` and version IRI, and the JSON-LD context all carry it (a test checks).
"""

__version__ = "0.1.0"
