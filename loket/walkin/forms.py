"""Staff forms for walk-ins, outage mode and day close: they parse; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.accounts.forms import HouseholdForm
from loket.booking.forms import BookingDetailsForm, without_replacement_leftovers
from loket.booking.models import QuotaClass
from loket.core.dates import BoundedDateField
from loket.onsite.models import Priority

# The same fields (and rules) as the citizen pages: what a person is asked online.
_PERSON = HouseholdForm.base_fields
_DETAILS = BookingDetailsForm.base_fields


class WalkinForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP-el)"), max_length=120, widget=forms.TextInput(attrs={"autofocus": True})
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("16 angka pada KTP-el atau Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = _PERSON["birth_date"]
    sex = _PERSON["sex"]
    phone = forms.CharField(
        label=_("Nomor HP (jika ada)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    service = _DETAILS["service"]
    replacement_reason = _DETAILS["replacement_reason"]
    old_passport_number = _DETAILS["old_passport_number"]
    passport_type = _DETAILS["passport_type"]
    quota_class = forms.ChoiceField(
        label=_("Kelas kuota"),
        choices=QuotaClass.choices,
        initial=QuotaClass.REGULAR,
        required=False,
        help_text=_(
            "Prioritas dan percepatan memakai kuota kelasnya sendiri, hanya untuk hari ini. "
            "Percepatan: paspor selesai hari ini, dengan PNBP tambahan."
        ),
    )
    priority = forms.ChoiceField(
        label=_("Prioritas"),
        choices=Priority.choices,
        required=False,
        help_text=_(
            "Lansia 60+ dan anak di bawah 5 tahun dikenali dari tanggal lahir; disabilitas dan kehamilan "
            "dinyatakan pemohon dan diperiksa di loket."
        ),
    )
    # Empty: today. Set by the "book the next day with room" button after today was full.
    day = BoundedDateField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = without_replacement_leftovers(super().clean() or {})
        data["quota_class"] = data.get("quota_class") or QuotaClass.REGULAR
        return data


class OutageForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=200,
        required=False,
        help_text=_("Ditampilkan kepada publik, mis. “gangguan jaringan”."),
    )


class KioskDataForm(WalkinForm):
    """The person behind a kiosk walk-in number, filled in at the first counter: the walk-in
    form without the day (today, the place is already held) and without priority (the number
    is already in the queue)."""

    day = None  # type: ignore[assignment]
    priority = None  # type: ignore[assignment]
