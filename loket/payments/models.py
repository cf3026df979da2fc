"""The state fee (PNBP, Penerimaan Negara Bukan Pajak: non-tax state revenue) and its payment.

Amounts are whole rupiah in integer columns: there are no sen on a passport fee, and a
float would turn Rp350.000 into 349999.99999 somewhere between the bank and the report.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loket.booking.models import Booking, PassportType, Service


class FeeItem(models.TextChoices):
    """A line of the fee table and of a bill."""

    PASSPORT = "passport", _("PNBP paspor")
    EXPRESS = "express", _("PNBP layanan percepatan (selesai di hari yang sama)")


class FeeRate(models.Model):
    """The fee of one item from `effective_from` (office-local day) until the next rate: the
    passport fee per passport type, and the express service's fee (no passport type).

    Rates are never edited in place once in force: a new regulation is a new row, so
    every past booking keeps the amount it was billed (stored on its Payment anyway).
    """

    item = models.CharField(_("pos tarif"), max_length=10, choices=FeeItem.choices, default=FeeItem.PASSPORT)
    passport_type = models.CharField(
        _("jenis paspor"),
        max_length=12,
        choices=PassportType.choices,
        blank=True,
        help_text=_("Hanya untuk PNBP paspor; kosong untuk layanan percepatan."),
    )
    amount = models.PositiveBigIntegerField(_("tarif (rupiah)"))
    effective_from = models.DateField(_("berlaku mulai"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tarif PNBP")
        verbose_name_plural = _("tarif PNBP")
        ordering = ["passport_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "passport_type", "effective_from"], name="feerate_one_per_item_and_day"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="feerate_amount_positive"),
            models.CheckConstraint(
                condition=(Q(item=FeeItem.PASSPORT) & ~Q(passport_type=""))
                | (Q(item=FeeItem.EXPRESS) & Q(passport_type="")),
                name="feerate_passport_type_for_passport_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.passport_type} {self.amount} @ {self.effective_from}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu pembayaran")
    PAID = "paid", _("Lunas")
    FAILED = "failed", _("Gagal")
    EXPIRED = "expired", _("Kedaluwarsa")


# Payment state only moves forward: a notification can raise the rank, never lower it.
# FAILED and EXPIRED share a rank: the bill is still payable (a late payment is honoured).
RANK = {PaymentStatus.PENDING: 0, PaymentStatus.FAILED: 1, PaymentStatus.EXPIRED: 1, PaymentStatus.PAID: 2}


class Payment(models.Model):
    """The bill of one booking: the billing code the applicant pays at a bank, ATM or app."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="payment")
    billing_code = models.CharField(_("kode billing"), max_length=15, unique=True)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    deadline = models.DateTimeField(_("batas waktu bayar"))
    # When to remind; NULL when the deadline is too close for a reminder to help.
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("dibayar pada"), null=True, blank=True)
    provider_ref = models.CharField(_("referensi penyedia"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pembayaran PNBP")
        verbose_name_plural = _("pembayaran PNBP")
        indexes = [
            models.Index(fields=["status", "deadline"], name="payment_status_deadline"),
            models.Index(fields=["reminded_at", "remind_at"], name="payment_remind_due"),
        ]

    def __str__(self) -> str:
        return f"{self.billing_code} {self.amount} {self.status}"


class PaymentItem(models.Model):
    """One line of a bill (the passport fee; the express fee for an express place). The
    bill's `amount` is their sum; a bill opened before items existed has none (one line)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("pos tarif"), max_length=10, choices=FeeItem.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))

    class Meta:
        verbose_name = _("rincian tagihan")
        verbose_name_plural = _("rincian tagihan")
        ordering = ["payment", "pk"]
        constraints = [models.UniqueConstraint(fields=["payment", "item"], name="payment_item_once")]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"


class PaymentEventSource(models.TextChoices):
    WEBHOOK = "webhook", _("Notifikasi penyedia")
    RECONCILE = "reconcile", _("Rekonsiliasi")


class PaymentEventOutcome(models.TextChoices):
    APPLIED = "applied", _("Diterapkan")
    IGNORED = "ignored", _("Diabaikan (status tidak maju)")
    AMOUNT_MISMATCH = "amount_mismatch", _("Jumlah tidak cocok")


class PaymentEvent(models.Model):
    """Every authenticated word from the provider, kept for audit and to make replays no-ops.

    `fingerprint` is a hash of what was said (the raw webhook body, or the status answer):
    the same notification delivered twice finds its row and changes nothing.
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    source = models.CharField(max_length=10, choices=PaymentEventSource.choices)
    fingerprint = models.CharField(max_length=64, unique=True)
    reported_status = models.CharField(max_length=10)
    reported_amount = models.BigIntegerField()
    provider_ref = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=16, choices=PaymentEventOutcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notifikasi pembayaran")
        verbose_name_plural = _("notifikasi pembayaran")

    def __str__(self) -> str:
        return f"{self.source} {self.reported_status} {self.outcome}"


class FeeCredit(models.Model):
    """A paid fee kept for its person after the booking it paid for ended without a visit
    (cancelled, or paid too late to keep its seat). The next booking of the same person for
    the same service and passport type before `valid_until` uses it: confirmed without a new
    bill. See credits.py."""

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="fee_credits", verbose_name=_("pemohon")
    )
    source = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="fee_credit", verbose_name=_("dari pemesanan")
    )
    service = models.CharField(_("layanan"), max_length=12, choices=Service.choices)
    passport_type = models.CharField(_("jenis paspor"), max_length=12, choices=PassportType.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    valid_until = models.DateTimeField(_("berlaku sampai"))
    used_by = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credit_used",
        verbose_name=_("dipakai untuk pemesanan"),
    )
    used_at = models.DateTimeField(_("dipakai pada"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kredit PNBP")
        verbose_name_plural = _("kredit PNBP")
        indexes = [models.Index(fields=["person", "service", "passport_type"], name="feecredit_person_kind")]

    def __str__(self) -> str:
        return f"{self.amount} → {self.valid_until:%Y-%m-%d}"


class AdjustmentKind(models.TextChoices):
    CHARGE = "charge", _("Tagihan tambahan")
    REFUND = "refund", _("Catatan pengembalian PNBP")


class AdjustmentStatus(models.TextChoices):
    OPEN = "open", _("Belum selesai")  # a charge not paid yet; a refund not returned yet
    PAID = "paid", _("Lunas")  # a charge only
    VOID = "void", _("Dibatalkan")  # the class changed back before it was settled


class BillAdjustment(models.Model):
    """A change to a bill that was already paid, made by a class change at the counter: the
    express fee as an additional bill with its own billing code (the bank has the old code's
    amount, which cannot change), or, when the express service is dropped, a note that its fee
    is owed back to the person (a PNBP refund goes through the office's own procedure; a
    FeeCredit would not fit: it stands for a whole fee and pays a whole next booking).

    A charge is settled by the provider's reports like a bill (services.payment_report_apply).
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("jenis"), max_length=10, choices=AdjustmentKind.choices)
    item = models.CharField(_("pos tarif"), max_length=10, choices=FeeItem.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (rupiah)"))
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.OPEN
    )
    # A charge only: what the person pays with, and until when.
    billing_code = models.CharField(_("kode billing"), max_length=15, unique=True, null=True, blank=True)
    deadline = models.DateTimeField(_("batas waktu bayar"), null=True, blank=True)
    paid_at = models.DateTimeField(_("dibayar pada"), null=True, blank=True)
    provider_ref = models.CharField(_("referensi penyedia"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan tagihan")
        verbose_name_plural = _("perubahan tagihan")
        ordering = ["payment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AdjustmentKind.REFUND, billing_code__isnull=True)
                | Q(kind=AdjustmentKind.CHARGE, billing_code__isnull=False),
                name="adjustment_billing_code_for_charges",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AdjustmentKind.REFUND, status=AdjustmentStatus.PAID),
                name="adjustment_refund_never_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item} {self.amount} {self.status}"
