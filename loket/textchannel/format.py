"""How dates, times and amounts read in a text message, and how many SMS segments a reply costs."""

import datetime as dt

from loket.core import datefmt
from loket.offices.models import Office

# GSM 03.38: the 7-bit alphabet every phone shows; one character outside it makes the whole
# message UCS-2 (70 characters a segment instead of 160).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")  # two septets each


def segments(text: str) -> int:
    """SMS segments `text` takes: 160 GSM-7 septets in one, 153 each when split; 70/67 in UCS-2."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        septets = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def day_label(day: dt.date) -> str:
    """ "Kam 3 Des" (English: "Thu 3 Dec"): short, and unambiguous within the booking horizon."""
    return datefmt.short_date(day)


def time_label(moment: dt.time) -> str:
    return datefmt.clock(moment)


def moment_label(moment: dt.datetime, office: Office) -> str:
    """An instant in the office's zone: "Kam 3 Des 10.30 WIB"."""
    return datefmt.short_datetime(moment, office)


def rupiah(amount: int) -> str:
    return datefmt.rupiah(amount)
