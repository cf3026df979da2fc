"""The booking details form the citizen pages and the walk-in desk both ask."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.booking.models import PassportType, ReplacementReason, Service


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


def without_replacement_leftovers(data: dict[str, Any]) -> dict[str, Any]:
    """A new passport needs no replacement details: drop those left over from a change of mind."""
    if data.get("service") == Service.NEW:
        data["replacement_reason"] = ""
        data["old_passport_number"] = ""
    return data
