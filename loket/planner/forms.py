"""The planner's forms: the day, the plan (quota per window, counters per stage and hour), typed
figures, and the explicit "apply these quotas from a date" form. Field names carry the window
(kuota_0800) or the stage and hour (loket_verification_8), so a link can hold a whole plan."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core import datefmt
from loket.offices.models import ArrivalWindow, Weekday
from loket.onsite.models import Stage
from loket.planner.model import CLASSES, EXPRESS, PRIORITY, STAGES
from loket.planner.planning import Typed
from loket.planner.predict import Plan, Window, places_for
from loket.planner.simulate import Staffing

MAX_COUNTERS = 50
MAX_DAYS_AWAY = 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def quota_name(start: dt.time) -> str:
    return f"kuota_{start:%H%M}"


def class_name(quota_class: str) -> str:
    return f"kelas_{quota_class}"


def counter_name(stage: str, hour: int) -> str:
    return f"loket_{stage}_{hour}"


class DayForm(forms.Form):
    tanggal = forms.DateField(label=_("Tanggal"), widget=DATE, required=False)
    hari = forms.TypedChoiceField(
        label=_("atau hari"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False, empty_value=None
    )

    def clean_tanggal(self) -> dt.date | None:
        day = self.cleaned_data.get("tanggal")
        if day is not None and abs((day - timezone.localdate()).days) > MAX_DAYS_AWAY:
            raise forms.ValidationError(_("Pilih tanggal dalam setahun dari hari ini."))
        return day


class PlanForm(forms.Form):
    target = forms.IntegerField(label=_("Target tunggu p90 (menit)"), min_value=5, max_value=240, initial=30)
    isi = forms.IntegerField(label=_("Kuota terisi (%)"), min_value=10, max_value=100, initial=100)
    hadir = forms.IntegerField(
        label=_("Kehadiran (%)"), min_value=1, max_value=100, required=False, help_text=_("Kosong: dari data.")
    )

    def __init__(
        self,
        data: Any,
        *,
        windows: list[ArrivalWindow],
        hours: range,
        counters: dict[str, int],
        classes: dict[str, int],
        express_until: dt.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.windows, self.hours, self.express_until = windows, hours, express_until
        labels: dict[str, str] = {
            PRIORITY: str(_("Tempat prioritas")),
            EXPRESS: _("Tempat percepatan (datang sebelum pukul %(cutoff)s)")
            % {"cutoff": datefmt.clock(express_until)},
        }
        for quota_class in CLASSES:
            self.fields[class_name(quota_class)] = forms.IntegerField(
                label=labels[quota_class], min_value=0, max_value=1000, required=False,
                initial=classes.get(quota_class, 0),
            )  # fmt: skip
        for stage in STAGES:
            self.fields[f"layanan_{stage}"] = forms.FloatField(
                label=_("Layanan %(stage)s (menit)") % {"stage": Stage(stage).label},
                min_value=0.5, max_value=120, required=False, help_text=_("Kosong: dari data."),
            )  # fmt: skip
        for window in windows:
            self.fields[quota_name(window.start)] = forms.IntegerField(
                label=datefmt.clock_range(window.start, window.end), min_value=0, max_value=1000, required=False,
                initial=window.capacity,
            )  # fmt: skip
        for stage in STAGES:
            for hour in hours:
                label = f"{Stage(stage).label} {hour:02d}:00"
                self.fields[counter_name(stage, hour)] = forms.IntegerField(
                    label=label, min_value=0, max_value=MAX_COUNTERS, required=False, initial=counters[stage],
                    widget=forms.NumberInput(attrs={"aria-label": label, "class": "narrow"}),
                )  # fmt: skip

    def value(self, name: str) -> Any:
        got = self.cleaned_data.get(name) if self.is_bound else None
        return self.fields[name].initial if got is None else got

    def plan(self) -> Plan:
        windows = tuple(Window(w.start, w.end, self.value(quota_name(w.start))) for w in self.windows)
        counters = {s: tuple(self.value(counter_name(s, h)) for h in self.hours) for s in STAGES}
        places = places_for({c: self.value(class_name(c)) for c in CLASSES}, self.express_until)
        staffing = Staffing(first_hour=self.hours.start, counters=counters)
        return Plan(windows, staffing, fill=self.value("isi") / 100, classes=places)

    def typed(self) -> Typed:
        show = self.value("hadir")
        minutes = {s: self.value(f"layanan_{s}") for s in STAGES if self.value(f"layanan_{s}") is not None}
        return Typed(show_rate=None if show is None else show / 100, service_minutes=minutes)

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[quota_name(w.start)] for w in self.windows]

    def class_fields(self) -> list[forms.BoundField]:
        return [self[class_name(c)] for c in CLASSES]

    def counter_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(Stage(s).label), [self[counter_name(s, h)] for h in self.hours]) for s in STAGES]

    def typed_fields(self) -> list[forms.BoundField]:
        return [self["hadir"], *(self[f"layanan_{s}"] for s in STAGES)]


class ApplyForm(forms.Form):
    hari = forms.TypedChoiceField(label=_("Hari"), choices=Weekday.choices, coerce=int)
    berlaku = forms.DateField(label=_("Berlaku mulai"), widget=DATE)
    yakin = forms.BooleanField(
        label=_("Saya mengerti: kuota jam kedatangan hari ini berubah untuk tanggal berlaku dan sesudahnya."),
        required=True,
    )

    def __init__(self, data: Any = None, *, windows: list[ArrivalWindow], **kwargs: Any) -> None:
        super().__init__(data, auto_id="terapkan_%s", **kwargs)  # the plan form on the same page has kuota_… too
        self.windows = windows
        for window in windows:
            self.fields[quota_name(window.start)] = forms.IntegerField(
                label=datefmt.clock_range(window.start, window.end), min_value=0, max_value=1000
            )

    def quotas(self) -> dict[dt.time, int]:
        return {w.start: self.cleaned_data[quota_name(w.start)] for w in self.windows}
