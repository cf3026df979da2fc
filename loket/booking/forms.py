"""The booking details form the citizen pages and the walk-in desk both ask."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.booking.models import PassportType, PriorityReason, QuotaClass, ReplacementReason, Service


class BookingDetailsForm(forms.Form):
    """Who, which service and which passport; the booking service checks the combination."""

    member = forms.ChoiceField(label=_("Untuk siapa"), required=False)
    service = forms.ChoiceField(label=_("Layanan"), choices=Service.choices, widget=forms.RadioSelect)
    replacement_reason = forms.ChoiceField(
        label=_("Alasan penggantian"),
        choices=[("", "–"), *ReplacementReason.choices],
        required=False,
        help_text=_("Hanya untuk penggantian paspor."),
    )
    old_passport_number = forms.CharField(
        label=_("Nomor paspor lama"), max_length=20, required=False, help_text=_("Hanya untuk penggantian paspor.")
    )
    passport_type = forms.ChoiceField(label=_("Jenis paspor"), choices=PassportType.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = people

    def clean(self) -> dict[str, Any]:
        return without_replacement_leftovers(super().clean() or {})


class OnlineBookingForm(BookingDetailsForm):
    """The citizen's details, and the class of place when the office lets one be booked online
    that day (`classes`: (value, label) of each; none: the form asks no more than BookingDetailsForm)."""

    quota_class = forms.ChoiceField(label=_("Kelas kuota"), widget=forms.RadioSelect, required=False)
    priority_reason = forms.ChoiceField(
        label=_("Alasan prioritas"),
        choices=[("", _("Menurut tanggal lahir (lansia, anak di bawah 5 tahun)")), *PriorityReason.choices],
        required=False,
        help_text=_("Hanya untuk tempat prioritas. Disabilitas dan kehamilan diperiksa di loket."),
    )

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], classes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, people=people, **kwargs)
        if not classes:
            del self.fields["quota_class"], self.fields["priority_reason"]
            return
        quota_class = self.fields["quota_class"]
        assert isinstance(quota_class, forms.ChoiceField)
        quota_class.choices = [(QuotaClass.REGULAR.value, QuotaClass.REGULAR.label), *classes]
        quota_class.initial = QuotaClass.REGULAR

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["quota_class"] = data.get("quota_class") or QuotaClass.REGULAR
        if data["quota_class"] != QuotaClass.PRIORITY:
            data["priority_reason"] = ""  # left over from a change of mind
        return data


def without_replacement_leftovers(data: dict[str, Any]) -> dict[str, Any]:
    """A new passport needs no replacement details: drop those left over from a change of mind."""
    if data.get("service") == Service.NEW:
        data["replacement_reason"] = ""
        data["old_passport_number"] = ""
    return data
