"""The person form the citizen pages and the office desk both ask: who a household member is."""

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Relation, Sex
from loket.core.dates import BoundedDateField
from loket.core.forms import DATE


class HouseholdForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KK)"), max_length=120)
    nik = forms.CharField(
        label=_("NIK"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    birth_date = BoundedDateField(label=_("Tanggal lahir"), widget=DATE)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    relation = forms.ChoiceField(
        label=_("Hubungan"), choices=[(v, label) for v, label in Relation.choices if v != Relation.SELF]
    )
