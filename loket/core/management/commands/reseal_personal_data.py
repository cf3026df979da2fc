"""Seal every sealed column again with the current key (LOKET_DATA_KEYS' first) and recompute
lookup hashes (LOKET_LOOKUP_KEY): the rotation step. Safe to run at any time, and again."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from loket.core.fields import SealedCharField


class Command(BaseCommand):
    help = "Re-seal personal data with the current key and recompute lookup hashes (key rotation)."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            sealed = [f for f in model._meta.concrete_fields if isinstance(f, SealedCharField)]
            if not sealed:
                continue
            fields = [f.name for f in sealed] + [f.hash_field for f in sealed if f.hash_field]
            done = 0
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model._default_manager.select_for_update().get(pk=pk)
                    row.save(update_fields=fields)
                done += 1
            self.stdout.write(f"{model._meta.label}: {done} rows sealed with the current key")
