"""The booking proof as an A4 PDF (fpdf2, pure Python): the same facts as the page."""

import io

from django.utils.translation import gettext as _
from fpdf import FPDF

from loket.booking.models import Booking, BookingStatus, QuotaClass
from loket.booking.selectors import what_to_bring
from loket.core import datefmt
from loket.payments.models import FeeCredit
from loket.web.proof import Proof

# fpdf2's built-in fonts speak Latin-1; these few characters of our texts are mapped to it.
LATIN1 = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})


def _text(value: object) -> str:
    return str(value).translate(LATIN1).encode("latin-1", "replace").decode("latin-1")


class _Sheet:
    """A thin writer over FPDF: headings, label/value lines and bullets, top to bottom."""

    def __init__(self, title: str) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(18, 18, 18)
        self.pdf.set_title(_text(title))
        self.pdf.set_creator("Loket")
        self.pdf.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.cell(0, size * 0.6, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def fact(self, label: str, value: str, width: float = 0) -> None:
        self.pdf.set_font("Helvetica", "B", 10)
        self.pdf.cell(42, 6, _text(label))
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(width, 6, _text(value), new_x="LMARGIN", new_y="NEXT")

    def bullet(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 6, _text(f"- {text}"), new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _credit_facts(sheet: _Sheet, booking: Booking) -> None:
    """Where a credit stands: the one this booking was paid with, or the one its fee became."""
    used = FeeCredit.objects.filter(used_by=booking).select_related("source").first()
    if used is not None:
        paid = _("Lunas: %(amount)s dengan kredit dari pemesanan %(code)s.")
        sheet.fact(
            _("Pembayaran PNBP"),
            paid % {"amount": datefmt.rupiah(used.amount), "code": datefmt.grouped(used.source.code)},
        )
    kept = FeeCredit.objects.filter(source=booking).first()
    if kept is not None:
        until = datefmt.long_date(kept.valid_until.astimezone(booking.office.zone).date())
        text = _("Biaya %(amount)s disimpan sebagai kredit sampai %(until)s.")
        sheet.fact(_("Kredit PNBP"), text % {"amount": datefmt.rupiah(kept.amount), "until": until})


def proof_filename(booking: Booking) -> str:
    """The download's name in the reader's language."""
    return _("bukti-pemesanan-%(code)s.pdf") % {"code": booking.code}


def proof_pdf(proof: Proof) -> bytes:
    booking, office = proof.booking, proof.booking.office
    slot = booking.slot
    sheet = _Sheet(_("Bukti pemesanan") + f" {booking.code}")
    pdf = sheet.pdf

    qr = io.BytesIO()
    proof.qr().save(qr, kind="png", scale=10, border=2)
    pdf.image(qr, x=pdf.w - pdf.r_margin - 45, y=pdf.t_margin, w=45, h=45)

    sheet.heading(_("Bukti pemesanan"), size=18)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _text(_("Kode pemesanan")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "B", 26)
    pdf.cell(0, 14, booking.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + 50))

    times = f"{datefmt.clock_range(slot.start, slot.end)} {office.zone_abbreviation} ({office.timezone})"
    sheet.fact(_("Status"), booking.get_status_display())
    sheet.fact(_("Nama"), booking.person_name)
    sheet.fact("NIK", booking.person.masked_nik)
    sheet.fact(_("Layanan"), f"{booking.get_service_display()} · {booking.get_passport_type_display()}")
    if booking.quota_class != QuotaClass.REGULAR:  # a class place booked online
        reason = f" ({booking.get_priority_reason_display()})" if booking.priority_reason else ""
        sheet.fact(_("Kelas kuota"), f"{booking.get_quota_class_display()}{reason}")
    sheet.fact(_("Kantor"), "\n".join(part for part in (office.name, proof.address) if part))
    sheet.fact(_("Tanggal"), datefmt.long_date(slot.date))
    sheet.fact(_("Waktu kedatangan"), times)
    payment = getattr(booking, "payment", None)
    if payment is not None:
        sheet.fact(_("Pembayaran PNBP"), f"{payment.get_status_display()} · {datefmt.rupiah(payment.amount)}")
        if booking.status == BookingStatus.AWAITING_PAYMENT:
            sheet.fact(_("Kode billing"), datefmt.grouped(payment.billing_code))
            sheet.fact(_("Bayar sebelum"), datefmt.in_zone(payment.deadline, office))
    _credit_facts(sheet, booking)

    if proof.documents:
        pdf.ln(4)
        sheet.heading(_("Dokumen yang dibawa"))
        for requirement in proof.documents:
            label = requirement.label
            sheet.bullet(_("Salah satu: %(kinds)s") % {"kinds": label} if requirement.one_of else label)
    pdf.ln(4)
    sheet.bullet(_("Tunjukkan bukti ini (kode pemesanan atau kode QR) kepada petugas."))
    # What to bring fits the person: a child comes with a parent, who brings the parent's KTP-el.
    sheet.bullet(str(what_to_bring(minor=booking.person.is_minor_on(booking.slot.date))))
    return sheet.output()
