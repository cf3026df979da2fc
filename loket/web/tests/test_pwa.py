"""The installable web app: manifest, icons and the root-scoped service worker."""

import io
import json

from django.test import Client
from PIL import Image

from loket.web.tests.conftest import in_language
from loket.web.tests.test_pages import STATIC_ROOT


def test_every_page_links_the_manifest_and_the_script(browser: Client, db: None) -> None:
    html = browser.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/web/app.js" defer></script>' in html
    assert "data-signed-in" not in html  # signed out: the script forgets cached proofs


def test_the_manifest_names_loket_in_indonesian_with_its_icons(browser: Client, db: None) -> None:
    answer = browser.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["name"] == "Loket: buat jadwal paspor"
    assert manifest["lang"] == "id"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        path = STATIC_ROOT / icon["src"].removeprefix("/static/")
        assert path.exists(), icon
        if icon["type"] == "image/png":
            width, height = Image.open(io.BytesIO(path.read_bytes())).size
            assert f"{width}x{height}" == icon["sizes"]
    english = json.loads(in_language(browser, "en").get("/manifest.webmanifest").content)
    assert english["name"] == "Loket: book a passport appointment"


def test_the_service_worker_is_served_from_the_root(browser: Client, db: None) -> None:
    answer = browser.get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/javascript; charset=utf-8"
    assert answer["Service-Worker-Allowed"] == "/"
    assert answer["Cache-Control"] == "no-cache"
    script = answer.content.decode()
    assert 'const CSS = "/static/web/loket.css";' in script
    assert 'const CACHE = "loket-bukti";' in script
    assert '"/masuk/", "/keluar/"' in script  # the cache is emptied on every sign-in and sign-out
    assert "caches.delete(CACHE)" in script
    assert browser.post("/sw.js").status_code == 405


def test_signed_in_pages_say_so_to_the_script(signed_in: Client) -> None:
    assert "<body data-signed-in>" in signed_in.get("/akun/").content.decode()
