from django.apps import AppConfig


class OnsiteConfig(AppConfig):
    name = "loket.onsite"
    verbose_name = "Layanan di kantor"
