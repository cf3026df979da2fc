"""What the text channels keep: each inbound message once (the replay guard) and each number's
conversation state (a question waiting for an answer, with its deadline)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.notify.models import Channel


class InboundMessage(models.Model):
    """One message a gateway forwarded. The text itself is not kept: it may hold a NIK.

    (channel, gateway_id) is unique, so a gateway's retry of the same message is a no-op.
    """

    channel = models.CharField(max_length=10, choices=[(Channel.SMS, "SMS"), (Channel.WHATSAPP, "WhatsApp")])
    gateway_id = models.CharField(_("ID pesan gateway"), max_length=100)
    sender = models.CharField(_("nomor pengirim"), max_length=16)
    command = models.CharField(_("perintah"), max_length=12, blank=True)
    length = models.PositiveIntegerField(_("panjang teks"), default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    reply = models.ForeignKey("notify.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")
        constraints = [models.UniqueConstraint(fields=["channel", "gateway_id"], name="inbound_once_per_gateway_id")]

    def __str__(self) -> str:
        return f"{self.channel} {self.gateway_id} {self.command}"


class Pending(models.TextChoices):
    NOTHING = "", _("tidak ada")
    CODE = "code", _("menunggu kode verifikasi")
    BOOK = "book", _("menunggu YA untuk memesan")
    RESCHEDULE = "reschedule", _("menunggu YA untuk mengubah jadwal")
    CANCEL = "cancel", _("menunggu YA untuk membatalkan")


class Conversation(models.Model):
    """The state of one phone number's conversation, whichever channel it writes on.

    `pending` is a question waiting for an answer until `expires_at`; `nonce` names that
    question, so of two answers at once only one can take it (a conditional UPDATE).
    `data` holds what the answer will act on (office code, date, window, booking code; for a
    registration code only its salted hash), never a NIK.
    """

    phone = models.CharField(_("nomor HP"), max_length=16, unique=True)
    language = models.CharField(_("bahasa"), max_length=2, default="id")
    pending = models.CharField(max_length=10, choices=Pending.choices, blank=True, default=Pending.NOTHING)
    data = models.JSONField(default=dict, blank=True)
    nonce = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")

    def __str__(self) -> str:
        return f"{self.phone[:5]}… {self.pending or '-'}"
