import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from loket.accounts import services
from loket.accounts.models import Person
from loket.accounts.probes import nik_probe_guard
from loket.accounts.selectors import household_of
from loket.api.schemas import IsoDate, Name, Short
from loket.api.security import VerifiedTokenAuth, current_user
from loket.core.db import atomic_retry_once
from loket.core.ratelimit import client_ip, hit

router = Router(tags=["household"], auth=VerifiedTokenAuth())


class MemberIn(Schema):
    full_name: Name
    nik: Short
    birth_date: IsoDate
    sex: Literal["M", "F"]
    relation: Literal["spouse", "child", "parent", "sibling", "other"]


class MemberOut(Schema):
    id: int
    full_name: str
    nik: str
    birth_date: dt.date
    sex: str
    relation: str
    nik_flags: list[str]


def member_out(person: Person) -> MemberOut:
    return MemberOut(
        id=person.pk,
        full_name=person.full_name,
        nik=person.nik,
        birth_date=person.birth_date,
        sex=person.sex,
        relation=person.relation,
        nik_flags=person.nik_flags,
    )


@router.get("", response=list[MemberOut])
def household_list(request: HttpRequest) -> list[MemberOut]:
    return [member_out(p) for p in household_of(current_user(request))]


@router.post("", response={201: MemberOut})
def household_add(request: HttpRequest, payload: MemberIn) -> Status[MemberOut]:
    user = current_user(request)
    ip = client_ip(request)
    hit(scope="household-add", key=str(user.pk), limit=30, window_seconds=3600)
    hit(scope="household-add-ip", key=ip, limit=60, window_seconds=3600)
    with nik_probe_guard(ip=ip, account_id=user.pk):
        person = atomic_retry_once(lambda: services.household_add(user=user, **payload.dict()))
    return Status(201, member_out(person))


@router.delete("/{member_id}", response={204: None})
def household_remove(request: HttpRequest, member_id: int) -> Status[None]:
    user = current_user(request)
    atomic_retry_once(lambda: services.household_remove(user=user, person_id=member_id))
    return Status(204, None)
