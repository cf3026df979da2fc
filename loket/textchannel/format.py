"""How dates, times and amounts read in a text message, and how many SMS segments a reply costs."""

import datetime as dt

from django.utils.translation import get_language
from lokal import format_rupiah

from loket.offices.models import Office, Weekday

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
    """ "Kam 3/12" (English: "Thu 3/12"): short, and unambiguous within the booking horizon."""
    return f"{str(Weekday(day.weekday()).label)[:3]} {day.day}/{day.month}"


def time_label(moment: dt.time) -> str:
    return moment.strftime("%H.%M" if get_language() != "en" else "%H:%M")


def moment_label(moment: dt.datetime, office: Office) -> str:
    """An instant in the office's zone: "Kam 3/12 10.30 WIB"."""
    local = moment.astimezone(office.zone)
    return f"{day_label(local.date())} {time_label(local.time())} {office.zone_abbreviation}"


def rupiah(amount: int) -> str:
    return str(format_rupiah(amount))
