"""The planner's charts as server-rendered SVG (no chart script): per hour, the predicted waits as
bars (p90 light, median dark), the measured ones of comparable days as markers, the target as
a dashed line. Every value is escaped by format_html."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from loket.planner.measured import MeasuredDay
from loket.planner.predict import Prediction
from loket.reports.stats import percentile

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


def n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class HourBar:
    hour: int
    p50: float | None
    p90: float | None
    measured_p50: float | None
    measured_p90: float | None


def hour_bars(prediction: Prediction, comparable: list[MeasuredDay]) -> list[HourBar]:
    """Per hour of arrival: predicted and measured (pooled over the comparable days) median and p90."""
    measured: dict[int, list[float]] = {}
    for day in comparable:
        for hour, waits in day.waits.items():
            measured.setdefault(hour, []).extend(waits)
    hours = sorted({h.hour for h in prediction.hours if h.arrivals} | set(measured))
    predicted = {h.hour: h for h in prediction.hours}
    return [
        HourBar(
            hour=hour,
            p50=predicted[hour].wait_p50 if hour in predicted else None,
            p90=predicted[hour].wait_p90 if hour in predicted else None,
            measured_p50=percentile(measured.get(hour, []), 0.5),
            measured_p90=percentile(measured.get(hour, []), 0.9),
        )
        for hour in hours
    ]


def _scale(bars: list[HourBar], target: float) -> float:
    top = max([target, *(v for b in bars for v in (b.p90, b.measured_p90) if v is not None)])
    step = 10 if top <= 60 else (30 if top <= 180 else 60)
    return float(step * (int(top // step) + 1))


def wait_chart(bars: list[HourBar], target: float) -> SafeString:
    if not bars:
        return SafeString("")
    ceiling = _scale(bars, target)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(bars)

    def y(minutes: float) -> str:
        return n(TOP + plot_h * (1 - min(minutes, ceiling) / ceiling))

    def height(minutes: float) -> str:
        return n(plot_h * min(minutes, ceiling) / ceiling)

    step = 10 if ceiling <= 60 else (30 if ceiling <= 180 else 60)
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="tick">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y(m), y(m), LEFT - 6, n(float(y(m)) + 4), int(m))
            for m in range(0, int(ceiling) + 1, step)
        ),
    )
    parts = []
    for i, bar in enumerate(bars):
        x = LEFT + i * slot
        label = format_html(
            '<text x="{}" y="{}" class="hour">{}</text>', n(x + slot / 2), HEIGHT - 8, f"{bar.hour:02d}"
        )
        parts.append(label)
        for value, css, inset in ((bar.p90, "p90", 0.18), (bar.p50, "p50", 0.32)):
            if value is not None:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{} {}:00 {}: {}</title></rect>',
                        n(x + slot * inset),
                        y(value),
                        n(slot * (1 - 2 * inset)),
                        height(value),
                        css,
                        _("Prediksi"),
                        f"{bar.hour:02d}",
                        css,
                        f"{value:.0f}",
                    )
                )
        for value, css in ((bar.measured_p90, "m90"), (bar.measured_p50, "m50")):
            if value is not None:
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="5" class="{}"><title>{} {}:00 {}: {}</title></circle>',
                        n(x + slot / 2),
                        y(value),
                        css,
                        _("Terukur"),
                        f"{bar.hour:02d}",
                        css,
                        f"{value:.0f}",
                    )
                )
    target_line = format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="target"/>', LEFT, WIDTH - RIGHT, y(target), y(target)
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="wait-chart-title" class="chart">'
        '<title id="wait-chart-title">{}</title>{}{}{}</svg>',
        WIDTH, HEIGHT, _("Waktu tunggu per jam kedatangan (menit)"), grid, SafeString("".join(parts)), target_line,
    )  # fmt: skip
