from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.core import datefmt
from loket.payments.models import FeeCredit, FeeRate, Payment, PaymentEvent, PaymentItem
from loket.payments.selectors import payments_needing_rebooking


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    """New regulation, new row: a bill keeps the amount it was opened with."""

    list_display = ["item", "passport_type", "amount_rupiah", "effective_from", "legal_basis"]
    list_filter = ["item", "passport_type"]
    ordering = ["item", "passport_type", "-effective_from"]

    @admin.display(description=_("tarif"), ordering="amount")
    def amount_rupiah(self, rate: FeeRate) -> str:
        return datefmt.rupiah(rate.amount)


class NeedsRebookingFilter(admin.SimpleListFilter):
    title = _("tindak lanjut petugas")
    parameter_name = "tindak_lanjut"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("jadwal_ulang", str(_("Sudah dibayar, perlu jadwal ulang")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Payment]) -> QuerySet[Payment]:
        if self.value() == "jadwal_ulang":
            return queryset.filter(pk__in=payments_needing_rebooking().values("pk"))
        return queryset


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "received_at",
        "source",
        "reported_status",
        "reported_amount",
        "provider_ref",
        "outcome",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentItemInline(admin.TabularInline):
    model = PaymentItem
    extra = 0
    can_delete = False
    fields = readonly_fields = ("item", "amount")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["billing_code", "booking", "amount_rupiah", "status", "deadline", "paid_at"]
    list_filter = [NeedsRebookingFilter, "status"]
    search_fields = ["billing_code", "booking__code"]
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentItemInline, PaymentEventInline]

    @admin.display(description=_("jumlah"), ordering="amount")
    def amount_rupiah(self, payment: Payment) -> str:
        return datefmt.rupiah(payment.amount)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FeeCredit)
class FeeCreditAdmin(admin.ModelAdmin):
    """Paid fees kept for their person (credits.py): written by the system only, read here."""

    list_display = ["source", "person", "amount_rupiah", "service", "passport_type", "valid_until", "used_by"]
    search_fields = ["source__code", "used_by__code"]
    readonly_fields = [f.name for f in FeeCredit._meta.fields]

    @admin.display(description=_("jumlah"), ordering="amount")
    def amount_rupiah(self, credit: FeeCredit) -> str:
        return datefmt.rupiah(credit.amount)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
