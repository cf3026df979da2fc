"""The audit log: every staff action on a citizen's data, kept and never edited.

Rows are only ever inserted. The model refuses updates and deletes, and database
triggers (see the migration) refuse them too, so not even a raw query or the admin
can rewrite what an officer did.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries", verbose_name=_("petugas")
    )
    action = models.CharField(_("tindakan"), max_length=40)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("kantor"),
    )
    # What was acted on, e.g. ("booking", "K7H3QX") or ("ticket", "41"); never a NIK.
    target_type = models.CharField(_("jenis objek"), max_length=30, blank=True)
    target_id = models.CharField(_("objek"), max_length=40, blank=True)
    before = models.JSONField(_("sebelum"), default=dict, blank=True)
    after = models.JSONField(_("sesudah"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    allowed = models.BooleanField(_("diizinkan"), default=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("entri audit")
        verbose_name_plural = _("jejak audit")
        indexes = [models.Index(fields=["office", "-at"], name="audit_office_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are never deleted")
