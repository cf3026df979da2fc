from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for a newcomer's first run (`seed_demo`): the top layer, it may use every app."""

    name = "loket.demo"
    label = "demo"
    verbose_name = _("Data demo")
