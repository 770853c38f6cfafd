"""The warnings policy of pyproject.toml: a deprecation from our own code fails the test that
triggers it; rdflib's known flood stays silent; any other warning still shows."""

from __future__ import annotations

import warnings

import pytest
import rdflib


def _warn_from(module: str, message: str, category: type[Warning] = DeprecationWarning) -> None:
    """A warning as Python files it when raised, or triggered, from a frame of `module`."""
    warnings.warn_explicit(message, category, f"{module.replace('.', '/')}.py", 1, module=module)


@pytest.mark.parametrize("module", ["learningcity", "learningcity.validation"])
def test_a_deprecation_from_our_code_is_an_error(module: str) -> None:
    with pytest.raises(DeprecationWarning, match="new"):
        _warn_from(module, "a new deprecation")


def test_rdflibs_own_dataset_deprecations_are_silent() -> None:
    with warnings.catch_warnings(record=True) as caught:
        dataset = rdflib.Dataset()
        dataset.add((rdflib.URIRef("urn:x:s"), rdflib.URIRef("urn:x:p"), rdflib.URIRef("urn:x:o")))
        hash(dataset)
        assert len(list(dataset.quads())) == 1
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("rdflib.graph", "some other deprecation"),
        ("rdflib.term", "Dataset.default_context is deprecated"),
        ("learningcity_lookalike", "Dataset.identifier is deprecated"),
    ],
)
def test_other_deprecations_still_show(module: str, message: str) -> None:
    with warnings.catch_warnings(record=True) as caught:  # the filters as configured, kept
        _warn_from(module, message)
    assert [str(w.message) for w in caught] == [message]
