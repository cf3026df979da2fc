"""One way to render a form field: label, hint and error tied to the input for screen readers."""

import datetime as dt

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.safestring import SafeString

from loket.core import datefmt
from loket.offices.models import Office

register = template.Library()


@register.inclusion_tag("web/field.html")
def field(bound: BoundField) -> dict[str, object]:
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}-hint")
    if bound.errors:
        described.append(f"{bound.auto_id}-error")
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    widget: SafeString = bound.as_widget(attrs=attrs)
    return {"f": bound, "widget": widget, "choice": bound.widget_type in ("radioselect", "checkboxselectmultiple")}


@register.filter
def rupiah(amount: int) -> str:
    """Rp350.000 in Indonesian, Rp350,000 in English (the glossary's amounts)."""
    return datefmt.rupiah(amount)


@register.filter
def in_zone(moment: dt.datetime, office: Office) -> str:
    """A UTC instant as the office's local date and time with its zone, in words
    ("Senin, 30 November 2026, pukul 19.17 WIB"; loket.core.datefmt)."""
    return datefmt.in_zone(moment, office) if moment else ""


@register.filter
def in_zone_date(moment: dt.datetime, office: Office) -> str:
    """Only the office-local day of an instant, in words: "Kamis, 31 Desember 2026"."""
    return datefmt.long_date(moment.astimezone(office.zone).date()) if moment else ""


@register.filter
def time_left(until: dt.datetime) -> str:
    """What is left before a deadline: "1 jam 42 menit"."""
    return datefmt.time_left(until, timezone.now()) if until else ""


@register.filter
def grouped(code: str) -> str:
    """A code in groups of four, easier to read aloud: ABCD EFGH, 1234 5678 9012 345."""
    return datefmt.grouped(code) if code else ""
