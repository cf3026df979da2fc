from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    name = "loket.release"
    verbose_name = "Pembukaan kuota"
