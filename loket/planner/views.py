"""The planner page (supervisor of the office, national administrator) and its apply action.

The page is a GET form: the day (a date or a weekday), quota per window, counters per stage
and hour, the p90 target and typed figures; it predicts (or suggests) and changes nothing. Applying
quotas is a separate POST with a date and an explicit confirmation, done by plan_apply (audited).
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import request_ip
from loket.booking.models import QuotaClass
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import officer_view
from loket.onsite.models import Stage
from loket.planner.charts import hour_bars, wait_chart
from loket.planner.forms import ApplyForm, DayForm, PlanForm, quota_name
from loket.planner.model import CLASSES, GROUPS, SOURCE_LABELS, STAGES
from loket.planner.planning import (
    Planned,
    class_quotas,
    counters_now,
    next_day_of,
    plan_day,
    planning_hours,
    windows_of,
)
from loket.planner.services import plan_apply

SUGGEST = {"kuota": "quota", "loket": "counters"}


def _day(office: Office, form: DayForm) -> dt.date:
    if form.is_valid():
        if form.cleaned_data["tanggal"]:
            return form.cleaned_data["tanggal"]
        if form.cleaned_data["hari"] is not None:
            return next_day_of(office, form.cleaned_data["hari"])
    return office.local_today() + dt.timedelta(days=1)


def _plan_form(office: Office, day: dt.date, data: Any) -> PlanForm:
    windows = windows_of(office, day.weekday())
    return PlanForm(
        data,
        windows=windows,
        hours=planning_hours(windows),
        counters=counters_now(office),
        classes=class_quotas(office, day.weekday()),
        express_until=office.express_arrival_cutoff,
    )


def _context(
    office: Office, day_form: DayForm, form: PlanForm, planned: Planned | None, apply: ApplyForm
) -> dict[str, Any]:
    context: dict[str, Any] = {"office": office, "day_form": day_form, "form": form, "apply": apply, "planned": planned}
    if planned is None:
        return context
    target = form.value("target")
    bars = hour_bars(planned.prediction, planned.comparable)
    model = planned.model
    context.update(
        day_label=date_format(planned.day, "l j F Y"),
        chart=wait_chart(bars, target),
        bars=bars,
        target=target,
        stage_labels=[Stage(s).label for s in STAGES],
        hour_rows=[
            (h, [_use(h.counters.get(s, 0), h.utilisation.get(s)) for s in STAGES]) for h in planned.prediction.hours
        ],
        sources=[(GROUPS[g], SOURCE_LABELS[model.sources.get(g, "built_in")]) for g in GROUPS],
        class_rows=_class_rows(planned),
        figures=_figures(planned),
        suggested=planned.suggestion,
        quota_pairs=list(zip(planned.plan.windows, planned.suggestion.plan.windows, strict=True))
        if planned.suggestion
        else [],
        counter_pairs=[
            (Stage(s).label, planned.plan.staffing.counters[s], planned.suggestion.plan.staffing.counters[s])
            for s in STAGES
        ]
        if planned.suggestion
        else [],
    )
    return context


def _class_rows(planned: Planned) -> list[tuple[str, int, float, float | None]]:
    """Per class place in the plan: its name, the places, the people predicted to take them, their p90 wait."""
    prediction, model = planned.prediction, planned.model
    return [
        (
            str(QuotaClass(p.quota_class).label),
            p.quota,
            round(p.quota * model.class_use.get(p.quota_class, 1.0)),
            prediction.group_p90.get(p.quota_class),
        )
        for p in planned.plan.classes
    ]


def _use(counters: int, utilisation: float | None) -> str:
    return f"{counters} / " + ("–" if utilisation is None else f"{100 * utilisation:.0f} %")


def _figures(planned: Planned) -> list[tuple[str, str]]:
    """The model's main figures, as the page lists them."""
    model = planned.model
    rows = [
        (_("Hari riwayat kantor ini"), str(model.days)),
        (_("Kehadiran pemesan"), f"{100 * model.show_rate:.0f} %"),
        (
            _("Datang terhadap awal jam kedatangan (rata-rata ± sd)"),
            f"{model.offset_mean:+.0f} ± {model.offset_sd:.0f} min",
        ),
        (_("Walk-in per hari"), f"{sum(model.walkins_per_hour.values()):.1f}"),
        (_("Pengambilan paspor per hari"), f"{sum(model.pickups_per_hour.values()):.1f}"),
        (_("Prioritas"), f"{100 * model.priority_share:.0f} %"),
    ]
    for start in sorted(set(model.window_show) | set(model.window_offset)):
        mean, sd = model.offset_for(start)
        rows.append(
            (
                _("Jam kedatangan %(start)s: kehadiran, datang") % {"start": datefmt.clock(start)},
                f"{100 * model.show_for(start):.0f} %, {mean:+.0f} ± {sd:.0f} min",
            )
        )
    rows += [
        (_("Layanan %(stage)s (rata-rata)") % {"stage": Stage(s).label}, f"{model.service[s].mean:.1f} min")
        for s in STAGES
    ]
    for quota_class in CLASSES:
        if quota_class in model.class_use or quota_class in model.class_hours:
            hours = model.class_arrival_hours(quota_class)
            busiest = max(hours, key=lambda h: hours[h])
            rows.append(
                (
                    _("%(class)s: tempat terpakai, jam datang terbanyak") % {"class": QuotaClass(quota_class).label},
                    f"{100 * model.class_use.get(quota_class, 1.0):.0f} %, {datefmt.clock(dt.time(busiest))}",
                )
            )
    rows += [
        (_("Tidak ada saat dipanggil pertama"), f"{100 * model.absent_share:.0f} %"),
        (_("… dari mereka tidak pernah datang"), f"{100 * model.no_show_share:.0f} %"),
    ]
    return rows


@officer_view(StaffRoleKind.SUPERVISOR, action="plan.read")
@require_GET
def plan_page(request: HttpRequest, office: Office) -> HttpResponse:
    day_form = DayForm(request.GET)
    day = _day(office, day_form)
    form = _plan_form(office, day, request.GET if "target" in request.GET else None)
    windows = form.windows
    if not day_form.is_valid() or (form.is_bound and not form.is_valid()):
        context = _context(office, day_form, form, None, ApplyForm(windows=windows))
        return render(request, "planner/plan.html", context, status=400)
    suggest = SUGGEST.get(request.GET.get("aksi", ""), "")
    planned = plan_day(office, day, plan=form.plan(), typed=form.typed(), suggest=suggest, target=form.value("target"))
    chosen = (planned.suggestion.plan if planned.suggestion else planned.plan).windows
    apply = ApplyForm(
        windows=windows,
        initial={
            "hari": day.weekday(),
            "berlaku": max(day, office.local_today() + dt.timedelta(days=1)),
            **{quota_name(w.start): w.quota for w in chosen},
        },
    )
    return render(request, "planner/plan.html", _context(office, day_form, form, planned, apply))


@officer_view(StaffRoleKind.SUPERVISOR, action="plan.apply")
@require_POST
def plan_apply_page(request: HttpRequest, office: Office) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        weekday = int(request.POST.get("hari", ""))
    except ValueError:
        weekday = -1
    form = ApplyForm(request.POST, windows=windows_of(office, weekday) if 0 <= weekday <= 6 else [])
    status = 400
    if form.is_valid():
        try:
            changed = plan_apply(
                office=office,
                weekday=form.cleaned_data["hari"],
                quotas=form.quotas(),
                effective_from=form.cleaned_data["berlaku"],
                by=user,
                ip=request_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("Kuota baru berlaku mulai %(day)s (%(n)s hari yang sudah dibuka ikut disesuaikan).")
                % {"day": date_format(form.cleaned_data["berlaku"], "l j F Y"), "n": changed},
            )
            query = urlencode({"tanggal": form.cleaned_data["berlaku"].isoformat()})
            return redirect(f"{reverse('onsite:plan', args=[office.code])}?{query}")
    return render(request, "planner/apply.html", {"office": office, "apply": form}, status=status)
