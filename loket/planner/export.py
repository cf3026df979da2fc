"""A planned day as plain data: the API's answer and the command's --json output."""

from typing import Any

from loket.planner.measured import MeasuredDay
from loket.planner.model import CLASSES, EXPRESS, PRIORITY
from loket.planner.planning import Planned
from loket.planner.predict import Plan, Prediction, minutes_of


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "windows": [{"start": f"{w.start:%H:%M}", "end": f"{w.end:%H:%M}", "quota": w.quota} for w in plan.windows],
        "first_hour": plan.staffing.first_hour,
        "counters": {stage: list(hours) for stage, hours in plan.staffing.counters.items()},
        "fill": plan.fill,
        "classes": [
            {
                "class": p.quota_class,
                "places": p.quota,
                "arrive_before": None if p.until is None else f"{p.until:%H:%M}",
            }
            for p in plan.classes
        ],
    }


def prediction_data(prediction: Prediction) -> dict[str, Any]:
    return {
        "wait_p50": _round(prediction.wait_p50),
        "wait_p90": _round(prediction.wait_p90),
        "visitors": _round(prediction.visitors),
        "no_shows": _round(prediction.no_shows),
        "waiting_at_closing": _round(prediction.waiting_at_closing),
        "overtime_minutes": _round(prediction.overtime),
        "replications": prediction.replications,
        "groups_p90": {group: _round(value) for group, value in prediction.group_p90.items()},
        "hours": [
            {
                "hour": h.hour,
                "arrivals": _round(h.arrivals),
                "wait_p50": _round(h.wait_p50),
                "wait_p90": _round(h.wait_p90),
                "queue": _round(h.queue),
                "counters": h.counters,
                "utilisation": {stage: _round(u, 3) for stage, u in h.utilisation.items()},
            }
            for h in prediction.hours
        ],
    }


def measured_data(day: MeasuredDay) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "tickets": len(day.arrivals),
        "wait_p50": _round(day.wait_p50),
        "wait_p90": _round(day.wait_p90),
        "counters": {stage: list(hours) for stage, hours in day.staffing.counters.items()},
        "first_hour": day.staffing.first_hour,
    }


def planned_data(planned: Planned) -> dict[str, Any]:
    model = planned.model
    until = {PRIORITY: None, EXPRESS: minutes_of(planned.office.express_arrival_cutoff)}
    return {
        "office": planned.office.code,
        "date": planned.day.isoformat(),
        "weekday": planned.day.weekday(),
        "closed": planned.closed,
        "model": {
            "sources": dict(model.sources),
            "history_days": model.days,
            "show_rate": round(model.show_rate, 3),
            "arrival_offset_mean": round(model.offset_mean, 1),
            "arrival_offset_sd": round(model.offset_sd, 1),
            "windows": {
                f"{start:%H:%M}": {
                    "show_rate": round(model.show_for(start), 3),
                    "arrival_offset_mean": round(model.offset_for(start)[0], 1),
                    "arrival_offset_sd": round(model.offset_for(start)[1], 1),
                }
                for start in sorted(set(model.window_show) | set(model.window_offset))
            },
            "walkins_per_day": round(sum(model.walkins_per_hour.values()), 1),
            "pickups_per_day": round(sum(model.pickups_per_hour.values()), 1),
            "priority_share": round(model.priority_share, 3),
            "service_minutes": {stage: round(time.mean, 2) for stage, time in model.service.items()},
            "classes": {
                quota_class: {
                    "places_taken_share": round(model.class_use.get(quota_class, 1.0), 3),
                    "arrival_hours": {
                        str(h): round(w, 3)
                        for h, w in model.class_arrival_hours(quota_class, until[quota_class]).items()
                    },
                }
                for quota_class in CLASSES
            },
            "absent_share": round(model.absent_share, 3),
            "no_show_share": round(model.no_show_share, 3),
        },
        "plan": plan_data(planned.plan),
        "predicted": prediction_data(planned.prediction),
        "measured": [measured_data(day) for day in planned.comparable],
        "suggestion": None
        if planned.suggestion is None
        else {
            "kind": planned.suggested,
            "reached": planned.suggestion.reached,
            "plans_tried": planned.suggestion.runs,
            "plan": plan_data(planned.suggestion.plan),
            "predicted": prediction_data(planned.suggestion.prediction),
        },
    }
