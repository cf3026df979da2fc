"""The waiting room of a release: who waits for a day's seats, in which order, and their passes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Person
from loket.offices.models import Office


class RoomState(models.TextChoices):
    WAITING = "waiting", _("Menunggu rilis")  # people join; nobody is admitted yet
    ADMITTING = "admitting", _("Sedang rilis")  # shuffled; admitted in order as seats allow
    CLOSED = "closed", _("Selesai")  # empty or the day full: the day behaves as any other


class Room(models.Model):
    """The waiting room of one office day's release (one per office and day).

    `seed` is drawn at the release instant (secrets, 256 bits) and decides the order of
    everyone who joined before it: rank = order of sha256(seed + ":" + ref) over the entries'
    public references. Its SHA-256 is published at once, the seed itself and the order when
    the room closes (loket/release/draw.py), so anyone can recompute the order.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="release_rooms")
    date = models.DateField(_("tanggal"))
    opens_at = models.DateTimeField(_("dibuka"))
    join_from = models.DateTimeField(_("ruang tunggu dibuka"))
    state = models.CharField(_("status"), max_length=10, choices=RoomState.choices, default=RoomState.WAITING)
    seed = models.CharField(_("benih acak"), max_length=64, blank=True)
    shuffled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ruang tunggu rilis")
        verbose_name_plural = _("ruang tunggu rilis")
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="release_room_unique_day")]
        indexes = [models.Index(fields=["state", "opens_at"], name="release_room_due")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.state}"


class JoinChannel(models.TextChoices):
    """How an entry joined: the web page or the API (with the proof of work), or by text."""

    WEB = "web", _("Web")
    API = "api", _("API")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Entry(models.Model):
    """One account waiting in a room: one per account and one per NIK (the account's holder).

    `rank` is the place drawn by the shuffle; null for people who joined after the release
    instant, who wait behind everyone ranked, in arrival order.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="entries")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="release_entries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_entries")
    ticket = models.CharField(max_length=32, unique=True)
    # The entry's public reference in the published draw ("nomor undian"): an HMAC of the ticket,
    # so it names no person and does not give the ticket away. Shown to the entrant only.
    ref = models.CharField(_("nomor undian"), max_length=16, default="", editable=False)
    joined_at = models.DateTimeField(default=timezone.now)
    # A text entry is told of its admission on the channel it joined on (loket/textchannel).
    channel = models.CharField(_("saluran"), max_length=10, choices=JoinChannel.choices, default=JoinChannel.WEB)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    pass_id = models.CharField(max_length=32, null=True, blank=True, unique=True)
    pass_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("antrean ruang tunggu")
        verbose_name_plural = _("antrean ruang tunggu")
        constraints = [
            models.UniqueConstraint(fields=["room", "account"], name="release_entry_one_per_account"),
            models.UniqueConstraint(fields=["room", "person"], name="release_entry_one_per_nik"),
        ]
        indexes = [
            models.Index(
                fields=["room", "rank", "joined_at", "id"],
                condition=Q(admitted_at__isnull=True),
                name="release_entry_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.ref}"  # never the ticket: it opens its owner's waiting page


class ReleaseRule(Office):
    """An office seen only as its release rule, for the admin (loket/release/admin.py): a change
    made there goes through release_rule_set, audited like a change on the staff page."""

    class Meta:
        proxy = True
        verbose_name = _("aturan rilis")
        verbose_name_plural = _("aturan rilis")
