"""Per-core figures for the deployment sizing (docs/deploy.md): public availability reads answered
by app server, the same reads through nginx's micro-cache (deploy/nginx/loket-proxy.conf), and the
cost of one /metrics scrape with 125 offices.

    .venv/bin/python bench/proxy.py

1. drops and creates `loket_bench_proxy` on 127.0.0.1:5432, migrates it, loads the demo data
   (`seed_demo`: 15 offices) and adds 110 offices like Palembang (125 in all, as nationally);
2. starts app server (production-like settings as bench/rush.py, availability cached 2 s in each
   worker's memory) and nginx from Debian with Loket's proxy rules in front of it;
3. runs wrk (Debian's package) against `/api/v1/offices/<code>/availability?days=7`, the code
   rotating over the 125 offices: first at app server directly, then through nginx;
4. prints requests/s, wrk's latency, and the CPU each process group used per request (from
   /proc), including wrk's own share: it runs on the same cores;
5. times /metrics (the database reading, not cached) a few times;
6. stops everything and drops the database (unless --keep-db).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import (
    ROOT,
    _stat,
    app_env,
    drop_database,
    log,
    machine_busy,
    migrate,
    recreate_database,
    start_app_server,
    stop_server,
    wait_for_quiet,
)

sys.path.insert(0, str(ROOT))
from loket.ops.tests.cluster import Cluster, Process

DB_NAME = "loket_bench_proxy"
TOKEN = "bench-metrics-token-0123456789"

SEED_MORE = """
from loket.offices.models import ArrivalWindow, Office
model = Office.objects.get(code="PLB")
windows = list(ArrivalWindow.objects.filter(office=model))
for i in range(110):
    office = Office.objects.create(code=f"X{i:03d}", name=f"Kantor Imigrasi Uji {i}", timezone=model.timezone,
                                   horizon_days=model.horizon_days)
    ArrivalWindow.objects.bulk_create(
        [ArrivalWindow(office=office, weekday=w.weekday, start=w.start, end=w.end, capacity=w.capacity) for w in windows]
    )
print(",".join(Office.objects.filter(online_booking=True).values_list("code", flat=True)))
"""


def tree_pids(root: int) -> set[int]:
    pids = {root}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (stat := _stat(pid)) and stat[1] == root:
            pids.add(int(pid))
    return pids


def cpu_of(groups: dict[str, set[int]]) -> dict[str, float]:
    totals = {name: 0.0 for name in [*groups, "postgres"]}
    totals["machine"] = machine_busy()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or (stat := _stat(pid)) is None:
            continue
        for name, pids in groups.items():
            if int(pid) in pids:
                totals[name] += stat[2]
                break
        else:
            if stat[0].startswith("postgres"):
                totals["postgres"] += stat[2]
    return totals


def run_wrk(
    url: str, codes: list[str], seconds: int, connections: int, folder: Path, groups: dict[str, set[int]]
) -> None:
    script = folder / "rotate.lua"
    script.write_text(
        "local codes = {" + ",".join(f'"{c}"' for c in codes) + "}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        '  return wrk.format("GET", "/api/v1/offices/" .. codes[(i % #codes) + 1] .. "/availability?days=7")\nend\n'
    )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    before = cpu_of(groups)
    started = time.monotonic()
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    wrk_cpu = 0.0
    while wrk.poll() is None:
        if (stat := _stat(str(wrk.pid))) is not None:
            wrk_cpu = stat[2]
        time.sleep(0.2)
    wall = time.monotonic() - started
    after = cpu_of(groups)
    output = wrk.stdout.read() if wrk.stdout else ""
    print(output.rstrip())
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(total.group(1)) if total else 0
    cores = os.cpu_count() or 1
    used = {name: after[name] - before[name] for name in after}
    others = used["machine"] - sum(v for k, v in used.items() if k != "machine") - wrk_cpu
    print(f"requests/s {float(match.group(1)) if match else 0:.1f}; non-2xx {non2xx.group(1) if non2xx else 0}")
    print(
        f"CPU ({cores} cores x {wall:.1f} s = {cores * wall:.1f} core-s): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in used.items() if k != "machine")
        + f", wrk {wrk_cpu:.1f} s ({wrk_cpu / (cores * wall):.0%} of the machine), other processes {max(others, 0):.1f} s, "
        f"idle {cores * wall - used['machine']:.1f} s"
    )
    if requests:
        print(
            "CPU per request: "
            + ", ".join(f"{k} {1000 * v / requests:.2f} ms" for k, v in used.items() if k != "machine")
            + f", wrk {1000 * wrk_cpu / requests:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None or (shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists()):
        raise SystemExit("needs wrk and nginx from Debian: apt-get install wrk nginx")
    log(f"load average at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    recreate_database(DB_NAME)
    migrate(DB_NAME)
    env = {**app_env(DB_NAME), "LOKET_METRICS_TOKEN": TOKEN, "LOKET_METRICS_CACHE_SECONDS": "0", "LOG_REQUESTS": "off"}
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )
    codes = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SEED_MORE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split(",")
    )
    log(f"{len(codes)} offices open for booking")
    os.environ.update({"LOKET_METRICS_TOKEN": TOKEN, "LOKET_METRICS_CACHE_SECONDS": "0", "LOG_REQUESTS": "off"})
    server = start_app_server(args.workers, args.threads, DB_NAME, "/api/v1/offices", log_name="proxy-app-server.log")
    folder = Path(tempfile.mkdtemp(prefix="loket-bench-proxy-"))
    cluster = Cluster(folder=folder, env=env)
    cluster.apps = [(Process("app", server.process, server.log_path), server.base_url)]
    try:
        cluster.start_nginx()
        cluster.wait_ready()
        assert cluster.nginx is not None
        share = wait_for_quiet(60)
        log(f"other processes use {share:.0%} of the CPUs; app server {args.workers} workers x {args.threads} threads")
        groups = {"app server": tree_pids(server.process.pid), "nginx": tree_pids(cluster.nginx.popen.pid)}
        print(f"\n=== availability, straight to app server ({args.seconds} s, {args.connections} connections) ===")
        run_wrk(server.base_url, codes, args.seconds, args.connections, folder, groups)
        print(
            f"\n=== availability through nginx's 1 s micro-cache ({args.seconds} s, {args.connections} connections) ==="
        )
        run_wrk(cluster.proxy, codes, args.seconds, args.connections, folder, groups)
        print("\n=== /metrics (database reading not cached; 125 offices x 7 days of seats) ===")
        for _ in range(5):
            started = time.monotonic()
            answer = httpx.get(f"{server.base_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            lines = sum(1 for line in answer.text.splitlines() if line.startswith("loket_seats_left{"))
            print(
                f"status {answer.status_code}, {len(answer.content)} bytes, {lines} seat series, {1000 * (time.monotonic() - started):.0f} ms"
            )
        log(f"load average at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    finally:
        if cluster.nginx is not None:
            cluster.nginx.stop()
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep_db:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
