"""HTML import on the HTML5 parsing algorithm: the exact lines a page gives.

Element boundaries are the parser's (html5lib): optional end tags (`</li>`, `</p>`, `</td>`,
`</option>`, `</dd>`) left out inside and outside skipped elements (`nav`, `footer`, `form`),
unclosed elements, `<br>`, entities and Korean text. The event parser before it returned no
line at all for the first page below: its `<nav>` never ended.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from learningcity.profiles.html import MAX_DEPTH, html_lines
from support import FIXTURES

PAGES = FIXTURES / "profiles" / "html"
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def _lines(name: str) -> tuple[list[tuple[str, int]], str | None]:
    lines, url = html_lines((PAGES / name).read_text(encoding="utf-8"))
    return [(line.text, line.level) for line in lines], url


def _blocks(*blocks: tuple[str, int]) -> list[tuple[str, int]]:
    """Each block's line followed by the blank line a block's end leaves."""
    return [line for block in blocks for line in (block, ("", 0))]


def test_optional_end_tags_inside_and_outside_skipped_elements() -> None:
    lines, url = _lines("optional-end-tags.html")
    assert url == "https://www.uil.unesco.org/en/learning-cities/suwon"
    assert lines == _blocks(
        ("Suwon, Republic of Korea", 1),
        ("Suwon is a city south of Seoul.", 0),
        ("It joined the network early.", 0),
        ("City population", 0),
        ("1,200,000", 0),
        ("Member since", 0),
        ("2016", 0),
        ("Focal point", 0),
        ("Ms Ji-won Kim", 0),
        ("Mayor", 0),
        ("Mr Jae-joon Lee", 0),
        ("Vision", 2),
        ("Learning for everyone.", 0),
        ("After the footer.", 0),
    )


def test_unclosed_elements_line_breaks_entities_and_korean() -> None:
    lines, url = _lines("unclosed.html")
    assert url == "https://www.uil.unesco.org/ko/learning-cities/suwon"
    assert lines == [
        ("Suwon, Republic of Korea", 1),
        ("", 0),
        ("Mayor", 0),
        ("Mr Jae-joon Lee", 0),
        ("Good practices", 2),
        ("", 0),
        ("수원시 평생학습관 & 도서관", 3),
        ("", 0),
        ("Line one", 0),
        ("Line two", 0),
        ("Line three", 0),
        ("", 0),
        ("Citizens’ learning <together> — 배움가", 0),
        ("", 0),
        ("Classes for adults", 0),
        ("", 0),
        ("수원시는 평생학습도시입니다", 0),
        ("", 0),
    ]


def test_a_skipped_element_ends_where_the_parser_ends_it() -> None:
    """`</nav>` left out: the nav ends with its parent, as in a browser, and what follows the
    parent is content."""
    lines, _ = html_lines("<div><nav><ul><li>Home<li>Cities</div><h1>Bremen, Germany</h1>")
    assert [(line.text, line.level) for line in lines] == _blocks(("Bremen, Germany", 1))


def test_deep_nesting_is_one_line_and_bad_input(tmp_path: Path) -> None:
    """The HTML5 algorithm scans the stack of open elements at most start tags: a page of
    20,000 nested `<div>`s took 91 s. It stops at MAX_DEPTH, at once."""
    page = tmp_path / "deep.html"
    page.write_text("<h1>Bremen, Germany</h1>" + "<div>" * 20_000 + "x", encoding="utf-8")
    done = subprocess.run(
        [LEARNINGCITY, "import", str(page), "--read-on", "2026-11-24"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"learningcity: error: {page}: the markup nests elements more than {MAX_DEPTH} deep, "
        "where a profile page nests a few dozen; give the page as the network's site serves it"
    ]


def test_nesting_below_the_bound_is_read() -> None:
    depth = MAX_DEPTH - 10  # html, body and the heading's ancestors take a few
    lines, _ = html_lines("<h1>Bremen, Germany</h1>" + "<div>" * depth + "Deep")
    assert [(line.text, line.level) for line in lines] == [
        ("Bremen, Germany", 1),
        ("", 0),
        ("Deep", 0),
        ("", 0),
    ]
