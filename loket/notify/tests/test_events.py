"""Every event renders in the person's language, on the channels they chose."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy

from loket.accounts.models import User
from loket.booking.selectors import what_to_bring
from loket.core import datefmt
from loket.notify.events import EMAIL_ONLY_EVENTS, EVENTS, notify, render
from loket.notify.models import Message
from loket.notify.services import preference_update
from loket.notify.tasks import messages_retry

# Every field any event uses, as the booking, payment and dossier services pass them.
CONTEXT: dict[str, Any] = {
    "name": "Ani Lestari",
    "code": "AB12 CD34",
    "code_sms": "AB12CD34",
    "person": "Sari Lestari",
    "office": "Kantor Imigrasi Palembang",
    "when": datefmt.deferred(datefmt.window, dt.date(2026, 12, 2), dt.time(8), dt.time(9), "WIB"),
    "bring": what_to_bring(minor=False),
    "date": datefmt.deferred(datefmt.long_date, dt.date(2026, 12, 2)),
    "zone": "WIB",
    "amount": "Rp350.000",
    "billing_code": "8202 6112 4000 001",
    "deadline": "Selasa, 24 November 2026, pukul 12.00 WIB",
    "status": "Disetujui",
    "next": "Anda tidak perlu melakukan apa pun sekarang.",
    "reason": "Foto pada KTP-el tidak sesuai dengan pemohon.",
    "minutes": 15,
    "uid": "MQ",
    "token": "cz7k2a-5f0e",
    "until": datefmt.deferred(datefmt.clock, dt.time(8, 10)),
    "link": "https://loket.example.id/ruang-tunggu/abc/",
    "credit_amount": "Rp350.000",
    "credit_until": "Kamis, 31 Desember 2026",
    "service": "Paspor baru",
    "passport_type": "Paspor biasa (polikarbonat)",
}
LIFE_EVENTS = sorted(set(EVENTS) - EMAIL_ONLY_EVENTS)


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_event_renders_with_its_context(event: str, language: str) -> None:
    subject, body = render(event=event, language=language, fields=CONTEXT)
    assert subject and "%(" not in subject and "\n" not in subject
    assert body.startswith(("Halo Ani Lestari,", "Hello Ani Lestari,")) and "%(" not in body
    assert body.endswith("\n\nLoket")


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_has_an_english_translation(event: str) -> None:
    indonesian = render(event=event, language="id", fields=CONTEXT)
    english = render(event=event, language="en", fields=CONTEXT)
    assert english[0] != indonesian[0]
    assert english[1] != indonesian[1]
    assert english[1].startswith("Hello Ani Lestari,")


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("id", "Rabu, 2 Desember 2026, pukul 08.00–09.00 WIB"),
        ("en", "Wednesday 2 December 2026, 08:00–09:00 WIB"),
    ],
)
def test_the_appointment_is_written_in_the_readers_style(language: str, when: str) -> None:
    _subject, body = render(event="visit_reminder", language=language, fields=CONTEXT)
    assert when in body
    assert "2026-12-02" not in body


def test_a_childs_booking_says_what_the_parent_brings() -> None:
    _subject, adult = render(event="booking_confirmed", language="id", fields=CONTEXT)
    child_context = {**CONTEXT, "bring": what_to_bring(minor=True)}
    _subject, child = render(event="booking_confirmed", language="id", fields=child_context)
    assert "Bawa KTP-el asli dan dokumen" in adult and "akta kelahiran" not in adult
    assert "KTP-el asli orang tua" in child and "akta kelahiran anak" in child and "Kartu Keluarga" in child
    _subject, english = render(event="booking_confirmed", language="en", fields=child_context)
    assert "parent's original KTP-el" in english and "birth certificate" in english


def test_a_rejection_carries_its_reason_and_where_to_go() -> None:
    subject, body = render(event="application_rejected", language="id", fields=CONTEXT)
    assert "ditolak" in subject
    assert "Alasan: Foto pada KTP-el tidak sesuai dengan pemohon." in body
    assert "meja petugas Kantor Imigrasi Palembang" in body


def test_an_english_speaker_gets_english(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    User.objects.filter(pk=applicant.pk).update(language="en")
    applicant.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="passport_ready", user=applicant, key="application:7:ready", context=CONTEXT)
    assert mail.outbox[0].subject == "Sari Lestari's passport is ready for pickup"
    assert mail.outbox[0].body.startswith("Hello Ani Lestari,")


def test_lazy_context_values_render_in_the_recipients_language(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    # The dossier passes the stage label lazily, so it follows the recipient's language too.
    User.objects.filter(pk=applicant.pk).update(language="en")
    applicant.refresh_from_db()
    context = {**CONTEXT, "status": gettext_lazy("Siap diambil")}
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="status_changed", user=applicant, key="application:7:ready_for_pickup", context=context)
    assert "Ready for pickup" in mail.outbox[0].body


@pytest.mark.parametrize("event", LIFE_EVENTS)
def test_each_event_goes_to_every_chosen_channel(
    applicant: User, django_capture_on_commit_callbacks: Any, event: str
) -> None:
    preference_update(user=applicant, email=True, sms=True, whatsapp=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=event, user=applicant, key=f"test:{event}", context=CONTEXT)
    assert sorted(Message.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("sms", "sent"),
        ("whatsapp", "sent"),
    ]


@pytest.mark.parametrize("event", sorted(EMAIL_ONLY_EVENTS))
def test_account_critical_messages_always_go_by_email(
    applicant: User, django_capture_on_commit_callbacks: Any, event: str
) -> None:
    preference_update(user=applicant, email=False, sms=True, whatsapp=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(event=event, user=applicant, key=f"test:{event}", context=CONTEXT)
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]


def test_without_a_phone_number_only_email_is_used(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    preference_update(user=applicant, email=True, sms=True, whatsapp=False)
    User.objects.filter(pk=applicant.pk).update(phone="")
    applicant.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(event="booking_expired", user=applicant, key="booking:1:expired", context=CONTEXT)
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


def test_secret_code_is_blanked_in_the_outbox_a_day_later_but_not_before(applicant: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        notify(event="account_verification", user=applicant, key="verify:1", context=CONTEXT)
        notify(event="booking_confirmed", user=applicant, key="booking:1", context=CONTEXT)
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        messages_retry()
    assert Message.objects.filter(body__contains="AB12 CD34").count() == 2

    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        messages_retry()

    secret = Message.objects.get(event_key__startswith="verify:1")
    kept = Message.objects.get(event_key__startswith="booking:1")
    assert "AB12 CD34" not in secret.body + secret.subject
    assert "AB12 CD34" in kept.body  # an ordinary message keeps its text
