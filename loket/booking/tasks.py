"""Periodic jobs of the booking engine, run by the background worker."""

from loket.booking.seats import seats_release_due


def release_cancelled_seats() -> int:
    return seats_release_due()
