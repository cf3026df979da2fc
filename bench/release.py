"""Fair release: a waiting room against first come, first served, with a broker hammering.

    .venv/bin/python bench/release.py [--people 1000] [--broker 50] [--seats 100]

For each mode ("room": the waiting room on; "fcfs": LOKET_RELEASE_WAITING_ROOM=off), on a fresh
PostgreSQL database `loket_bench_release` (127.0.0.1:5432):
1. seeds one office whose next day opens LEAD seconds ahead, and people + broker accounts
   (verified, holder Person, API token) in a Django subprocess;
2. starts gunicorn (rate limits off, as every benchmark here) and the `release_rooms` worker;
3. people: each joins once at a random moment of the minute before the release (solving the
   proof of work), then polls its ticket every 2-4 s and books 2-8 s after being admitted
   (fcfs: each books once, 1-10 s after the release, like a person reacting);
   the broker: its accounts join in the last 2 seconds, then hammer join, waiting and booking
   as fast as they can until each has a seat or the day is full;
4. prints the broker's share of the seats against its share of the people, the rank
   correlation of join time and drawn order (room), p99 while hammered, 5xx, overbookings,
   and the load generator's CPU share.
Everything stays on 127.0.0.1 and is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import altcha
import httpx
from common import (
    OUT,
    ROOT,
    app_env,
    cpu_snapshot,
    db_connect,
    drop_database,
    log,
    migrate,
    percentile,
    recreate_database,
    start_gunicorn,
    stop_gunicorn,
)

DB = "loket_bench_release"
SOLVERS = concurrent.futures.ProcessPoolExecutor(max_workers=2)
OFFICE = "BRL"
LEAD = 75.0  # seconds from the end of seeding to the release instant
AFTER = 60.0  # seconds the run goes on after the release


def seed(out_file: Path, people: int, broker: int, seats: int) -> None:
    sys.path.insert(0, str(ROOT))
    import datetime as dt
    import hashlib
    import secrets

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from loket.accounts.models import ApiToken, Person, User
    from loket.offices.calendar import holiday_name
    from loket.offices.models import ArrivalWindow, Office

    now_local = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(seconds=LEAD)
    horizon = 14
    while holiday_name(now_local.date() + dt.timedelta(days=horizon)):
        horizon += 1
    office = Office.objects.create(
        code=OFFICE, name="Kanim Bench Release", timezone="Asia/Jakarta", horizon_days=horizon,
        release_time=now_local.time().replace(microsecond=0),
    )  # fmt: skip
    ArrivalWindow.objects.bulk_create(
        ArrivalWindow(office=office, weekday=d, start=dt.time(8), end=dt.time(12), capacity=seats) for d in range(7)
    )
    total = people + broker
    users = User.objects.bulk_create(
        User(
            email=f"rel{i:05d}@bench.loket.test",
            full_name=f"Pemohon {i:05d}",
            phone=f"+62812{i:08d}",
            email_verified_at=timezone.now(),
            password=make_password(None),
        )
        for i in range(total)
    )
    Person.objects.bulk_create(
        Person(
            account=u,
            relation="self",
            full_name=u.full_name,
            nik=f"31740115089{i + 1:05d}",
            birth_date=dt.date(1989, 8, 15),
            sex="M",
        )
        for i, u in enumerate(users)
    )
    keys = [secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=u, key_hash=hashlib.sha256(k.encode()).hexdigest()) for u, k in zip(users, keys, strict=True)
    )
    day = now_local.date() + dt.timedelta(days=horizon)
    opens = dt.datetime.combine(now_local.date(), office.release_time, tzinfo=office.zone).timestamp()
    out_file.write_text(json.dumps({"keys": keys, "date": day.isoformat(), "opens": opens, "broker": broker}))


class Stats:
    def __init__(self) -> None:
        self.latencies: list[tuple[float, float]] = []  # (sent at, seconds)
        self.statuses: dict[int, int] = {}
        self.errors = 0

    async def call(self, client: httpx.AsyncClient, method: str, url: str, **kw: object) -> httpx.Response | None:
        started = time.time()
        try:
            response = await client.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError:
            self.errors += 1
            return None
        self.latencies.append((started, time.time() - started))
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


def solve(challenge: dict) -> str:
    s = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    body = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**body, "number": s.number if s else 0}).encode()).decode()


async def join(stats: Stats, client: httpx.AsyncClient, base: str, day: str, key: str) -> str | None:
    ch = await stats.call(client, "GET", f"{base}/api/v1/offices/{OFFICE}/releases/{day}/challenge")
    if ch is None or ch.status_code != 200:
        return None
    # In other processes: a solver thread here would hold the GIL and delay every response read.
    proof = await asyncio.get_running_loop().run_in_executor(SOLVERS, solve, ch.json())
    r = await stats.call(client, "POST", f"{base}/api/v1/offices/{OFFICE}/releases/{day}/join",
                         json={"altcha": proof}, headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    return r.json()["ticket"] if r is not None and r.status_code in (200, 201) else None


def booking_body(day: str) -> dict:
    return {"office": OFFICE, "date": day, "start": "08:00", "service": "new", "passport_type": "regular"}


async def book(stats: Stats, client: httpx.AsyncClient, base: str, day: str, key: str, release_pass: str | None) -> int:
    headers = {"Authorization": f"Bearer {key}", **({"X-Loket-Pass": release_pass} if release_pass else {})}
    r = await stats.call(client, "POST", f"{base}/api/v1/bookings", json=booking_body(day), headers=headers)
    return r.status_code if r is not None else 0


async def person(
    stats: Stats, client: httpx.AsyncClient, base: str, day: str, key: str, opens: float, room: bool
) -> None:
    if not room:
        await asyncio.sleep(max(0.0, opens - time.time()) + random.uniform(1, 10))
        await book(stats, client, base, day, key, None)
        return
    await asyncio.sleep(max(0.0, opens - 57 - time.time()) + random.uniform(0, 50))
    ticket = await join(stats, client, base, day, key)
    if ticket is None:
        return
    await asyncio.sleep(max(0.0, opens - time.time()) + random.uniform(0, 3))
    while time.time() < opens + AFTER:
        r = await stats.call(
            client, "GET", f"{base}/api/v1/waiting/{ticket}", headers={"Authorization": f"Bearer {key}"}
        )
        state = r.json().get("state") if r is not None and r.status_code == 200 else None
        if state == "admitted":
            await asyncio.sleep(random.uniform(2, 8))
            await book(stats, client, base, day, key, r.json()["pass"])  # type: ignore[union-attr]
            return
        if state in ("closed", "used"):
            return
        await asyncio.sleep(random.uniform(2, 4))


async def broker(
    stats: Stats, client: httpx.AsyncClient, base: str, day: str, key: str, opens: float, room: bool
) -> None:
    await asyncio.sleep(max(0.0, opens - 2 - time.time()) + random.uniform(0, 1.5))
    ticket = await join(stats, client, base, day, key) if room else None
    auth = {"Authorization": f"Bearer {key}"}
    while time.time() < opens + AFTER:
        release_pass = None
        if ticket:
            await stats.call(
                client, "POST", f"{base}/api/v1/offices/{OFFICE}/releases/{day}/join", json={}, headers=auth
            )
            r = await stats.call(client, "GET", f"{base}/api/v1/waiting/{ticket}", headers=auth)
            if r is not None and r.status_code == 200:
                release_pass = r.json().get("pass")
        status = await book(stats, client, base, day, key, release_pass)
        if status in (200, 201):
            return
        if status == 409 and not room and time.time() > opens + 5:
            pass  # keep hammering: a cancelled or expired seat may come back
        await asyncio.sleep(0)


async def drive(base: str, seeded: dict, room: bool) -> Stats:
    stats = Stats()
    keys, day, opens, n_broker = seeded["keys"], seeded["date"], seeded["opens"], seeded["broker"]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        tasks = [person(stats, client, base, day, k, opens, room) for k in keys[:-n_broker]]
        tasks += [broker(stats, client, base, day, k, opens, room) for k in keys[-n_broker:]]
        await asyncio.gather(*tasks)
    return stats


def solver_cpu() -> float:
    """CPU seconds of the proof-of-work solver processes (children of this one), so far."""
    return sum(v for v in os.times()[2:4])


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        for rank, i in enumerate(order):
            r[i] = rank
        return r

    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else float("nan")


def run_mode(mode: str, args: argparse.Namespace) -> dict:
    room = mode == "room"
    os.environ["LOKET_RELEASE_WAITING_ROOM"] = "on" if room else "off"
    os.environ["LOKET_RELEASE_JOIN_MINUTES"] = "1"
    os.environ["LOKET_RELEASE_POW_MAX_NUMBER"] = str(args.pow)
    recreate_database(DB)
    migrate(DB)
    OUT.mkdir(parents=True, exist_ok=True)
    seed_file = OUT / "release-seed.json"
    subprocess.run([sys.executable, __file__, "--seed-only", str(seed_file), "--people", str(args.people),
                    "--broker", str(args.broker), "--seats", str(args.seats)], cwd=ROOT, env=app_env(DB),
                   check=True, timeout=300)  # fmt: skip
    seeded = json.loads(seed_file.read_text())
    server = start_gunicorn(args.workers, args.threads, DB, f"/api/v1/offices/{OFFICE}", f"gunicorn-release-{mode}.log")
    worker = subprocess.Popen([sys.executable, "manage.py", "release_rooms"], cwd=ROOT, env=app_env(DB),
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    log(f"{mode}: release at {time.strftime('%H:%M:%S', time.localtime(seeded['opens']))}, driving the clients")
    try:
        before = cpu_snapshot(server.process.pid, (os.getpid(), worker.pid))
        t0 = time.process_time() + solver_cpu()
        stats = asyncio.run(drive(server.base_url, seeded, room))
        client_cpu = time.process_time() - t0 + solver_cpu()
        after = cpu_snapshot(server.process.pid, (os.getpid(), worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        stop_gunicorn(server)
    with db_connect(DB) as conn:
        rows = conn.execute(
            "SELECT u.email, b.id FROM booking_booking b JOIN accounts_user u ON u.id = b.booked_by_id "
            "WHERE b.status IN ('awaiting_payment', 'confirmed')"
        ).fetchall()
        slot = conn.execute("SELECT booked, capacity FROM booking_slot").fetchall()
        entries = conn.execute(
            "SELECT extract(epoch FROM joined_at), rank FROM release_entry e JOIN accounts_user u ON u.id = e.account_id "
            "WHERE rank IS NOT NULL ORDER BY joined_at"
        ).fetchall()
    broker_emails = {f"rel{i:05d}@bench.loket.test" for i in range(args.people, args.people + args.broker)}
    booked = len(rows)
    broker_got = sum(1 for email, _id in rows if email in broker_emails)
    hammered = [s for at, s in stats.latencies if at >= seeded["opens"]]
    elapsed_machine = after["machine"] - before["machine"]
    return {
        "mode": mode,
        "seats": sum(c for _b, c in slot) or args.seats,
        "booked": booked,
        "broker_seats": broker_got,
        "broker_share": broker_got / booked if booked else float("nan"),
        "broker_people_share": args.broker / (args.people + args.broker),
        "overbooked": sum(max(0, b - c) for b, c in slot) + max(0, booked - args.seats),
        "5xx": sum(n for code, n in stats.statuses.items() if code >= 500),
        "client_errors": stats.errors,
        "statuses": stats.statuses,
        "requests_after_release": len(hammered),
        "p50_ms": percentile(hammered, 50),
        "p99_ms": percentile(hammered, 99),
        "rank_correlation": spearman([float(e[0]) for e in entries], [float(e[1]) for e in entries]) if room else None,
        "ranked": len(entries),
        "load_generator_cpu_s": round(client_cpu, 1),
        "load_generator_cpu_share": round(client_cpu / elapsed_machine, 3) if elapsed_machine else None,
        "gunicorn_cpu_s": round(after["gunicorn"] - before["gunicorn"], 1),
        "postgres_cpu_s": round(after["postgres"] - before["postgres"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--broker", type=int, default=50)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pow", type=int, default=20000, help="LOKET_RELEASE_POW_MAX_NUMBER for the run")
    parser.add_argument("--modes", default="room,fcfs")
    parser.add_argument("--seed-only", type=Path)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.seed_only:
        seed(args.seed_only, args.people, args.broker, args.seats)
        return
    results = []
    try:
        for mode in args.modes.split(","):
            results.append(run_mode(mode, args))
            log(json.dumps(results[-1]))
    finally:
        if not args.keep_db:
            drop_database(DB)
    for r in results:
        print(
            f"{r['mode']:>5}: broker got {r['broker_seats']}/{r['booked']} seats ({r['broker_share']:.1%}) for "
            f"{r['broker_people_share']:.1%} of the people; overbooked {r['overbooked']}, 5xx {r['5xx']}; "
            f"after the release {r['requests_after_release']} requests, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms; "
            f"rank correlation {r['rank_correlation']}; load generator CPU share {r['load_generator_cpu_share']}"
        )


if __name__ == "__main__":
    main()
