from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.accounts.services import normalize_phone
from loket.core.errors import DomainError


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Nomor HP pengirim"), max_length=20)
    channel = forms.ChoiceField(label=_("Saluran"), choices=[("sms", "SMS"), ("whatsapp", "WhatsApp")])
    text = forms.CharField(
        label=pgettext_lazy("a text message", "Pesan"),
        max_length=1000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["number"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
