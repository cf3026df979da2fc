"""The spoken call: exact Indonesian words, a committed clip for every word it can say, and
what the board plays measured from the clips themselves (lengths, gaps, pauses, tone)."""

import array
import itertools
from pathlib import Path

import pytest

from loket.onsite.models import Letter
from loket.onsite.tests.opus import RATE, Clip, libopus, opus_decode, opus_duration
from loket.onsite.voice import CLIP_FORMAT, CLIPS, FINAL, MAX_COUNTER, Announcement, announcement, number_words

VOICE = Path(__file__).resolve().parents[1] / "static" / "onsite" / "voice"


@pytest.mark.parametrize(
    ("ticket", "counter", "text"),
    [
        ("A023", 3, "Nomor antrean A nol dua tiga, silakan menuju loket tiga"),
        ("B100", 10, "Nomor antrean B satu nol nol, silakan menuju loket sepuluh"),
        ("C007", 11, "Nomor antrean C nol nol tujuh, silakan menuju loket sebelas"),
        ("P001", 12, "Nomor antrean P nol nol satu, silakan menuju loket dua belas"),
        ("A999", 19, "Nomor antrean A sembilan sembilan sembilan, silakan menuju loket sembilan belas"),
        ("A456", 20, "Nomor antrean A empat lima enam, silakan menuju loket dua puluh"),
        ("B058", 21, "Nomor antrean B nol lima delapan, silakan menuju loket dua puluh satu"),
        ("A1234", 99, "Nomor antrean A satu dua tiga empat, silakan menuju loket sembilan puluh sembilan"),
    ],
)
def test_the_call_is_read_out_in_indonesian(ticket: str, counter: int, text: str) -> None:
    assert announcement(ticket, counter).text == text


def test_the_call_is_said_twice_after_a_chime_and_only_its_last_word_falls() -> None:
    once = ("nomor-antrean", "huruf-a", "nol", "dua", "tiga", "silakan-menuju-loket", "dua", "belas-akhir")
    said = announcement("A023", 12)
    assert said.clips == ("chime", *once, *once)
    assert len(said.pauses) == len(said.clips)


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
    assert sum(f.stat().st_size for f in files) < 120_000


# --- what the board plays, measured from the committed clips ---------------------------------

SPOKEN = sorted(name for name, text in CLIPS.items() if text is not None)


@pytest.fixture(scope="module")
def clips() -> dict[str, Clip]:
    lib = libopus()
    if lib is None:
        pytest.skip("libopus not found (Debian: apt-get install libopus0, which Chromium already needs)")
    return {name: opus_decode(VOICE / f"{name}.{CLIP_FORMAT}", lib) for name in CLIPS}


def timeline(said: Announcement, clips: dict[str, Clip]) -> list[tuple[str, float, float]]:
    """(clip, start, end) of the sound in every clip as the board schedules them, in seconds."""
    at, out = 0.0, []
    for name, pause in zip(said.clips, said.pauses, strict=True):
        at += pause
        lead, trail = clips[name].silence_at_edges()
        out.append((name, at + lead, at + clips[name].seconds - trail))
        at += clips[name].seconds
    return out


def silences(said: Announcement, clips: dict[str, Clip]) -> list[float]:
    """The silence between each sounding clip and the next."""
    spans = timeline(said, clips)
    return [nxt[1] - prev[2] for prev, nxt in itertools.pairwise(spans)]


def test_the_clips_are_cut_tight_and_as_long_as_a_word(clips: dict[str, Clip]) -> None:
    for name in SPOKEN:
        clip = clips[name]
        lead, trail = clip.silence_at_edges()
        assert lead <= 0.02 and trail <= 0.02, (name, lead, trail)
        assert abs(clip.seconds - opus_duration(VOICE / f"{name}.{CLIP_FORMAT}")) < 0.001
        words = len(CLIPS[name].split())  # type: ignore[union-attr]
        # Slow enough for a hall (about 135 words a minute), not drawn out.
        assert 0.2 * words <= clip.seconds <= 0.85 * words, (name, clip.seconds)


def test_words_of_a_phrase_follow_without_a_gap_and_a_pause_marks_the_comma(clips: dict[str, Clip]) -> None:
    said = announcement("B058", 21)
    spans = timeline(said, clips)
    gaps = silences(said, clips)
    phrase_starts = {i for i, (name, _s, _e) in enumerate(spans) if name in {"nomor-antrean", "silakan-menuju-loket"}}
    within = [gap for i, gap in enumerate(gaps, start=1) if i not in phrase_starts]
    # The old board left 0.04 s plus 80 ms of clip padding between every word: a list, not a sentence.
    assert max(within) <= 0.035, within
    before_counter = [gaps[i - 1] for i in phrase_starts if spans[i][0] == "silakan-menuju-loket"]
    assert len(before_counter) == 2 and all(0.35 <= gap <= 0.7 for gap in before_counter), before_counter


def test_the_call_is_repeated_after_a_clear_break_and_stays_short(clips: dict[str, Clip]) -> None:
    said = announcement("A1234", 99)  # the longest call there is
    spans = timeline(said, clips)
    gaps = silences(said, clips)
    second = [i for i, (name, _s, _e) in enumerate(spans) if name == "nomor-antrean"][1]
    assert 1.0 <= gaps[second - 1] <= 1.5
    assert 0.2 <= gaps[0] <= 0.5  # the chime, then the words
    once = spans[second - 1][2] - spans[1][1]
    assert spans[second:] and spans[-1][2] - spans[second][1] == pytest.approx(once, abs=0.001)
    assert once <= 8.0 and spans[-1][2] <= 20.0, (once, spans[-1][2])


def pitch_at_end(clip: Clip) -> float:
    """The voice's pitch (Hz) over the last voiced 80 ms, by autocorrelation at 12 kHz."""
    step = 4
    rate = RATE // step
    samples = array.array("h", clip.samples[::step])
    window = int(rate * 0.03)
    loud = 0.15 * max(abs(s) for s in samples)
    found: list[float] = []
    end = len(samples) - window
    while end > 0 and len(found) < 4:
        frame = samples[end : end + window]
        end -= int(rate * 0.02)
        if max(abs(s) for s in frame) < loud:
            continue
        lags = range(rate // 300, rate // 60)
        best = max(lags, key=lambda lag: sum(frame[i] * frame[i + lag] for i in range(window - lag)))
        found.append(rate / best)
    return sorted(found)[len(found) // 2]


def test_only_the_last_word_falls_the_others_go_on(clips: dict[str, Clip]) -> None:
    for name in SPOKEN:
        if name.endswith(FINAL) and name.removesuffix(FINAL) in clips:
            going_on, ending = clips[name.removesuffix(FINAL)], clips[name]
            assert pitch_at_end(ending) < 0.95 * pitch_at_end(going_on), name
