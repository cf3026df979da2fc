"""Retention: after LOKET_RETENTION_DAYS past the visit, a booking's personal data goes.

The worker's `personal-data-retention` job (daily) anonymises the booking and its application
(name, NIK, birth date) and deletes its documents, once the booking is over (not active) and
its application has ended (collected or rejected, or the visit never led to one in progress).
People registered at the office without an account are stripped too once none of their
bookings is kept. Safe to run again: what is done is not selected a second time. It logs
counts and booking ids only.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from loket.accounts.models import Person
from loket.booking.models import ACTIVE_STATUSES, Booking, BookingStatus
from loket.dossier.models import Stage
from loket.privacy.services import ERASED_NAME, erase_bookings, person_erase

logger = logging.getLogger("loket.privacy")

ENDED_STAGES = [Stage.COLLECTED, Stage.REJECTED]


def bookings_due(today: dt.date) -> QuerySet[Booking]:
    cutoff = today - dt.timedelta(days=settings.LOKET_RETENTION_DAYS)
    return (
        Booking.objects.filter(slot__date__lte=cutoff)
        .exclude(status__in=ACTIVE_STATUSES)
        .exclude(person_name=ERASED_NAME)
        # A completed visit whose passport is still being made keeps its data until it ends.
        .exclude(
            Q(status=BookingStatus.COMPLETED) & Q(application__isnull=False) & ~Q(application__stage__in=ENDED_STAGES)
        )
    )


def retention_run() -> dict[str, int]:
    today = timezone.localdate()
    due = list(bookings_due(today).values_list("pk", flat=True)[:5000])
    with transaction.atomic():
        erased, documents = erase_bookings(Booking.objects.filter(pk__in=due))
        # Walk-in people (no account) whose every booking is erased: nothing keeps them any more.
        walkins = Person.objects.filter(account__isnull=True).exclude(full_name=ERASED_NAME)
        walkins = walkins.exclude(bookings__in=Booking.objects.exclude(person_name=ERASED_NAME)).filter(
            bookings__isnull=False
        )
        people = 0
        for person in walkins.distinct():
            person_erase(person)
            people += 1
    logger.info("retention: %s bookings anonymised %s, %s documents deleted, %s people", erased, due, documents, people)
    return {"bookings": erased, "documents": documents, "people": people}
