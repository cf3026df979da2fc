"""The class quotas of an imported office (receiver of offices.importer.office_imported,
connected in BookingConfig.ready): the quota engine owns them, the importer only reads the file."""

from typing import Any

from django.dispatch import receiver

from loket.booking.models import ClassQuota
from loket.offices.importer import DAY_NAMES, OfficeSpec, office_imported
from loket.offices.models import Office


@receiver(office_imported)
def office_imported_class_quotas(sender: type[Office], *, office: Office, spec: OfficeSpec, **kwargs: Any) -> bool:
    """Replace the office's class quotas with the file's; no `class_quotas` in the file: keep them."""
    if spec.class_quotas is None:
        return False
    wanted: dict[tuple[str, int], tuple[int, bool]] = {
        (q.quota_class, DAY_NAMES[day]): (q.capacity, q.bookable_online) for q in spec.class_quotas for day in q.days
    }
    changed = False
    for row in ClassQuota.objects.filter(office=office):
        found = wanted.pop((row.quota_class, row.weekday), None)
        if found is None:
            row.delete()
            changed = True
        elif found != (row.capacity, row.bookable_online):
            row.capacity, row.bookable_online = found
            row.save(update_fields=["capacity", "bookable_online"])
            changed = True
    ClassQuota.objects.bulk_create(
        [
            ClassQuota(office=office, quota_class=c, weekday=w, capacity=n, bookable_online=online)
            for (c, w), (n, online) in wanted.items()
        ]
    )
    return changed or bool(wanted)
