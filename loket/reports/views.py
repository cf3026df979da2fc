"""The report pages: an office's days for its supervisor, every office for the national administrator.

Both read a date range (the office's local days; at most MAX_DAYS) and answer as a page or,
with `?format=csv`, as a spreadsheet file with the same columns. Counts only: no names, no NIK.
"""

import csv
import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from loket.accounts.models import StaffRoleKind
from loket.core.dates import BoundedDateField
from loket.core.forms import DATE
from loket.core.replica import on_replica
from loket.offices.models import Office
from loket.onsite.access import national_view, officer_view
from loket.reports.charts import Bar, bar_chart
from loket.reports.planning import Planning, office_planning
from loket.reports.stats import MAX_DAYS, Figures, national_report, office_report

DEFAULT_DAYS = 14
WEEKDAYS = [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]


class RangeForm(forms.Form):
    day_from = BoundedDateField(label=_("Dari tanggal"), widget=DATE)
    day_to = BoundedDateField(label=_("Sampai tanggal"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("day_from"), data.get("day_to")
        if start and end:
            if end < start:
                self.add_error("day_to", _("Tanggal akhir sebelum tanggal awal."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("day_to", _("Paling banyak %(n)s hari sekaligus.") % {"n": MAX_DAYS})
        return data


def _range(request: HttpRequest, today: dt.date) -> tuple[RangeForm, dt.date, dt.date]:
    """The asked range, or the last DEFAULT_DAYS days up to today when none (or a wrong one) was asked."""
    start, end = today - dt.timedelta(days=DEFAULT_DAYS - 1), today
    if "day_from" in request.GET or "day_to" in request.GET:
        form = RangeForm(request.GET)
        if form.is_valid():
            start, end = form.cleaned_data["day_from"], form.cleaned_data["day_to"]
    else:
        form = RangeForm(initial={"day_from": start, "day_to": end})
    return form, start, end


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


COLUMNS = [
    ("quota", _("Kuota")),
    ("booked", _("Terpesan")),
    ("walk_ins", _("Walk-in")),
    ("fill_rate", _("Terisi %")),
    ("cancelled", _("Batal")),
    ("expired", _("Batal otomatis (tidak dibayar)")),
    ("arrived", _("Hadir")),
    ("no_shows", _("Tidak hadir")),
    ("show_rate", _("Kehadiran %")),
    ("tickets", _("Tiket")),
    ("served", _("Selesai dilayani")),
    ("wait_median", _("Tunggu median (menit)")),
    ("wait_p90", _("Tunggu p90 (menit)")),
    ("visit_median", _("Kunjungan median (menit)")),
]
# The classes of places: their own quota and bookings (not in the regular columns above).
CLASS_COLUMNS = [
    ("priority_quota", _("Kuota prioritas")),
    ("priority", _("Prioritas")),
    ("express_quota", _("Kuota percepatan")),
    ("express", _("Percepatan")),
]
NATIONAL_COLUMNS = COLUMNS[:11] + CLASS_COLUMNS
COLUMNS = COLUMNS + CLASS_COLUMNS


def cells(figures: Figures, columns: list[tuple[str, Any]]) -> list[str]:
    return [_number(getattr(figures, name)) for name, _label in columns]


def _csv(filename: str, header: list[str], rows: list[list[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that a spreadsheet opens the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@officer_view(StaffRoleKind.SUPERVISOR, action="report.read")
@require_GET
def office_page(request: HttpRequest, office: Office) -> HttpResponse:
    form, start, end = _range(request, office.local_today())
    report = on_replica(lambda: office_report(office, start, end))
    if request.GET.get("format") == "csv" and not form.errors:  # a wrong range is answered on the page
        header = [gettext("Tanggal"), gettext("Tutup"), *(str(label) for _name, label in COLUMNS)]
        rows = [[day.day.isoformat(), day.closed, *cells(day, COLUMNS)] for day in report.days]
        rows.append([gettext("Jumlah"), "", *cells(report.total, COLUMNS)])
        return _csv(f"loket-{office.code}-{start.isoformat()}-{end.isoformat()}.csv", header, rows)
    context = {
        "office": office,
        "form": form,
        "report": report,
        "columns": [label for _name, label in COLUMNS],
        "days": [(day, cells(day, COLUMNS)) for day in report.days],
        "total": cells(report.total, COLUMNS),
        "weekdays": [(WEEKDAYS[w], n, cells(f, COLUMNS)) for w, n, f in report.weekdays],
        "period": _period(start, end),
        "query": request.GET.urlencode(),
        **_planning_context(office_planning(office, start, end)),
    }
    return render(request, "reports/office.html", context, status=400 if form.errors else 200)


def _planning_context(planning: Planning) -> dict[str, Any]:
    """The planning tables and their charts (SVG drawn here, coloured by reports.css)."""

    def median_chart(rows: list[Any], name: str, title: str) -> Any:
        bars = [Bar(label=row.label, value=row.median or 0) for row in rows]
        return bar_chart(bars, title=title, description=gettext("Median menit per layanan"), css=name)

    return {
        "planning": planning,
        "chart_stage": median_chart(planning.by_stage, "chart-stage", gettext("Lama layanan per tahap")),
        "chart_counter": median_chart(planning.by_counter, "chart-counter", gettext("Lama layanan per loket")),
        "chart_arrivals": bar_chart(
            [Bar(label=f"{h.hour:02d}", value=h.count) for h in planning.arrivals],
            title=gettext("Kedatangan per jam"),
            description=gettext("Tiket diterbitkan per jam lokal kantor"),
            css="chart-arrivals",
        ),
        "chart_no_shows": bar_chart(
            [Bar(label=f"{h.hour:02d}", value=h.count - h.extra, extra=h.extra) for h in planning.no_shows],
            title=gettext("Tidak hadir per jam kedatangan"),
            description=gettext("Pemesanan per jam kedatangan: hadir atau belum (bawah) dan tidak hadir (atas)"),
            css="chart-no-shows",
        ),
    }


@national_view(action="report.read", target_type="report")
@require_GET
def national_page(request: HttpRequest) -> HttpResponse:
    form, start, end = _range(request, timezone.localdate())
    lines = on_replica(lambda: national_report(start, end))
    if request.GET.get("format") == "csv" and not form.errors:  # a wrong range is answered on the page
        header = [gettext("Kode"), gettext("Kantor"), *(str(label) for _name, label in NATIONAL_COLUMNS)]
        rows = [[line.office.code, line.office.name, *cells(line, NATIONAL_COLUMNS)] for line in lines if line.office]
        return _csv(f"loket-nasional-{start.isoformat()}-{end.isoformat()}.csv", header, rows)
    total = Figures()
    for line in lines:
        total.add(line)
    context = {
        "form": form,
        "columns": [label for _name, label in NATIONAL_COLUMNS],
        "lines": [(line.office, cells(line, NATIONAL_COLUMNS)) for line in lines],
        "total": cells(total, NATIONAL_COLUMNS),
        "period": _period(start, end),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/national.html", context, status=400 if form.errors else 200)


def _period(start: dt.date, end: dt.date) -> str:
    return f"{date_format(start, 'j M Y')} – {date_format(end, 'j M Y')}"
