"""Staff move applications forward through the allowed stages; the applicant is told once per step."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.accounts.testing import second_factor_client
from loket.booking.models import Booking
from loket.core.datefmt import grouped
from loket.core.errors import DomainError
from loket.dossier.models import Application, Stage
from loket.dossier.timeline import application_advance
from loket.notify.models import Message

HAPPY_PATH = [
    Stage.DOCUMENTS_VERIFIED,
    Stage.PHOTO_INTERVIEW_DONE,
    Stage.APPROVED,
    Stage.PRINTED,
    Stage.READY_FOR_PICKUP,
    Stage.COLLECTED,
]


@pytest.fixture
def officer(db: None) -> User:
    """An officer allowed to move applications forward."""
    user = User.objects.create_user("petugas@imigrasi.go.id", "x", full_name="Petugas A", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="advance_application"))
    return User.objects.get(pk=user.pk)  # fresh: permissions are cached per instance


@pytest.fixture
def application(booking: Booking) -> Application:
    return booking.application


def messages_for(application: Application, key: str) -> list[Message]:
    return list(Message.objects.filter(event_key__startswith=f"application:{application.pk}:{key}:", channel="email"))


def test_happy_path_to_collected_with_one_message_per_step(application: Application, officer: User) -> None:
    for stage in HAPPY_PATH:
        application = application_advance(application=application, stage=stage, by=officer)
        assert application.stage == stage
        assert len(messages_for(application, stage)) == 1, stage
    assert [e.stage for e in application.timeline.all()] == [Stage.SUBMITTED, *HAPPY_PATH]
    assert all(e.by == officer for e in application.timeline.exclude(stage=Stage.SUBMITTED))
    ready = messages_for(application, "ready")
    assert len(ready) == 1 and "siap diambil" in ready[0].subject
    status = messages_for(application, Stage.APPROVED)[0]
    assert status.recipient == "ani@example.id"
    assert application.applicant_name in status.subject and "Disetujui" in status.subject
    assert grouped(application.booking.code) in status.body
    assert "tidak perlu melakukan apa pun sekarang" in status.body  # the next step


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Stage.APPROVED),  # skipping steps
        ([], Stage.COLLECTED),
        ([Stage.DOCUMENTS_VERIFIED], Stage.SUBMITTED),  # backwards
        ([Stage.DOCUMENTS_VERIFIED], Stage.DOCUMENTS_VERIFIED),  # again
        ([Stage.DOCUMENTS_VERIFIED, Stage.PHOTO_INTERVIEW_DONE, Stage.APPROVED], Stage.REJECTED),  # too late
    ],
)
def test_only_allowed_transitions(application: Application, officer: User, path: list[Stage], refused: Stage) -> None:
    for stage in path:
        application = application_advance(application=application, stage=stage, by=officer)
    sent = Message.objects.count()
    with pytest.raises(DomainError) as error:
        application_advance(application=application, stage=refused, by=officer, note="x")
    assert (error.value.code, error.value.status) == ("transition_not_allowed", 409)
    application.refresh_from_db()
    assert application.stage == (path[-1] if path else Stage.SUBMITTED)
    assert Message.objects.count() == sent  # a refused step tells nobody anything


def test_rejection_needs_a_reason_and_ends_the_road(application: Application, officer: User) -> None:
    with pytest.raises(DomainError) as error:
        application_advance(application=application, stage=Stage.REJECTED, by=officer, note="  ")
    assert (error.value.code, error.value.field) == ("reason_required", "note")
    application = application_advance(
        application=application, stage=Stage.REJECTED, by=officer, note="Data KK tidak sesuai"
    )
    assert (application.stage, application.rejection_reason) == (Stage.REJECTED, "Data KK tidak sesuai")
    assert len(messages_for(application, Stage.REJECTED)) == 1
    for stage in Stage:
        with pytest.raises(DomainError):
            application_advance(application=application, stage=stage, by=officer, note="x")


def test_a_stale_copy_cannot_move_it_twice(application: Application, officer: User) -> None:
    stale = Application.objects.get(pk=application.pk)
    application_advance(application=application, stage=Stage.DOCUMENTS_VERIFIED, by=officer)
    with pytest.raises(DomainError) as error:
        application_advance(application=stale, stage=Stage.DOCUMENTS_VERIFIED, by=officer)
    assert error.value.code == "changed"
    assert len(messages_for(application, Stage.DOCUMENTS_VERIFIED)) == 1
    assert application.timeline.filter(stage=Stage.DOCUMENTS_VERIFIED).count() == 1


def test_only_staff_with_the_permission_move_applications(application: Application, applicant: User, db: None) -> None:
    plain_staff = User.objects.create_user("staf@imigrasi.go.id", "x", full_name="Staf", is_staff=True)
    for user in (applicant, plain_staff):
        with pytest.raises(DomainError) as error:
            application_advance(application=application, stage=Stage.DOCUMENTS_VERIFIED, by=user)
        assert error.value.status == 403
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", "x", full_name="Kepala")
    assert application_advance(application=application, stage=Stage.DOCUMENTS_VERIFIED, by=boss).stage == (
        Stage.DOCUMENTS_VERIFIED
    )


def test_applicant_reads_the_timeline_with_dates(
    api: Client, application: Application, applicant: User, officer: User
) -> None:
    application_advance(application=application, stage=Stage.DOCUMENTS_VERIFIED, by=officer, note="Lengkap")
    response = api.get(f"/api/v1/bookings/{application.booking.code}/application", headers=bearer(applicant))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["service"], body["replacement_reason"], body["passport_type"]) == ("new", None, "regular")
    assert (body["stage"], body["stage_label"]) == ("documents_verified", "Dokumen terverifikasi")
    assert body["identity_check"] == "pending"
    assert body["passport_check"] == "not_required"
    timeline = body["timeline"]
    assert [(t["stage"], t["note"]) for t in timeline] == [("submitted", ""), ("documents_verified", "Lengkap")]
    assert timeline[0]["at"].startswith("2026-12-01T00:30")
    assert [m["kinds"] for m in body["documents_missing"]][:2] == [["ktp"], ["kk"]]
    assert body["documents_missing"][2]["one_of"] is True


def test_admin_actions_move_the_stage_and_need_a_reason_to_reject(
    application: Application, db: None, client: Any
) -> None:
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", "x", full_name="Kepala")
    second_factor_client(boss, client)
    url = "/admin/dossier/application/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "move_to_documents_verified", "_selected_action": [application.pk], "note": ""})
    application.refresh_from_db()
    assert application.stage == Stage.DOCUMENTS_VERIFIED
    client.post(url, {"action": "move_to_rejected", "_selected_action": [application.pk], "note": ""})
    application.refresh_from_db()
    assert application.stage == Stage.DOCUMENTS_VERIFIED  # refused: no reason given
    client.post(url, {"action": "move_to_rejected", "_selected_action": [application.pk], "note": "Foto buram"})
    application.refresh_from_db()
    assert (application.stage, application.rejection_reason) == (Stage.REJECTED, "Foto buram")
    assert client.get(f"{url}{application.pk}/change/").status_code == 200
