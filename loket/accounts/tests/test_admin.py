from loket.accounts.models import User
from loket.accounts.testing import second_factor_client


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
