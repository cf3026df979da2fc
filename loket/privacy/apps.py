from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "loket.privacy"
    label = "privacy"
