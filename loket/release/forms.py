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


class ClosureForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=200,
        help_text=_("Dikirim kepada setiap orang yang sudah memesan hari itu, mis. Pemadaman listrik."),
        error_messages={
            "required": _("Tulis alasan penutupan: alasan ini dikirim kepada setiap orang yang sudah memesan hari itu.")
        },
    )
