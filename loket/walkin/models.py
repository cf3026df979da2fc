"""Walk-ins (people booked at the office by an officer) and the close of a day.

The walk-in pool of a day (WalkinDay) and outage mode (Outage) are the quota engine's and
the offices' (loket/booking, loket/offices); this app runs the desk that uses them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.booking.models import Booking, WalkinDay
from loket.offices.models import Office


class WalkinBooking(models.Model):
    """Marks a booking an officer made at the office.

    Where its seat came from is the quota engine's business: `booking.pool_day` is set when
    the seat is one of the day's walk-in pool (see loket/booking/models.py).
    """

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="walkin")
    walkin_day = models.ForeignKey(WalkinDay, on_delete=models.PROTECT, related_name="bookings")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-in")

    def __str__(self) -> str:
        return f"walk-in {self.booking_id}"


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
