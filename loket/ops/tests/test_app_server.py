"""The app server's start (config/web.py) and the metrics of workers that died."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict

from config import web
from loket.ops.views import retire_dead_workers


def test_the_command_carries_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIND", "10.0.0.5:8123")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "6")
    monkeypatch.delenv("WEB_ACCESS_LOG", raising=False)
    args = web.command()
    assert Path(args[0]).name == "granian"
    pairs = dict(zip(args[1:-1:2], args[2:-1:2], strict=False))
    assert pairs["--host"] == "10.0.0.5"
    assert pairs["--port"] == "8123"
    assert pairs["--workers"] == "3"
    assert pairs["--blocking-threads"] == "6"
    assert pairs["--interface"] == "wsgi"
    assert args[-1] == "config.wsgi:application"
    assert "--access-log" not in args


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("BIND", "8000", "BIND: must be host:port"), ("WEB_WORKERS", "two", "WEB_WORKERS: must be a whole number"),
     ("WEB_THREADS", "0", "WEB_THREADS: must be at least 1")],
)  # fmt: skip
def test_a_bad_setting_stops_the_start_with_its_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=message):
        web.command()


def test_the_metrics_folder_is_emptied_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"old")
    script = "import os\nos.execv = lambda *a: None\nfrom config import web\nweb.main()\n"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=Path(web.__file__).parent.parent)
    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_a_dead_worker_keeps_its_counts_and_loses_its_live_gauges(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # reaped: its pid names no process now
    for kind in ("counter", "gauge_livesum"):
        store = MmapedDict(str(tmp_path / f"{kind}_{dead.pid}.db"))
        store.close()
    assert retire_dead_workers(str(tmp_path)) == [dead.pid]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"counter_{dead.pid}.db"]


def test_a_live_worker_is_left_alone(tmp_path: Path) -> None:
    MmapedDict(str(tmp_path / f"gauge_livesum_{os.getpid()}.db")).close()
    assert retire_dead_workers(str(tmp_path)) == []
    assert (tmp_path / f"gauge_livesum_{os.getpid()}.db").exists()
