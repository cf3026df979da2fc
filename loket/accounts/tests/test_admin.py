from loket.accounts.models import User
from loket.accounts.testing import second_factor_client
from loket.audit.models import AuditEntry
from loket.booking.tests.conftest import make_office
from loket.onsite.tests.queue_helpers import booked


def test_staff_see_an_applicant_with_the_full_nik(applicant: User, db: None) -> None:
    admin = User.objects.create_superuser("admin@example.id", "Admin-Kuat-2026", full_name="Admin")
    client = second_factor_client(admin)
    page = client.get(f"/admin/accounts/user/{applicant.pk}/change/")
    assert page.status_code == 200
    assert "1671014508900002" in page.content.decode()


def test_admin_search_does_not_match_a_nik(applicant: User, db: None) -> None:
    admin = User.objects.create_superuser("admin@example.id", "Admin-Kuat-2026", full_name="Admin")
    client = second_factor_client(admin)
    by_name = client.get("/admin/accounts/user/", {"q": "Ani"})
    assert "ani@example.id" in by_name.content.decode()
    by_nik = client.get("/admin/accounts/user/", {"q": "1671014508900002"})
    assert "ani@example.id" not in by_nik.content.decode()


def test_every_look_at_a_record_in_the_admin_is_audited(applicant: User, db: None) -> None:
    """The admin shows the full NIK: who opened whose record, and from where, is kept."""
    admin = User.objects.create_superuser("admin@example.id", "Admin-Kuat-2026", full_name="Admin")
    client = second_factor_client(admin)
    assert client.get("/admin/").status_code == 200  # the index shows no one's record: not logged
    assert not AuditEntry.objects.exists()
    assert client.get("/admin/accounts/user/", {"q": "Ani"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(f"/admin/accounts/user/{applicant.pk}/change/", REMOTE_ADDR="10.1.2.3").status_code == 200
    entries = list(AuditEntry.objects.order_by("pk").values_list("actor", "action", "target_type", "target_id", "ip"))
    assert entries == [
        (admin.pk, "admin.view", "accounts.user", "*", "10.1.2.3"),
        (admin.pk, "admin.view", "accounts.user", str(applicant.pk), "10.1.2.3"),
    ]


def test_an_admin_record_with_an_office_is_logged_at_that_office(db: None) -> None:
    office = make_office("ADM")
    booking = booked(office)
    admin = User.objects.create_superuser("admin@example.id", "Admin-Kuat-2026", full_name="Admin")
    client = second_factor_client(admin)
    assert client.get(f"/admin/booking/booking/{booking.pk}/change/").status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_type, entry.target_id, entry.office) == (
        "admin.view",
        "booking.booking",
        str(booking.pk),
        office,
    )
    # A record that does not exist (or a malformed id) is answered by the admin, and logged without an office.
    assert client.get("/admin/booking/booking/abc/change/").status_code == 302
    assert AuditEntry.objects.filter(target_id="abc", office=None).exists()


def test_refused_and_anonymous_admin_requests_are_not_logged_as_views(applicant: User, db: None) -> None:
    from django.test import Client

    assert Client().get(f"/admin/accounts/user/{applicant.pk}/change/").status_code == 302  # to the staff login
    assert not AuditEntry.objects.exists()
