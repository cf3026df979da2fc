"""The simulated provider's own books: one row per bill it has seen paid (or failed)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedBill(models.Model):
    billing_code = models.CharField(_("kode billing"), max_length=15, unique=True)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    status = models.CharField(_("status"), max_length=10)
    provider_ref = models.CharField(_("referensi penyedia"), max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tagihan simulasi")
        verbose_name_plural = _("tagihan simulasi")

    def __str__(self) -> str:
        return f"{self.billing_code} {self.status}"

    def as_report(self) -> dict[str, object]:
        """The provider's answer about this bill (the shape of loket.payments.provider.BillReport)."""
        return {
            "billing_code": self.billing_code,
            "status": self.status,
            "amount": self.amount,
            "provider_ref": self.provider_ref,
        }
