"""The citizen pages' forms: they only parse; the account services decide."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Sex
from loket.core.dates import BoundedDateField
from loket.core.forms import DATE


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP-el)"), max_length=120)
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("16 angka pada KTP-el atau Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = BoundedDateField(label=_("Tanggal lahir"), widget=DATE)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=32,
        help_text=_("Contoh: 0812 3456 7890"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Alamat"), max_length=255)
    password = forms.CharField(
        label=_("Kata sandi"),
        max_length=128,
        help_text=_("Paling sedikit 8 karakter, bukan hanya angka."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class VerifyForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=12,
        help_text=_("6 angka dari email kami."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EmailForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("Email atau NIK"), max_length=254, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Kata sandi"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ResetConfirmForm(forms.Form):
    reset_code = forms.CharField(
        label=_("Kode pengaturan ulang"),
        max_length=200,
        help_text=_("Salin kode dari email kami."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Kata sandi baru"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OfficeSearchForm(forms.Form):
    q = forms.CharField(label=_("Kota, provinsi atau nama kantor"), max_length=60, required=False)


class DocumentForm(forms.Form):
    """One supporting document: which kind (only those this application needs) and the file."""

    kind = forms.ChoiceField(label=_("Jenis dokumen"))
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("JPG, PNG atau PDF."),
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kinds


class RescheduleForm(forms.Form):
    """The new arrival window on the chosen day; the reschedule service decides whether it may move there."""

    start = forms.TypedChoiceField(
        label=_("Jam kedatangan baru"), widget=forms.RadioSelect, coerce=dt.time.fromisoformat
    )

    def __init__(self, *args: Any, windows: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start = self.fields["start"]
        assert isinstance(start, forms.ChoiceField)
        start.choices = windows


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput, max_length=128)
    confirm = forms.BooleanField(
        label=_("Saya mengerti: akun dan data pribadi saya dihapus dan tidak dapat dikembalikan.")
    )


class ChannelsForm(forms.Form):
    """Where the person is told about bookings and payments (loket/notify's NotificationPreference)."""

    channels = forms.MultipleChoiceField(
        label=_("Kirim pemberitahuan lewat"),
        choices=[("email", _("Email")), ("sms", _("SMS")), ("whatsapp", _("WhatsApp"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kode verifikasi dan atur ulang kata sandi selalu lewat email. SMS dan WhatsApp ke nomor HP Anda."),
        error_messages={"required": _("Pilih setidaknya satu saluran pemberitahuan.")},
    )
