"""Patterns that point at brokers (calo), for supervisors and the national administrator.

Counts and the accounts behind them; nothing is done to anyone automatically. Read over the
bookings made at an office (or every office) in the last `days` days:

- shared_phone / shared_address: several accounts with one phone number or one address;
- shared_client: several accounts that joined waiting rooms from one client address;
- cancel_no_show: accounts that cancelled or did not show up again and again;
- same_minutes: bookings of one office day by accounts created within the same minutes;
- fast_pass: accounts whose pass was used within a second of admission, again and again.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from loket.accounts.models import User
from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Office
from loket.release.models import Entry

MIN_ACCOUNTS = 3  # a shared phone, address, client address or creation time: from this many accounts
MIN_REPEATS = 3  # cancellations and no-shows of one account
MIN_FAST_PASSES = 2  # passes used within FAST of admission
FAST = dt.timedelta(seconds=1)
SAME_MINUTES = 10  # accounts created in the same 10 minutes
SHOWN = 50  # groups per pattern


@dataclass
class Finding:
    kind: str
    key: str  # what they share, masked where it is personal ("…7801", a day and a time)
    count: int
    accounts: list[User] = field(default_factory=list)


def _bookings(office: Office | None, since: dt.datetime) -> QuerySet[Booking]:
    rows = Booking.objects.filter(created_at__gte=since)
    return rows.filter(office=office) if office else rows


def _groups(kind: str, by_key: dict[str, set[int]], users: dict[int, User], minimum: int) -> list[Finding]:
    found = [
        Finding(kind, key, len(ids), [users[i] for i in sorted(ids) if i in users])
        for key, ids in by_key.items()
        if len(ids) >= minimum
    ]
    return sorted(found, key=lambda f: -f.count)[:SHOWN]


def _tail(value: str) -> str:
    return f"…{value[-4:]}" if len(value) > 4 else "…"


def hoarding_report(*, office: Office | None, days: int = 30) -> dict[str, list[Finding]]:
    since = timezone.now() - dt.timedelta(days=days)
    bookings = _bookings(office, since)
    account_ids = set(bookings.values_list("booked_by_id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=account_ids)}

    phones: dict[str, set[int]] = defaultdict(set)
    addresses: dict[str, set[int]] = defaultdict(set)
    for user in users.values():
        if user.phone:
            phones[_tail(user.phone) + f" ({user.phone[:5]})"].add(user.pk)
        if user.address.strip():
            addresses[" ".join(user.address.lower().split())[:60]].add(user.pk)

    entries = Entry.objects.filter(joined_at__gte=since, client_ip__isnull=False)
    if office:
        entries = entries.filter(room__office=office)
    clients: dict[str, set[int]] = defaultdict(set)
    for ip, account in entries.values_list("client_ip", "account_id"):
        if ip:
            clients[ip].add(account)
    users.update({u.pk: u for u in User.objects.filter(pk__in={a for ids in clients.values() for a in ids})})

    repeats = (
        bookings.filter(status__in=[BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
        .values("booked_by_id")
        .annotate(n=Count("id"))
        .filter(n__gte=MIN_REPEATS)
        .order_by("-n")[:SHOWN]
    )

    minutes: dict[str, set[int]] = defaultdict(set)
    for day, account, joined in bookings.values_list("slot__date", "booked_by_id", "booked_by__date_joined"):
        bucket = joined.replace(minute=joined.minute - joined.minute % SAME_MINUTES, second=0, microsecond=0)
        minutes[f"{day.isoformat()} · {timezone.localtime(bucket):%Y-%m-%d %H:%M}"].add(account)

    fast: dict[int, int] = defaultdict(int)
    admitted = dict(
        Entry.objects.filter(
            pass_id__in=bookings.filter(release_pass__isnull=False).values("release_pass")
        ).values_list("pass_id", "admitted_at")
    )
    for pass_id, account, made in bookings.filter(release_pass__in=list(admitted)).values_list(
        "release_pass", "booked_by_id", "created_at"
    ):
        at = admitted.get(pass_id)
        if at is not None and made - at <= FAST:
            fast[account] += 1

    return {
        "shared_phone": _groups("shared_phone", phones, users, MIN_ACCOUNTS),
        "shared_address": _groups("shared_address", addresses, users, MIN_ACCOUNTS),
        "shared_client": _groups("shared_client", clients, users, MIN_ACCOUNTS),
        "cancel_no_show": [
            Finding("cancel_no_show", "", row["n"], [users[row["booked_by_id"]]])
            for row in repeats
            if row["booked_by_id"] in users
        ],
        "same_minutes": _groups("same_minutes", minutes, users, MIN_ACCOUNTS),
        "fast_pass": [
            Finding("fast_pass", "", n, [users[a]])
            for a, n in sorted(fast.items(), key=lambda item: -item[1])
            if n >= MIN_FAST_PASSES and a in users
        ][:SHOWN],
    }


def account_bookings(user: User, office: Office | None) -> QuerySet[Booking]:
    """An account's bookings (at the office, or everywhere), for the report's account page."""
    rows = Booking.objects.filter(Q(booked_by=user) | Q(person__account=user)).select_related("slot", "office")
    return (rows.filter(office=office) if office else rows).order_by("-created_at")[:100]
