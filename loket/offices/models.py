"""Immigration offices (Kantor Imigrasi), their weekly arrival windows and closures."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIMEZONES = [
    ("Asia/Jakarta", "WIB (Asia/Jakarta, UTC+7)"),
    ("Asia/Makassar", "WITA (Asia/Makassar, UTC+8)"),
    ("Asia/Jayapura", "WIT (Asia/Jayapura, UTC+9)"),
]
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class OfficeKind(models.TextChoices):
    KELAS_I_TPI = "kelas_i_tpi", _("Kanim Kelas I TPI")
    KELAS_I_NON_TPI = "kelas_i_non_tpi", _("Kanim Kelas I Non-TPI")
    KELAS_II = "kelas_ii", _("Kanim Kelas II")
    ULP = "ulp", _("Unit Layanan Paspor (ULP)")


class Office(models.Model):
    """A Kantor Imigrasi (Kanim) or passport service unit that receives applicants."""

    code = models.CharField(_("kode"), max_length=8, unique=True, help_text=_("Kode singkat, mis. PLB"))
    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.KELAS_I_TPI)
    province = models.CharField(_("provinsi"), max_length=60, blank=True)
    city = models.CharField(_("kota"), max_length=60, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    timezone = models.CharField(_("zona waktu"), max_length=20, choices=TIMEZONES, default="Asia/Jakarta")
    online_booking = models.BooleanField(_("pemesanan online"), default=True)
    horizon_days = models.PositiveSmallIntegerField(_("jangkauan pemesanan (hari)"), default=30)
    release_time = models.TimeField(_("jam rilis kuota harian"), default=dt.time(0, 0))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(timezone__in=[tz for tz, _label in TIMEZONES]), name="office_timezone_known"
            ),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="office_horizon_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS[self.timezone]

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.zone)

    def local_today(self) -> dt.date:
        return self.local_now().date()

    def daily_quota(self, weekday: int) -> int:
        return sum(w.capacity for w in self.windows.all() if w.weekday == weekday)


class Weekday(models.IntegerChoices):
    MON = 0, _("Senin")
    TUE = 1, _("Selasa")
    WED = 2, _("Rabu")
    THU = 3, _("Kamis")
    FRI = 4, _("Jumat")
    SAT = 5, _("Sabtu")
    SUN = 6, _("Minggu")


class ArrivalWindow(models.Model):
    """A weekly window in which booked applicants arrive; the day's quota is the sum of its windows."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="windows", verbose_name=_("kantor"))
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    start = models.TimeField(_("mulai"))
    end = models.TimeField(_("selesai"))
    capacity = models.PositiveIntegerField(_("kapasitas"))

    class Meta:
        ordering = ["office", "weekday", "start"]
        verbose_name = _("jendela kedatangan")
        verbose_name_plural = _("jendela kedatangan")
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday", "start"], name="window_unique_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="window_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="window_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M} ({self.capacity})"


class Closure(models.Model):
    """A day an office (or, with no office, every office) is closed, announced by staff."""

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("kantor"),
        help_text=_("Kosongkan untuk penutupan nasional."),
    )
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("alasan"), max_length=200)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("penutupan")
        verbose_name_plural = _("penutupan")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="closure_unique_office_date"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(office__isnull=True), name="closure_unique_national_date"
            ),
        ]

    def __str__(self) -> str:
        where = self.office.code if self.office else _("Nasional")
        return f"{self.date} {where}: {self.reason}"
