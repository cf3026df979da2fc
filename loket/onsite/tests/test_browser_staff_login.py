"""An officer in a real browser: password, authenticator set-up, log out, password + code, the audit log."""

from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import totp

from loket.accounts.models import User
from loket.accounts.staff_auth import staff_enrolment_open
from loket.audit.services import audit_record
from loket.core.testing.browser import screenshot
from loket.offices.models import Office
from loket.onsite.tests.conftest import STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def code_from(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show for the secret on the page (a later step when asked)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_officer_enrols_totp_then_logs_in_with_a_code(
    live_server: Any,
    chromium: Any,
    supervisor_a: User,
    counter_officer_a: User,
    national_admin: User,
    office_a: Office,
    settings: Any,
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below must not delay the right one
    staff_enrolment_open(user=supervisor_a, by=national_admin)  # the administrator lets him set one up
    audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_type="ticket",
                 target_id=12, before={"status": "waiting"}, after={"status": "called", "counter": 3},
                 ip="10.20.30.40")  # fmt: skip
    audit_record(actor=counter_officer_a, action="checkin.lookup", office=office_a, target_type="booking",
                 target_id="K7H3QXPA", ip="10.20.30.40", allowed=False)  # fmt: skip
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()

    page.goto(live_server.url + "/petugas/")
    assert page.url.endswith("/petugas/masuk/")
    page.get_by_label("Email dinas").fill(supervisor_a.email)
    page.get_by_label("Kata sandi").fill(STAFF_PASSWORD)
    screenshot(page, "staff-login")
    page.get_by_role("button", name="Lanjut").click()

    page.wait_for_url("**/petugas/masuk/pasang-autentikator/")
    assert page.locator("figure.qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "staff-enrol")
    page.get_by_label("Kode 6 angka").fill(code_from(secret))
    page.get_by_role("button", name="Pastikan dan masuk").click()
    page.wait_for_url("**/petugas/")
    assert page.get_by_role("heading", name="Kantor saya").is_visible()

    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/petugas/masuk/")
    page.get_by_label("Email dinas").fill(supervisor_a.email)
    page.get_by_label("Kata sandi").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url("**/petugas/masuk/kode/")

    page.get_by_label("Kode 6 angka").fill("000000")
    page.get_by_role("button", name="Masuk").click()
    error = page.locator("#id_code-error")
    assert "Kode salah" in error.inner_text()
    assert page.get_by_label("Kode 6 angka").get_attribute("aria-invalid") == "true"
    screenshot(page, "staff-code-wrong")
    # django-otp refuses any code for a second after a wrong one (OTP_TOTP_THROTTLE_FACTOR = 1 s,
    # doubling with each failure); a person takes longer than that to type the next code.
    page.wait_for_timeout(1200)
    # The enrolment used this time step's code; an app shows the next one a moment later.
    page.get_by_label("Kode 6 angka").fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/petugas/")
    assert "Kantor Imigrasi" in page.content() or office_a.name in page.content()

    page.get_by_role("link", name="Jejak audit").first.click()
    page.wait_for_url("**/petugas/OFA/audit/")
    assert page.locator("table.audit tbody tr").count() >= 2
    assert page.get_by_text("10.20.30.40").first.is_visible()
    screenshot(page, "staff-audit")
    context.close()
