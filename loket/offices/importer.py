"""Creates or updates offices from a JSON list (see `import_offices`). All or nothing."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.db import transaction
from django.dispatch import Signal
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from loket.offices.models import ArrivalWindow, Office, OfficeKind

DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL outright: reject it here, with the entry and field, not halfway through the write.
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return value


def _local_time(value: dt.time) -> dt.time:
    # Times are wall-clock times in the office's own zone; an offset would be dropped or crash the comparison.
    if value.tzinfo is not None:
        raise ValueError("must be a local time without a UTC offset (the office's zone applies)")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


class OfficeImportError(Exception):
    """The file was rejected; nothing was written."""


class WindowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: list[Day] = Field(min_length=1)
    start: LocalTime
    end: LocalTime
    capacity: StrictInt = Field(ge=0, le=10_000)

    @model_validator(mode="after")
    def _end_after_start(self) -> "WindowSpec":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ClassQuotaSpec(BaseModel):
    """The daily places of a class (priority, express) on the given weekdays."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    quota_class: Literal["priority", "express"] = Field(alias="class")
    days: list[Day] = Field(min_length=1)
    capacity: StrictInt = Field(ge=0, le=10_000)
    # Optional: may a person who qualifies also book the class online in an appointment (default no).
    bookable_online: StrictBool = False


# Sent inside the import's transaction for every office written, with `office` and `spec`;
# the quota engine (loket/booking) writes the class quotas. A receiver returns True when it
# changed something. Kept as a signal: offices sits below the quota engine.
office_imported = Signal()


class OfficeSpec(BaseModel):
    # Whitespace around text is a typo, not data; and a name of three spaces must not pass min_length.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=r"^[A-Z0-9]{2,8}$")
    name: Text = Field(min_length=3, max_length=120)
    timezone: Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
    horizon_days: StrictInt = Field(ge=1, le=366)
    windows: list[WindowSpec]
    kind: OfficeKind = OfficeKind.KELAS_I_TPI
    province: Text = Field(default="", max_length=60)
    city: Text = Field(default="", max_length=60)
    address: Text = Field(default="", max_length=255)
    online_booking: StrictBool = True
    release_time: LocalTime = dt.time(0, 0)
    # Optional (files from before the classes existed stay valid): absent leaves the office's
    # class quotas and cut-offs as they are; a list, even empty, replaces its class quotas.
    class_quotas: list[ClassQuotaSpec] | None = None
    express_arrival_cutoff: LocalTime | None = None
    express_payment_cutoff: LocalTime | None = None

    @field_validator("class_quotas")
    @classmethod
    def _one_quota_per_class_and_day(cls, quotas: list[ClassQuotaSpec] | None) -> list[ClassQuotaSpec] | None:
        seen: set[tuple[str, str]] = set()
        for quota in quotas or []:
            for day in quota.days:
                if (quota.quota_class, day) in seen:
                    raise ValueError(f"two {quota.quota_class} quotas on {day}")
                seen.add((quota.quota_class, day))
        return quotas

    @model_validator(mode="after")
    def _pay_after_arrival(self) -> "OfficeSpec":
        arrival, payment = self.express_arrival_cutoff, self.express_payment_cutoff
        if (arrival is None) != (payment is None):
            raise ValueError("give express_arrival_cutoff and express_payment_cutoff together")
        if arrival is not None and payment is not None and payment < arrival:
            raise ValueError("express_payment_cutoff must not be before express_arrival_cutoff")
        return self

    @field_validator("windows")
    @classmethod
    def _no_duplicate_starts(cls, windows: list[WindowSpec]) -> list[WindowSpec]:
        seen: set[tuple[int, dt.time]] = set()
        for window in windows:
            for day in window.days:
                key = (DAY_NAMES[day], window.start)
                if key in seen:
                    raise ValueError(f"two windows start at {window.start:%H:%M} on {day}")
                seen.add(key)
        return windows


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _describe(index: int, raw: Any, error: ValidationError) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(entry)"
    label = f"entry {index}" + (f" ({code})" if code else "")
    return f"{label}: {where}: {first['msg']}"


def parse_offices(data: Any) -> list[OfficeSpec]:
    if not isinstance(data, list):
        raise OfficeImportError("the file must hold a JSON list of offices")
    specs: list[OfficeSpec] = []
    codes: set[str] = set()
    for index, raw in enumerate(data):
        try:
            spec = OfficeSpec.model_validate(raw)
        except ValidationError as error:
            raise OfficeImportError(_describe(index, raw, error)) from None
        if spec.code in codes:
            raise OfficeImportError(f"entry {index} ({spec.code}): code: appears twice in the file")
        codes.add(spec.code)
        specs.append(spec)
    return specs


def _office_fields(spec: OfficeSpec) -> dict[str, Any]:
    fields = {
        "name": spec.name,
        "timezone": spec.timezone,
        "horizon_days": spec.horizon_days,
        "kind": spec.kind.value,
        "province": spec.province,
        "city": spec.city,
        "address": spec.address,
        "online_booking": spec.online_booking,
        "release_time": spec.release_time,
    }
    for name in ("express_arrival_cutoff", "express_payment_cutoff"):
        if getattr(spec, name) is not None:
            fields[name] = getattr(spec, name)
    return fields


def _sync_windows(office: Office, spec: OfficeSpec) -> bool:
    wanted = {(DAY_NAMES[day], w.start): (w.end, w.capacity) for w in spec.windows for day in w.days}
    changed = False
    for window in office.windows.all():
        key = (window.weekday, window.start)
        if key not in wanted:
            window.delete()
            changed = True
            continue
        end, capacity = wanted.pop(key)
        if (window.end, window.capacity) != (end, capacity):
            window.end, window.capacity = end, capacity
            window.save(update_fields=["end", "capacity"])
            changed = True
    for (weekday, start), (end, capacity) in wanted.items():
        ArrivalWindow.objects.create(office=office, weekday=weekday, start=start, end=end, capacity=capacity)
        changed = True
    return changed


@transaction.atomic
def offices_import(*, data: Any) -> ImportReport:
    """Validate every entry first, then write them all in one transaction."""
    specs = parse_offices(data)
    report = ImportReport()
    for spec in specs:
        fields = _office_fields(spec)
        office = Office.objects.filter(code=spec.code).first()
        if office is None:
            office = Office.objects.create(code=spec.code, **fields)
            _sync_windows(office, spec)
            office_imported.send(sender=Office, office=office, spec=spec)
            report.created.append(spec.code)
            continue
        changed = False
        for name, value in fields.items():
            if getattr(office, name) != value:
                setattr(office, name, value)
                changed = True
        if changed:
            office.save()
        changed = _sync_windows(office, spec) or changed
        answers = office_imported.send(sender=Office, office=office, spec=spec)
        if changed or any(answer for _receiver, answer in answers):
            report.updated.append(spec.code)
        else:
            report.unchanged.append(spec.code)
    return report
