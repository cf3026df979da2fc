"""The spoken call: "Nomor antrean A nol dua tiga, silakan ke loket tiga".

Offices may have no internet, so nothing is synthesised on the fly: the board plays short
word clips recorded once with espeak-ng's Indonesian voice (scripts/make_voice_clips.sh)
and committed under static/onsite/voice/. This module is the one list of those clips and
the one place that turns a call into words; the board's JSON carries the clip sequence, so
board.js only plays what it is told.

Pure Python (no Django import): the clip script runs `python3 -m loket.onsite.voice`.
"""

from dataclasses import dataclass

CHIME = "chime"
INTRO = "nomor-antrean"
TO_COUNTER = "silakan-ke-loket"
CLIP_FORMAT = "opus"  # Ogg/Opus: the smallest clips Chromium plays; see the README

# Queue letters are read by their Indonesian names: A "a", B "be", C "ce", P "pe", E "e".
LETTER_WORDS = {"A": "a", "B": "be", "C": "ce", "P": "pe", "E": "e"}
DIGIT_WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
MAX_COUNTER = 99

# Every clip: file name (without extension) → the text espeak-ng speaks (None: generated tone).
CLIPS: dict[str, str | None] = {
    CHIME: None,
    INTRO: "Nomor antrean",
    TO_COUNTER: "silakan ke loket",
    **{f"huruf-{letter.lower()}": word for letter, word in LETTER_WORDS.items()},
    **{word: word for word in DIGIT_WORDS},
    "sepuluh": "sepuluh",
    "sebelas": "sebelas",
    "belas": "belas",
    "puluh": "puluh",
}


@dataclass(frozen=True)
class Announcement:
    """What the board says for one call: the text (for screens and logs) and the clips in order."""

    text: str
    clips: tuple[str, ...]


def number_words(n: int) -> list[str]:
    """An Indonesian cardinal 1–99 as words: 12 → ["dua", "belas"], 21 → ["dua", "puluh", "satu"]."""
    if not 1 <= n <= MAX_COUNTER:
        raise ValueError(f"counter number {n} outside 1–{MAX_COUNTER}")
    tens, ones = divmod(n, 10)
    if n < 10:
        return [DIGIT_WORDS[n]]
    if n == 10:
        return ["sepuluh"]
    if n == 11:
        return ["sebelas"]
    if tens == 1:
        return [DIGIT_WORDS[ones], "belas"]
    return [DIGIT_WORDS[tens], "puluh", *([DIGIT_WORDS[ones]] if ones else [])]


def announcement(ticket_display: str, counter_number: int) -> Announcement:
    """The call of ticket `ticket_display` (e.g. "A023") to counter `counter_number`.

    The ticket's digits are read one by one ("nol dua tiga", as a queue number is read
    out), the counter as a number ("dua belas"). The clips start with the chime.
    """
    letter, digits = ticket_display[:1], ticket_display[1:]
    if letter not in LETTER_WORDS or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not a ticket number: {ticket_display!r}")
    digit_words = [DIGIT_WORDS[int(d)] for d in digits]
    counter_words = number_words(counter_number)
    text = f"Nomor antrean {letter} {' '.join(digit_words)}, silakan ke loket {' '.join(counter_words)}"
    clips = (CHIME, INTRO, f"huruf-{letter.lower()}", *digit_words, TO_COUNTER, *counter_words)
    return Announcement(text=text, clips=clips)


if __name__ == "__main__":
    # For scripts/make_voice_clips.sh: one "name<TAB>text" line per spoken clip.
    for name, spoken in CLIPS.items():
        if spoken is not None:
            print(f"{name}\t{spoken}")
