from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What operators see: Prometheus metrics and the per-request log line (top layer, beside api/web)."""

    name = "loket.ops"
    label = "ops"
