#!/usr/bin/env bash
# Records the board's voice clips once, offline, and writes them as Ogg/Opus under
# loket/onsite/static/onsite/voice/. The clips are committed: a fresh clone, CI and the
# offices need neither espeak-ng nor a network. Run it again only to change the voice.
#
#   apt-get install -y espeak-ng opus-tools    # Debian: the Indonesian voice "id" and opusenc
#   scripts/make_voice_clips.sh
#
# The list of clips and their words lives in loket/onsite/voice.py (CLIPS): a word ending in
# "," is spoken with the continuing tone of a clause that goes on, one ending in "." with the
# falling tone that ends the call. loket/onsite/tests/test_voice.py measures the result.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=loket/onsite/static/onsite/voice
SPEED="${VOICE_SPEED:-135}"     # words per minute: slower than espeak's 175, for a noisy hall
PITCH="${VOICE_PITCH:-45}"
BITRATE="${VOICE_BITRATE:-24}"  # kbit/s; speech stays clear at 24 in Opus
PY="${PYTHON:-python3}"

for tool in espeak-ng opusenc; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y espeak-ng opus-tools" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

# Trim espeak's leading and trailing silence (the board chains the words of a phrase with
# no gap of its own, so the clips' edges are the gaps), keep 10 ms either side with a short
# fade (no click), and bring every clip to the same peak loudness.
cat >"$work/trim.py" <<'PY'
import array, sys, wave
src, dst = sys.argv[1], sys.argv[2]
with wave.open(src) as w:
    rate, frames = w.getframerate(), w.readframes(w.getnframes())
samples = array.array("h", frames)
threshold = max(abs(s) for s in samples) * 0.04
loud = [i for i, s in enumerate(samples) if abs(s) > threshold]
pad = int(rate * 0.01)
start, end = max(0, loud[0] - pad), min(len(samples), loud[-1] + pad)
clip = samples[start:end]
gain = 0.9 * 32767 / max(abs(s) for s in clip)
fade = int(rate * 0.005)
n = len(clip)
clip = array.array("h", (int(s * gain * min(1.0, i / fade, (n - 1 - i) / fade)) for i, s in enumerate(clip)))
with wave.open(dst, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(clip.tobytes())
PY

# The chime: a two-tone "ding-dong" (E5 then C5) with soft harmonics and a bell-like decay.
cat >"$work/chime.py" <<'PY'
import array, math, sys, wave
rate = 48000
def bell(freq, seconds):
    n = int(rate * seconds)
    return [sum(a * math.sin(2 * math.pi * freq * k * i / rate) for k, a in ((1, 1.0), (2, 0.3), (3, 0.12)))
            * math.exp(-3.2 * i / n) * min(1.0, i / (rate * 0.005)) for i in range(n)]
tone = bell(659.25, 0.55) + bell(523.25, 0.9)
peak = max(abs(s) for s in tone)
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(array.array("h", (int(s / peak * 0.8 * 32767) for s in tone)).tobytes())
PY

encode() {  # fixed serial: the same input gives the same file, so re-running changes nothing
  opusenc --quiet --bitrate "$BITRATE" --comp 10 --serial 1 --discard-comments "$1" "$OUT/$2.opus"
}

"$PY" "$work/chime.py" "$work/chime.wav"
encode "$work/chime.wav" chime

"$PY" -m loket.onsite.voice | while IFS=$'\t' read -r name text; do
  espeak-ng -v id -s "$SPEED" -p "$PITCH" -w "$work/raw.wav" "$text"
  "$PY" "$work/trim.py" "$work/raw.wav" "$work/$name.wav"
  encode "$work/$name.wav" "$name"
done

# Clips no longer in CLIPS would be served for nothing.
for f in "$OUT"/*.opus; do
  name=$(basename "$f" .opus)
  [ "$name" = chime ] || "$PY" -m loket.onsite.voice | cut -f1 | grep -qx "$name" || rm -v "$f"
done

echo "clips: $(ls "$OUT"/*.opus | wc -l), total $(du -cb "$OUT"/*.opus | tail -1 | cut -f1) bytes in $OUT"
