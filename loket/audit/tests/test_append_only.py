"""The audit log is append-only: the model refuses edits and deletes, and on PostgreSQL the database too."""

import pytest
from django.db import DatabaseError, transaction

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.audit.services import audit_record


@pytest.fixture
def entry(db: None) -> AuditEntry:
    officer = User.objects.create_user("petugas@imigrasi.go.id", "x", full_name="Petugas", is_staff=True)
    return audit_record(actor=officer, action="checkin", target_type="booking", target_id="K7H3QX", after={"a": 1})


def test_entry_keeps_who_what_and_when(entry: AuditEntry) -> None:
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.target_type, stored.target_id, stored.after) == (
        "checkin",
        "booking",
        "K7H3QX",
        {"a": 1},
    )
    assert stored.at is not None


def test_model_refuses_edit_and_delete(entry: AuditEntry) -> None:
    entry.action = "something_else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "checkin"


@pytest.mark.postgres_only  # the trigger lives in PostgreSQL
def test_database_refuses_update_and_delete_even_from_a_queryset(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "checkin"
