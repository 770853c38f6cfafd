"""The project's prefixes, and how an IRI's head tells which namespaces it can be in."""

from __future__ import annotations

import pytest

from learningcity.namespaces import GEN_DELIMS, iri_head, namespace_cuts, prefixes, slash_head_end


def test_every_project_namespace_ends_with_a_gen_delim() -> None:
    assert [ns for ns in prefixes().values() if not ns.endswith(GEN_DELIMS)] == []


def test_the_head_ends_at_the_last_gen_delim() -> None:
    assert iri_head("https://w3id.org/learningcity/id/city/kr-yongsan-gu") == (
        "https://w3id.org/learningcity/id/city/"
    )
    assert iri_head("https://w3id.org/learningcity/ontology#LearningCity") == (
        "https://w3id.org/learningcity/ontology#"
    )
    assert iri_head("urn:isbn:0451450523") == "urn:isbn:"
    assert iri_head("no-gen-delim-here") is None


def test_each_namespace_an_iri_starts_with_ends_at_a_cut_of_its_head() -> None:
    iri = "https://w3id.org/learningcity/id/city/kr-yongsan-gu"
    head = iri_head(iri)
    assert head is not None
    starts = {head[:cut] for cut in namespace_cuts(head)}
    assert starts == {
        "https:",
        "https:/",
        "https://",
        "https://w3id.org/",
        "https://w3id.org/learningcity/",
        "https://w3id.org/learningcity/id/",
        "https://w3id.org/learningcity/id/city/",
    }
    assert {ns for ns in prefixes().values() if iri.startswith(ns)} <= starts


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/learningcity/id/city/kr-yongsan-gu",
        "https://w3id.org/learningcity/ontology#LearningCity",
        "https://example.org/a/b?x=1",
        "https://example.org/a/b:c",
        "https://example.org/a/",
        "https://ko.wikipedia.org/wiki/용산구",
        "urn:isbn:0451450523",
        "mailto:a@b.org",
    ],
)
def test_the_slash_head_of_bytes_is_iri_heads_when_that_ends_with_a_slash(iri: str) -> None:
    head = iri_head(iri)
    expected = len(head.encode()) if head is not None and head.endswith("/") else 0
    assert slash_head_end(iri.encode()) == expected
    assert slash_head_end(f"<{iri}>".encode()) == (expected and expected + 1)
