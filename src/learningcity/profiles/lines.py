"""A line of a profile page: its text with whitespace tidied, and its heading level if known."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"^#(?:\s|$)")


@dataclass(frozen=True)
class Line:
    """`level` is 1-6 for an HTML heading, 0 otherwise (plain text has no levels); `item` is
    the number of the HTML list item the line is in (0: none; lines of one item share it),
    where plain text writes a bullet (`- `, `• `)."""

    text: str
    level: int = 0
    item: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        tidy = _SPACE.sub(" ", unicodedata.normalize("NFC", self.text)).strip()
        object.__setattr__(self, "text", tidy)


def text_lines(text: str) -> list[Line]:
    """Lines of a plain-text profile; `# ...` lines are comments (the `new` scaffold's help)."""
    return [Line(raw) for raw in text.splitlines() if not _COMMENT.match(raw.strip())]
