"""`publish` writes inside --out only, and only what every host serves as it is.

An IRI becomes a file path at one place (`learningcity.rendering.iris.page_path`): an IRI that no
page can be written for (dot segments, plain or percent-encoded, empty segments, characters a
file name or a host's configuration gives a meaning, Windows device names, names over 255
bytes, two pages that would be one file) is refused in one line naming it, exit 2, before
anything is written. The installed command runs on hostile data beside a sibling folder with a
sentinel file; the generated nginx configuration is read by Debian's nginx (`nginx -t`) and
serves the pages of unusual but accepted IRIs; a bounded property test feeds hostile IRIs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.publish import publish
from learningcity.publish.documents import resource_names
from learningcity.publish.hosting import host_configs
from learningcity.publish.swap import contained
from learningcity.rendering.iris import IriScheme
from learningcity.resources import ontology_path
from processes import free_port

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = FIXTURES / "shapes.ttl"
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
BASE = "https://w3id.org/learningcity/id/"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
CITY = (FIXTURES / "city-valid.ttl").read_text()

#: IRIs under the base that no page can be written for, each with what the message must say.
HOSTILE = {
    "city/../../../elsewhere/x": "'..' segment",
    "city/./x": "'.' segment",
    "city/%2e%2e/%2E%2E/elsewhere/x": "percent-encoded",
    "city//x": "empty segment",
    "city/a*": "splat",
    "city/a:b": "placeholder",
    "city/x#it": "fragment",
    "city/x?page=2": "query",
    "city/con.thing": "device name",
    "city/trailing.": "ending in '.'",
    "city/x\u202ey": "U+202E",  # right-to-left override: invisible, reverses what is shown
    "city/" + "z" * 250: "file name over 255 bytes",
    "city/" + "a/" * 600 + "x": "path over 1024 bytes",
}


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the digest of each file's bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "folder"
        for p in sorted(folder.rglob("*"))
    }


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [LEARNINGCITY, "publish", *arguments, "--shapes", str(SHAPES)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def workplace(tmp_path: Path) -> Path:
    """A previous site at work/site and a sibling folder work/elsewhere with a sentinel."""
    work = tmp_path / "work"
    publish(load_paths(FIXTURES / "city-valid.ttl"), work / "site", shapes=SHAPES)
    (work / "elsewhere").mkdir()
    (work / "elsewhere" / "x.ttl").write_text("sentinel\n")
    return work


def assert_refused(
    done: subprocess.CompletedProcess[str], work: Path, before: dict[str, str], *said: str
) -> None:
    """Exit 2 with one line saying `said`, and nothing changed or added beside --out."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for text in said:
        assert text in lines[0], lines[0]
    assert tree(work.parent) == before  # the sentinel, the previous site, nothing new


@pytest.mark.parametrize("local", HOSTILE, ids=lambda local: HOSTILE[local])
def test_a_hostile_iri_in_the_data_is_refused_and_nothing_is_written(workplace, local):
    iri = BASE + local
    data = workplace / "data.ttl"
    data.write_text(f'{CITY}\n<{iri}> {LABEL} "x" .\n')
    before = tree(workplace.parent)
    done = run(str(data), "--out", str(workplace / "site"))
    shown = iri.replace("\u202e", "\\u202e")[:200]
    assert_refused(done, workplace, before, shown, HOSTILE[local])


def test_a_hostile_term_in_the_ontology_is_refused_and_nothing_is_written(workplace):
    term = "https://w3id.org/learningcity/policy-area/../../../elsewhere/x"
    ontology = workplace / "ontology.ttl"
    ontology.write_text(ontology_path().read_text() + f'\n<{term}> {LABEL} "x"@en .\n')
    before = tree(workplace.parent)
    done = run(
        str(FIXTURES / "city-valid.ttl"),
        "--out",
        str(workplace / "site"),
        "--ontology",
        str(ontology),
    )
    assert_refused(done, workplace, before, term, "'..' segment")


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("city/x", "city/x.ko", "would be one file"),  # x.ko.html: x in Korean, x.ko in English
        ("city/Seoul", "city/seoul", "differ only by case"),
        ("city/", "city/index", "would be one file"),  # both doc/city/index.html
        ("city/x", "city/x.ttl/y", "needs a folder"),  # doc/city/x.ttl, a file and a folder
    ],
)
def test_two_iris_whose_pages_would_be_one_file_are_refused(workplace, first, second, said):
    data = workplace / "data.ttl"
    data.write_text(f'{CITY}\n<{BASE}{first}> {LABEL} "a" .\n<{BASE}{second}> {LABEL} "b" .\n')
    before = tree(workplace.parent)
    done = run(str(data), "--out", str(workplace / "site"))
    assert_refused(done, workplace, before, BASE + first, BASE + second, said)


def test_an_iri_and_its_twin_under_the_new_base_are_one_page(workplace):
    """Both become the same IRI when the data is moved under --base: not a collision."""
    data = workplace / "data.ttl"
    twin = "https://example.org/lc/id/city/kr-yongsan-gu"
    data.write_text(f'{CITY}\n<{twin}> {LABEL} "twin" .\n')
    out = workplace / "site"
    done = run(str(data), "--out", str(out), "--base", "https://example.org/lc/id/")
    assert done.returncode == 0, done.stderr
    assert (out / "doc" / "city" / "kr-yongsan-gu.ttl").is_file()


@pytest.mark.parametrize(
    "base",
    [
        "https://example.org/a$b/id/",  # an nginx variable
        "https://example.org/a;b/id/",  # ends an nginx directive
        "https://example.org/a(b)/id/",  # a regex group
        "https://example.org/a%20b/id/",
        "https://example.org/a/../id/",
        "https://example.org//id/",
        "https://example.org/x?a=/id/",
        "https://a;b/id/",  # a server_name directive cut short
        "https://example.org/a\nSitemap: https://evil.example/x/id/",  # a line in robots.txt
        "https://example.org/a b/id/",
        "urn:learningcity/id/",
    ],
)
def test_a_base_no_host_configuration_can_carry_is_refused(workplace, base):
    data = workplace / "data.ttl"
    data.write_text(CITY)
    before = tree(workplace.parent)
    done = run(str(data), "--out", str(workplace / "site"), "--base", base)
    assert_refused(done, workplace, before, "--base")


def test_the_final_guard_refuses_any_name_that_would_leave_the_folder():
    for name in ("../x", "a/../../x", "/etc/x", "a//b", "a/./b", "a\\..\\b", "a\x00b", "a/"):
        with pytest.raises(InputError, match="leave the site folder"):
            contained(name)
    contained("doc/city/x.ko.html")
    contained("policy-area/.ttl")  # a folder IRI's alternates: `policy-area/` + `.ttl`


# -- what is accepted is served as it is ---------------------------------------------------------

#: Unusual IRIs that are pages: sub-delimiters, marks, other scripts (served by nginx below).
ACCEPTED = [
    "place/paris_(france)",
    "person/o'brien",
    "note/a+b,c;d=e&f!g$h@i~j",
    "city/서울-용산구",
    "city/café",
    "city/v1.2-beta",
]


@pytest.fixture(scope="module")
def unusual_nginx(
    tmp_path_factory: pytest.TempPathFactory, serve_with_nginx
) -> Iterator[tuple[httpx.Client, Path]]:
    """The site of ACCEPTED at a base whose path holds a dot, served by Debian's nginx with
    the generated configuration (which `nginx -t` must accept first)."""
    prefix = tmp_path_factory.mktemp("nginx-unusual")
    port = free_port()
    site = prefix / "root" / "v1.0"  # the site is served under /v1.0/
    data = CITY + "".join(f'<{BASE}{local}> {LABEL} "x" .\n' for local in ACCEPTED)
    dataset = ox.Dataset(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
    publish(dataset, site, base=f"http://127.0.0.1:{port}/v1.0/id/", shapes=SHAPES)
    with serve_with_nginx(prefix, site, port, root=prefix / "root") as client:
        yield client, site


@pytest.mark.parametrize("local", ACCEPTED)
def test_an_unusual_but_accepted_iri_is_served_by_nginx(unusual_nginx, local):
    client, _site = unusual_nginx
    thing = client.get(f"/v1.0/id/{local}", headers={"Accept": "text/turtle"})
    assert thing.status_code == 303, thing.text
    location = next(v for k, v in thing.headers.raw if k.lower() == b"location").decode()
    assert location == f"/v1.0/doc/{local}.ttl"
    document = client.get(f"/v1.0/doc/{local}", headers={"Accept": "text/turtle"})
    assert document.status_code == 200
    quads = ox.parse(document.content, format=ox.RdfFormat.TURTLE)
    assert any(q.subject.value.endswith(f"/v1.0/id/{local}") for q in quads)
    page = client.get(f"/v1.0/doc/{local}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<html" in page.text


def test_the_regex_of_a_dotted_base_matches_that_base_only(unusual_nginx):
    client, _site = unusual_nginx
    assert client.get("/v1x0/id/city/café", headers={"Accept": "text/turtle"}).status_code == 404


def redirect_rules(text: str) -> list[list[str]]:
    """`_redirects` as Netlify's netlify-redirect-parser and Cloudflare's parseRedirects read
    it: a line is split at white space; a line or a token starting with `#` is a comment."""
    rules = []
    for line in text.splitlines():
        tokens = line.split()
        if tokens and not tokens[0].startswith("#"):
            rules.append(tokens)
    return rules


def test_each_accepted_page_is_one_static_rule_in_redirects(unusual_nginx):
    _client, site = unusual_nginx
    rules = redirect_rules((site / "_redirects").read_text())
    assert rules[0] == ["/v1.0/id/*", "/v1.0/doc/:splat", "303"]  # the one dynamic rule
    static = rules[1:]
    assert all(len(r) == 3 and r[2] == "200" for r in static)
    # a splat (*) or placeholder (:name) would make a rule dynamic and shadow others
    assert not [r for r in static if re.search(r"\*|:[A-Za-z]", r[0] + r[1])]
    sources = [r[0] for r in static]
    for local in ACCEPTED:
        assert f"/v1.0/doc/{local}" in sources


# -- every IRI: refused in one line, or written inside the folder and served as it is ------------

#: Local parts of IRIs built from the pieces that have a meaning somewhere (dot segments, their
#: percent-encoded form, separators, splats, placeholders, invisible characters) and plain ones.
PIECES = (
    *"aZ9-._~!$&'()+,;=@%*:?#/\\ ",
    *("..", "%2e", "%2E", "%2f", "\u00e9", "\uc11c", "\u202e", "\u200b"),
    *("con", "index", ".ko", ".html"),
)
LOCAL = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(local=LOCAL)
def test_any_iri_is_refused_in_one_line_or_contained(tmp_path, local):
    scheme = IriScheme.for_base(BASE)
    iri = BASE + "city/" + local
    try:
        ox.NamedNode(iri)
    except ValueError:
        return  # no RDF data can hold it
    try:
        path = scheme.page_of(iri)
    except InputError as refused:
        assert "\n" not in str(refused) and "\r" not in str(refused)
        assert "no page can be written" in str(refused)
        return
    names = resource_names(path)
    for name in names:
        contained(name)
        assert (tmp_path / name).resolve().is_relative_to(tmp_path.resolve())
    rules = redirect_rules(host_configs(scheme, names)["_redirects"].decode())
    assert all(len(r) == 3 for r in rules)
    assert not [r for r in rules[1:] if re.search(r"\*|:[A-Za-z]", r[0] + r[1])]
