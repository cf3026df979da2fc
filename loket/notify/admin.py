from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.notify.models import Message, NotificationPreference
from loket.notify.services import messages_retry_now


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel"]
    search_fields = ["event_key"]
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["retry_now"]

    @admin.action(description=_("Kirim ulang pesan yang gagal"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = messages_retry_now(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)d pesan dijadwalkan ulang.") % {"n": count})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "whatsapp", "updated_at"]
    raw_id_fields = ["user"]
