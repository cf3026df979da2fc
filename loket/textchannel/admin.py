from django.contrib import admin
from django.http import HttpRequest

from loket.textchannel.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """What came in, for support: the command word, never the text (it may hold a NIK)."""

    list_display = ["received_at", "channel", "sender", "command", "length", "reply"]
    list_filter = ["channel", "command"]
    search_fields = ["gateway_id"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
