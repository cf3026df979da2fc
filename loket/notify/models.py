"""The outbox: every message Loket sends, with its delivery state."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class Message(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    # One event sends one message: a replayed event with the same key is dropped.
    event_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject or self.body[:40]} [{self.status}]"
