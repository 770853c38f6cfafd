"""A profile page's HTML as lines of text, the shape the text parser reads.

Why lines and not a DOM query: the network's pages change their markup more often than their
wording, so the importer keys on the words ("Member since", "Good practices") and uses markup only
for what text cannot say: where a block ends, which lines are headings, which text is an icon or
page chrome.

The markup is parsed by html5lib, the HTML5 parsing algorithm in Python, into a tree, and the
tree is walked: where an element ends is what a browser decides (an `<li>` or `<p>` without its
optional end tag ends at the next one, an unclosed element at its parent's end), so skipping an
element (`<nav>`, `<footer>`) skips exactly its subtree. An event parser that matched end tags
itself kept skipping to the end of the page after a `<nav>` whose `<li>`s had no `</li>`.
Entities are decoded by the parser; nothing is fetched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import SupportsIndex

import html5lib

from learningcity.errors import InputError
from learningcity.profiles.lines import Line

#: The deepest nesting read. Real profile pages nest a few dozen elements; the HTML5 algorithm
#: scans the stack of open elements at most start tags, so without a bound a page of 20,000
#: nested `<div>`s took html5lib 91 s. Browsers bound the tree's depth at a few hundred too.
MAX_DEPTH = 256

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
_END_OF_ITEM = "\x00end of list item"  # a marker on the walk's stack, not text of the page


class _PageText:
    """The content lines of a parsed page, collected by walking its tree in document order."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._buffer: list[str] = []
        self._level = 0
        self._items: list[int] = []  # the numbers of the list items open around the text
        self._counted = 0  # list items opened so far

    def walk(self, root: ET.Element) -> None:
        """Collect the text of `root`'s tree in document order, leaving out skipped elements
        (page chrome, scripts, icons: their text is not content, the text after them is).

        A stack, not recursion: a page nested thousands of elements deep is still read.
        `None` on the stack is the end of a block element."""
        pending: list[ET.Element | str | None] = [root]
        while pending:
            item = pending.pop()
            if item is None:
                self._flush()
                self._level = 0
            elif item == _END_OF_ITEM:
                self._flush()
                self._items.pop()
            elif isinstance(item, str):
                self._buffer.append(item)
            else:
                pending.extend(reversed(self._open(item)))

    def _open(self, element: ET.Element) -> list[ET.Element | str | None]:
        """Start `element`; what comes inside it, in order: its text, its children each
        followed by the text after it, and its end if it is a block."""
        tag = _local_name(element.tag)
        if tag in _VOID:
            if tag in _BLOCKS:
                self._flush()
            return []
        if tag in _SKIPPED or self._is_icon(element.attrib):
            return []
        if tag in _BLOCKS:
            self._flush()
            heading = _HEADING.match(tag)
            if heading:
                self._level = int(heading.group(1))
        inside: list[ET.Element | str | None] = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                inside.append(child)
            inside.append(child.tail or "")
        if tag in _BLOCKS:
            inside.append(None)
        if tag == "li":
            self._counted += 1
            self._items.append(self._counted)
            inside.append(_END_OF_ITEM)
        return inside

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        if text.strip():
            self.lines.append(Line(text, self._level, item=self._items[-1] if self._items else 0))
        elif self.lines and self.lines[-1].text:
            self.lines.append(Line("", 0))

    @staticmethod
    def _is_icon(attributes: dict[str, str]) -> bool:
        return attributes.get("aria-hidden") == "true" or bool(
            _ICON_CLASS.search(attributes.get("class", ""))
        )


class _OpenElements(list):
    """html5lib's stack of open elements, refusing to grow past MAX_DEPTH."""

    def append(self, element: object) -> None:
        self._check()
        super().append(element)

    def insert(self, index: SupportsIndex, element: object) -> None:
        self._check()
        super().insert(index, element)

    def _check(self) -> None:
        if len(self) >= MAX_DEPTH:
            raise InputError(
                f"the markup nests elements more than {MAX_DEPTH} deep, where a profile page "
                "nests a few dozen; give the page as the network's site serves it"
            )


class _TreeBuilder(html5lib.getTreeBuilder("etree")):  # type: ignore[misc]
    """html5lib's ElementTree builder, with the bounded stack of open elements."""

    def reset(self) -> None:
        super().reset()
        self.openElements = _OpenElements()


def _local_name(tag: str) -> str:
    """`svg` for html5lib's `{http://www.w3.org/2000/svg}svg`; HTML elements have no namespace
    here (`namespaceHTMLElements=False`)."""
    return tag.rpartition("}")[2]


def _canonical_url(root: ET.Element) -> str | None:
    """The page's first `<link rel="canonical">` or `<meta property="og:url">`, wherever it is
    (in `<head>`, which is skipped as content)."""
    for element in root.iter():
        url = None
        if element.tag == "link" and "canonical" in element.get("rel", "").split():
            url = element.get("href")
        elif element.tag == "meta" and element.get("property") == "og:url":
            url = element.get("content")
        if url:
            return url
    return None


def html_lines(markup: str) -> tuple[list[Line], str | None]:
    """The page's content lines, from its first `<h1>` on (menus above it are chrome), and the
    canonical URL the page declares, if any."""
    parser = html5lib.HTMLParser(tree=_TreeBuilder, namespaceHTMLElements=False)
    root = parser.parse(markup)
    page = _PageText()
    page.walk(root)
    page.close()
    lines = page.lines
    first_h1 = next((i for i, line in enumerate(lines) if line.level == 1), 0)
    url = _canonical_url(root)
    return lines[first_h1:], url if url and url.startswith(("http://", "https://")) else None
