"""Opening-day rush: thousands of verified applicants try to book one day's seats at once.

One command does everything (see docs/benchmarks.md):

    .venv/bin/python bench/rush.py

1. drops and creates the PostgreSQL database `loket_bench` on 127.0.0.1:5432 and migrates it;
2. seeds one office (W windows x S seats on every weekday) and N verified applicants, each
   with a holder Person and an API token, with bulk_create in a Django subprocess;
3. starts the app server (granian by default; production-like settings, rate limits off) on a free local port
   (`--via nginx`: and Debian's nginx in front of it with deploy/nginx/loket-proxy.conf, as deployed);
4. fires the burst: every applicant POSTs one booking, mixed with availability reads;
5. prints throughput, latencies, errors and the overbookings counted in the database;
6. runs the bare booking transaction (UPDATE slot ... booked < capacity; INSERT booking)
   with pgbench at the same client count and prints Loket bookings/s / raw SQL tps;
7. stops the app server and drops the database (unless --keep-db).

Everything stays on 127.0.0.1 and is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
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
    SERVERS,
    Server,
    app_env,
    cpu_snapshot,
    database_url,
    db_connect,
    drop_database,
    log,
    migrate,
    percentile,
    recreate_database,
    start_server,
    stop_server,
    wait_for_quiet,
)

sys.path.insert(0, str(ROOT))
from loket.ops.tests.cluster import Cluster, Process  # nginx as the cluster test runs it (--via nginx)

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
                # As token_issue makes them: used now (its hourly "last used" write is done).
                ApiToken(user=user, key_hash=hashlib.sha256(key.encode()).hexdigest(), last_used_at=now)
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


# --- 4. the burst (wrk: a light C load generator, driven by bench/wrk/jobs.lua) ------------------

WRK_SCRIPT = ROOT / "bench" / "wrk" / "jobs.lua"


@dataclass
class WrkRun:
    """One wrk process replaying a list of requests once."""

    name: str
    process: subprocess.Popen
    jobs_path: Path
    statuses: dict[int, int] = field(default_factory=dict)
    percentiles: dict[str, float] = field(default_factory=dict)  # seconds
    cpu: float = 0.0  # user + system seconds of the wrk process
    wall: float = 0.0  # seconds from the start of the burst until its last answer
    threads: int = 1


def wrk_start(
    name: str, base_url: str, jobs: list[str], connections: int, threads: int = 1, rate: float | None = None
) -> WrkRun:
    """wrk replaying `jobs` once over `connections`; with `rate`, paced at about that many
    requests/s in all (each connection waits connections / rate between its requests)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (apt-get install wrk)")
    jobs_path = OUT / f"wrk_{name}.jobs"
    for flag in OUT.glob(f"wrk_{name}.jobs.done.*"):
        flag.unlink()
    jobs_path.write_text("\n".join(jobs) + "\n")
    env = {**os.environ, "LOKET_JOBS": str(jobs_path), "LOKET_THREADS": str(threads)}
    if rate:
        env["LOKET_DELAY_MS"] = str(round(1000 * connections / rate))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(BURST_TIME_LIMIT)}s",
        "--timeout",
        f"{int(REQUEST_TIMEOUT)}s",
        "-s",
        str(WRK_SCRIPT),
        base_url,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return WrkRun(name, process, jobs_path, threads=threads)


def wrk_finish(run: WrkRun, started: float) -> WrkRun:
    """Wait until every wrk thread has its answers, end wrk, read its counts and percentiles and
    its own CPU time (os.wait4)."""
    assert run.process.stdout is not None
    deadline = time.time() + BURST_TIME_LIMIT
    reaped = None  # (status, usage) once wrk has exited (os.wait4 reaps it: Popen.poll must not)
    while time.time() < deadline:
        pid, status, usage = os.wait4(run.process.pid, os.WNOHANG)
        if pid:
            reaped = (status, usage)
            break
        if len(list(OUT.glob(f"{run.jobs_path.name}.done.*"))) >= run.threads:
            break
        time.sleep(0.02)
    # Until the last answer: when the last thread wrote its flag (`started` is a time.time()).
    flags = [flag.stat().st_mtime for flag in OUT.glob(f"{run.jobs_path.name}.done.*")]
    run.wall = (max(flags) if len(flags) >= run.threads else time.time()) - started
    if reaped is None:
        run.process.send_signal(signal.SIGINT)  # wrk prints its figures and exits
    output = run.process.stdout.read()
    if reaped is None:
        _pid, status, usage = os.wait4(run.process.pid, 0)
    else:
        status, usage = reaped
    run.process.returncode = os.waitstatus_to_exitcode(status)
    (OUT / f"wrk_{run.name}.log").write_text(output)
    run.cpu = usage.ru_utime + usage.ru_stime
    run.jobs_path.unlink()  # it holds bearer tokens
    for flag in OUT.glob(f"{run.jobs_path.name}.done.*"):
        flag.unlink()
    answers = re.search(r"^answers (.*)$", output, re.M)
    spread = re.search(r"^percentiles p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) max=([\d.]+)$", output, re.M)
    if run.process.returncode != 0 or not answers or not spread:
        print(output)
        raise SystemExit(f"wrk ({run.name}) failed")
    run.statuses = {int(k): int(v) for k, v in (part.split("=") for part in answers.group(1).split())}
    run.percentiles = {key: float(spread.group(i + 1)) / 1000 for i, key in enumerate(("p50", "p90", "p99", "max"))}
    errors = re.search(r"Socket errors: (.*)$", output, re.M)
    if errors:
        print(f"wrk ({run.name}) socket errors: {errors.group(1)}")
    return run


def job(method: str, path: str, *, token: str = "-", etag: str = "-", body: str = "-") -> str:
    return "\t".join((method, path, f"Bearer {token}" if token != "-" else "-", etag, body))


def booking_jobs(seed_data: dict) -> list[str]:
    """Applicant i books window i mod W (with --windows 1 all want the same window)."""
    windows = seed_data["windows"]
    jobs = []
    for i, key in enumerate(seed_data["keys"]):
        body = {
            "office": seed_data["office"],
            "date": seed_data["date"],
            "start": windows[i % len(windows)],
            "service": "new",
            "passport_type": "regular",
            "member": None,
        }
        jobs.append(job("POST", "/api/v1/bookings", token=key, body=json.dumps(body, separators=(",", ":"))))
    return jobs


def read_path(seed_data: dict) -> str:
    return f"/api/v1/offices/{seed_data['office']}/availability?start={seed_data['date']}&days=7"


def read_jobs(seed_data: dict, count: int, etag: str | None = None) -> list[str]:
    """`count` availability reads; with `etag`, every other one asks If-None-Match (a poller's refresh)."""
    path = read_path(seed_data)
    return [job("GET", path, etag=etag if etag and i % 2 else "-") for i in range(count)]


def warm_up(base_url: str, seed_data: dict, count: int) -> None:
    """Every worker thread opens its database connection and loads the API code (401s and reads)."""

    async def go() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
            await asyncio.gather(
                *(
                    client.get(read_path(seed_data).replace("days=7", "days=1"))
                    if i % 2
                    else client.post("/api/v1/bookings", content=b"{}", headers={"Authorization": "Bearer warmup"})
                    for i in range(count)
                )
            )

    asyncio.run(go())


def prime_proxy_cache(base_url: str, seed_data: dict) -> None:
    """Through nginx: fill the micro-cache with the very variant wrk asks for (no Accept-Encoding),
    as the people polling before a release keep it filled. Without it each of wrk's connections
    found a cold entry and waited on nginx's cache lock, which it re-checks every 500 ms."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        del client.headers["Accept-Encoding"]
        for _ in range(2):  # a MISS that fills, then a HIT that shows it is there
            status = client.get(read_path(seed_data)).headers.get("X-Cache-Status", "")
        if status != "HIT":
            raise SystemExit(f"nginx's micro-cache did not keep the availability answer (X-Cache-Status {status!r})")


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


def last_seat_after(seed_data: dict, started_at: dt.datetime) -> float:
    """Seconds from the start of the burst until the last booking of the target office was written."""
    with bench_connect() as conn:
        row = conn.execute(
            "SELECT max(created_at) FROM booking_booking WHERE office_id = %s", (seed_data["office_id"],)
        ).fetchone()
    return (row[0] - started_at).total_seconds() if row and row[0] else float("nan")


def bill_delays(seed_data: dict, wait: float = 120.0) -> list[float]:
    """Once the events worker has caught up: seconds from each booking to its bill (PNBP billing code)."""
    deadline = time.monotonic() + wait
    with bench_connect() as conn:
        while time.monotonic() < deadline:
            pending = conn.execute("SELECT count(*) FROM booking_bookingevent WHERE processed_at IS NULL").fetchone()
            if pending and pending[0] == 0:
                break
            time.sleep(0.5)
        rows = conn.execute(
            """
            SELECT extract(epoch FROM p.created_at - b.created_at) FROM booking_booking b
            JOIN payments_payment p ON p.booking_id = b.id WHERE b.office_id = %s
            """,
            (seed_data["office_id"],),
        ).fetchall()
    return [float(r[0]) for r in rows]


def cpu_line(cpu: dict[str, float], wall: float, client_cpu: float) -> str:
    cores = os.cpu_count() or 1
    others = cpu["machine"] - cpu["server"] - cpu["postgres"] - cpu["extra"] - cpu.get("proxy", 0.0) - client_cpu
    proxy = f"nginx {cpu['proxy']:.1f} s, " if cpu.get("proxy") else ""
    return (
        f"CPU during the burst ({cores} cores x {wall:.1f} s = {cores * wall:.1f} core-s): "
        f"app server {cpu['server']:.1f} s, {proxy}postgres {cpu['postgres']:.1f} s, events worker(s) {cpu['extra']:.1f} s, "
        f"load generator (wrk) {client_cpu:.1f} s = {client_cpu / (cores * wall):.1%} of the machine, "
        f"other processes {max(others, 0.0):.1f} s, idle {max(cores * wall - cpu['machine'], 0.0):.1f} s"
    )


def wrk_line(label: str, run: WrkRun) -> str:
    p = run.percentiles
    return (
        f"  {label:<28} n={sum(run.statuses.values()):>5}  p50={1000 * p['p50']:7.1f} ms  "
        f"p90={1000 * p['p90']:7.1f} ms  p99={1000 * p['p99']:7.1f} ms  max={1000 * p['max']:7.1f} ms"
    )


def report_burst(
    book: WrkRun, read: WrkRun, seed_data: dict, cpu: dict[str, float], args: argparse.Namespace, fill: float
) -> dict[str, float]:
    booked, rejected = book.statuses.get(201, 0), book.statuses.get(409, 0)
    wall = max(book.wall, read.wall)
    book_rate = booked / fill if booked else 0.0
    errors_5xx = sum(n for status, n in {**book.statuses}.items() if status >= 500) + sum(
        n for status, n in read.statuses.items() if status >= 500
    )
    other = {f"book {s}": n for s, n in book.statuses.items() if s not in (201, 409) and s < 500}
    other.update({f"read {s}": n for s, n in read.statuses.items() if s != 200 and s < 500})
    print()
    print("=== Loket burst " + "=" * 60)
    print(
        f"office {seed_data['office']} on {seed_data['date']}: {len(seed_data['windows'])} window(s), "
        f"{seed_data['seats']} seats; {len(seed_data['keys'])} applicants, {args.reads} read(s) per booking"
    )
    paced = f", paced at about {args.rate:g} bookings/s" if args.rate else ""
    print(
        f"app server: {server_label(args)}; load: wrk, {args.concurrency} connections booking + "
        f"{args.concurrency} connections reading, at the same time{paced}; "
        f"{args.events_workers} events worker process(es) at nice {args.events_nice}"
    )
    print(f"burst wall time               {wall:8.2f} s")
    print(f"successful bookings (201)     {booked:8d}     seats filled after {fill:.2f} s")
    print(f"successful bookings/s         {book_rate:8.1f}     (201s / time until the last seat was taken)")
    print(f"rejections (409 window_full)  {rejected:8d}")
    print(f"booking answers/s (all)       {sum(book.statuses.values()) / book.wall:8.1f}")
    print(f"availability reads/s          {sum(read.statuses.values()) / read.wall:8.1f}")
    print("latency (wrk, per connection from send to answer, incl. queueing in the app server):")
    print(wrk_line("bookings, all answers", book))
    print(wrk_line("availability reads", read))
    print(f"errors: 5xx={errors_5xx}  other={sum(other.values())} {other if other else ''}")
    print(cpu_line(cpu, wall, book.cpu + read.cpu))
    delays = bill_delays(seed_data)
    if delays:
        within = sum(d <= 2.0 for d in delays) / len(delays)
        print(
            f"bills (billing codes) made by the events worker: {len(delays)}; delay after the booking "
            f"p50={percentile(delays, 50):.0f} ms p99={percentile(delays, 99):.0f} ms max={percentile(delays, 100):.0f} ms; "
            f"{within:.1%} within 2 s"
        )
    db = check_database(seed_data)
    print(
        f"database: {db['active_on_target']} active bookings on the target day (201s: {booked}); "
        f"overbooked seats = {db['overbooked']}; slots whose `booked` != active rows = {db['counter_mismatch']} "
        f"(of {db['slots']})"
    )
    return {"book_rate": book_rate, "errors_5xx": errors_5xx, "overbooked": db["overbooked"]}


def fire(server: Server, seed_data: dict, args: argparse.Namespace, events_pids: tuple[int, ...]) -> dict[str, float]:
    target = args.target or server.base_url  # nginx in front (--via nginx), else the app server
    warm_up(target, seed_data, max(4 * args.workers * args.threads, 2 * args.concurrency))
    if args.via == "nginx":
        prime_proxy_cache(target, seed_data)
    started_at = dt.datetime.now(dt.UTC)
    cpu_before = cpu_snapshot(server.process.pid, events_pids, args.proxy_pid)
    started = time.time()
    book = wrk_start("book", target, booking_jobs(seed_data), args.concurrency, rate=args.rate)
    reads = args.reads * len(seed_data["keys"])
    read = wrk_start(
        "read", target, read_jobs(seed_data, reads), args.concurrency, rate=args.rate and args.rate * args.reads
    )
    book, read = wrk_finish(book, started), wrk_finish(read, started)
    cpu_after = cpu_snapshot(server.process.pid, events_pids, args.proxy_pid)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    return report_burst(book, read, seed_data, cpu, args, last_seat_after(seed_data, started_at))


def read_storm(server: Server, seed_data: dict, args: argparse.Namespace) -> dict[str, float]:
    """20,000 availability reads over 64 connections, half of them asking If-None-Match."""
    target = args.target or server.base_url
    first = httpx.get(target + read_path(seed_data), timeout=10)
    warm_up(target, seed_data, max(4 * args.workers * args.threads, 2 * args.concurrency))
    cpu_before = cpu_snapshot(server.process.pid, proxy_pid=args.proxy_pid)
    started = time.time()
    run = wrk_start(
        "storm",
        target,
        read_jobs(seed_data, args.storm_reads, first.headers["ETag"]),
        args.concurrency,
        threads=2,
    )
    run = wrk_finish(run, started)
    cpu_after = cpu_snapshot(server.process.pid, proxy_pid=args.proxy_pid)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    answered = sum(run.statuses.values())
    rate = answered / run.wall
    errors_5xx = sum(n for status, n in run.statuses.items() if status >= 500)
    print()
    print("=== Loket read storm " + "=" * 55)
    print(f"app server: {server_label(args)}; load: wrk, 2 threads, {args.concurrency} connections")
    print(f"answers: {dict(sorted(run.statuses.items()))} in {run.wall:.2f} s = {rate:.1f} requests/s")
    print(wrk_line("availability reads", run))
    print(cpu_line(cpu, run.wall, run.cpu))
    return {"rate": rate, "p99": run.percentiles["p99"], "errors_5xx": errors_5xx}


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
  person_name, created_at, seat_released, reschedule_count, request_hash, quota_class, class_online,
  priority_reason, declaration_check)
VALUES ('x' || lpad(to_hex(nextval('bench_pgbench_code')), 7, '0'), {people[0]} + :i, {users[0]} + :i,
  {seed_data["raw_office_id"]}, :s, 'new', 'regular', 'completed', 'Pemohon Bench', now(), false, 0,
  '{"0" * 64}', 'regular', false, '', '');
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


def server_label(args: argparse.Namespace) -> str:
    proxy = " behind nginx (deploy/nginx/loket-proxy.conf)" if args.via == "nginx" else ""
    return f"{args.server}, {args.workers} workers x {args.threads} threads{proxy}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applicants", type=int, default=2000, help="verified applicants, one booking each")
    parser.add_argument("--windows", type=int, default=5, help="arrival windows on the target day (1: hot window)")
    parser.add_argument("--seats", type=int, default=None, help="seats per window (default: 500 in all)")
    parser.add_argument("--reads", type=int, default=1, help="availability reads per booking")
    parser.add_argument("--reads-only", action="store_true", help="the read storm: availability reads only")
    parser.add_argument("--storm-reads", type=int, default=20_000, help="reads in the read storm")
    parser.add_argument("--concurrency", type=int, default=None, help="connections (default 16; 64 in the storm)")
    parser.add_argument("--server", choices=SERVERS, default="granian", help="the app server")
    parser.add_argument("--workers", type=int, default=2, help="app server worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads per worker (2: the best measured on 2 cores, docs/benchmarks.md)",
    )
    parser.add_argument(
        "--via",
        choices=("direct", "nginx"),
        default="direct",
        help="nginx: through Debian's nginx with deploy/nginx/loket-proxy.conf (its 1 s availability micro-cache)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="pace the bookings at about this many per second (reads likewise) instead of all at once: "
        "the bills' delay under a steady load",
    )
    parser.add_argument(
        "--events-workers",
        type=int,
        default=1,
        help="booking events worker processes sharing the backlog (make run starts 1; a deployment may run more)",
    )
    parser.add_argument(
        "--events-nice",
        type=int,
        default=5,
        help="the events workers' nice value (5, as scripts/serve.sh runs them)",
    )
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument(
        "--idle-wait", type=float, default=60, help="seconds to wait at most for other load on the machine to stop"
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep the {DB_NAME} database afterwards")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)  # internal: the seeding subprocess
    args = parser.parse_args()
    if args.seats is None:
        args.seats = 500 // args.windows
    if args.concurrency is None:
        args.concurrency = 64 if args.reads_only else 16
    args.target, args.proxy_pid = None, None  # set once nginx runs (--via nginx)
    if not 1 <= args.events_workers <= 8:
        parser.error("--events-workers: between 1 and 8")
    if not 0 <= args.events_nice <= 19:
        parser.error("--events-nice: between 0 and 19")
    if args.rate is not None and not 0 < args.rate <= 1000:
        parser.error("--rate: between 0 and 1000 bookings per second")
    if not 1 <= args.concurrency <= 64 or not 1 <= args.workers * args.threads <= 80:
        parser.error("keep --concurrency <= 64 and workers x threads <= 80 (PostgreSQL allows 100 connections)")
    return args


def start_proxy(server: Server) -> Cluster:
    """Debian's nginx with Loket's own proxy rules in front of the app server, as deployed (the
    cluster test's configuration: deploy/nginx/loket-proxy.conf, a 1 s micro-cache of the
    availability answers, keep-alive to the app server)."""
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("--via nginx needs Debian's nginx: apt-get install nginx")
    proxy = Cluster(folder=Path(tempfile.mkdtemp(prefix="loket-bench-rush-")), env=app_env(DB_NAME))
    proxy.apps = [(Process("app", server.process, server.log_path), server.base_url)]
    proxy.start_nginx()
    proxy.wait_ready()
    return proxy


def start_events_worker(index: int = 0, nice: int = 5) -> subprocess.Popen:
    """The booking events worker (`manage.py booking_events`), as `make run` and production run it
    (several share a backlog: `--events-workers`).

    At a lower priority (`nice`), as scripts/serve.sh runs it: background work yields the CPU to
    requests. It gets a session of its own whose autogroup is niced too (with the kernel's
    autogroups, a process's nice only counts against processes of its own session).
    """
    process = subprocess.Popen(
        ["nice", "-n", str(nice), sys.executable, "manage.py", "booking_events"],
        cwd=ROOT,
        env=app_env(DB_NAME),
        stdout=subprocess.DEVNULL,
        stderr=(OUT / f"events{index or ''}.log").open("w"),
        start_new_session=True,
    )
    autogroup = Path(f"/proc/{process.pid}/autogroup")
    # Where this is not allowed the worker keeps an equal share.
    with contextlib.suppress(OSError):
        autogroup.write_text(str(nice))
    return process


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
    events: list[subprocess.Popen] = []
    proxy: Cluster | None = None
    try:
        migrate(DB_NAME)
        log(f"seeding {args.applicants} verified applicants with tokens")
        seed_data = run_seed(args)
        log(f"target day {seed_data['date']}, {seed_data['seats']} seats; starting {server_label(args)}")
        server = start_server(args.server, args.workers, args.threads, DB_NAME, f"/api/v1/offices/{OFFICE}")
        if args.via == "nginx":
            proxy = start_proxy(server)
            args.target, args.proxy_pid = proxy.proxy, proxy.nginx.popen.pid if proxy.nginx else None
        preflight = httpx.get(
            f"{server.base_url}/api/v1/offices/{OFFICE}/availability",
            params={"start": seed_data["date"], "days": 1},
            timeout=10,
        ).json()
        day = preflight["days"][0]
        if not day["open"] or sum(w["remaining"] for w in day["windows"]) != seed_data["seats"]:
            raise SystemExit(f"target day is not open with all seats free: {day}")
        if args.reads_only:
            busy = wait_for_quiet(args.idle_wait)
            log(f"server up at {server.base_url}; other processes use {busy:.0%} of the CPUs; firing the read storm")
            storm = read_storm(server, seed_data, args)
            met = storm["rate"] >= 2000 and storm["p99"] <= 0.050 and storm["errors_5xx"] == 0
            log(f"done in {time.monotonic() - t0:.0f} s; read-storm targets {'met' if met else 'NOT met'}")
            return 0
        events = [start_events_worker(i, args.events_nice) for i in range(args.events_workers)]
        busy = wait_for_quiet(args.idle_wait)
        log(f"server up at {server.base_url}; other processes use {busy:.0%} of the CPUs; firing the burst")
        figures = fire(server, seed_data, args, tuple(worker.pid for worker in events))
        stop_server(server)
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
        target = 200 if args.windows == 1 else 300
        if args.rate:  # a paced run measures the bills' delay, not the throughput
            met = figures["errors_5xx"] == 0 and figures["overbooked"] == 0
            log(f"done in {time.monotonic() - t0:.0f} s; 5xx/overbooking targets {'met' if met else 'NOT met'}")
        else:
            met = figures["book_rate"] >= target and figures["errors_5xx"] == 0 and figures["overbooked"] == 0
            log(
                f"done in {time.monotonic() - t0:.0f} s; throughput (>= {target}/s)/5xx/overbooking targets "
                f"{'met' if met else 'NOT met'}"
            )
        return 0 if figures["overbooked"] == 0 else 1
    finally:
        if proxy is not None and proxy.nginx is not None:
            proxy.nginx.stop()
            shutil.rmtree(proxy.folder, ignore_errors=True)
        for worker in events:
            worker.terminate()
        for worker in events:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if server is not None:
            stop_server(server)
        if args.keep_db:
            log(f"kept database {DB_NAME} ({DATABASE_URL})")
        else:
            drop_database(DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
