"""The booking events worker on a backlog: how fast one or more `manage.py booking_events`
processes work off the reactions (application, bill, messages) to a burst of bookings.

    .venv/bin/python bench/events.py                     # 600 bookings; 1 then 2 processes, twice each

Per run:
1. drops and creates the PostgreSQL database `loket_bench_events` on 127.0.0.1:5432 and migrates it;
2. seeds verified applicants (bench/rush.py's seeder) and books one seat for each with the booking
   service, the events worker stopped, so every `booked` event waits;
3. starts K `manage.py booking_events` processes (the production command) and waits until no
   event is pending;
4. prints the time from the first to the last event processed (from the rows' `processed_at`,
   so the processes' start-up is not counted), events/s, each process's CPU (its start-up
   included) and the bills and applications made;
5. stops the workers and drops the database (unless --keep-db).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import (
    OUT,
    ROOT,
    _stat,
    app_env,
    db_connect,
    drop_database,
    log,
    migrate,
    recreate_database,
    wait_for_quiet,
)

DB_NAME = "loket_bench_events"

BOOK_ALL = """
import datetime as dt, json, sys
from loket.accounts.models import User
from loket.booking.services import BookingRequest, booking_create
seed = json.load(open(sys.argv[-1]))
day = dt.date.fromisoformat(seed["date"])
windows = [dt.time.fromisoformat(w) for w in seed["windows"]]
for i, user in enumerate(User.objects.filter(pk__in=seed["user_ids"]).order_by("pk")):
    booking_create(user=user, request=BookingRequest(office=seed["office"], date=day, start=windows[i % len(windows)],
                   service="new", passport_type="regular"))
"""


def seed_backlog(bookings: int) -> None:
    """Applicants (bench/rush.py's seeder) and one booking each, with no worker running."""
    seed_file = OUT / "events_seed.json"
    windows = 5
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("rush.py")), "--seed-into", str(seed_file),
         "--applicants", str(bookings), "--windows", str(windows), "--seats", str(-(-bookings // windows))],
        cwd=ROOT, env=app_env(DB_NAME), check=True, timeout=300,
    )  # fmt: skip
    script = OUT / "events_book.py"
    script.write_text(BOOK_ALL)
    env = {**app_env(DB_NAME), "LOKET_BOOKING_EVENTS_INLINE": "off"}
    code = f"import sys; sys.argv.append({str(seed_file)!r}); exec(open({str(script)!r}).read())"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=600)
    seed_file.unlink()  # it holds bearer tokens
    script.unlink()


def pending() -> int:
    with db_connect(DB_NAME) as conn:
        row = conn.execute("SELECT count(*) FROM booking_bookingevent WHERE processed_at IS NULL").fetchone()
    return int(row[0]) if row else 0


def run(processes: int, bookings: int, idle_wait: float) -> dict[str, float]:
    recreate_database(DB_NAME)
    migrate(DB_NAME)
    seed_backlog(bookings)
    backlog = pending()
    busy = wait_for_quiet(idle_wait)
    log(f"{backlog} events pending; other processes use {busy:.0%} of the CPUs; starting {processes} worker(s)")
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "booking_events"],
            cwd=ROOT,
            env=app_env(DB_NAME),
            stdout=subprocess.DEVNULL,
            stderr=(OUT / f"events_worker{i}.log").open("w"),
        )
        for i in range(processes)
    ]
    try:
        deadline = time.monotonic() + 600
        while pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        cpu = [(_stat(str(w.pid)) or ("", 0, 0.0))[2] for w in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    with db_connect(DB_NAME) as conn:
        first, last, done = conn.execute(
            "SELECT min(processed_at), max(processed_at), count(*) FROM booking_bookingevent WHERE processed_at IS NOT NULL"
        ).fetchone()
        bills = conn.execute("SELECT count(*) FROM payments_payment").fetchone()[0]
        applications = conn.execute("SELECT count(*) FROM dossier_application").fetchone()[0]
    span = (last - first).total_seconds()
    result = {
        "processes": processes,
        "events": done,
        "left": backlog - done,
        "seconds": span,
        "per_second": done / span if span else float("nan"),
        "worker_cpu_s_with_start_up": cpu,
        "bills": bills,
        "applications": applications,
    }
    print(
        f"{processes} process(es): {done} events in {span:.2f} s = {result['per_second']:.1f} events/s; "
        f"worker CPU incl. start-up {', '.join(f'{c:.1f}' for c in cpu)} s; "
        f"{bills} bills, {applications} applications; left pending {result['left']}",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=600)
    parser.add_argument("--processes", default="1,2", help="comma-separated worker counts to run, in turn")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--idle-wait", type=float, default=30)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    counts = [int(k) for k in args.processes.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for _round in range(args.repeat):
            for k in counts:
                results.append(run(k, args.bookings, args.idle_wait))
    finally:
        if not args.keep_db:
            drop_database(DB_NAME)
    (OUT / "events.json").write_text(json.dumps(results, indent=1))
    print("\n=== booking events worker " + "=" * 50)
    for k in counts:
        mine = [r for r in results if r["processes"] == k]
        spans = ", ".join(f"{r['seconds']:.2f} s" for r in mine)
        rates = ", ".join(f"{r['per_second']:.0f}/s" for r in mine)
        print(f"{k} process(es): {spans} for {args.bookings} events ({rates}); load average {os.getloadavg()[0]:.2f}")
    return 0 if all(r["left"] == 0 and r["bills"] == r["events"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
