"""The spoken call: exact Indonesian words, and a committed clip for every word it can say."""

from pathlib import Path

import pytest

from loket.onsite.models import Letter
from loket.onsite.voice import CLIP_FORMAT, CLIPS, MAX_COUNTER, announcement, number_words

VOICE = Path(__file__).resolve().parents[1] / "static" / "onsite" / "voice"


@pytest.mark.parametrize(
    ("ticket", "counter", "text"),
    [
        ("A023", 3, "Nomor antrean A nol dua tiga, silakan ke loket tiga"),
        ("B100", 10, "Nomor antrean B satu nol nol, silakan ke loket sepuluh"),
        ("C007", 11, "Nomor antrean C nol nol tujuh, silakan ke loket sebelas"),
        ("P001", 12, "Nomor antrean P nol nol satu, silakan ke loket dua belas"),
        ("A999", 19, "Nomor antrean A sembilan sembilan sembilan, silakan ke loket sembilan belas"),
        ("A456", 20, "Nomor antrean A empat lima enam, silakan ke loket dua puluh"),
        ("B058", 21, "Nomor antrean B nol lima delapan, silakan ke loket dua puluh satu"),
        ("A1234", 99, "Nomor antrean A satu dua tiga empat, silakan ke loket sembilan puluh sembilan"),
    ],
)
def test_the_call_is_read_out_in_indonesian(ticket: str, counter: int, text: str) -> None:
    assert announcement(ticket, counter).text == text


def test_the_clips_follow_the_words_after_a_chime() -> None:
    assert announcement("A023", 12).clips == (
        "chime",
        "nomor-antrean",
        "huruf-a",
        "nol",
        "dua",
        "tiga",
        "silakan-ke-loket",
        "dua",
        "belas",
    )


def test_counter_numbers_read_as_indonesian_numbers() -> None:
    assert number_words(1) == ["satu"]
    assert number_words(15) == ["lima", "belas"]
    assert number_words(30) == ["tiga", "puluh"]
    assert number_words(47) == ["empat", "puluh", "tujuh"]


@pytest.mark.parametrize(
    ("ticket", "counter"), [("X001", 1), ("A", 1), ("A0x1", 1), ("A٣", 1), ("A001", 0), ("A001", 100)]
)
def test_what_cannot_be_said_is_refused(ticket: str, counter: int) -> None:
    with pytest.raises(ValueError):
        announcement(ticket, counter)


def test_every_clip_the_board_can_ever_name_is_committed() -> None:
    named = {"chime"}
    for letter in Letter.values:
        for counter in range(1, MAX_COUNTER + 1):
            named |= set(announcement(f"{letter}0123456789", counter).clips)
    assert named == set(CLIPS)
    missing = [name for name in named if not (VOICE / f"{name}.{CLIP_FORMAT}").is_file()]
    assert missing == []


def test_the_clips_are_ogg_opus_and_small() -> None:
    files = sorted(VOICE.glob(f"*.{CLIP_FORMAT}"))
    assert {f.stem for f in files} == set(CLIPS)  # no stray clip left behind
    for f in files:
        head = f.read_bytes()[:64]
        assert head.startswith(b"OggS") and b"OpusHead" in head, f.name
    # The board loads every clip when it starts, over an office's weak line.
    assert sum(f.stat().st_size for f in files) < 100_000
