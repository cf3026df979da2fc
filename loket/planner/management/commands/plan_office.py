import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.models import Ticket
from loket.planner.backtest import backtest
from loket.planner.export import planned_data
from loket.planner.fit import office_model
from loket.planner.measured import measured_days
from loket.planner.planning import plan_day, plan_from_text


class Command(BaseCommand):
    help = "Predict an office day's waits for a quota and counter plan (the figures of GET /offices/{code}/plan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="office code, e.g. PLB")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="local day, YYYY-MM-DD (default: tomorrow)")
        parser.add_argument("--quota", default="", help="seats per window, e.g. 08:00=40,09:00=35 (default: as set)")
        parser.add_argument("--counters", default="", help="counters per stage all day, e.g. verification=3,pickup=1")
        parser.add_argument("--classes", default="", help="the day's class places, e.g. priority=50,express=35")
        parser.add_argument("--target", type=int, default=30, help="p90 wait target in minutes for --suggest")
        parser.add_argument("--fill", type=int, default=100, help="share of the quota booked, per cent")
        parser.add_argument(
            "--suggest", choices=["quota", "counters"], help="search the largest quota or fewest counters"
        )
        parser.add_argument("--json", action="store_true", help="print the API's JSON")
        parser.add_argument(
            "--backtest", type=int, metavar="DAYS", help="replay the office's last DAYS recorded days instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(code=options["code"].upper()).first()
        if office is None:
            raise CommandError(f"no office {options['code']!r}")
        if not 5 <= options["target"] <= 240 or not 10 <= options["fill"] <= 100:
            raise CommandError("--target: 5 to 240 minutes; --fill: 10 to 100 per cent")
        if options["backtest"]:
            self._backtest(office, options["backtest"])
            return
        day = options["date"] or office.local_today() + dt.timedelta(days=1)
        try:
            plan = plan_from_text(
                office,
                day,
                quota=options["quota"],
                counters=options["counters"],
                classes=options["classes"],
                fill=options["fill"],
            )
        except DomainError as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        data = planned_data(
            plan_day(office, day, plan=plan, suggest=options["suggest"] or "", target=options["target"])
        )
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self._print(data)

    def _backtest(self, office: Office, days: int) -> None:
        """Each recorded day replayed with the model fitted from the days before it."""
        if not 1 <= days <= 60:
            raise CommandError("--backtest: 1 to 60 days")
        recorded = sorted(set(Ticket.objects.filter(office=office).values_list("day", flat=True)))[-days:]
        passed = chance = 0
        sums = [0.0, 0.0, 0.0, 0.0]  # measured p50, p90, predicted p50, p90
        for measured in measured_days(office, recorded):
            result = backtest(office_model(office, measured.day), measured)
            passed += result.ok
            chance += result.by_chance
            low, high = result.predicted.day_p90_range or (0.0, 0.0)
            for i, value in enumerate(
                (measured.wait_p50, measured.wait_p90, result.predicted.day_p50, result.predicted.day_p90)
            ):
                sums[i] += value or 0.0
            self.stdout.write(
                f"{measured.day}: {len(measured.arrivals)} tickets, measured p50 {measured.wait_p50:.1f} p90 "
                f"{measured.wait_p90:.1f}, predicted p50 {result.predicted.day_p50:.1f} p90 "
                f"{result.predicted.day_p90:.1f} min: {'within' if result.ok else 'OUTSIDE'} 20 % or 5 min; "
                f"replayed days' p90 {low:.1f}-{high:.1f} (10-90 %)"
            )
        n = len(recorded) or 1
        self.stdout.write(
            f"mean over the days: measured p50 {sums[0] / n:.1f} p90 {sums[1] / n:.1f}, "
            f"predicted p50 {sums[2] / n:.1f} p90 {sums[3] / n:.1f} min"
        )
        self.stdout.write(
            f"{chance} of {len(recorded)} days inside the replayed days' own 10-90 % spread (median and p90)"
        )
        self.stdout.write(f"{passed} of {len(recorded)} days within the tolerance")

    def _print(self, data: dict[str, Any]) -> None:
        out = self.stdout.write
        model, predicted = data["model"], data["predicted"]
        out(f"{data['office']} {data['date']}" + (f" (closed: {data['closed']})" if data["closed"] else ""))
        out("figures from: " + ", ".join(f"{group} {source}" for group, source in model["sources"].items()))
        out(
            f"show-up {model['show_rate']:.0%}, arrival {model['arrival_offset_mean']:+} ± {model['arrival_offset_sd']} min, "
            f"walk-ins {model['walkins_per_day']}/day, pickups {model['pickups_per_day']}/day, "
            f"priority {model['priority_share']:.0%}, service "
            + ", ".join(f"{s} {m} min" for s, m in model["service_minutes"].items())
        )
        self._plan(data["plan"])
        self._prediction(predicted)
        for day in data["measured"]:
            out(
                f"measured {day['date']}: {day['tickets']} tickets, wait p50 {day['wait_p50']} p90 {day['wait_p90']} min"
            )
        if data["suggestion"]:
            suggestion = data["suggestion"]
            out(f"suggestion ({suggestion['kind']}, target reached: {suggestion['reached']}):")
            self._plan(suggestion["plan"])
            self._prediction(suggestion["predicted"])

    def _plan(self, plan: dict[str, Any]) -> None:
        self.stdout.write("quota " + ", ".join(f"{w['start']}={w['quota']}" for w in plan["windows"]))
        for places in plan["classes"]:
            before = f", arriving before {places['arrive_before']}" if places["arrive_before"] else ""
            self.stdout.write(f"class places {places['class']}={places['places']}{before}")
        for stage, hours in plan["counters"].items():
            self.stdout.write(f"counters {stage} from {plan['first_hour']:02d}:00: {' '.join(map(str, hours))}")

    def _prediction(self, predicted: dict[str, Any]) -> None:
        out = self.stdout.write
        out(
            f"predicted over {predicted['replications']} days: wait p50 {predicted['wait_p50']} p90 {predicted['wait_p90']} min, "
            f"{predicted['visitors']} people, {predicted['waiting_at_closing']} still waiting at closing, "
            f"overtime {predicted['overtime_minutes']} min"
        )
        out("p90 by group: " + ", ".join(f"{group} {p90}" for group, p90 in predicted["groups_p90"].items()))
        out("hour  arrivals  p50   p90   queue  utilisation")
        for h in predicted["hours"]:
            use = " ".join(f"{s[:5]} {u:.0%}" for s, u in h["utilisation"].items() if u is not None)
            out(
                f"{h['hour']:02d}:00 {h['arrivals']:8} {h['wait_p50'] or '-':>5} {h['wait_p90'] or '-':>5} {h['queue']:6}  {use}"
            )
