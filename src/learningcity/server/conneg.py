"""Content negotiation: `Accept` and `Accept-Language` with q-values (RFC 9110 §12.5).

A client's preference wins over ours; among equal q-values the more specific range wins
(`text/turtle` over `text/*` over `*/*`), and among offers tied on both, our order decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        offered_type, _, offered_subtype = media_type.partition("/")
        return self.type in ("*", offered_type) and self.subtype in ("*", offered_subtype)


def _q(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def _ranges(header: str) -> list[_Range]:
    ranges = []
    for item in header.split(","):
        media_range, *parameters = item.split(";")
        kind, _, subtype = media_range.strip().lower().partition("/")
        if kind and subtype:
            ranges.append(_Range(kind, subtype, _q(parameters)))
    return ranges


def quality(ranges: list[_Range], media_type: str) -> float:
    """The q-value the most specific matching range gives `media_type` (0 when none matches)."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda r: r.specificity).q


def choose_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client likes best, `offers[0]` when it states no preference, else None."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    if not ranges:
        return offers[0]
    scored = [(quality(ranges, offer), -index, offer) for index, offer in enumerate(offers)]
    best_q, _, best = max(scored)
    return best if best_q > 0 else None


def choose_language(accept_language: str | None, offers: Sequence[str]) -> str:
    """The best-liked offer by `Accept-Language` (`ko-KR` matches `ko`), else the first."""
    best, best_q = offers[0], 0.0
    for item in (accept_language or "").split(","):
        tag, *parameters = item.split(";")
        tag = tag.strip().lower()
        q = _q(parameters)
        for offer in offers:
            if q > best_q and (tag == "*" or tag == offer or tag.split("-")[0] == offer):
                best, best_q = offer, q
    return best
