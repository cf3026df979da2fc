"""At the office: the queue policy, counters (loket), tickets (queue numbers) and what happens to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.accounts.models import Person
from loket.booking.models import Booking, ClassDay, WalkinDay
from loket.offices.models import Office


class QueuePolicy(models.Model):
    """How one office receives people: arrival rules, calls before a no-show, slip paper.

    Read through `queue_policy_for` (loket/onsite/policy.py), which gives the same defaults to an
    office that has no row yet; pages never create one.
    """

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="queue_policy")
    checkin_early_minutes = models.PositiveSmallIntegerField(
        _("check-in paling awal (menit sebelum jam kedatangan)"), default=60
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("terlambat setelah (menit sesudah jam kedatangan berakhir)"), default=30
    )
    # Fair no-show rules: a ticket may be marked no-show only after the first call and at
    # least (no_show_after_calls - 1) recalls, and no sooner than no_show_after_minutes after
    # the first call: two seconds of "call, recall, recall" must not cost a person his visit.
    no_show_after_calls = models.PositiveSmallIntegerField(
        _("tidak hadir setelah dipanggil (kali, termasuk panggilan pertama)"), default=3
    )
    no_show_after_minutes = models.PositiveSmallIntegerField(
        _("tidak hadir paling cepat (menit sesudah panggilan pertama)"), default=3
    )
    turn_near_ahead = models.PositiveSmallIntegerField(
        _("pesan 'giliran hampir tiba' saat orang di depan tinggal"), default=3
    )
    # Off by default: a kiosk that hands out walk-in numbers spends the day's walk-in pool
    # without an officer seeing anyone; the office decides whether its waiting room allows it.
    kiosk_walkin = models.BooleanField(
        _("kios menerbitkan nomor walk-in dari kuota walk-in"),
        default=False,
        help_text=_("Nama dan NIK diisi kemudian oleh loket pertama."),
    )
    slip_width_mm = models.PositiveSmallIntegerField(
        _("lebar kertas slip (mm)"), choices=[(58, "58 mm"), (80, "80 mm")], default=80
    )

    class Meta:
        verbose_name = _("aturan antrean")
        verbose_name_plural = _("aturan antrean")
        constraints = [
            models.CheckConstraint(condition=Q(no_show_after_calls__gte=1), name="policy_no_show_calls_positive"),
            models.CheckConstraint(condition=Q(slip_width_mm__in=[58, 80]), name="policy_slip_width_known"),
        ]

    def __str__(self) -> str:
        return f"{self.office.code}"


class Stage(models.TextChoices):
    """Where a ticket waits. Pickup (collecting a printed passport) is a queue of its own."""

    VERIFICATION = "verification", _("Verifikasi berkas")
    PHOTO_INTERVIEW = "photo_interview", _("Foto dan wawancara")
    PICKUP = "pickup", _("Pengambilan paspor")


# The stage a ticket moves to when a counter transfers it; None: the visit is finished.
NEXT_STAGE: dict[str, str | None] = {
    Stage.VERIFICATION: Stage.PHOTO_INTERVIEW,
    Stage.PHOTO_INTERVIEW: None,
    Stage.PICKUP: None,
}


class Counter(models.Model):
    """A loket: a desk where an officer calls tickets of the stages it serves."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="counters", verbose_name=_("kantor"))
    number = models.PositiveSmallIntegerField(_("nomor loket"))
    stages = models.JSONField(_("tahap yang dilayani"), default=list)
    active = models.BooleanField(_("aktif"), default=True)
    # Set while the counter's officer is on a break (the board and the dashboard show it); a
    # counter on break calls nobody.
    on_break_since = models.DateTimeField(_("istirahat sejak"), null=True, blank=True)

    class Meta:
        ordering = ["office", "number"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="counter_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="counter_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} loket {self.number}"


class Letter(models.TextChoices):
    """The letter in front of a queue number."""

    NEW = "A", _("A — paspor baru")
    REPLACEMENT = "B", _("B — penggantian paspor")
    PICKUP = "C", _("C — pengambilan paspor")
    PRIORITY = "P", _("P — prioritas")
    EXPRESS = "E", _("E — percepatan (paspor selesai hari ini)")


class Priority(models.TextChoices):
    NONE = "", _("Tidak ada")
    ELDERLY = "elderly", _("Lansia (60+)")
    DISABLED = "disabled", _("Penyandang disabilitas")
    PREGNANT = "pregnant", _("Ibu hamil")
    SMALL_CHILD = "small_child", _("Membawa anak di bawah 5 tahun")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil")
    SERVING = "serving", _("Sedang dilayani")
    PARKED = "parked", _("Ditunda")
    DONE = "done", pgettext_lazy("status", "Selesai")
    NO_SHOW = "no_show", _("Tidak hadir")
    CLOSED = "closed", _("Ditutup")


OPEN_TICKET_STATUSES = [TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED]


class TicketSequence(models.Model):
    """The last number handed out per office, local day and letter (claimed by a locked UPDATE)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    letter = models.CharField(max_length=1, choices=Letter.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day", "letter"], name="sequence_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.letter}{self.last:03d}"


class Ticket(models.Model):
    """A queue number for one visit, e.g. A023: issued at check-in, called to counters stage by stage."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("tanggal"), help_text=_("Hari lokal kantor"))
    letter = models.CharField(_("huruf"), max_length=1, choices=Letter.choices)
    number = models.PositiveIntegerField(_("nomor"))
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    name = models.CharField(_("nama"), max_length=120, blank=True)
    priority = models.CharField(_("prioritas"), max_length=12, choices=Priority.choices, blank=True, default="")
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, default=Stage.VERIFICATION)
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    # Transferred to a named counter: only that counter calls the ticket (first in its queue)
    # while it is open; the board shows the ticket as going there.
    to_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("menuju loket")
    )
    calls = models.PositiveSmallIntegerField(_("jumlah panggilan"), default=0)
    late = models.BooleanField(_("terlambat"), default=False)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # A walk-in number from the kiosk: the place it took from the day's walk-in pool. Until the
    # first counter attaches the person (and with it the walk-in booking), booking is empty.
    pool_day = models.ForeignKey(
        WalkinDay, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kuota walk-in")
    )
    # A priority or express number from the kiosk: the place of the class it took, held the same
    # way until the first counter attaches the person (loket/walkin/kiosk.py).
    class_day = models.ForeignKey(
        ClassDay, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kuota kelas")
    )
    appointment_at = models.DateTimeField(_("jadwal kedatangan"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("tiba"))
    # When the ticket joined the queue of its current stage. A transfer keeps the time of the
    # first arrival, so a transferred person waits ahead of people who arrived after him.
    queued_at = models.DateTimeField(_("masuk antrean"))
    called_at = models.DateTimeField(_("dipanggil"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    close_reason = models.CharField(_("alasan penutupan"), max_length=200, blank=True)
    # What check-in noticed ([{"code", "message"}]: a registry mismatch, a document not
    # uploaded...): a kiosk issues the ticket anyway and the first counter checks these.
    checkin_flags = models.JSONField(_("catatan check-in"), default=list, blank=True)
    # "Your turn is near", chosen at check-in: the channel (sms / whatsapp, "" for none), the
    # address in the gateway's form and the language of the messages.
    notify_channel = models.CharField(_("kabar giliran lewat"), max_length=10, blank=True)
    notify_to = models.CharField(max_length=20, blank=True)
    notify_language = models.CharField(max_length=5, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["office", "day", "letter", "number"]
        verbose_name = _("tiket antrean")
        verbose_name_plural = _("tiket antrean")
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "letter", "number"], name="ticket_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
            # A counter serves one ticket at a time.
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(status__in=["called", "serving"]),
                name="ticket_one_open_call_per_counter",
            ),
        ]
        indexes = [models.Index(fields=["office", "day", "stage", "status"], name="ticket_queue")]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return f"{self.letter}{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TICKET_STATUSES

    @property
    def needs_data(self) -> bool:
        """A kiosk walk-in number whose person the first counter has not filled in yet."""
        return (self.pool_day_id is not None or self.class_day_id is not None) and self.booking_id is None


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Tiket diterbitkan")
    CALLED = "called", _("Dipanggil")
    RECALLED = "recalled", _("Dipanggil ulang")
    STARTED = "started", _("Mulai dilayani")
    NO_SHOW = "no_show", _("Tidak hadir")
    TRANSFERRED = "transferred", _("Dipindahkan ke tahap berikutnya")
    DATA_ADDED = "data_added", _("Data pemohon diisi")
    PARKED = "parked", _("Ditunda")
    RESUMED = "resumed", _("Dilanjutkan")
    FINISHED = "finished", pgettext_lazy("status", "Selesai")
    CLOSED = "closed", _("Ditutup")
    REINSTATED = "reinstated", _("Tidak hadir dibatalkan")


class TicketEvent(models.Model):
    """One thing that happened to a ticket; the board's last calls and the service times come from here."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["office", "kind", "-at"], name="ticket_event_recent"),
            models.Index(fields=["office", "at"], name="ticket_event_day"),  # the board's fingerprint
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%H:%M:%S}"


class LateDecisionStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan supervisor")
    APPROVED = "approved", _("Disetujui")
    REFUSED = "refused", _("Ditolak")


class LateDecision(models.Model):
    """A late arrival waiting for (or given) a supervisor's decision; one per booking.

    The check-in officer asks, having already checked the KTP; the supervisor approves (the
    ticket is issued, marked late) or refuses. Both are also written to the audit log.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="late_decision")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=12, choices=Priority.choices, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=LateDecisionStatus.choices, default=LateDecisionStatus.PENDING
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("keputusan keterlambatan")
        verbose_name_plural = _("keputusan keterlambatan")

    def __str__(self) -> str:
        return f"{self.booking_id} {self.status}"
