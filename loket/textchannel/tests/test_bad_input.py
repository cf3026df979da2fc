"""Every command with bad input gets an answer that says what to type: never a 500, nothing booked."""

import datetime as dt
from typing import Any

import pytest

from conftest import make_applicant
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_create
from loket.offices.models import Closure
from loket.textchannel.format import segments
from loket.textchannel.tests.conftest import Phone
from loket.textchannel.tests.test_conversation import ANI, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(plb: Any, clock: Any) -> Phone:
    """Ani's registered phone; PLB is closed on Fri 4 Dec (an announced closure)."""
    Closure.objects.create(office=plb, date=dt.date(2026, 12, 4), reason="Pemadaman listrik")
    return registered()


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("PESAN", "Tulis: PESAN <kantor> <tanggal> <jam>"),
        ("PESAN XYZ besok 8", "Kantor 'XYZ' tidak dikenal"),
        ("PESAN 😀 besok 8", "tidak dikenal"),
        ("PESAN PLB", "Tanggal belum ditulis"),
        ("PESAN PLB kemarin 8", "Tanggal 'kemarin' tidak terbaca"),
        ("PESAN PLB 31/2 8", "Tanggal 31/2 tidak ada"),
        ("PESAN PLB 30/11/2026 8", "tanggal sudah lewat"),
        ("PESAN PLB 4/12 8", "Pemadaman listrik"),
        ("PESAN PLB 25/12 8", "tidak bisa dipesan"),  # Christmas, a national holiday
        ("PESAN PLB 1/3/2027 8", "belum dapat dipesan: terlalu jauh ke depan"),
        ("PESAN PLB besok", "Jam kedatangan belum ditulis"),
        ("PESAN PLB besok pagi", "Jam 'pagi' tidak terbaca"),
        ("PESAN PLB besok 7", "Jam 07.00 tidak ada. Pilih: 08.00 09.00"),
        ("PESAN PLB besok 8 Siti", "'siti' tidak ada di keluarga"),
        ("PESAN PLB besok 8 3", "'3' tidak ada di keluarga"),
        ("UBAH", "Tulis: UBAH <kode> <tanggal> <jam>"),
        ("UBAH ZZZZZZZZ 3/12 9", "Pemesanan ZZZZZZZZ tidak ditemukan"),
        ("BATAL", "Tidak ada pemesanan aktif"),
        ("BATAL ZZZZZZZZ", "tidak ditemukan"),
        ("BAYAR", "Tidak ada pemesanan aktif"),
        ("BAYAR 😀", "tidak ditemukan"),
        ("CEK 123", "Tidak ada pemesanan aktif"),
        ("KANTOR", "Tulis nama kota"),
        ("KANTOR x", "Tulis nama kota"),
        ("KANTOR atlantis", "Tidak ada kantor untuk 'atlantis'"),
        ("JADWAL", "Tulis kode kantornya"),
        ("JADWAL XYZ", "Kantor 'XYZ' tidak dikenal"),
        ("YA", "Tidak ada yang menunggu jawaban YA"),
        ("TIDAK", "Tidak ada pertanyaan yang terbuka"),
        ("KODE 123456", "Tidak ada kode yang ditunggu"),
        ("DAFTAR 3174011203850003 12-03-1985 Dedi", "sudah terdaftar atas nama Ani Lestari"),
        ("asdf qwer", "Perintah tidak dikenal"),
        ("😀🙏🇮🇩", "Perintah tidak dikenal"),
        ("", "Perintah tidak dikenal"),
        ("PESAN PLB besok 8 " + "x" * 5000, "Pesan terlalu panjang"),
        ("BOOK XYZ tomorrow 8", "Unknown office 'XYZ'"),
        ("BOOK PLB tomorrow 7", "There is no 07:00 arrival time. Choose: 08:00 09:00"),
        ("CANCEL", "No active booking"),
    ],
)
def test_bad_input_is_answered_with_what_to_type(phone: Phone, text: str, answer: str) -> None:
    reply = phone.send(text)
    assert answer in reply
    assert segments(reply) <= 2, reply
    assert not Booking.objects.exists()


def test_a_full_window_offers_the_nearest_day_before_and_after_yes(phone: Phone, plb: Any) -> None:
    other = make_applicant(email="dedi@example.id", nik="3174011203850003", full_name="Dedi", sex="M")
    request = BookingRequest(
        office="PLB", date=dt.date(2026, 12, 2), start=dt.time(9), service="new", passport_type="regular"
    )
    booking_create(user=other, request=request)  # the only 09:00 seat of Wednesday
    assert "Jam itu sudah penuh. Hari terdekat yang masih ada: Sel 1 Des" in phone.send("PESAN PLB besok 9")

    third = make_applicant(email="rudi@example.id", nik="3174011203850004", full_name="Rudi", sex="M")
    assert "Kam 3 Des 09.00" in phone.send("PESAN PLB 3/12 9")
    booking_create(user=third, request=BookingRequest(**{**request.__dict__, "date": dt.date(2026, 12, 3)}))
    assert "sudah penuh" in phone.send("YA")  # taken between the question and the answer
    assert Booking.objects.filter(person__account__phone="+6281299990001").count() == 0


def test_someone_elses_booking_code_is_unknown(phone: Phone) -> None:
    other = make_applicant(email="dedi@example.id", nik="3174011203850003", full_name="Dedi", sex="M")
    request = BookingRequest(
        office="PLB", date=dt.date(2026, 12, 2), start=dt.time(8), service="new", passport_type="regular"
    )
    theirs, _created = booking_create(user=other, request=request)
    for text in (f"BATAL {theirs.code}", f"UBAH {theirs.code} 3/12 8", f"BAYAR {theirs.code}"):
        assert "tidak ditemukan" in phone.send(text)
    assert "Tidak ada yang menunggu" in phone.send("YA")
    assert Booking.objects.get().status == BookingStatus.AWAITING_PAYMENT


def test_reschedule_into_a_closed_day_or_a_bad_time_is_refused(phone: Phone) -> None:
    phone.send("PESAN PLB besok 8")
    phone.send("YA")
    code = Booking.objects.get().code
    assert "Pemadaman listrik" in phone.send(f"UBAH {code} 4/12 8")
    assert "tidak terbaca" in phone.send(f"UBAH {code} 3/12 siang")
    assert "Tidak ada yang menunggu" in phone.send("YA")
    booking = Booking.objects.get()
    assert (booking.slot.date, booking.reschedule_count) == (dt.date(2026, 12, 2), 0)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("DAFTAR", "Tulis: DAFTAR <NIK> <tgl lahir> <nama lengkap>"),
        ("DAFTAR Ani Lestari", "Tulis: DAFTAR"),
        ("DAFTAR 167101450890000 05-08-1990 Ani Lestari", "NIK harus 16 digit"),
        ("DAFTAR 9971014508900002 05-08-1990 Ani Lestari", "Kode provinsi 99"),
        ("DAFTAR 1671014508900000 05-08-1990 Ani Lestari", "0000"),
        ("DAFTAR 1671014508900002 05-08 Ani Lestari", "tahunnya"),
        ("DAFTAR 1671014508900002 05-08-2090 Ani Lestari", "Tanggal lahir harus antara 1 Januari 1900 dan hari ini"),
        ("DAFTAR 1671014508900002 05-08-1990", "nama lengkap"),
        ("DAFTAR 1671014508900002 05-08-1990 Ani ani@", "Alamat email tidak valid"),
        ("DAFTAR 1671014508900002 😀 Ani", "tidak terbaca"),
        (ANI.replace("Ani Lestari", "A" * 121), "Nama lengkap harus 2 sampai 120 huruf"),
    ],
)
def test_bad_registrations_are_explained(plb: Any, clock: Any, text: str, answer: str) -> None:
    reply = Phone("+6281299990009").send(text)
    assert answer in reply
    assert segments(reply) <= 2


def test_a_nul_in_the_name_is_a_space_on_every_database(plb: Any, clock: Any) -> None:
    reply = Phone("+6281299990010").send("DAFTAR 1671014508900002 05-08-1990 Ani\x00Lestari")
    assert "KODE" in reply
    from loket.accounts.models import Person

    assert Person.objects.get().full_name == "Ani Lestari"
