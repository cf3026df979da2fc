"""Seats (one row per office, day and arrival window) and the bookings that take them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.accounts.models import Person
from loket.offices.models import Office, Weekday


class Slot(models.Model):
    """The seats of one arrival window on one local day.

    Created from the office's weekly ArrivalWindow the first time someone books it.
    `booked` is only ever changed by conditional UPDATEs (see services), and the CHECK
    constraint makes an overbooking impossible even if a code path forgot the condition.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    starts_at = models.DateTimeField(help_text="UTC instant the window opens")
    capacity = models.PositiveIntegerField()
    booked = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("jam kedatangan (hari)")
        verbose_name_plural = _("jam kedatangan (hari)")
        constraints = [
            models.UniqueConstraint(fields=["office", "date", "start"], name="slot_unique_window_day"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_not_negative"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.start:%H:%M} {self.booked}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked


class BookingStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Menunggu pembayaran")
    CONFIRMED = "confirmed", _("Terkonfirmasi")
    CHECKED_IN = "checked_in", _("Sudah hadir")
    COMPLETED = "completed", pgettext_lazy("status", "Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Batal otomatis (tidak dibayar)")
    NO_SHOW = "no_show", _("Tidak hadir")
    # Paid after its payment deadline when the seat was gone: holds no seat, staff rebook it.
    PAID_NEEDS_REBOOKING = "paid_needs_rebooking", _("Sudah dibayar, perlu jadwal ulang")


# A person may hold one booking in these states at a time (a database constraint).
ACTIVE_STATUSES = [BookingStatus.AWAITING_PAYMENT, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]


class Service(models.TextChoices):
    NEW = "new", _("Paspor baru")
    REPLACEMENT = "replacement", _("Penggantian paspor")


class PassportType(models.TextChoices):
    REGULAR = "regular", _("Paspor biasa (non-elektronik)")
    ELECTRONIC = "electronic", _("Paspor elektronik")


class ReplacementReason(models.TextChoices):
    EXPIRED = "expired", _("Masa berlaku habis")
    PAGES_FULL = "pages_full", _("Halaman penuh")
    LOST = "lost", _("Hilang")
    DAMAGED = "damaged", _("Rusak")
    DATA_CHANGED = "data_changed", _("Perubahan data")


class QuotaClass(models.TextChoices):
    """The class of a place: a regular seat (a window's or the walk-in pool's), or one of the
    day's priority or same-day express places (ClassQuota), each with its own daily quota."""

    REGULAR = "regular", _("Reguler")
    PRIORITY = "priority", _("Prioritas")
    EXPRESS = "express", _("Percepatan (selesai di hari yang sama)")


# The classes that have their own daily quota (ClassQuota / ClassDay).
PLACE_CLASSES = [QuotaClass.PRIORITY, QuotaClass.EXPRESS]


class PriorityReason(models.TextChoices):
    """Why a person may take a priority place; the same values as the queue's priority flag."""

    ELDERLY = "elderly", _("Lansia (60 tahun ke atas)")
    SMALL_CHILD = "small_child", _("Anak di bawah 5 tahun")
    DISABLED = "disabled", _("Penyandang disabilitas (dinyatakan, diperiksa di loket)")
    PREGNANT = "pregnant", _("Ibu hamil (dinyatakan, diperiksa di loket)")


# Declared by the person and checked by the counter officer; the others follow from the birth date.
DECLARED_REASONS = [PriorityReason.DISABLED, PriorityReason.PREGNANT]


class DeclarationCheck(models.TextChoices):
    NOT_NEEDED = "", _("Tidak perlu diperiksa")
    PENDING = "pending", _("Belum diperiksa di loket")
    CONFIRMED = "confirmed", _("Benar")
    WRONG = "wrong", _("Tidak benar")


class Booking(models.Model):
    code = models.CharField(_("kode pemesanan"), max_length=8, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_made")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    # Set when the seat is one of the day's walk-in pool rather than a seat of `slot` (which
    # then only says when the person is expected); freeing the seat returns it to the pool.
    pool_day = models.ForeignKey(
        "WalkinDay", on_delete=models.PROTECT, null=True, blank=True, related_name="pool_bookings"
    )
    # The class of the place and, for priority and express, the day's class counter it came from.
    quota_class = models.CharField(
        _("kelas kuota"), max_length=10, choices=QuotaClass.choices, default=QuotaClass.REGULAR
    )
    class_day = models.ForeignKey("ClassDay", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    # A class place booked online in an appointment: the booking holds its window's seat AND the
    # class place, and freeing it gives both back (a class place taken at the office holds only the place).
    class_online = models.BooleanField(default=False)
    priority_reason = models.CharField(_("alasan prioritas"), max_length=12, choices=PriorityReason.choices, blank=True)
    declaration_check = models.CharField(
        _("pemeriksaan pernyataan"), max_length=10, choices=DeclarationCheck.choices, blank=True
    )
    service = models.CharField(_("layanan"), max_length=12, choices=Service.choices)
    passport_type = models.CharField(_("jenis paspor"), max_length=12, choices=PassportType.choices)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    person_name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A cancelled seat returns to the pool only at this instant, so a broker cannot hand
    # a seat to another account by cancelling at the right second.
    seat_release_at = models.DateTimeField(null=True, blank=True)
    seat_released = models.BooleanField(default=False)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL: no key, not unique
    # The waiting room's pass this booking was made with (a day under release): unique, so a
    # pass books one seat only, however many requests carry it at once.
    release_pass = models.CharField(max_length=32, null=True, blank=True, unique=True)
    request_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("pemesanan")
        verbose_name_plural = _("pemesanan")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=ACTIVE_STATUSES), name="booking_one_active_per_person"
            ),
            models.UniqueConstraint(
                fields=["booked_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="booking_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["seat_released", "seat_release_at"], name="booking_release_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def date(self) -> dt.date:
        return self.slot.date


class WalkinDay(models.Model):
    """The walk-in seats of one office on one local day (the walk-in pool).

    Created together with (and before) the day's first Slot, from the office's walk-in share
    in force then; `percent` keeps that share so every Slot of the day is cut by the same
    rule later. `used` only changes by conditional UPDATEs in seats.py, and the CHECK
    constraint stands behind them.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="walkin_days")
    date = models.DateField(_("tanggal"))
    percent = models.PositiveSmallIntegerField(_("bagian walk-in (%)"))
    capacity = models.PositiveIntegerField(_("kapasitas walk-in"))
    used = models.IntegerField(_("terpakai"), default=0)

    class Meta:
        db_table = "walkin_walkinday"  # moved here from loket/walkin; the table kept its name
        verbose_name = _("kuota walk-in harian")
        verbose_name_plural = _("kuota walk-in harian")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="walkin_day_unique"),
            models.CheckConstraint(condition=Q(used__gte=0), name="walkin_day_used_not_negative"),
            models.CheckConstraint(condition=Q(used__lte=F("capacity")), name="walkin_day_never_overused"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.used}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return self.capacity - self.used


class ClassQuota(models.Model):
    """How many places of one class (priority or express) an office offers on one weekday.

    No row: the office does not offer the class that day. Set by `import_offices` and in
    the admin (audited); a day's ClassDay is cut from it the first time the day is used.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="class_quotas", verbose_name=_("kantor"))
    quota_class = models.CharField(_("kelas kuota"), max_length=10, choices=QuotaClass.choices)
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    capacity = models.PositiveIntegerField(_("kuota"))
    # Off by default: the class is taken at the office on the day. On: a person who qualifies may
    # also book a place of the class online in an appointment (it takes a seat of the window too).
    bookable_online = models.BooleanField(
        _("dapat dipesan online"),
        default=False,
        help_text=_("Pemohon yang memenuhi syarat dapat memesan tempat kelas ini secara online pada jam kedatangan."),
    )

    class Meta:
        ordering = ["office", "quota_class", "weekday"]
        verbose_name = _("kuota kelas")
        verbose_name_plural = _("kuota kelas")
        constraints = [
            models.UniqueConstraint(fields=["office", "quota_class", "weekday"], name="class_quota_unique"),
            models.CheckConstraint(condition=Q(quota_class__in=PLACE_CLASSES), name="class_quota_known_class"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="class_quota_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.quota_class} {self.weekday} {self.capacity}"


class ClassDay(models.Model):
    """The places of one class at one office on one local day, and how many are taken.

    `used` only changes by conditional UPDATEs in seats.py (`used < capacity`, like a seat),
    and the CHECK constraint stands behind them.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="class_days")
    quota_class = models.CharField(_("kelas kuota"), max_length=10, choices=QuotaClass.choices)
    date = models.DateField(_("tanggal"))
    capacity = models.PositiveIntegerField(_("kuota"))
    used = models.IntegerField(_("terpakai"), default=0)

    class Meta:
        verbose_name = _("kuota kelas harian")
        verbose_name_plural = _("kuota kelas harian")
        constraints = [
            models.UniqueConstraint(fields=["office", "quota_class", "date"], name="class_day_unique"),
            models.CheckConstraint(condition=Q(used__gte=0), name="class_day_used_not_negative"),
            models.CheckConstraint(condition=Q(used__lte=F("capacity")), name="class_day_never_overused"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.quota_class} {self.date} {self.used}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return self.capacity - self.used


class ReleaseGate(models.Model):
    """A day under release: while `ended_at` is empty its seats are booked only with a pass
    from the day's waiting room (loket/release admits people and ends the gate).

    The booking path reads it in the same query as the slot (seats.bookable_slot), so an
    office day without a gate costs nothing more.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="release_gates")
    date = models.DateField(_("tanggal"))
    opened_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hari dengan pembukaan kuota")
        verbose_name_plural = _("hari dengan pembukaan kuota")
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="release_gate_unique_day")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {'ended' if self.ended_at else 'gated'}"


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Dipesan")
    CANCELLED = "cancelled", _("Dibatalkan")
    RESCHEDULED = "rescheduled", _("Jadwal diubah")
    EXPIRED = "expired", _("Batal otomatis (tidak dibayar)")
    CONFIRMED = "confirmed", _("Terkonfirmasi")
    PAID_NEEDS_REBOOKING = "paid_needs_rebooking", _("Sudah dibayar, perlu jadwal ulang")
    CLASS_CHANGED = "class_changed", _("Kelas kuota diubah")
    DAY_CLOSED = "day_closed", _("Kantor tutup pada hari kedatangan")


class BookingEvent(models.Model):
    """What happened to a booking, written in the same transaction as the change itself.

    The transactional outbox of the quota engine: higher apps (the application, the bill,
    the messages) react to these rows in the worker (loket/booking/events.py), so the seat
    transaction stays short and a process dying right after a commit loses nothing.
    `processed_at` is set by the same transaction that runs the reactions: an event is
    processed exactly once, and a rolled-back reaction leaves it pending for a retry.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    # What the reactions need beyond the booking row (e.g. replacement details, a walk-in's deadline).
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("peristiwa pemesanan")
        verbose_name_plural = _("peristiwa pemesanan")
        indexes = [
            # The worker's question, "what is pending?", reads only the few pending rows.
            models.Index(fields=["id"], condition=Q(processed_at__isnull=True), name="booking_event_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"
