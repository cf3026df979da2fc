"""What the citizen pages show besides the domain data: service notices."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.offices.models import Office


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

    def __str__(self) -> str:
        return self.text_id[:60]

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_id
