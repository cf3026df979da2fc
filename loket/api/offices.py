import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field, StringConstraints

from loket.api.schemas import IsoDate, Short
from loket.booking.classes import class_places_between
from loket.booking.selectors import availability_answer, availability_key
from loket.core.errors import DomainError
from loket.core.ready import mark_ready
from loket.core.replica import on_replica
from loket.offices.models import ArrivalWindow, Office
from loket.offices.selectors import office_by_code
from loket.payments.selectors import express_fee_for
from loket.release.selectors import releases_upcoming

router = Router(tags=["offices"])

DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class WindowOut(Schema):
    start: str
    end: str
    capacity: int


class OfficeOut(Schema):
    code: str
    name: str
    kind: str
    province: str
    city: str
    address: str
    timezone: str
    zone: str
    online_booking: bool
    horizon_days: int
    release_time: str
    weekly_windows: dict[str, list[WindowOut]]
    daily_quota: dict[str, int]


def office_out(office: Office) -> OfficeOut:
    by_day: dict[str, list[WindowOut]] = {key: [] for key in DAY_KEYS}
    for window in office.windows.all():
        by_day[DAY_KEYS[window.weekday]].append(
            WindowOut(start=f"{window.start:%H:%M}", end=f"{window.end:%H:%M}", capacity=window.capacity)
        )
    return OfficeOut(
        code=office.code,
        name=office.name,
        kind=office.kind,
        province=office.province,
        city=office.city,
        address=office.address,
        timezone=office.timezone,
        zone=office.zone_abbreviation,
        online_booking=office.online_booking,
        horizon_days=office.horizon_days,
        release_time=f"{office.release_time:%H:%M}",
        weekly_windows={day: windows for day, windows in by_day.items() if windows},
        daily_quota={day: sum(w.capacity for w in windows) for day, windows in by_day.items() if windows},
    )


@router.get("", response=list[OfficeOut])
def office_list(request: HttpRequest, q: Short = "", province: Short = "") -> list[OfficeOut]:
    offices = Office.objects.prefetch_related(Prefetch("windows", ArrivalWindow.objects.order_by("weekday", "start")))
    if q:
        offices = offices.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(code__iexact=q))
    if province:
        offices = offices.filter(province__iexact=province)
    return [office_out(o) for o in offices]


OfficeCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{2,8}$")]


@router.get("/{code}", response=OfficeOut)
def office_detail(request: HttpRequest, code: Path[OfficeCode]) -> OfficeOut:
    office = get_object_or_404(
        Office.objects.prefetch_related(Prefetch("windows", ArrivalWindow.objects.order_by("weekday", "start"))),
        code__iexact=code,
    )
    return office_out(office)


class AvailabilityQuery(Schema):
    start: IsoDate | None = None
    days: int = Field(default=14, ge=1, le=62)


class SeatsOut(Schema):
    start: str
    end: str
    capacity: int
    remaining: int


class DayOut(Schema):
    date: dt.date
    open: bool
    full: bool
    reason_code: str | None
    reason: str | None
    opens_at: dt.datetime | None = Field(
        None, description="A day not released yet: when its seats open (office time, with its UTC offset)."
    )
    windows: list[SeatsOut]


class AvailabilityOut(Schema):
    office: str
    timezone: str
    days: list[DayOut]
    next_available: dt.date | None


@router.get("/{code}/availability", response=AvailabilityOut)
def office_availability(request: HttpRequest, code: Path[OfficeCode], query: Query[AvailabilityQuery]) -> Any:
    """Open days, windows and seats left, in the office's local days. May lag a few seconds (cache)."""
    office = office_by_code(code)
    if office is None:
        raise Http404
    start, today = query.start or office.local_today(), office.local_today()
    if start + dt.timedelta(days=query.days - 1) < today:
        # Every day asked for is past: said plainly instead of a list of closed days.
        raise DomainError(
            "past",
            _("Semua tanggal yang diminta sudah lewat. Mulai dari hari ini (%(today)s) atau sesudahnya.")
            % {"today": today.isoformat()},
            field="start",
        )
    answer = on_replica(lambda: availability_answer(office, start, query.days))
    if answer.etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type="application/json")
    response["ETag"] = answer.etag
    # Public and short: a proxy or the browser may reuse it for as long as the server would.
    response["Cache-Control"] = f"public, max-age={settings.LOKET_AVAILABILITY_CACHE_SECONDS}"
    patch_vary_headers(response, ["Accept-Language"])
    if settings.LOKET_AVAILABILITY_CACHE_SECONDS > 0:
        # The same request again is answered by the lane while the cache holds this answer.
        last_day = start + dt.timedelta(days=query.days - 1) if query.start else today
        mark_ready(
            response,
            cache_key=availability_key(office, start, query.days),
            zone=office.zone,
            last_day=last_day,
        )
    return response


class ClassPlacesOut(Schema):
    quota_class: str = Field(description='"priority" or "express".')
    capacity: int
    remaining: int
    bookable_online: bool = Field(
        description="A person who qualifies may book a place of this class online in an appointment "
        '(POST /bookings with "quota_class"); otherwise it is taken at the office on the day.'
    )


class ClassDayOut(Schema):
    date: dt.date
    classes: list[ClassPlacesOut] = Field(description="Empty: the office offers no class place that day.")


class ClassAvailabilityOut(Schema):
    office: str
    timezone: str
    express_arrival_cutoff: str = Field(
        description="Express applicants register at the office before this (office time)."
    )
    express_payment_cutoff: str = Field(description="and pay before this (office time).")
    express_fee: int | None = Field(description="The express PNBP in rupiah today, on top of the passport fee.")
    days: list[ClassDayOut]


@router.get("/{code}/classes", response=ClassAvailabilityOut)
def office_classes(request: HttpRequest, code: Path[OfficeCode], query: Query[AvailabilityQuery]) -> Any:
    """Priority and same-day express places per day: the office's daily quota of each class and
    what is left. They are taken at the office on the day (express before the arrival cut-off),
    or, where `bookable_online` says so, booked online in an appointment."""
    office = office_by_code(code)
    if office is None:
        raise Http404
    start = query.start or office.local_today()
    plans = on_replica(lambda: class_places_between(office, start, query.days))
    try:
        fee_amount: int | None = express_fee_for(on=office.local_today()).amount
    except DomainError:
        fee_amount = None
    return ClassAvailabilityOut(
        office=office.code,
        timezone=office.timezone,
        express_arrival_cutoff=f"{office.express_arrival_cutoff:%H:%M}",
        express_payment_cutoff=f"{office.express_payment_cutoff:%H:%M}",
        express_fee=fee_amount,
        days=[
            ClassDayOut(
                date=day,
                classes=[
                    ClassPlacesOut(
                        quota_class=p.quota_class,
                        capacity=p.capacity,
                        remaining=p.remaining,
                        bookable_online=p.bookable_online,
                    )
                    for p in places
                ],
            )
            for day, places in plans.items()
        ],
    )


class ReleaseOut(Schema):
    date: dt.date = Field(description="The office's local day that opens.")
    opens_at: dt.datetime = Field(description="When its seats open: office time, with its UTC offset.")
    join_from: dt.datetime = Field(description="From when its waiting room may be joined.")
    state: str = Field(description='"scheduled" (its waiting room not open yet) or "joining" (join it now).')


class ReleasesQuery(Schema):
    count: int = Field(default=7, ge=1, le=31)


@router.get("/{code}/releases", response=list[ReleaseOut])
def office_releases(request: HttpRequest, code: Path[OfficeCode], query: Query[ReleasesQuery]) -> Any:
    """The next days with service that the office's release rule opens, and when each opens.

    The rule: each day at `release_time` (office time) the day `horizon_days` ahead opens;
    staff may open the next day early ("release now"), after which this list moves on.
    """
    office = office_by_code(code)
    if office is None:
        raise Http404
    return [
        ReleaseOut(date=r.date, opens_at=r.opens_at, join_from=r.join_from, state=r.state)
        for r in releases_upcoming(office, count=query.count)
    ]
