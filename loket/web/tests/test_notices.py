"""Service notices: at the top of every page while in force, beside their office in the finder."""

import datetime as dt

import time_machine
from django.test import Client

from loket.offices.models import Office, ServiceNotice
from loket.web.tests.conftest import in_language

NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def test_a_nationwide_notice_shows_until_it_ends(browser: Client, db: None) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        ServiceNotice.objects.create(
            text_id="Layanan ditutup 25 Desember.",
            text_en="Closed on 25 December.",
            starts_at=NOW,
            ends_at=NOW + dt.timedelta(hours=1),
        )
        assert "Layanan ditutup 25 Desember." in browser.get("/daftar/").content.decode()
        assert "Closed on 25 December." in in_language(Client(), "en").get("/masuk/").content.decode()
        traveller.shift(dt.timedelta(hours=1))
        assert "Layanan ditutup" not in browser.get("/daftar/").content.decode()


def test_a_notice_waits_for_its_start(browser: Client, db: None) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        ServiceNotice.objects.create(
            text_id="Pemeliharaan sistem malam ini.",
            starts_at=NOW + dt.timedelta(minutes=5),
            ends_at=NOW + dt.timedelta(hours=2),
        )
        assert "Pemeliharaan" not in browser.get("/").content.decode()
        traveller.shift(dt.timedelta(minutes=5))
        assert "Pemeliharaan" in browser.get("/").content.decode()
        # Without an English text the Indonesian one is shown.
        assert "Pemeliharaan" in in_language(Client(), "en").get("/").content.decode()


def test_an_office_notice_shows_beside_its_office(browser: Client, office: Office) -> None:
    ServiceNotice.objects.create(
        office=office, text_id="Loket PLB buka pukul 09.00.", ends_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    )
    assert "Loket PLB buka" not in browser.get("/daftar/").content.decode()
    assert "Loket PLB buka" in browser.get("/", {"q": "PLB"}).content.decode()


def test_staff_write_notices_in_the_admin(admin_client: Client, office: Office) -> None:
    assert admin_client.get("/admin/offices/servicenotice/").status_code == 200
    answer = admin_client.post(
        "/admin/offices/servicenotice/add/",
        {
            "office": office.pk,
            "text_id": "Antrean dibuka pukul 07.30.",
            "text_en": "",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "07:00:00",
            "ends_at_0": "2026-12-02",
            "ends_at_1": "07:00:00",
        },
    )
    assert answer.status_code == 302
    assert ServiceNotice.objects.get().office == office
