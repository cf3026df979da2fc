from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinConfig(AppConfig):
    name = "loket.walkin"
    verbose_name = _("Walk-in, mode gangguan dan tutup hari")
