"""Walk-ins (people booked at the office by an officer), outage mode and the close of a day.

The walk-in pool of a day is the share of the day's quota kept off the online booking
site (see share.py); its seats are claimed like every other seat, in seats.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loket.booking.models import Booking
from loket.offices.models import Office
from loket.web.models import ServiceNotice


class WalkinDay(models.Model):
    """The walk-in seats of one office on one local day.

    Created together with (and before) the day's first Slot, from the share in force then;
    `percent` keeps that share so every Slot of the day is cut by the same rule later.
    `used` only changes by conditional UPDATEs in loket/booking/seats.py, and the CHECK
    constraint stands behind them.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="walkin_days")
    date = models.DateField(_("tanggal"))
    percent = models.PositiveSmallIntegerField(_("bagian walk-in (%)"))
    capacity = models.PositiveIntegerField(_("kapasitas walk-in"))
    used = models.IntegerField(_("terpakai"), default=0)

    class Meta:
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


class WalkinBooking(models.Model):
    """Marks a booking an officer made at the office, and where its seat came from.

    `from_pool`: the seat is one of the day's walk-in pool, not a seat of `booking.slot`
    (the slot then only says when the person is expected). During an outage a walk-in can
    take an online seat instead; then `from_pool` is False and the slot holds the seat.
    """

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="walkin")
    walkin_day = models.ForeignKey(WalkinDay, on_delete=models.PROTECT, related_name="bookings")
    from_pool = models.BooleanField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-in")

    def __str__(self) -> str:
        return f"walk-in {self.booking_id}"


class Outage(models.Model):
    """A period of outage mode: public booking suspended for one office, or for all (office NULL).

    `scope` is the office code or "*" (national), so the database allows one open outage per
    scope even though a NULL office is never equal to another.
    """

    NATIONAL = "*"

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="outages", verbose_name=_("kantor")
    )
    scope = models.CharField(max_length=8)
    reason = models.CharField(_("alasan"), max_length=200)
    started_at = models.DateTimeField(_("mulai"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice = models.ForeignKey(ServiceNotice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("mode gangguan")
        verbose_name_plural = _("mode gangguan")
        constraints = [
            models.UniqueConstraint(fields=["scope"], condition=Q(ended_at__isnull=True), name="outage_one_open"),
            models.CheckConstraint(
                condition=Q(scope="*", office__isnull=True) | (~Q(scope="*") & Q(office__isnull=False)),
                name="outage_scope_matches_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class DayClose(models.Model):
    """One office's local day, closed: what the close did. The unique row makes a close run once."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="day_closes")
    date = models.DateField(_("tanggal"))
    closed_at = models.DateTimeField(_("ditutup pada"))
    # NULL: closed by the scheduled job after the day ended.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    no_shows = models.PositiveIntegerField(_("tidak hadir"), default=0)
    expired = models.PositiveIntegerField(_("kedaluwarsa (belum bayar)"), default=0)
    tickets_closed = models.PositiveIntegerField(_("tiket ditutup"), default=0)

    class Meta:
        ordering = ["-date", "office"]
        verbose_name = _("penutupan hari")
        verbose_name_plural = _("penutupan hari")
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="day_close_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date}"
