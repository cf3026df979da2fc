from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "loket.dossier"
    label = "dossier"
    verbose_name = _("Berkas permohonan")

    def ready(self) -> None:
        from loket.dossier import handlers  # connects the receivers

        handlers.load_opened()
