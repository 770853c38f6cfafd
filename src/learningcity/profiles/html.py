"""A profile page's HTML as lines of text, the shape the text parser reads.

Why lines and not a DOM query: the network's pages change their markup more often than their
wording, so the importer keys on the words ("Member since", "Good practices") and uses markup only
for what text cannot say: where a block ends, which lines are headings, which text is an icon or
page chrome. Entities are decoded by the standard library's parser; nothing is fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from learningcity.profiles.lines import Line

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIPPED = frozenset(
    ["script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "button"]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_ICON_CLASS = re.compile(r"\b(?:material-(?:icons|symbols)[\w-]*|icon|fa|fas|far|bi)\b")
_HEADING = re.compile(r"^h([1-6])$")


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.canonical_url: str | None = None
        self._buffer: list[str] = []
        self._level = 0
        self._skipping: list[str] = []  # stack of open elements whose text is not content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self._note_canonical(tag, attributes)
        if tag in _VOID:
            if tag in _BLOCKS:
                self._flush()
            return
        if self._skipping or tag in _SKIPPED or self._is_icon(attributes):
            self._skipping.append(tag)
            return
        if tag in _BLOCKS:
            self._flush()
            heading = _HEADING.match(tag)
            if heading:
                self._level = int(heading.group(1))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if self._skipping[-1] == tag:
                self._skipping.pop()
            return
        if tag in _BLOCKS:
            self._flush()
            self._level = 0

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        if text.strip():
            self.lines.append(Line(text, self._level))
        elif self.lines and self.lines[-1].text:
            self.lines.append(Line("", 0))

    @staticmethod
    def _is_icon(attributes: dict[str, str]) -> bool:
        return attributes.get("aria-hidden") == "true" or bool(
            _ICON_CLASS.search(attributes.get("class", ""))
        )

    def _note_canonical(self, tag: str, attributes: dict[str, str]) -> None:
        if self.canonical_url:
            return
        if tag == "link" and "canonical" in attributes.get("rel", "").split():
            self.canonical_url = attributes.get("href") or None
        elif tag == "meta" and attributes.get("property") == "og:url":
            self.canonical_url = attributes.get("content") or None


def html_lines(markup: str) -> tuple[list[Line], str | None]:
    """The page's content lines, from its first `<h1>` on (menus above it are chrome), and the
    canonical URL the page declares, if any."""
    parser = _PageText()
    parser.feed(markup)
    parser.close()
    lines = parser.lines
    first_h1 = next((i for i, line in enumerate(lines) if line.level == 1), 0)
    url = parser.canonical_url
    return lines[first_h1:], url if url and url.startswith(("http://", "https://")) else None
