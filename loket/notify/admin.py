from django.contrib import admin

from loket.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in Message._meta.fields]
