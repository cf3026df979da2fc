"""One way to render a form field: label, hint and error tied to the input for screen readers."""

import datetime as dt

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString
from lokal import format_rupiah

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
    return {"f": bound, "widget": widget, "choice": bound.widget_type == "radioselect"}


@register.filter
def rupiah(amount: int) -> str:
    return format_rupiah(amount)


@register.filter
def in_zone(moment: dt.datetime, office: Office) -> str:
    """A UTC instant as the office's local date and time with its zone, e.g. 2026-12-02 08:00 WIB."""
    return f"{moment.astimezone(office.zone):%Y-%m-%d %H:%M} {office.zone_abbreviation}"


@register.filter
def grouped(code: str) -> str:
    """A booking code in groups of four, easier to read aloud: ABCD EFGH."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
