"""The spoken call: "Nomor antrean A nol dua tiga, silakan menuju loket tiga", said twice.

Offices may have no internet, so nothing is synthesised on the fly: the board plays short
clips recorded once with espeak-ng's Indonesian voice (scripts/make_voice_clips.sh) and
committed under static/onsite/voice/. This module is the one list of those clips and the
one place that turns a call into clips and pauses; the board's JSON carries both, so
board.js only plays what it is told.

A call is two phrases, "Nomor antrean A nol dua tiga," and "silakan menuju loket tiga.",
and it must sound like one sentence, not like "Nomor antrean. A. Nol. Dua. Tiga.": every
word inside a phrase is recorded as the end of a clause that goes on (espeak reads "dua,"
with a rising, continuing tone), only the last word of the call falls (a second clip,
"dua.", named "dua-akhir"); the clips are cut tight and follow each other without a gap.
A pause marks the comma before "silakan menuju loket …", and the whole call is said twice:
one call is easy to miss in a noisy hall.

Pure Python (no Django import): the clip script runs `python3 -m loket.onsite.voice`.
"""

from dataclasses import dataclass

CHIME = "chime"
INTRO = "nomor-antrean"
TO_COUNTER = "silakan-menuju-loket"
FINAL = "-akhir"  # suffix of a word recorded with the falling tone that ends the call
CLIP_FORMAT = "opus"  # Ogg/Opus: the smallest clips Chromium plays; see the README

# Seconds of silence the board leaves before a clip (measured in tests/test_voice.py).
PAUSE_AFTER_CHIME = 0.3
PAUSE_WITHIN_PHRASE = 0.0  # the clips carry their own few milliseconds either side
PAUSE_BEFORE_COUNTER = 0.45  # the comma: "… nol dua tiga, | silakan menuju loket tiga"
PAUSE_BEFORE_REPEAT = 1.2
TIMES_SAID = 2

# Queue letters are read by their Indonesian names: A "a", B "be", C "ce", P "pe", E "e".
LETTER_WORDS = {"A": "a", "B": "be", "C": "ce", "P": "pe", "E": "e"}
DIGIT_WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
MAX_COUNTER = 99

# The words that can end a call (the last word of a counter number 1–99).
_FINAL_WORDS = [*DIGIT_WORDS[1:], "sepuluh", "sebelas", "belas", "puluh"]

# Every clip: file name (without extension) → the text espeak-ng speaks (None: generated tone).
# A trailing comma asks espeak for the continuing tone, a full stop for the falling one.
CLIPS: dict[str, str | None] = {
    CHIME: None,
    INTRO: "Nomor antrean,",
    TO_COUNTER: "silakan menuju loket,",
    **{f"huruf-{letter.lower()}": f"{word}," for letter, word in LETTER_WORDS.items()},
    **{word: f"{word}," for word in DIGIT_WORDS},
    "puluh": "puluh,",
    **{f"{word}{FINAL}": f"{word}." for word in _FINAL_WORDS},
}


@dataclass(frozen=True)
class Announcement:
    """What the board says for one call: the text (for screens and logs), the clips in order
    and, for each clip, the seconds of silence before it."""

    text: str
    clips: tuple[str, ...]
    pauses: tuple[float, ...] = ()


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
    out), the counter as a number ("dua belas"). The clips start with the chime; the call
    is then said twice.
    """
    letter, digits = ticket_display[:1], ticket_display[1:]
    if letter not in LETTER_WORDS or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not a ticket number: {ticket_display!r}")
    digit_words = [DIGIT_WORDS[int(d)] for d in digits]
    counter_words = number_words(counter_number)
    text = f"Nomor antrean {letter} {' '.join(digit_words)}, silakan menuju loket {' '.join(counter_words)}"

    ticket_phrase = [INTRO, f"huruf-{letter.lower()}", *digit_words]
    counter_phrase = [TO_COUNTER, *counter_words[:-1], counter_words[-1] + FINAL]
    once = [(clip, PAUSE_WITHIN_PHRASE) for clip in ticket_phrase]
    once += [(counter_phrase[0], PAUSE_BEFORE_COUNTER)]
    once += [(clip, PAUSE_WITHIN_PHRASE) for clip in counter_phrase[1:]]
    steps = [(CHIME, 0.0)]
    for said in range(TIMES_SAID):
        first, *rest = once
        steps += [(first[0], PAUSE_AFTER_CHIME if said == 0 else PAUSE_BEFORE_REPEAT), *rest]
    clips, pauses = zip(*steps, strict=True)
    return Announcement(text=text, clips=clips, pauses=pauses)


if __name__ == "__main__":
    # For scripts/make_voice_clips.sh: one "name<TAB>text" line per spoken clip.
    for name, spoken in CLIPS.items():
        if spoken is not None:
            print(f"{name}\t{spoken}")
