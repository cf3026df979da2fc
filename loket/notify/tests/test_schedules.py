"""`migrate` creates the worker's periodic jobs, so `make run` needs no manual step."""

import pytest
from django_q.models import Schedule

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_periodic_jobs() -> None:
    jobs = {s.name: (s.func, s.schedule_type, s.minutes) for s in Schedule.objects.filter(name__startswith="notify-")}
    assert jobs == {
        "notify-retry-messages": ("loket.notify.tasks.messages_retry", "I", 1),
        "notify-visit-reminders": ("loket.notify.tasks.visit_reminders_send", "I", 15),
    }
