"""One way to render a form field: label, hint and error tied to the input for screen readers."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

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
