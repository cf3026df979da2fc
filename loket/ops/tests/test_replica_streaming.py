"""Reads on a real streaming replica (made with initdb, pg_basebackup and pg_ctl on two free ports),
and the fall-back to the primary when the replica lags or is down (loket/core/replica.py)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from loket.core.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[3]


def _pg_bindir() -> Path | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out) if (Path(out) / "initdb").exists() else None


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: as root, run them as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str], **kwargs: object) -> None:
    subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=60, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def streaming_pair(django_db_setup: None, django_db_blocker: object) -> Iterator[dict[str, str]]:
    """A primary holding a copy of the test database, and its streaming replica, on two free ports."""
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica is PostgreSQL's")
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("LOKET_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are required here")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="loket-replica-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary, standby = folder / "primary", folder / "replica"
    p_port, r_port = free_port(), free_port()
    pg_ctl = str(bindir / "pg_ctl")
    started: list[Path] = []
    try:
        _run([str(bindir / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync"])
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {p_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
                "fsync = off\nfull_page_writes = off\nshared_buffers = 16MB\nmax_wal_senders = 4\n"
            )
        _run([pg_ctl, "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start"])
        started.append(primary)
        source = connection.settings_dict
        dump = subprocess.run(
            [
                "pg_dump",
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"],
                "--no-owner",
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "loket"], check=True, timeout=30
        )
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "loket"],
            input=dump,
            check=True,
            capture_output=True,
            timeout=60,
        )
        _run(
            [
                str(bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(p_port),
                "-U",
                "postgres",
                "-D",
                str(standby),
                "-R",
                "-X",
                "stream",
                "--no-sync",
                "--checkpoint=fast",
            ]
        )
        with (standby / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {r_port}\n")
        _run([pg_ctl, "-D", str(standby), "-l", str(folder / "replica.log"), "-w", "start"])
        started.append(standby)
        stop = " ".join(_as_postgres([pg_ctl, "-D", str(standby), "-m", "immediate", "stop"]))
        yield {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{p_port}/loket",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{r_port}/loket",
            "REPLICA_STOP": stop,
        }
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True, timeout=30
            )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres_only
@pytest.mark.django_db  # the test database is what the primary starts from
def test_reads_go_to_a_replica_in_step_and_to_the_primary_when_it_lags_or_is_down(
    streaming_pair: dict[str, str],
) -> None:
    env = {
        **os.environ,
        **streaming_pair,
        "DB_CONN_MAX_AGE": "0",
        "LOKET_REPLICA_MAX_LAG_SECONDS": "1",
        "LOKET_REPLICA_CHECK_SECONDS": "0",  # every read checks: the test changes the replica's state at once
        "LOKET_AVAILABILITY_CACHE_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "loket.ops.tests.replica_check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["caught_up"]
    # In step: the page's reads are all on the replica.
    assert report["in_step"]["queries"] == {"replica": 1}
    assert report["availability"]["value"] == 3
    assert "default" not in report["availability"]["queries"]
    # Replay paused: the replica says it lags, and the read is done on the primary, fresh.
    assert report["lag_paused"] > 1
    assert report["lagging"]["queries"] == {"default": 1}
    assert report["lagging"]["value"] == "Kantor Imigrasi REP (baru)"
    # Caught up again: back on the replica, which now has the change.
    assert report["resumed"]
    assert report["after_resume"] == {
        **report["after_resume"],
        "queries": {"replica": 1},
        "value": "Kantor Imigrasi REP (baru)",
    }
    # Stopped between its check and the read: tried there, then answered by the primary.
    assert report["before_down"]["queries"] == {"replica": 1}
    assert report["down_mid_read"]["queries"] == {"replica": 1, "default": 1}
    assert report["down_mid_read"]["value"] == "Kantor Imigrasi REP (baru)"
    # Known down, or found down by the check: the primary answers, quickly, without an error.
    for key in ("down", "down_checked"):
        assert report[key]["queries"] == {"default": 1}
        assert report[key]["value"] == "Kantor Imigrasi REP (baru)"
        assert report[key]["seconds"] < 3
