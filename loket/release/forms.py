"""Staff forms of the release page: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.release.services import HORIZON_MAX


class ReleaseRuleForm(forms.Form):
    release_time = forms.TimeField(
        label=_("Jam pembukaan kuota (waktu kantor)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Setiap hari pada jam ini kuota satu hari baru dibuka."),
    )
    horizon_days = forms.IntegerField(
        label=_("Hari ke depan"),
        min_value=1,
        max_value=HORIZON_MAX,
        help_text=_("Hari yang dibuka: sekian hari setelah hari pembukaan."),
    )


class ReleaseNowForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
