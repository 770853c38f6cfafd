"""Where bundled artifacts (ontology, shapes, JSON-LD context, named queries) are read from.

A wheel carries them under `learningcity/bundled/`; an editable install or a source checkout reads
the top-level folders of the repository. This module is the one place that knows both layouts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def bundled_root() -> Path:
    packaged = _PACKAGE_DIR / "bundled"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent.parent


def ontology_path() -> Path:
    """The ontology proper: its terms, their meaning and class hierarchy (what validation mixes
    into the data)."""
    return bundled_root() / "ontology" / "learningcity.ttl"


def alignments_path() -> Path:
    """How the ontology's properties relate to other vocabularies' (`rdfs:subPropertyOf`,
    `rdfs:seeAlso`): kept apart so that a mapping is reviewed as one, never read as a term's
    definition; no shape depends on it."""
    return bundled_root() / "ontology" / "learningcity-alignments.ttl"


def vocabulary_paths() -> tuple[Path, ...]:
    """The files of the vocabulary as it is served and published: the ontology and its
    alignments, one graph."""
    return (ontology_path(), alignments_path())


def shapes_path() -> Path:
    return bundled_root() / "shapes" / "learningcity.shapes.ttl"


def context_path() -> Path:
    return bundled_root() / "context" / "learningcity.jsonld"


def queries_dir() -> Path:
    return bundled_root() / "queries"


def default_data_path(cwd: Path | None = None) -> Path | None:
    """`data/yongsan.ttl` when a command runs inside the repository, else None."""
    candidate = (cwd or Path.cwd()) / "data" / "yongsan.ttl"
    return candidate if candidate.is_file() else None
