"""Immigration offices (Kantor Imigrasi), their weekly arrival windows and closures."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    horizon_days = models.PositiveSmallIntegerField(_("batas pemesanan ke depan (hari)"), default=30)
    # The release rule: each day at `release_time` (office time) the day `horizon_days` ahead
    # opens (loket/booking/selectors.py released_until). Changed through loket/release (audited).
    release_time = models.TimeField(_("jam pembukaan kuota harian"), default=dt.time(0, 0))
    # "Release now": staff opened every day up to this one early, by hand.
    opened_through = models.DateField(_("dibuka manual sampai"), null=True, blank=True)
    # The share of each day's quota kept off the online site for people booked at the office
    # (loket/booking/share.py splits it); 0 keeps every seat online.
    walkin_share_percent = models.PositiveSmallIntegerField(_("bagian kuota untuk walk-in (%)"), default=0)
    # Same-day express service (layanan percepatan): the applicant registers at the office
    # before the arrival cut-off and pays before the payment cut-off, both office time. The
    # express places of a day are the quota engine's (loket/booking ClassQuota).
    express_arrival_cutoff = models.TimeField(_("batas kedatangan layanan percepatan"), default=dt.time(10, 0))
    express_payment_cutoff = models.TimeField(_("batas pembayaran layanan percepatan"), default=dt.time(12, 0))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(timezone__in=[tz for tz, _label in TIMEZONES]), name="office_timezone_known"
            ),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="office_horizon_positive"),
            models.CheckConstraint(condition=Q(walkin_share_percent__lte=100), name="office_walkin_share_percent"),
            models.CheckConstraint(
                condition=Q(express_payment_cutoff__gte=F("express_arrival_cutoff")),
                name="office_express_pay_after_arrival",
            ),
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
    capacity = models.PositiveIntegerField(_("kuota"))

    class Meta:
        ordering = ["office", "weekday", "start"]
        verbose_name = _("jam kedatangan mingguan")
        verbose_name_plural = _("jam kedatangan mingguan")
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


class ServiceNotice(models.Model):
    """A notice at the top of every page (nationwide) or beside one office, until it ends.

    Written in Indonesian; the English text is optional and falls back to the Indonesian one.
    """

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("kantor"),
        help_text=_("Kosongkan untuk pengumuman nasional."),
    )
    text_id = models.TextField(_("teks (Bahasa Indonesia)"), max_length=500)
    text_en = models.TextField(_("teks (English)"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("mulai tampil"), default=timezone.now)
    ends_at = models.DateTimeField(_("berakhir"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("pengumuman layanan")
        verbose_name_plural = _("pengumuman layanan")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="notice_ends_after_start"),
        ]
        indexes = [models.Index(fields=["ends_at"], name="notice_ends_at")]
        db_table = "web_servicenotice"  # moved here from loket/web; the table kept its name

    def __str__(self) -> str:
        return self.text_id[:60]

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_id


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
        db_table = "walkin_outage"  # moved here from loket/walkin; the table kept its name
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
