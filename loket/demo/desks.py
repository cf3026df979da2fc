"""Demo counters and a queue policy for every office (seed_demo): enough to try the queue at once."""

from loket.offices.models import Office
from loket.onsite.models import Counter, QueuePolicy, Stage

# Loket 1–2 verify documents, 3–4 take photos and interview, 5 hands out passports.
DEMO_COUNTERS = {
    1: [Stage.VERIFICATION],
    2: [Stage.VERIFICATION],
    3: [Stage.PHOTO_INTERVIEW],
    4: [Stage.PHOTO_INTERVIEW],
    5: [Stage.PICKUP],
}


def seed_queue_desks() -> None:
    """Idempotent: existing counters and policies (maybe edited by a supervisor) are left alone."""
    for office in Office.objects.all():
        QueuePolicy.objects.get_or_create(office=office)
        for number, stages in DEMO_COUNTERS.items():
            Counter.objects.get_or_create(office=office, number=number, defaults={"stages": [str(s) for s in stages]})
