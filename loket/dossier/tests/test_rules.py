"""Which documents an application needs: the rules are data (seeded by a migration, edited by staff)."""

import datetime as dt
from typing import Any

from loket.accounts.models import User
from loket.accounts.testing import second_factor_client
from loket.dossier.models import Application, Document, DocumentRule
from loket.dossier.selectors import missing_documents, required_documents
from loket.dossier.tests.conftest import add_member, application_for
from loket.offices.models import Office

ID_PROOF = ("birth_certificate", "diploma", "marriage_certificate", "baptism_certificate")


def needs(application: Application) -> list[tuple[str, ...]]:
    return [req.kinds for req in missing_documents(application)]


def attach(application: Application, kind: str) -> None:
    Document.objects.create(
        application=application,
        kind=kind,
        file="documents/x",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
        uploaded_by=application.booking.booked_by,
    )


def test_new_passport_for_an_adult_needs_ktp_kk_and_one_proof_of_identity(applicant: User, office: Office) -> None:
    application = application_for(applicant)
    assert needs(application) == [("ktp",), ("kk",), ID_PROOF]
    group = required_documents(application)[2]
    assert group.one_of and "Ijazah" in group.label


def test_any_member_of_a_one_of_group_satisfies_it(applicant: User, office: Office) -> None:
    application = application_for(applicant)
    for kind in ID_PROOF:
        attach(application, kind)
        assert needs(application) == [("ktp",), ("kk",)], kind
        application.documents.all().delete()


def test_new_passport_for_a_minor_needs_parents_ktp_kk_and_birth_certificate(applicant: User, office: Office) -> None:
    child = add_member(applicant, birth_date=dt.date(2015, 3, 10))
    application = application_for(applicant, member=child)
    assert application.is_minor
    assert needs(application) == [("parents_ktp",), ("kk",), ("birth_certificate",)]


def test_seventeen_on_the_visit_date_is_an_adult(applicant: User, office: Office) -> None:
    turns_17_on_visit = add_member(applicant, birth_date=dt.date(2009, 12, 2), nik="1671014212090003")
    application = application_for(applicant, member=turns_17_on_visit)
    assert not application.is_minor
    assert ("ktp",) in needs(application)
    application.applicant_birth_date = dt.date(2009, 12, 3)  # one day short
    assert application.is_minor


def test_replacement_needs_ktp_and_the_old_passport(applicant: User, office: Office) -> None:
    application = application_for(
        applicant, service="replacement", replacement_reason="expired", old_passport_number="X2345678"
    )
    assert needs(application) == [("ktp",), ("old_passport",)]


def test_lost_passport_needs_a_police_report_instead(applicant: User, office: Office) -> None:
    application = application_for(applicant, service="replacement", replacement_reason="lost")
    assert needs(application) == [("ktp",), ("police_report",)]


def test_replacement_for_a_minor(applicant: User, office: Office) -> None:
    child = add_member(applicant, birth_date=dt.date(2015, 3, 10))
    application = application_for(
        applicant, member=child, service="replacement", replacement_reason="pages_full", old_passport_number="B7654321"
    )
    assert needs(application) == [("parents_ktp",), ("kk",), ("birth_certificate",), ("old_passport",)]


def test_uploaded_documents_are_no_longer_missing(applicant: User, office: Office) -> None:
    application = application_for(applicant)
    attach(application, "ktp")
    attach(application, "kk")
    attach(application, "marriage_certificate")
    assert needs(application) == []


def test_staff_edits_to_the_rules_apply_at_once(applicant: User, office: Office) -> None:
    application = application_for(applicant)
    DocumentRule.objects.filter(kind="kk", service="new").update(active=False)
    DocumentRule.objects.create(kind="police_report", service="new", position=1)
    assert needs(application) == [("police_report",), ("ktp",), ID_PROOF]


def test_staff_edit_rules_in_the_admin(db: None, client: Any) -> None:
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", "x", full_name="Kepala")
    second_factor_client(boss, client)
    response = client.post(
        "/admin/dossier/documentrule/add/",
        {
            "kind": "police_report",
            "service": "replacement",
            "reasons": ["lost", "damaged"],
            "age_group": "any",
            "one_of": "",
            "active": "on",
            "position": "5",
        },
    )
    assert response.status_code == 302, response.content
    rule = DocumentRule.objects.get(position=5)
    assert rule.reasons == ["lost", "damaged"]
    assert client.get(f"/admin/dossier/documentrule/{rule.pk}/change/").status_code == 200
