"""Whole conversations through the real inbound endpoint: register, book, check, pay, reschedule, cancel."""

import datetime as dt
import re
from typing import Any

import pytest

from conftest import make_applicant
from loket.accounts.models import Person, Relation, User
from loket.accounts.services import unverified_accounts_purge
from loket.booking.models import Booking, BookingStatus
from loket.core.datefmt import grouped
from loket.notify.models import Message
from loket.payments.models import Payment
from loket.textchannel.format import segments
from loket.textchannel.models import Conversation
from loket.textchannel.tests.conftest import Phone

pytestmark = pytest.mark.django_db

ANI = "DAFTAR 1671014508900002 05-08-1990 Ani Lestari"


def registered(number: str = "+6281299990001", channel: str = "sms", register: str = ANI) -> Phone:
    phone = Phone(number, channel)
    answer = phone.send(register)
    code = re.search(r"(?:KODE|CODE) (\d{6})", answer)
    assert code, answer
    assert re.match(
        r"(Nomor terverifikasi|Number verified)",
        phone.send(f"{'CODE' if register.startswith('REGISTER') else 'KODE'} {code[1]}"),
    ), phone.replies[-1]
    return phone


def booking_code(text: str) -> str:
    found = re.search(r"\b([2-9A-HJ-NP-Z]{8})\b", text)
    assert found, text
    return found[1]


def test_register_book_check_pay_code_reschedule_cancel_by_sms(plb: Any, clock: Any) -> None:
    phone = registered()
    user = User.objects.get(phone="+6281299990001")
    assert user.has_verified_phone and not user.has_usable_password()
    assert user.people.get(relation=Relation.SELF).nik == "1671014508900002"

    ask = phone.send("PESAN PLB besok 8")
    assert "Rab 2 Des 08.00 WIB" in ask and "Rp350.000" in ask and "YA" in ask
    assert not Booking.objects.exists()  # nothing booked before "YA"
    done = phone.send("ya")
    booking = Booking.objects.get()
    payment = Payment.objects.get(booking=booking)
    assert booking.status == BookingStatus.AWAITING_PAYMENT and booking.person.account == user
    assert booking.code in done and grouped(payment.billing_code) in done and "Rp350.000" in done
    assert "Sel 1 Des 09.30 WIB" in done  # the deadline: two hours from now, office time

    assert booking.code in phone.send("CEK")
    assert grouped(payment.billing_code) in phone.send(f"BAYAR {booking.code.lower()}")

    assert "Kam 3 Des 09.00" in phone.send(f"UBAH {booking.code} 3/12 9")
    assert "Kam 3 Des 09.00" in phone.send("YA")
    booking.refresh_from_db()
    assert (booking.slot.date, booking.slot.start, booking.reschedule_count) == (dt.date(2026, 12, 3), dt.time(9), 1)

    assert booking.code in phone.send(f"BATAL {booking.code}")
    assert "dibatalkan" in phone.send("YA")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "Tidak ada pemesanan aktif" in phone.send("CEK")
    for reply in phone.replies:
        assert segments(reply) <= 2, reply


def test_english_keywords_get_english_answers(plb: Any, clock: Any) -> None:
    phone = registered(register="REGISTER 1671014508900002 05-08-1990 Ani Lestari")
    assert phone.replies[0].startswith("Your Loket code")
    assert "Number verified" in phone.replies[1]
    ask = phone.send("BOOK plb tomorrow 08:00")
    assert "Wed 2 Dec 08:00 WIB" in ask and "Rp350,000" in ask and "Reply YES" in ask
    done = phone.send("YES")
    code = Booking.objects.get().code
    assert code in done and "billing code" in done
    assert code in phone.send("CHECK")
    assert "cancelled" in (phone.send(f"CANCEL {code}"), phone.send("yes"))[1]
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert "Commands:" in phone.send("HELP")
    for reply in phone.replies:
        assert segments(reply) <= 2, reply


def test_a_household_member_is_booked_by_number_or_name(plb: Any, clock: Any) -> None:
    ani = make_applicant()  # a web account, phone +6281234567801 not yet verified
    child = Person.objects.create(
        account=ani, relation=Relation.CHILD, full_name="Budi Lestari", nik="1671011503150003",
        birth_date=dt.date(2015, 3, 15), sex="M",
    )  # fmt: skip
    phone = registered("+6281234567801")  # the web account's number answers the code: linked
    ani.refresh_from_db()
    assert ani.has_verified_phone and User.objects.count() == 1
    assert "1 Budi Lestari" in phone.send("KELUARGA")
    assert "Budi Lestari" in phone.send("PESAN PLB besok 8 1")
    phone.send("YA")
    assert Booking.objects.get().person == child
    # The holder books too (one active booking per person, not per account), by name "saya".
    assert "Ani Lestari" in phone.send("PESAN PLB 3/12 8 saya")
    phone.send("YA")
    assert Booking.objects.filter(person__account=ani).count() == 2
    assert "Budi" in phone.send("CEK") and "Ani" in phone.replies[-1]


def test_whatsapp_replies_go_out_on_whatsapp_to_the_bare_number(plb: Any, clock: Any) -> None:
    phone = registered("+6281299990002", channel="whatsapp")
    phone.send("PESAN PLB besok 8")
    phone.send("YA")
    replies = Message.objects.filter(event_key__startswith="text:whatsapp:")
    assert replies.count() == 4 and {m.recipient for m in replies} == {"6281299990002"}
    assert not Message.objects.filter(event_key__startswith="text:sms:").exists()


def test_a_number_acts_for_one_account_only(plb: Any, clock: Any) -> None:
    phone = registered()
    again = phone.send("DAFTAR 3174011203850003 12-03-1985 Dedi Kurniawan")
    assert "sudah terdaftar" in again
    assert User.objects.count() == 1


def test_nik_of_an_account_with_another_number_is_refused(plb: Any, clock: Any) -> None:
    make_applicant()  # Ani, phone +6281234567801
    stranger = Phone("+6281299990003")
    assert "NIK ini tidak dapat dipakai di sini" in stranger.send(ANI)
    assert "belum terdaftar" in stranger.send("PESAN PLB besok 8")
    assert not Booking.objects.exists()


def test_an_unverified_registration_books_nothing_and_is_purged(plb: Any, clock: Any) -> None:
    phone = Phone("+6281299990004")
    phone.send(ANI)  # the code is never answered
    assert "belum terdaftar" in phone.send("PESAN PLB besok 8")
    assert "belum terdaftar" in phone.send("YA")
    assert not Booking.objects.exists()
    clock.shift(dt.timedelta(hours=49))
    assert unverified_accounts_purge() == 1
    assert not Person.objects.filter(nik="1671014508900002").exists()


def test_a_verified_text_account_survives_the_purge(plb: Any, clock: Any) -> None:
    registered()
    clock.shift(dt.timedelta(hours=49))
    assert unverified_accounts_purge() == 0
    assert User.objects.filter(phone="+6281299990001").exists()


def test_a_mistyped_registration_can_start_again_at_once(plb: Any, clock: Any) -> None:
    phone = Phone("+6281299990005")
    phone.send("DAFTAR 1671014508900002 05-08-1990 Ani Lestri")
    phone.send("DAFTAR 1671014508900002 05-08-1990 Ani Lestari")  # the same number replaces its own
    assert User.objects.get().full_name == "Ani Lestari"
    clock.shift(dt.timedelta(minutes=2))
    assert "KODE" in phone.send("DAFTAR 1671014508900002 05-08-1990 Ani Lestari")


def test_wrong_codes_run_out(plb: Any, clock: Any, settings: Any) -> None:
    settings.LOKET_VERIFY_MAX_ATTEMPTS = 3
    phone = Phone("+6281299990006")
    real = re.search(r"\d{6}", phone.send(ANI))[0]  # type: ignore[index]
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(3):
        assert "Kode salah" in phone.send(f"KODE {wrong}")
    assert "Terlalu banyak" in phone.send(f"KODE {real}")
    assert not User.objects.get().has_verified_phone


def test_the_code_alone_is_enough_and_expires(plb: Any, clock: Any) -> None:
    phone = Phone("+6281299990007")
    real = re.search(r"\d{6}", phone.send(ANI))[0]  # type: ignore[index]
    clock.shift(dt.timedelta(minutes=16))
    assert "Tidak ada kode yang ditunggu" in phone.send(real)
    clock.shift(dt.timedelta(minutes=1))
    real = re.search(r"\d{6}", phone.send(ANI))[0]  # type: ignore[index]
    assert "Nomor terverifikasi" in phone.send(real)


def test_a_question_waits_ten_minutes_for_yes(plb: Any, clock: Any) -> None:
    phone = registered()
    phone.send("PESAN PLB besok 8")
    clock.shift(dt.timedelta(minutes=11))
    assert "Tidak ada yang menunggu jawaban YA" in phone.send("YA")
    assert not Booking.objects.exists()
    phone.send("PESAN PLB besok 8")
    assert "tidak ada yang diubah" in phone.send("TIDAK")
    assert "Tidak ada yang menunggu" in phone.send("YA")
    assert Conversation.objects.get().pending == ""
    assert not Booking.objects.exists()


def test_the_secret_code_reply_is_blanked_after_a_day(plb: Any, clock: Any) -> None:
    phone = Phone("+6281299990008")
    phone.send(ANI)
    message = Message.objects.get(event_key__startswith="text:sms:")
    assert message.redact_after is not None
    assert "NIK" not in str(Conversation.objects.get().data)
    assert "1671014508900002" not in str(Conversation.objects.get().data)


def test_answers_about_the_fifteen_demo_offices_fit_two_segments(db: None, clock: Any) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from loket.offices.models import Office

    call_command("import_offices", str(settings.BASE_DIR / "loket/offices/demo/offices.json"), stdout=None)
    phone = Phone("+6281299990011")
    for query in ("KANTOR kantor", "KANTOR jakarta", "KANTOR Papua"):
        assert segments(phone.send(query)) <= 2, phone.replies[-1]
    for office in Office.objects.all():
        reply = phone.send(f"JADWAL {office.code.lower()}")
        assert reply.startswith(office.code) and segments(reply) <= 2, reply
    assert "BTM" in phone.send("KANTOR batam")


def test_two_accounts_can_never_share_a_verified_number(plb: Any, clock: Any) -> None:
    from loket.accounts.services import phone_verified_set
    from loket.core.errors import Conflict

    ani = make_applicant()  # phone +6281234567801
    dedi = make_applicant(
        email="dedi@example.id", nik="3174011203850003", full_name="Dedi", birth_date=dt.date(1985, 3, 12), sex="M"
    )
    User.objects.filter(pk=dedi.pk).update(phone=ani.phone)  # typed the same number on the web
    phone = registered(ani.phone)
    assert "atas nama Ani Lestari" in phone.send("DAFTAR 3174011203850003 12-03-1985 Dedi")
    with pytest.raises(Conflict):
        phone_verified_set(user=dedi, phone=ani.phone)
    assert User.objects.filter(phone=ani.phone, phone_verified_at__isnull=False).count() == 1


def test_a_text_only_account_adds_a_child_and_books_for_him(plb: Any, clock: Any) -> None:
    phone = registered()
    assert "KELUARGA TAMBAH" in phone.send("KELUARGA")
    added = phone.send("KELUARGA TAMBAH 1671011503150003 15-03-2015 anak Budi Lestari")
    assert "Budi Lestari ditambahkan sebagai anggota 1" in added
    budi = Person.objects.get(nik="1671011503150003")
    assert (budi.relation, budi.sex, budi.account.phone) == (Relation.CHILD, "M", "+6281299990001")
    phone.send("PESAN PLB besok 8 budi")
    phone.send("YA")
    assert Booking.objects.get().person == budi
    assert "added as member 2" in phone.send("FAMILY ADD 3174011203850003 12-03-1985 brother Dedi K")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("KELUARGA TAMBAH", "Tulis: KELUARGA TAMBAH <NIK>"),
        ("KELUARGA TAMBAH 1671011503150003 15-03-2015", "Tulis hubungannya"),
        ("KELUARGA TAMBAH 1671011503150003 15-03-2015 tetangga Budi", "Tulis hubungannya"),
        ("KELUARGA TAMBAH 1671011503150003 15-03-2015 anak", "nama lengkap anggota"),
        ("KELUARGA TAMBAH 16710115031500 15-03-2015 anak Budi", "NIK harus 16 digit"),
        ("KELUARGA TAMBAH 1671014508900002 05-08-1990 saudara Ani", "NIK ini tidak dapat dipakai di sini"),
        ("KELUARGA TAMBAH 1671011503150003 15-03-2015 ortu Budi", "Tanggal lahir orang tua tidak cocok"),
    ],
)
def test_bad_household_additions_are_explained(plb: Any, clock: Any, text: str, answer: str) -> None:
    phone = registered()
    assert answer in phone.send(text)
    assert Person.objects.count() == 1


def test_a_full_household_takes_nobody_more(plb: Any, clock: Any, settings: Any) -> None:
    settings.LOKET_HOUSEHOLD_MAX = 0
    phone = registered()
    assert "paling banyak 0 anggota" in phone.send("KELUARGA TAMBAH 1671011503150003 15-03-2015 anak Budi")


def test_a_replacement_passport_is_booked_with_its_reason_and_old_number(plb: Any, clock: Any) -> None:
    phone = registered()
    ask = phone.send("PESAN PLB besok 8 elektronik GANTI habis b1234567")
    assert "paspor elektronik, penggantian (masa berlaku habis)" in ask and "Rp650.000" in ask
    phone.send("YA")
    booking = Booking.objects.get()
    assert (booking.service, booking.passport_type) == ("replacement", "electronic")
    assert booking.application.replacement_reason == "expired"
    assert booking.application.old_passport_number == "B1234567"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("PESAN PLB besok 8 GANTI", "Tulis alasan penggantian"),
        ("PESAN PLB besok 8 GANTI bosan", "Tulis alasan penggantian"),
        ("PESAN PLB besok 8 GANTI habis", "Isi nomor paspor lama"),
        ("PESAN PLB besok 8 GANTI rusak 12", "Nomor paspor lama tidak valid"),
    ],
)
def test_bad_replacements_are_explained(plb: Any, clock: Any, text: str, answer: str) -> None:
    phone = registered()
    assert answer in phone.send(text)
    assert "Tidak ada yang menunggu" in phone.send("YA")


def test_a_lost_passport_needs_no_number(plb: Any, clock: Any) -> None:
    phone = registered()
    assert "penggantian (hilang)" in phone.send("PESAN PLB besok 8 GANTI hilang")
    phone.send("YA")
    assert Booking.objects.get().application.replacement_reason == "lost"


def test_an_email_given_by_text_opens_the_web_later(plb: Any, clock: Any) -> None:
    from loket.accounts.services import (
        email_verify,
        password_reset_confirm,
        password_reset_request,
        token_issue,
        verification_resend,
    )

    registered(register=ANI + " ani@example.id")
    user = User.objects.get()
    assert user.email == "ani@example.id" and not user.has_verified_email
    verification_resend(email="ani@example.id")
    mailed = Message.objects.filter(channel="email", recipient="ani@example.id").latest("pk").body
    email_verify(email="ani@example.id", code=re.search(r"\d{6}", mailed)[0])  # type: ignore[index]
    password_reset_request(email="ani@example.id")
    reset = Message.objects.filter(channel="email", recipient="ani@example.id").latest("pk").body
    password_reset_confirm(reset_code=re.search(r"(\S+\.\S+-\S+)\n", reset)[1], password="Kuat-Sekali-2026")  # type: ignore[index]
    assert token_issue(login="ani@example.id", password="Kuat-Sekali-2026", ip="10.0.0.1")


def test_without_an_email_the_account_gets_a_reserved_address(plb: Any, clock: Any) -> None:
    registered()
    assert User.objects.get().email == "6281299990001@sms.loket.invalid"
    assert not Message.objects.filter(channel="email").exists()


def test_without_a_fee_due_up_front_the_booking_is_confirmed_at_once(plb: Any, clock: Any, settings: Any) -> None:
    settings.LOKET_PAYMENT_REQUIRED = False
    phone = registered()
    phone.send("PESAN PLB besok 8")
    assert "Bawa KTP-el asli" in phone.send("YA")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert "terkonfirmasi" in phone.send("CEK")
    assert "tidak ada tagihan" in phone.send(f"BAYAR {booking.code}")


def test_the_reply_carries_the_bill_when_the_events_worker_has_not_run_yet(plb: Any, clock: Any, settings: Any) -> None:
    """In production the bill is opened by the booking events worker; the text reply opens it at once."""
    settings.LOKET_BOOKING_EVENTS_INLINE = False
    phone = registered()
    phone.send("PESAN PLB besok 8")
    done = phone.send("YA")
    payment = Payment.objects.get(booking=Booking.objects.get())
    assert grouped(payment.billing_code) in done and "Rp350.000" in done
