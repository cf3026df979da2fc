from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loket.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from loket.core.db import install_stale_plan_handling

        connection_created.connect(install_stale_plan_handling, dispatch_uid="loket-stale-plans")
