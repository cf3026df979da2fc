"""The dossier's settings switch storage and adapters from the environment, and fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import django
django.setup()
from django.core.files.storage import storages
from loket.dossier.registry import dukcapil
storage = storages["default"]
print(type(storage).__name__, getattr(storage, "bucket_name", "-"))
print(type(dukcapil()).__name__)
"""


def run(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_S3", "LOKET_DUKCAPIL"))}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_local_storage_and_file_adapter_by_default() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert "FileSystemStorage -" in result.stdout and "FileDukcapil" in result.stdout


def test_a_bucket_switches_documents_to_s3() -> None:
    result = run(LOKET_S3_BUCKET="loket-dokumen", LOKET_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert result.returncode == 0, result.stderr
    assert "S3Storage loket-dokumen" in result.stdout


def test_http_adapter_without_url_stops_the_start() -> None:
    result = run(LOKET_DUKCAPIL_ADAPTER="http")
    assert result.returncode != 0 and "LOKET_DUKCAPIL_URL" in result.stderr
    assert run(LOKET_DUKCAPIL_ADAPTER="soap").returncode != 0
    ok = run(LOKET_DUKCAPIL_ADAPTER="http", LOKET_DUKCAPIL_URL="http://127.0.0.1:1/check")
    assert "HttpDukcapil" in ok.stdout, ok.stderr
