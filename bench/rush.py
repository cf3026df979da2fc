"""Opening-day rush: thousands of verified applicants try to book one day's seats at once.

One command does everything (see docs/benchmarks.md):

    .venv/bin/python bench/rush.py

1. drops and creates the PostgreSQL database `loket_bench` on 127.0.0.1:5432 and migrates it;
2. seeds one office (W windows x S seats on every weekday) and N verified applicants, each
   with a holder Person and an API token, with bulk_create in a Django subprocess;
3. starts gunicorn (production-like settings, rate limits off) on a free local port;
4. fires the burst: every applicant POSTs one booking, mixed with availability reads;
5. prints throughput, latencies, errors and the overbookings counted in the database;
6. runs the bare booking transaction (UPDATE slot ... booked < capacity; INSERT booking)
   with pgbench at the same client count and prints Loket bookings/s / raw SQL tps;
7. stops gunicorn and drops the database (unless --keep-db).

Everything stays on 127.0.0.1 and is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from common import (
    OUT,
    PG_HOST,
    PG_PORT,
    PG_USER,
    ROOT,
    Server,
    app_env,
    cpu_snapshot,
    database_url,
    db_connect,
    drop_database,
    latency_line,
    log,
    migrate,
    recreate_database,
    start_gunicorn,
    stop_gunicorn,
    wait_for_quiet,
)

DB_NAME = "loket_bench"
DATABASE_URL = database_url(DB_NAME)
OFFICE = "RSH"  # the office the applicants rush
RAW_OFFICE = "PGB"  # the office whose slots pgbench hammers (huge capacity, same table)
ACTIVE = ("awaiting_payment", "confirmed", "checked_in")
REQUEST_TIMEOUT = 10.0  # seconds; a booking or read slower than this counts as a timeout
BURST_TIME_LIMIT = 300.0  # seconds; the whole burst is abandoned after this


def bench_connect() -> psycopg.Connection:
    return db_connect(DB_NAME)


# --- 2. seed (runs in a Django subprocess: `rush.py --seed-into FILE`) ----------------------


def window_starts(count: int) -> list[dt.time]:
    """`count` one-hour windows from 08:00."""
    if not 1 <= count <= 15:
        raise SystemExit("--windows must be between 1 and 15")
    return [dt.time(8 + i, 0) for i in range(count)]


def seed(out_file: Path, applicants: int, windows: int, seats: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from loket.accounts.models import ApiToken, Person, User
    from loket.booking.models import Slot
    from loket.booking.selectors import day_plans
    from loket.offices.models import ArrivalWindow, Office

    if not 1 <= applicants <= 9999 * 28:
        raise SystemExit("--applicants must be between 1 and 279972")
    starts = window_starts(windows)
    now = timezone.now()
    with transaction.atomic():
        office = Office.objects.create(
            code=OFFICE,
            name="Kanim Bench Rush",
            timezone="Asia/Jakarta",
            horizon_days=30,
            release_time=dt.time(0, 0),
            online_booking=True,
        )
        ArrivalWindow.objects.bulk_create(
            ArrivalWindow(office=office, weekday=day, start=start, end=dt.time(start.hour + 1, 0), capacity=seats)
            for day in range(7)
            for start in starts
        )
        users = User.objects.bulk_create(
            (
                User(
                    email=f"rush{i:06d}@bench.loket.test",
                    full_name=f"Pemohon Bench {i:06d}",
                    phone=f"+62812{i:08d}",
                    email_verified_at=now,
                    password=make_password(None),  # unusable: these accounts only use tokens
                )
                for i in range(applicants)
            ),
            batch_size=1000,
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    account=user,
                    relation="self",
                    full_name=user.full_name,
                    # 3174 (Jakarta Selatan) 01 + DDMMYY + serial; only uniqueness matters here.
                    nik=f"317401{15 + i // 9999:02d}0890{i % 9999 + 1:04d}",
                    birth_date=dt.date(1990, 8, 15 + i // 9999),
                    sex="M",
                )
                for i, user in enumerate(users)
            ),
            batch_size=1000,
        )
        keys = [secrets.token_urlsafe(32) for _ in users]
        ApiToken.objects.bulk_create(
            (
                ApiToken(user=user, key_hash=hashlib.sha256(key.encode()).hexdigest())
                for user, key in zip(users, keys, strict=True)
            ),
            batch_size=1000,
        )

    # The target: the first weekday at least two days ahead that the app itself calls open
    # (no national holiday or cuti bersama, inside the horizon) with every window bookable.
    today = office.local_today()
    target = next(
        (
            plan.date
            for plan in day_plans(office, today + dt.timedelta(days=2), office.horizon_days - 2)
            if plan.open and plan.date.weekday() < 5 and len(plan.windows) == windows
        ),
        None,
    )
    if target is None:
        raise SystemExit("no open weekday found in the booking horizon")

    # pgbench's slots: same table, another office, capacity that never runs out.
    raw_office = Office.objects.create(code=RAW_OFFICE, name="Kanim Bench pgbench", timezone="Asia/Jakarta")
    raw_slots = Slot.objects.bulk_create(
        Slot(
            office=raw_office,
            date=target,
            start=start,
            end=dt.time(start.hour + 1, 0),
            starts_at=timezone.make_aware(dt.datetime.combine(target, start), raw_office.zone),
            capacity=2_000_000_000,
            booked=0,
        )
        for start in starts
    )
    out_file.write_text(
        json.dumps(
            {
                "office": OFFICE,
                "office_id": office.pk,
                "date": target.isoformat(),
                "windows": [f"{s:%H:%M}" for s in starts],
                "seats": seats * windows,
                "keys": keys,
                "person_ids": [p.pk for p in people],
                "user_ids": [u.pk for u in users],
                "raw_office_id": raw_office.pk,
                "raw_slot_ids": [s.pk for s in raw_slots],
            }
        )
    )


def run_seed(args: argparse.Namespace) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    seed_file = OUT / "seed.json"
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--seed-into",
            str(seed_file),
            "--applicants",
            str(args.applicants),
            "--windows",
            str(args.windows),
            "--seats",
            str(args.seats),
        ],
        cwd=ROOT,
        env=app_env(DB_NAME),
        check=True,
        timeout=300,
    )
    data = json.loads(seed_file.read_text())
    seed_file.unlink()  # it holds bearer tokens
    return data


# --- 4. the burst -------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "book" or "read"
    result: str  # booked, rejected, ok, 5xx, timeout, other
    latency: float  # seconds, measured by the client
    done_at: float  # seconds since the burst started
    detail: str = ""


@dataclass
class Burst:
    outcomes: list[Outcome] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0


def build_jobs(seed_data: dict, reads_per_booking: int) -> list[tuple[str, str, bytes | None]]:
    """(kind, key, body): applicant i books window i mod W; `reads_per_booking` reads follow each."""
    windows = seed_data["windows"]
    jobs: list[tuple[str, str, bytes | None]] = []
    for i, key in enumerate(seed_data["keys"]):
        body = {
            "office": seed_data["office"],
            "date": seed_data["date"],
            "start": windows[i % len(windows)],
            "service": "new",
            "passport_type": "regular",
            "member": None,
        }
        jobs.append(("book", key, json.dumps(body).encode()))
        jobs.extend(("read", "", None) for _ in range(reads_per_booking))
    return jobs


async def _fire(base_url: str, seed_data: dict, jobs: list, concurrency: int, warmup: int) -> Burst:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    read_url = f"/api/v1/offices/{seed_data['office']}/availability"
    read_params = {"start": seed_data["date"], "days": "7"}
    burst = Burst()
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT) as client:

        async def one(kind: str, key: str, body: bytes | None, started: float) -> Outcome:
            t0 = time.perf_counter()
            try:
                if kind == "book":
                    response = await client.post(
                        "/api/v1/bookings",
                        content=body,
                        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                    )
                else:
                    response = await client.get(read_url, params=read_params)
            except httpx.TimeoutException:
                now = time.perf_counter()
                return Outcome(kind, "timeout", now - t0, now - started)
            except httpx.HTTPError as error:
                now = time.perf_counter()
                return Outcome(kind, "other", now - t0, now - started, type(error).__name__)
            now = time.perf_counter()
            status = response.status_code
            if kind == "book" and status == 201:
                result, detail = "booked", ""
            elif kind == "book" and status == 409:
                code = response.json().get("code")
                result, detail = ("rejected", "") if code == "window_full" else ("other", f"409 {code}")
            elif kind == "read" and status == 200:
                result, detail = "ok", ""
            elif status >= 500:
                result, detail = "5xx", str(status)
            else:
                result, detail = "other", f"{status} {response.text[:120]}"
            return Outcome(kind, result, now - t0, now - started, detail)

        # Warm-up: every worker thread opens its database connection and loads the API code.
        # Reads of another week (own cache key) and bookings with an unknown token (401).
        warm_params = {"start": seed_data["date"], "days": "1"}

        async def warm(i: int) -> None:
            if i % 2:
                await client.get(read_url, params=warm_params)
            else:
                await client.post("/api/v1/bookings", content=b"{}", headers={"Authorization": "Bearer warmup"})

        await asyncio.gather(*(warm(i) for i in range(warmup)))

        pending = iter(jobs)

        async def worker(started: float) -> None:
            for kind, key, body in pending:
                burst.outcomes.append(await one(kind, key, body, started))

        cpu0 = time.process_time()
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(worker(started) for _ in range(concurrency))), timeout=BURST_TIME_LIMIT)
        burst.wall = time.perf_counter() - started
        burst.client_cpu = time.process_time() - cpu0
    return burst


def fire(server: Server, seed_data: dict, args: argparse.Namespace) -> Burst:
    jobs = build_jobs(seed_data, args.reads)
    warmup = max(4 * args.workers * args.threads, 2 * args.concurrency)
    return asyncio.run(_fire(server.base_url, seed_data, jobs, args.concurrency, warmup))


# --- 5. figures and the database check -----------------------------------------------------------


def check_database(seed_data: dict) -> dict[str, int]:
    """Overbookings and counter drift, counted from the rows, over every slot in the database."""
    with bench_connect() as conn:
        rows = conn.execute(
            """
            SELECT s.id, s.capacity, s.booked, count(b.id) FILTER (WHERE b.status = ANY(%s)) AS active
            FROM booking_slot s LEFT JOIN booking_booking b ON b.slot_id = s.id
            GROUP BY s.id, s.capacity, s.booked
            """,
            (list(ACTIVE),),
        ).fetchall()
        target_active = conn.execute(
            """
            SELECT count(*) FROM booking_booking b JOIN booking_slot s ON s.id = b.slot_id
            WHERE s.office_id = %s AND s.date = %s AND b.status = ANY(%s)
            """,
            (seed_data["office_id"], seed_data["date"], list(ACTIVE)),
        ).fetchone()
    return {
        "slots": len(rows),
        "overbooked": sum(max(0, active - capacity) for _id, capacity, _booked, active in rows),
        "counter_mismatch": sum(1 for _id, _capacity, booked, active in rows if booked != active),
        "active_on_target": int(target_active[0]) if target_active else 0,
    }


def report_burst(burst: Burst, seed_data: dict, cpu: dict[str, float], args: argparse.Namespace) -> dict[str, float]:
    books = [o for o in burst.outcomes if o.kind == "book"]
    reads = [o for o in burst.outcomes if o.kind == "read"]
    booked = [o for o in books if o.result == "booked"]
    rejected = [o for o in books if o.result == "rejected"]
    fill = max((o.done_at for o in booked), default=float("nan"))
    book_rate = len(booked) / fill if booked else 0.0
    print()
    print("=== Loket burst " + "=" * 60)
    print(
        f"office {seed_data['office']} on {seed_data['date']}: {len(seed_data['windows'])} windows, "
        f"{seed_data['seats']} seats; {len(seed_data['keys'])} applicants, {args.reads} read(s) per booking"
    )
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads; client: asyncio + httpx, "
        f"{args.concurrency} connections"
    )
    print(f"burst wall time               {burst.wall:8.2f} s   ({len(burst.outcomes) / burst.wall:7.1f} requests/s)")
    print(f"successful bookings (201)     {len(booked):8d}     seats filled after {fill:.2f} s")
    print(f"successful bookings/s         {book_rate:8.1f}     (201s / time until the last seat was taken)")
    print(f"rejections (409 window_full)  {len(rejected):8d}")
    print(f"rejections/s                  {len(rejected) / burst.wall:8.1f}     (over the whole burst)")
    print(f"booking answers/s (201+409)   {(len(booked) + len(rejected)) / burst.wall:8.1f}")
    print(f"availability reads/s (200)    {sum(o.result == 'ok' for o in reads) / burst.wall:8.1f}")
    print("latency (client-measured, includes queueing in gunicorn's backlog):")
    print(latency_line("bookings, all answered", [o.latency for o in booked + rejected]))
    print(latency_line("bookings, 201 booked", [o.latency for o in booked]))
    print(latency_line("bookings, 409 rejected", [o.latency for o in rejected]))
    print(latency_line("availability reads", [o.latency for o in reads if o.result == "ok"]))
    errors = {kind: sum(o.result == kind for o in burst.outcomes) for kind in ("5xx", "timeout", "other")}
    print(f"errors: 5xx={errors['5xx']}  timeouts={errors['timeout']}  other={errors['other']}")
    details: dict[str, int] = {}
    for o in burst.outcomes:
        if o.result in ("5xx", "other"):
            details[f"{o.kind} {o.detail}"] = details.get(f"{o.kind} {o.detail}", 0) + 1
    for detail, count in sorted(details.items(), key=lambda item: -item[1])[:5]:
        print(f"  {count:6d} x {detail}")
    cores = os.cpu_count() or 1
    others = cpu["machine"] - cpu["gunicorn"] - cpu["postgres"] - burst.client_cpu
    print(
        f"CPU during the burst ({cores} cores x {burst.wall:.1f} s = {cores * burst.wall:.1f} core-s): "
        f"gunicorn {cpu['gunicorn']:.1f} s, postgres (all databases) {cpu['postgres']:.1f} s, "
        f"load generator {burst.client_cpu:.1f} s, other processes {max(others, 0.0):.1f} s, "
        f"idle {max(cores * burst.wall - cpu['machine'], 0.0):.1f} s"
    )
    print(
        f"CPU per booking attempt incl. its read(s): gunicorn {1000 * cpu['gunicorn'] / len(books):.1f} ms, "
        f"postgres {1000 * cpu['postgres'] / len(books):.1f} ms, load generator {1000 * burst.client_cpu / len(books):.1f} ms"
    )
    db = check_database(seed_data)
    print(
        f"database: {db['active_on_target']} active bookings on the target day (201s: {len(booked)}); "
        f"overbooked seats = {db['overbooked']}; slots whose `booked` != active rows = {db['counter_mismatch']} "
        f"(of {db['slots']})"
    )
    return {"book_rate": book_rate, "errors_5xx": errors["5xx"], "overbooked": db["overbooked"]}


# --- 6. the same transaction as raw SQL ----------------------------------------------------------


def pgbench_binary() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True):
        return str(candidate)
    raise SystemExit("pgbench not found (apt-get install postgresql-contrib)")


def run_pgbench(seed_data: dict, clients: int, seconds: int) -> float:
    """tps of the bare seat transaction on the real tables, `clients` connections for `seconds`."""
    people, users, slots = seed_data["person_ids"], seed_data["user_ids"], seed_data["raw_slot_ids"]
    contiguous = (
        people[-1] - people[0] == len(people) - 1
        and users[-1] - users[0] == len(users) - 1
        and slots[-1] - slots[0] == len(slots) - 1
    )
    if not contiguous:
        raise SystemExit("seeded ids are not contiguous; cannot map them in pgbench")
    with bench_connect() as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS bench_pgbench_code")
    # Status "completed": many transactions per person, and only active bookings are unique
    # per person. Codes are lower case ("x" + hex), which Loket's alphabet never produces.
    script = f"""\\set i random(0, {len(people) - 1})
\\set s random({slots[0]}, {slots[-1]})
BEGIN;
UPDATE booking_slot SET booked = booked + 1 WHERE id = :s AND booked < capacity;
INSERT INTO booking_booking (code, person_id, booked_by_id, office_id, slot_id, service, passport_type, status,
  person_name, created_at, seat_released, reschedule_count, request_hash)
VALUES ('x' || lpad(to_hex(nextval('bench_pgbench_code')), 7, '0'), {people[0]} + :i, {users[0]} + :i,
  {seed_data["raw_office_id"]}, :s, 'new', 'regular', 'completed', 'Pemohon Bench', now(), false, 0,
  '{"0" * 64}');
COMMIT;
"""
    script_path = OUT / "pgbench_booking.sql"
    script_path.write_text(script)
    command = [
        pgbench_binary(),
        "-h",
        PG_HOST,
        "-p",
        str(PG_PORT),
        "-U",
        PG_USER,
        "-n",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 1)),
        "-T",
        str(seconds),
        "-f",
        str(script_path),
        DB_NAME,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        raise SystemExit(f"pgbench failed with {done.returncode}")
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    if not match:
        print(done.stdout)
        raise SystemExit("could not read tps from pgbench")
    latency = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    tps = float(match.group(1))
    print()
    print("=== raw SQL (pgbench) " + "=" * 54)
    print(
        f"script: {script_path.relative_to(ROOT)}  (BEGIN; UPDATE slot ... booked < capacity; INSERT booking; COMMIT)"
    )
    print(
        f"{clients} clients, {seconds} s: tps = {tps:.1f}, latency average = "
        f"{latency.group(1) if latency else '?'} ms, failed = {failed.group(1) if failed else '?'}"
    )
    return tps


# --- main --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applicants", type=int, default=2000, help="verified applicants, one booking each")
    parser.add_argument("--windows", type=int, default=5, help="arrival windows on the target day")
    parser.add_argument("--seats", type=int, default=100, help="seats per window")
    parser.add_argument("--reads", type=int, default=1, help="availability reads per booking")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections (and pgbench clients)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument(
        "--idle-wait", type=float, default=60, help="seconds to wait at most for other load on the machine to stop"
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep the {DB_NAME} database afterwards")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)  # internal: the seeding subprocess
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 64 or not 1 <= args.workers * args.threads <= 80:
        parser.error("keep --concurrency <= 64 and workers x threads <= 80 (PostgreSQL allows 100 connections)")
    return args


def main() -> int:
    args = parse_args()
    if args.seed_into:
        seed(args.seed_into, args.applicants, args.windows, args.seats)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    log(f"recreating database {DB_NAME} and migrating")
    recreate_database(DB_NAME)
    server: Server | None = None
    try:
        migrate(DB_NAME)
        log(f"seeding {args.applicants} verified applicants with tokens")
        seed_data = run_seed(args)
        log(f"target day {seed_data['date']}, {seed_data['seats']} seats; starting gunicorn")
        server = start_gunicorn(args.workers, args.threads, DB_NAME, f"/api/v1/offices/{OFFICE}")
        preflight = httpx.get(
            f"{server.base_url}/api/v1/offices/{OFFICE}/availability",
            params={"start": seed_data["date"], "days": 1},
            timeout=10,
        ).json()
        day = preflight["days"][0]
        if not day["open"] or sum(w["remaining"] for w in day["windows"]) != seed_data["seats"]:
            raise SystemExit(f"target day is not open with all seats free: {day}")
        busy = wait_for_quiet(args.idle_wait)
        log(f"gunicorn up at {server.base_url}; other processes use {busy:.0%} of the CPUs; firing the burst")
        cpu_before = cpu_snapshot(server.process.pid)
        burst = fire(server, seed_data, args)
        cpu_after = cpu_snapshot(server.process.pid)
        cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
        stop_gunicorn(server)
        figures = report_burst(burst, seed_data, cpu, args)
        if figures["errors_5xx"]:
            print(f"5xx answers: tracebacks are in {server.log_path.relative_to(ROOT)}")
        busy = wait_for_quiet(args.idle_wait)
        log(f"running pgbench; other processes use {busy:.0%} of the CPUs")
        tps = run_pgbench(seed_data, args.concurrency, args.pgbench_seconds)
        print()
        print(
            f"Loket successful bookings/s / raw SQL tps = {figures['book_rate']:.1f} / {tps:.1f} "
            f"= {figures['book_rate'] / tps:.3f}"
        )
        print()
        met = figures["book_rate"] >= 500 and figures["errors_5xx"] == 0 and figures["overbooked"] == 0
        log(f"done in {time.monotonic() - t0:.0f} s; throughput/5xx/overbooking targets {'met' if met else 'NOT met'}")
        return 0 if figures["overbooked"] == 0 else 1
    finally:
        if server is not None:
            stop_gunicorn(server)
        if args.keep_db:
            log(f"kept database {DB_NAME} ({DATABASE_URL})")
        else:
            drop_database(DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
