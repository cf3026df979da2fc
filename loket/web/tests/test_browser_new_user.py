"""A new person's whole journey in chromium at 360 × 740 on an emulated slow connection (400 kbit/s,
400 ms round trip), in Indonesian and in English (chosen with the language switch): register, verify
with the mailed code, book, pay in the demo simulator's page (the proof notices by itself), upload a
document, the proof, cancel with a credit, book again using it, and the saved proofs offline.

Every page a step lands on must be ready (its load event) in under READY_SECONDS on that connection,
and axe-core must find no violation on it. Screenshots go to test-artifacts/screenshots/new-user-*."""

import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail

from conftest import PASSWORD
from loket.booking.models import Booking, BookingStatus
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.core.testing.browser import assert_accessible, screenshot, sign_in, wait_for_js
from loket.dossier.models import Document
from loket.dossier.tests import files
from loket.payments.models import FeeCredit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READY_SECONDS = 3.0
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
SUBMIT = "main form button[type=submit]"


def slow(page: Any) -> Any:
    """The page on the emulated slow connection (the DevTools protocol, per page)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    return page


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    # bypass_csp: axe-core is injected as an inline script, which the pages' CSP would refuse.
    # No service worker: its own fetches escape the page's emulated connection, and the timings
    # must be those of the slow network (the offline part runs in a context of its own).
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", bypass_csp=True, service_workers="block"
    )
    context.set_default_timeout(15_000)
    yield slow(context.new_page())
    context.close()


class Journey:
    """Each step's page: ready within READY_SECONDS (timed), then a screenshot and axe-core."""

    def __init__(self, page: Any, base: str, language: str) -> None:
        self.page, self.base, self.language = page, base, language
        self.times: dict[str, float] = {}

    def step(self, name: str, action: Callable[[], Any], page: Any = None) -> None:
        page = page or self.page
        started = time.monotonic()
        action()
        page.wait_for_load_state("load")
        seconds = self.times[name] = time.monotonic() - started
        assert seconds < READY_SECONDS, f"{name}: ready after {seconds:.2f} s"
        screenshot(page, f"new-user-{self.language}-{len(self.times):02d}-{name}")
        assert_accessible(page)

    def go(self, name: str, path: str) -> None:
        self.step(name, lambda: self.page.goto(self.base + path))

    def click(self, name: str, selector: str, page: Any = None) -> None:
        page = page or self.page
        self.step(name, lambda: page.locator(selector).first.click(), page)


def register_and_verify(journey: Journey, language: str) -> None:
    page = journey.page
    journey.go("home", "/")
    if language == "en":
        page.select_option("#language", "en")
        journey.click("language-switch", "form.lang button")
        assert page.locator("html").get_attribute("lang") == "en"
    journey.go("register", "/daftar/")
    for name, value in {
        "full_name": "Ani Lestari",
        "nik": "1671014508900002",
        "birth_date": "1990-08-05",
        "phone": "0812 3456 7890",
        "email": "ani@example.id",
        "address": "Jl. Merdeka 1, Palembang",
        "password": PASSWORD,
    }.items():
        page.fill(f"#id_{name}", value)
    page.check('input[name="sex"][value="F"]')
    journey.click("verify", SUBMIT)
    assert page.url.endswith("/verifikasi/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code, "the verification mail carries a 6-digit code"
    page.fill("#id_code", code.group(1))
    journey.click("login", SUBMIT)
    assert page.url.endswith("/masuk/")
    page.fill("#id_login", "ani@example.id")
    page.fill("#id_password", PASSWORD)
    journey.click("profile", SUBMIT)
    assert page.url.endswith("/akun/")


def book(journey: Journey, start: str, step: str) -> None:
    """From the window step: the window at `start`, a new regular passport, confirmed."""
    page = journey.page
    journey.click(f"{step}-details", f'a[href$="/{start}/"]')
    replacement = page.locator("#replacement")
    assert replacement.is_hidden()  # the replacement part only for a replacement (app.js)
    page.check('input[name="service"][value="replacement"]')
    assert replacement.is_visible()
    screenshot(page, f"new-user-{journey.language}-{step}-replacement-part")
    page.check('input[name="service"][value="new"]')
    assert replacement.is_hidden()
    page.check('input[name="passport_type"][value="regular"]')
    journey.click(f"{step}-confirm", SUBMIT)
    journey.click(f"{step}-proof", 'button[name="confirm"]')


def pay_in_the_simulator(journey: Journey, booking: Booking) -> None:
    """The proof's bill, paid in the simulator's page in a second tab; the proof notices by itself."""
    proof = journey.page
    code = booking.payment.billing_code
    assert proof.locator(".billcode").inner_text() == f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:]}"
    assert proof.input_value(f"#billing-{booking.code}") == code
    assert proof.locator("[data-copy]").is_visible()  # the copy button, shown by the script
    assert proof.locator(".channels li").count() == 4
    simulator = slow(proof.context.new_page())
    journey.step("simulator", lambda: simulator.goto(journey.base + f"/simulator/bayar/{code}/"), simulator)
    journey.click("simulator-paid", SUBMIT, simulator)
    assert simulator.locator(".msg.success").is_visible()
    simulator.close()
    # Back on the proof's tab (the event a phone's browser sends; headless chromium sends none),
    # the page asks at once, besides its light poll every 10 s: no manual reload.
    proof.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    proof.wait_for_selector(".billcode", state="detached", timeout=25_000)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def upload_a_document(journey: Journey, booking: Booking, tmp_path: Path) -> None:
    page = journey.page
    journey.click("documents", f'a[href="/pemesanan/{booking.code}/dokumen/"]')
    picture = tmp_path / "kk.png"
    picture.write_bytes(files.png())
    page.select_option("#id_kind", "kk")
    page.set_input_files("#id_file", str(picture))
    journey.click("uploaded", SUBMIT)
    assert Document.objects.filter(application__booking=booking, kind="kk").exists()
    journey.go("proof", f"/pemesanan/{booking.code}/")


def cancel_with_a_credit(journey: Journey, booking: Booking) -> None:
    page = journey.page
    journey.go("bookings", "/pemesanan/")
    journey.click("cancel-confirm", f'a[href="/pemesanan/{booking.code}/batal/"]')
    assert page.locator("#fee-credit").is_visible()
    assert page.locator(f'a[href="/pemesanan/{booking.code}/ubah-jadwal/"]').is_visible()  # offered first
    journey.click("cancelled", SUBMIT)
    assert page.locator("#credits").is_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def offline_start_page(chromium: Any, base: str, booking: Booking, language: str) -> None:
    """ "My bookings" opened online saves the active proofs; offline, the start page lists them."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    sign_in(page, base, "ani@example.id", PASSWORD)
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page.goto(base + "/pemesanan/")
    wait_for_js(page, "navigator.serviceWorker.controller !== null", timeout=15_000)
    page.reload()  # now controlled: the script fetches the active proofs through the worker
    saved = "(url) => caches.open('loket-bukti').then((c) => c.match(url, { ignoreVary: true })).then((r) => !!r)"
    wait_for_js(page, saved, f"{base}/pemesanan/{booking.code}/", timeout=15_000)
    page.context.set_offline(True)
    try:
        page.goto(base + "/")
        assert booking.code[:4] in page.content()
        screenshot(page, f"new-user-{language}-offline-start")
        page.locator(f'a[href="/pemesanan/{booking.code}/"]').click()
        page.wait_for_load_state("load")
        assert page.locator("#saved-copy").is_visible()
        screenshot(page, f"new-user-{language}-offline-proof")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_new_person_registers_books_pays_uploads_cancels_with_a_credit_and_books_again(
    live_server: Any, phone: Any, settings: Any, tmp_path: Path, language: str
) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = "http://127.0.0.1:9"  # the simulator page finds the server by itself
    settings.MEDIA_ROOT = tmp_path / "media"
    make_office("PLB", city="Palembang", province="Sumatera Selatan")
    day = open_day_ahead()
    urllib.request.urlopen(live_server.url + "/").read()  # a warm server, as in production  # noqa: S310
    journey = Journey(phone, live_server.url, language)
    page = phone

    register_and_verify(journey, language)
    journey.go("offices", "/pesan/?q=Palembang")
    journey.click("calendar", 'main a[href="/pesan/PLB/"]')
    journey.click("windows", f'a[href="/pesan/PLB/{day.isoformat()}/"]')
    book(journey, "09:00", "book")
    first = Booking.objects.get()
    assert page.url.endswith(f"/pemesanan/{first.code}/")
    pay_in_the_simulator(journey, first)
    upload_a_document(journey, first, tmp_path)
    cancel_with_a_credit(journey, first)

    journey.go("again-windows", f"/pesan/PLB/{day.isoformat()}/")
    book(journey, "08:00", "again")  # the cancelled 09:00 place is not back in the quota at once
    second = Booking.objects.exclude(pk=first.pk).get()
    assert second.status == BookingStatus.CONFIRMED  # confirmed without a new bill
    assert FeeCredit.objects.get(source=first).used_by == second
    assert page.locator(".billcode").count() == 0

    offline_start_page(phone.context.browser, live_server.url, second, language)
    print(language, {name: round(seconds, 2) for name, seconds in journey.times.items()})
