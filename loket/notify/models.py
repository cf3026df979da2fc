"""The outbox (every message Loket sends, with its delivery state) and each person's channels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EVENT_KEY_MAX = 120  # Message.event_key


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    RETRY = "retry", _("Akan dicoba lagi")
    FAILED = "failed", _("Gagal")


class Message(models.Model):
    """One message on one channel.

    Life: pending -> sending -> sent; a failed attempt goes to retry (with next_attempt_at,
    exponential backoff) and back to sending when the retry job re-queues it; after
    LOKET_NOTIFY_MAX_ATTEMPTS attempts it stays failed.
    """

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    # One event sends one message per channel: a replayed event with the same key is dropped.
    event_key = models.CharField(max_length=EVENT_KEY_MAX, unique=True, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the current attempt started: a message still "sending" long after that belongs
    # to a worker that died mid-send, and the retry job takes it back.
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A message carrying a secret (verification or reset code) has its subject and body
    # blanked out from this instant on, once it is no longer being delivered.
    redact_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The retry job's scan: only the few rows that wait for another attempt.
            models.Index(fields=["next_attempt_at"], condition=Q(status="retry"), name="notify_message_retry_due"),
            models.Index(
                fields=["redact_after"], condition=Q(redact_after__isnull=False), name="notify_message_redact_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject or self.body[:40]} [{self.status}]"


class NotificationPreference(models.Model):
    """The channels a person wants to be told on. Without a row: email only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")

    def __str__(self) -> str:
        return f"channels of {self.user_id}: {', '.join(self.channels()) or '-'}"

    def channels(self) -> list[str]:
        chosen = [(Channel.EMAIL, self.email), (Channel.SMS, self.sms), (Channel.WHATSAPP, self.whatsapp)]
        return [str(channel) for channel, on in chosen if on]
