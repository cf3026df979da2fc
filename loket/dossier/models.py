"""The passport application behind each booking: who applies for what, their documents, the timeline."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.accounts.models import ADULT_AGE, Sex
from loket.booking.models import Booking, PassportType, ReplacementReason, Service
from loket.core.fields import SealedCharField


class CheckState(models.TextChoices):
    PENDING = "pending", _("Menunggu pemeriksaan")
    MATCH = "match", pgettext_lazy("data check", "Sesuai")
    MISMATCH = "mismatch", pgettext_lazy("data check", "Tidak sesuai")
    # The registry did not answer: never blocks the booking, the officer checks the originals.
    UNAVAILABLE = "unavailable", _("Diperiksa di loket")
    NOT_REQUIRED = "not_required", _("Tidak diperlukan")


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    DOCUMENTS_VERIFIED = "documents_verified", _("Dokumen terverifikasi")
    PHOTO_INTERVIEW_DONE = "photo_interview_done", _("Foto dan wawancara selesai")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    PRINTED = "printed", _("Paspor dicetak")
    READY_FOR_PICKUP = "ready_for_pickup", _("Siap diambil")
    COLLECTED = "collected", _("Sudah diambil")


# The only moves staff can make; every other (backwards, skipping, leaving "rejected") is refused.
TRANSITIONS: dict[str, set[str]] = {
    Stage.SUBMITTED: {Stage.DOCUMENTS_VERIFIED, Stage.REJECTED},
    Stage.DOCUMENTS_VERIFIED: {Stage.PHOTO_INTERVIEW_DONE, Stage.REJECTED},
    Stage.PHOTO_INTERVIEW_DONE: {Stage.APPROVED, Stage.REJECTED},
    Stage.APPROVED: {Stage.PRINTED},
    Stage.PRINTED: {Stage.READY_FOR_PICKUP},
    Stage.READY_FOR_PICKUP: {Stage.COLLECTED},
}


class DocumentKind(models.TextChoices):
    """Kinds of supporting documents. KTP-el: the (electronic) identity card; KK (Kartu Keluarga): the family card."""

    KTP = "ktp", _("KTP-el")
    KK = "kk", _("Kartu Keluarga (KK)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Akta kelahiran")
    DIPLOMA = "diploma", _("Ijazah")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Akta perkawinan / buku nikah")
    BAPTISM_CERTIFICATE = "baptism_certificate", _("Surat baptis")
    PARENTS_KTP = "parents_ktp", _("KTP-el orang tua")
    OLD_PASSPORT = "old_passport", _("Paspor lama")
    POLICE_REPORT = "police_report", _("Surat keterangan hilang dari kepolisian")


class Application(models.Model):
    """The application a booking carries: a snapshot of the applicant as booked, and its progress.

    The applicant's data is copied from the Person at booking time, so a later edit of the
    household member does not change what the registry check and the officer look at.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="application")
    service = models.CharField(_("layanan"), max_length=12, choices=Service.choices)
    replacement_reason = models.CharField(
        _("alasan penggantian"), max_length=12, choices=ReplacementReason.choices, blank=True
    )
    passport_type = models.CharField(_("jenis paspor"), max_length=12, choices=PassportType.choices)
    applicant_name = models.CharField(_("nama pemohon"), max_length=120)
    applicant_nik = SealedCharField("NIK", context="dossier.application.applicant_nik")  # sealed at rest
    applicant_birth_date = models.DateField(_("tanggal lahir"))
    applicant_sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    old_passport_number = models.CharField(_("nomor paspor lama"), max_length=9, blank=True)
    identity_check = models.CharField(
        _("pemeriksaan Dukcapil"), max_length=12, choices=CheckState.choices, default=CheckState.PENDING
    )
    identity_checked_at = models.DateTimeField(_("waktu pemeriksaan Dukcapil"), null=True, blank=True)
    passport_check = models.CharField(
        _("pemeriksaan paspor lama"), max_length=12, choices=CheckState.choices, default=CheckState.NOT_REQUIRED
    )
    passport_checked_at = models.DateTimeField(_("waktu pemeriksaan paspor lama"), null=True, blank=True)
    stage = models.CharField(_("tahap"), max_length=20, choices=Stage.choices, default=Stage.SUBMITTED)
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        permissions = [("advance_application", _("Dapat memajukan tahap permohonan"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(service="new", replacement_reason="")
                | Q(service="replacement") & ~Q(replacement_reason=""),
                name="application_reason_iff_replacement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.code} {self.get_stage_display()}"

    @property
    def visit_date(self) -> dt.date:
        return self.booking.slot.date

    def applicant_age_on(self, day: dt.date) -> int:
        born = self.applicant_birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def can_move_to(self, stage: str) -> bool:
        return stage in TRANSITIONS.get(self.stage, set())

    @property
    def is_minor(self) -> bool:
        return self.applicant_age_on(self.visit_date) < ADULT_AGE


class AgeGroup(models.TextChoices):
    ANY = "any", _("Semua umur")
    ADULT = "adult", _("Dewasa (17 tahun ke atas)")
    MINOR = "minor", _("Anak (di bawah 17 tahun)")


class DocumentRule(models.Model):
    """One required document for the applications it applies to; staff edit these in the admin.

    Rules that apply to an application and share a non-empty `one_of` label form a group
    that any single member satisfies (e.g. birth certificate OR diploma OR ...).
    """

    kind = models.CharField(_("dokumen"), max_length=24, choices=DocumentKind.choices)
    service = models.CharField(
        _("layanan"), max_length=12, choices=Service.choices, blank=True, help_text=_("Kosong: semua layanan")
    )
    reasons = models.JSONField(_("alasan penggantian"), default=list, blank=True, help_text=_("Kosong: semua alasan"))
    age_group = models.CharField(_("umur pemohon"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.ANY)
    one_of = models.CharField(
        _("kelompok pilihan"),
        max_length=40,
        blank=True,
        help_text=_("Aturan dengan kelompok yang sama: cukup salah satu dokumen"),
    )
    active = models.BooleanField(_("aktif"), default=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("aturan dokumen")
        verbose_name_plural = _("aturan dokumen")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def applies_to(self, *, service: str, reason: str, minor: bool) -> bool:
        if not self.active or (self.service and self.service != service):
            return False
        if self.reasons and reason not in self.reasons:
            return False
        return self.age_group == AgeGroup.ANY or (self.age_group == AgeGroup.MINOR) == minor


class Document(models.Model):
    """An uploaded supporting document. The file sits in the default storage under a random name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("dokumen"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("berkas"), max_length=100)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class TimelineEntry(models.Model):
    """One step of the application's timeline, and who (which officer) made it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="timeline")
    stage = models.CharField(_("tahap"), max_length=20, choices=Stage.choices)
    at = models.DateTimeField(_("waktu"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("riwayat tahap")
        verbose_name_plural = _("riwayat tahap")
        constraints = [
            # Stages only move forward, so each is reached once: a replayed step cannot duplicate it.
            models.UniqueConstraint(fields=["application", "stage"], name="timeline_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage} {self.at:%Y-%m-%d %H:%M}"
