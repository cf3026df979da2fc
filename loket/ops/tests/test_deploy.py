"""deploy/: every setting documented, and nginx accepts the production site configuration."""

import re
import subprocess
from pathlib import Path

import pytest

from loket.ops.tests.cluster import NGINX, ROOT

DEPLOY = ROOT / "deploy"


def _documented() -> set[str]:
    text = (DEPLOY / "loket.env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_the_code_reads_is_in_the_example_environment() -> None:
    settings = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|float|list|choice)\(\s*"([A-Z0-9_]+)"', settings))
    app_server = (ROOT / "config" / "web.py").read_text()
    read |= set(re.findall(r'environ\.get\("([A-Z0-9_]+)"', app_server))
    read |= set(re.findall(r'_int\("([A-Z0-9_]+)"', app_server))
    read |= set(re.findall(r"\$\{([A-Z0-9_]+)", (DEPLOY / "compose.yaml").read_text()))
    assert len(read) > 100
    assert read - _documented() == set()


def test_nginx_accepts_the_site_with_the_vm_upstreams(tmp_path: Path) -> None:
    if NGINX is None:
        pytest.skip("nginx is not installed (CI installs it)")
    folder = tmp_path
    tls, static, cache = folder / "tls", folder / "static", folder / "cache"
    for path in (tls, static, cache):
        path.mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=loket.test",
            "-keyout",
            str(tls / "privkey.pem"),
            "-out",
            str(tls / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = (DEPLOY / "nginx" / "loket-site.conf").read_text()
    site = site.replace("/etc/nginx/loket/", f"{DEPLOY}/nginx/").replace("/etc/nginx/tls", str(tls))
    site = site.replace("/srv/loket/static", str(static)).replace("/var/cache/nginx/loket", str(cache))
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;").replace("listen 443 ssl", "listen 127.0.0.1:18443 ssl")
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" include {DEPLOY}/nginx/upstream-vm.conf;\n include {folder}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
