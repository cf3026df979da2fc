"""Charts as server-rendered SVG: no chart script, no inline style (the page's CSS colours them).

Small on purpose: a bar chart is all the report pages need. The capacity planner may use it
too, so it takes plain numbers and labels and knows nothing about offices.
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    extra: float = 0.0  # a second series stacked on top (e.g. no-shows on bookings); 0 for none


def _n(value: float) -> str:
    return f"{value:.1f}"


def _nice_max(value: float) -> float:
    """The axis top: the smallest of 1, 2, 2.5, 5 x 10^k at or above the value."""
    if value <= 0:
        return 1.0
    scale = 1.0
    while scale * 10 <= value:
        scale *= 10
    while scale > value:
        scale /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= value:
            return step * scale
    return 10 * scale


def bar_chart(
    bars: list[Bar], *, title: str, description: str, width: int = 640, height: int = 220, css: str = ""
) -> SafeString:
    """A vertical bar chart: `title` names it for screen readers, `description` says what it shows.

    Values are drawn from zero; each bar carries its value as a <title> (a hover tip) and the
    figures are also in the table next to every chart, so nothing depends on seeing it.
    """
    left, bottom, top, right = 44, 30, 12, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((b.value + b.extra for b in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    parts = [
        format_html(
            '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
            'xmlns="http://www.w3.org/2000/svg">',
            css,
            width,
            height,
            css or "chart",
            css or "chart",
        ),
        format_html(
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>', css or "chart", title, css or "chart", description
        ),
    ]
    for tick in (0, 0.5, 1):
        y = top + plot_h * (1 - tick)
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                _n(y),
                width - right,
                _n(y),
                left - 4,
                _n(y + 4),
                f"{peak * tick:g}",
            )
        )
    bar_w = max(slot * 0.7, 1)
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * bar.value / peak
        y = top + plot_h - h
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                _n(x),
                _n(y),
                _n(bar_w),
                _n(h),
                bar.label,
                f"{bar.value:g}",
            )
        )
        if bar.extra:
            h2 = plot_h * bar.extra / peak
            parts.append(
                format_html(
                    '<rect class="bar extra" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                    _n(x),
                    _n(y - h2),
                    _n(bar_w),
                    _n(h2),
                    bar.label,
                    f"{bar.extra:g}",
                )
            )
        if len(bars) <= 16 or i % 2 == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x + bar_w / 2),
                    height - 10,
                    bar.label,
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every piece above is escaped by format_html
