"""Bar charts as inline SVG: members per year, per region, per SDG.

Inline, so that a chart needs no script, no font and no file beside the page (it shows in a saved
page, a static host, a feed reader); drawn with presentation attributes rather than the style
sheet, so that it is legible even when the style sheet is not loaded. Each chart is an image to
assistive technology (`role="img"`) named by its `<title>` and described by its `<desc>`, which
states every bar's value; every bar also carries its label and value as text, and links to the
list it counts. One bar per row, its label above it: long names (a region, an SDG) never collide;
the chart takes the width it is given, up to 30rem, so a phone's width is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480
ROW = 48
FONT = 18
BAR = 14
#: Room right of the longest bar for its value.
VALUE_ROOM = 56
INK = "#1a1a1a"
BAR_FILL = "#0645ad"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


def bar_chart(ident: str, title: str, description: str, bars: Sequence[Bar]) -> Markup:
    """The SVG of a horizontal bar chart; `ident` makes its element ids unique on the page,
    `description` is said before the values (`<desc>`)."""
    longest = max((bar.value for bar in bars), default=0) or 1
    rows = []
    for i, bar in enumerate(bars):
        top = i * ROW
        length = max(2, round(bar.value / longest * (WIDTH - VALUE_ROOM)))
        row = (
            f'<text x="0" y="{top + FONT}">{escape(bar.label)}</text>'
            f'<rect x="0" y="{top + FONT + 6}" width="{length}" height="{BAR}" '
            f'fill="{BAR_FILL}"/>'
            f'<text x="{length + 6}" y="{top + FONT + 6 + BAR - 1}">{bar.value}</text>'
        )
        if bar.href is not None:
            row = f'<a href="{escape(bar.href)}">{row}</a>'
        rows.append(row)
    values = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    height = max(ROW, len(bars) * ROW)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" style="width:100%;max-width:30rem;height:auto" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, \'Noto Sans KR\', sans-serif" font-size="{FONT}" '
        f'fill="{INK}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)} {escape(values)}.</desc>'
        f"{''.join(rows)}</svg>"
    )
