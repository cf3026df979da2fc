from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from loket.core.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_field() -> SafeString:
    """A hidden one-time key: the form it is in acts once however often it is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
