"""`learningcity publish`: a static linked-data site that refuses data failing its own shapes.

The data is validated first (`learningcity.validation`); a violation stops the publication unless
`force`, and then every page says so (a banner) and so does the dataset description
(`skos:editorialNote`, no `dcterms:conformsTo` the shapes). The site is made file by file
(`learningcity.publish.site`, no clock, so publishes are byte-identical), written to a temporary
folder as it is made and swapped in whole (`learningcity.publish.swap`), so a failed publish
leaves the previous site as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from learningcity import resources, validation
from learningcity.host import usable_cpus
from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.publish.documents import Gate
from learningcity.publish.site import Inputs, build_site, check_pages
from learningcity.publish.swap import write_site
from learningcity.rendering.iris import IriScheme, rebase

#: The model picture, drawn from the ontology by the model's own tooling (docs/model.svg).
MODEL_SVG = resources.bundled_root() / "docs" / "model.svg"


@dataclass(frozen=True)
class Published:
    """What a publish did: whether the data conformed, and how many files the site holds."""

    outcome: validation.ValidationOutcome
    written: bool
    files: int


def gate_for(outcome: validation.ValidationOutcome) -> Gate:
    return Gate(
        conforms=outcome.passed,
        violations=outcome.count(validation.VIOLATION),
        report_turtle=validation.render(outcome, "turtle").encode("utf-8"),
        report_text=validation.render(outcome, "text").encode("utf-8"),
    )


def publish(
    dataset: ox.Dataset,
    out: Path,
    *,
    base: str = DEFAULT_DATA_BASE,
    force: bool = False,
    shapes: Path | None = None,
    ontology: Path | None = None,
    workers: int | None = None,
    progress: validation.Progress | None = None,
) -> Published:
    """Validate `dataset`, then write the site for it to `out` unless it has violations.

    `base` is where the site is published (ending in `/id/`); the data's IRIs under the
    project's base are moved under it, as `learningcity serve --base` does. Validation and
    rendering use `workers` processes (default: every CPU this process may use). An IRI or a
    base no site can be written for is refused first (`check_pages`): nothing is written.
    """
    scheme = IriScheme.for_base(base)
    vocabulary = load_paths(*([ontology] if ontology else resources.vocabulary_paths()))
    check_pages(dataset, vocabulary, scheme, DEFAULT_DATA_BASE)
    step = progress or (lambda _stage: None)
    workers = workers or usable_cpus()
    outcome = validation.validate(dataset, shapes, ontology, progress=step, workers=workers)
    if not outcome.passed and not force:
        return Published(outcome, written=False, files=0)
    shapes_path = shapes or resources.shapes_path()
    inputs = Inputs(
        data=rebase(dataset, DEFAULT_DATA_BASE, scheme.base),
        ontology=rebase(vocabulary, DEFAULT_DATA_BASE, scheme.base),
        shapes=rebase(load_paths(shapes_path), DEFAULT_DATA_BASE, scheme.base),
        scheme=scheme,
        data_base=DEFAULT_DATA_BASE,
        gate=gate_for(outcome),
        model_svg=MODEL_SVG.read_bytes() if MODEL_SVG.is_file() else None,
    )
    files = write_site(out, partial(build_site, inputs, workers=workers, step=step))
    return Published(outcome, written=True, files=files)
