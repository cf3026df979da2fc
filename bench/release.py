"""Fair release: a waiting room against first come, first served, with a broker hammering.

    .venv/bin/python bench/release.py [--people 1000] [--broker 50] [--seats 100]

For each mode ("room": the waiting room on; "fcfs": LOKET_RELEASE_WAITING_ROOM=off), on a fresh
PostgreSQL database `loket_bench_release` (127.0.0.1:5432):
1. seeds one office whose next day opens LEAD seconds ahead, and people + broker accounts
   (verified, holder Person, API token) in a Django subprocess;
2. starts app server (rate limits off, as every benchmark here) and the `release_rooms` worker;
3. people: each joins once at a random moment of the minute before the release (solving the
   proof of work), then polls its ticket every 2-4 s and books 2-8 s after being admitted
   (fcfs: each books once, 1-10 s after the release, like a person reacting);
   the broker: its accounts join in the last 2 seconds (with the proof of work, from Python),
   then from the release instant hammer join, waiting and booking as fast as the server
   answers until each has a seat: with wrk (bench/wrk/broker.lua, one connection per wrk
   thread), since the Python client doing it cost more than 15 % of the CPU (--hammer python
   keeps the old way, to compare);
4. prints the broker's share of the seats against its share of the people, the rank
   correlation of join time and drawn order (room), p99 while hammered (the people's requests
   from Python, the broker's from wrk), 5xx, overbookings, and the load generator's CPU share:
   its CPU seconds (this process, its proof-of-work solvers and wrk) against the CPU seconds
   the whole machine spent busy during the run, and against the machine's capacity.
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
import re
import shutil
import signal
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
    start_app_server,
    stop_server,
)

DB = "loket_bench_release"
SOLVERS = concurrent.futures.ProcessPoolExecutor(max_workers=2)
OFFICE = "BRL"
LEAD = 75.0  # seconds from the end of seeding to the release instant
AFTER = 60.0  # seconds the run goes on after the release
BROKER_LUA = ROOT / "bench" / "wrk" / "broker.lua"


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
) -> str | None:
    """The broker's account joins at the last moment; returns its ticket (None without a room)."""
    await asyncio.sleep(max(0.0, opens - 2 - time.time()) + random.uniform(0, 1.5))
    return await join(stats, client, base, day, key) if room else None


async def broker_hammer_python(
    stats: Stats, client: httpx.AsyncClient, base: str, day: str, key: str, ticket: str | None, opens: float
) -> None:
    """--hammer python: join, waiting and booking in a loop from this process until a seat."""
    await asyncio.sleep(max(0.0, opens - time.time()))
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
        if await book(stats, client, base, day, key, release_pass) in (200, 201):
            return
        await asyncio.sleep(0)


class WrkBroker:
    """The broker's hammering in wrk (bench/wrk/broker.lua): its answers, latency and CPU."""

    def __init__(self, base: str, day: str, accounts: list[tuple[str, str | None]]) -> None:
        if not shutil.which("wrk"):
            raise SystemExit("wrk not found (apt-get install wrk)")
        self.threads = min(8, len(accounts))
        self.path = OUT / "wrk_broker.accounts"
        for flag in OUT.glob(f"{self.path.name}.done.*"):
            flag.unlink()
        self.path.write_text("".join(f"{key}\t{ticket or '-'}\n" for key, ticket in accounts))
        env = {**os.environ, "LOKET_ACCOUNTS": str(self.path), "LOKET_THREADS": str(self.threads),
               "LOKET_OFFICE": OFFICE, "LOKET_DATE": day}  # fmt: skip
        command = ["wrk", f"-t{self.threads}", f"-c{self.threads}", f"-d{int(AFTER)}s", "--timeout", "10s",
                   "-s", str(BROKER_LUA), base]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.statuses: dict[int, int] = {}
        self.percentiles: dict[str, float] = {}  # milliseconds
        self.cpu = 0.0

    def cpu_now(self) -> float:
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def finish(self) -> None:
        """Wait until every account has a seat or wrk's time is out; read its figures and CPU."""
        reaped = None
        while reaped is None:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                reaped = (status, usage)
            elif len(list(OUT.glob(f"{self.path.name}.done.*"))) >= self.threads:
                self.process.send_signal(signal.SIGINT)  # wrk prints its figures and exits
                _pid, status, usage = os.wait4(self.process.pid, 0)
                reaped = (status, usage)
            else:
                await asyncio.sleep(0.2)
        status, usage = reaped
        self.cpu = usage.ru_utime + usage.ru_stime
        assert self.process.stdout is not None
        output = self.process.stdout.read()
        (OUT / "wrk_broker.log").write_text(output)
        self.path.unlink()  # it holds bearer tokens
        for flag in OUT.glob(f"{self.path.name}.done.*"):
            flag.unlink()
        answers = re.search(r"^answers (.*)$", output, re.M)
        spread = re.search(r"^percentiles p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) max=([\d.]+)$", output, re.M)
        if os.waitstatus_to_exitcode(status) != 0 or not answers or not spread:
            print(output)
            raise SystemExit("wrk (broker) failed")
        self.statuses = {int(k): int(v) for k, v in (part.split("=") for part in answers.group(1).split())}
        self.percentiles = {k: float(spread.group(i + 1)) for i, k in enumerate(("p50", "p90", "p99", "max"))}


async def drive(base: str, seeded: dict, room: bool, hammer: str) -> tuple[Stats, WrkBroker | None]:
    stats = Stats()
    keys, day, opens, n_broker = seeded["keys"], seeded["date"], seeded["opens"], seeded["broker"]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        people = [asyncio.create_task(person(stats, client, base, day, k, opens, room)) for k in keys[:-n_broker]]
        broker_keys = keys[-n_broker:]
        tickets = await asyncio.gather(*(broker(stats, client, base, day, k, opens, room) for k in broker_keys))
        wrk = None
        if hammer == "wrk":
            await asyncio.sleep(max(0.0, opens - time.time()))
            wrk = WrkBroker(base, day, list(zip(broker_keys, tickets, strict=True)))
            await wrk.finish()
        else:
            await asyncio.gather(
                *(
                    broker_hammer_python(stats, client, base, day, k, t, opens)
                    for k, t in zip(broker_keys, tickets, strict=True)
                )
            )
        await asyncio.gather(*people)
    return stats, wrk


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
    server = start_app_server(
        args.workers, args.threads, DB, f"/api/v1/offices/{OFFICE}", f"app-server-release-{mode}.log"
    )
    worker = subprocess.Popen([sys.executable, "manage.py", "release_rooms"], cwd=ROOT, env=app_env(DB),
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    log(f"{mode}: release at {time.strftime('%H:%M:%S', time.localtime(seeded['opens']))}, driving the clients")
    try:
        before = cpu_snapshot(server.process.pid, (os.getpid(), worker.pid))
        started = time.time()
        t0 = time.process_time() + solver_cpu()
        stats, wrk = asyncio.run(drive(server.base_url, seeded, room, args.hammer))
        python_cpu = time.process_time() - t0 + solver_cpu()
        after = cpu_snapshot(server.process.pid, (os.getpid(), worker.pid))
        wall = time.time() - started
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        stop_server(server)
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
    wrk_cpu = wrk.cpu if wrk else 0.0
    client_cpu = python_cpu + wrk_cpu
    statuses = dict(stats.statuses)
    for code, n in (wrk.statuses if wrk else {}).items():
        statuses[code] = statuses.get(code, 0) + n
    return {
        "mode": mode,
        "seats": sum(c for _b, c in slot) or args.seats,
        "booked": booked,
        "broker_seats": broker_got,
        "broker_share": broker_got / booked if booked else float("nan"),
        "broker_people_share": args.broker / (args.people + args.broker),
        "overbooked": sum(max(0, b - c) for b, c in slot) + max(0, booked - args.seats),
        "5xx": sum(n for code, n in statuses.items() if code >= 500),
        "client_errors": stats.errors + statuses.get(0, 0),
        "statuses": statuses,
        "hammer": args.hammer,
        "requests_after_release": len(hammered) + (sum(wrk.statuses.values()) if wrk else 0),
        "p50_ms": percentile(hammered, 50),
        "p99_ms": percentile(hammered, 99),
        "broker_p99_ms": wrk.percentiles["p99"] if wrk else None,
        "rank_correlation": spearman([float(e[0]) for e in entries], [float(e[1]) for e in entries]) if room else None,
        "ranked": len(entries),
        "load_generator_cpu_s": round(client_cpu, 1),
        "load_generator_python_cpu_s": round(python_cpu, 1),
        "load_generator_wrk_cpu_s": round(wrk_cpu, 1),
        # Of the CPU time the whole machine spent busy during the run, and of its capacity.
        "load_generator_cpu_share": round(client_cpu / elapsed_machine, 3) if elapsed_machine else None,
        "load_generator_machine_share": round(client_cpu / ((os.cpu_count() or 1) * wall), 3),
        "server_cpu_s": round(after["server"] - before["server"], 1),
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
    parser.add_argument("--hammer", choices=("wrk", "python"), default="wrk", help="who drives the broker's hammering")
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
        broker_p99 = f", the broker's (wrk) p99 {r['broker_p99_ms']:.0f} ms" if r["broker_p99_ms"] is not None else ""
        print(
            f"{r['mode']:>5}: broker got {r['broker_seats']}/{r['booked']} seats ({r['broker_share']:.1%}) for "
            f"{r['broker_people_share']:.1%} of the people; overbooked {r['overbooked']}, 5xx {r['5xx']}; "
            f"after the release {r['requests_after_release']} requests, the people's p50 {r['p50_ms']:.0f} ms, "
            f"p99 {r['p99_ms']:.0f} ms{broker_p99}; rank correlation {r['rank_correlation']}"
        )
        print(
            f"       load generator ({r['hammer']} hammering): {r['load_generator_cpu_s']} CPU s (Python "
            f"{r['load_generator_python_cpu_s']} s, wrk {r['load_generator_wrk_cpu_s']} s) = "
            f"{r['load_generator_cpu_share']:.1%} of the CPU time the machine spent, "
            f"{r['load_generator_machine_share']:.1%} of its capacity"
            + (
                "  (over 15 %: the figures are the client's, not the server's)"
                if (r["load_generator_cpu_share"] or 0) > 0.15
                else ""
            )
        )


if __name__ == "__main__":
    main()
