"""Reads a committed Ogg/Opus clip back into samples, to measure what the board will play.

Ogg pages are parsed here (RFC 3533) and the Opus packets decoded with the system's libopus
(libopus0, which Chromium already needs) through ctypes: no extra Python package.
"""

import array
import ctypes
import ctypes.util
import struct
from dataclasses import dataclass
from pathlib import Path

RATE = 48_000  # Opus always decodes at 48 kHz here
MAX_FRAME = 5760  # 120 ms at 48 kHz, the longest Opus frame


def libopus() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("opus")
    return ctypes.CDLL(name) if name else None


def ogg_packets(data: bytes) -> tuple[list[bytes], int]:
    """The packets of a single-stream Ogg file and its last granule position."""
    packets: list[bytes] = []
    partial = b""
    granule = 0
    at = 0
    while at < len(data):
        if data[at : at + 4] != b"OggS":
            raise ValueError(f"no Ogg page at byte {at}")
        page_granule = struct.unpack_from("<q", data, at + 6)[0]
        if page_granule >= 0:  # -1: no packet ends on this page
            granule = page_granule
        segments = data[at + 26]
        lacing = data[at + 27 : at + 27 + segments]
        at += 27 + segments
        for size in lacing:
            partial += data[at : at + size]
            at += size
            if size < 255:
                packets.append(partial)
                partial = b""
    return packets, granule


@dataclass(frozen=True)
class Clip:
    samples: array.array  # mono 16-bit at RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def silence_at_edges(self, *, threshold: float = 0.02) -> tuple[float, float]:
        """Seconds before the first and after the last sample louder than `threshold` of full scale."""
        limit = threshold * 32767
        loud = [i for i, s in enumerate(self.samples) if abs(s) > limit]
        if not loud:
            return self.seconds, self.seconds
        return loud[0] / RATE, (len(self.samples) - 1 - loud[-1]) / RATE


def opus_duration(path: Path) -> float:
    """The clip's playing time from its Ogg headers alone (last granule minus the pre-skip)."""
    packets, granule = ogg_packets(path.read_bytes())
    pre_skip = struct.unpack_from("<H", packets[0], 10)[0]
    return (granule - pre_skip) / RATE


def opus_decode(path: Path, lib: ctypes.CDLL) -> Clip:
    packets, granule = ogg_packets(path.read_bytes())
    head = packets[0]
    if not head.startswith(b"OpusHead"):
        raise ValueError(f"{path.name}: not Ogg/Opus")
    channels, pre_skip = head[9], struct.unpack_from("<H", head, 10)[0]
    if channels != 1:
        raise ValueError(f"{path.name}: {channels} channels, the board's clips are mono")
    error = ctypes.c_int()
    lib.opus_decoder_create.restype = ctypes.c_void_p
    decoder = lib.opus_decoder_create(RATE, 1, ctypes.byref(error))
    if error.value != 0:
        raise RuntimeError(f"opus_decoder_create failed: {error.value}")
    try:
        pcm = (ctypes.c_int16 * MAX_FRAME)()
        out = array.array("h")
        for packet in packets[2:]:  # after OpusHead and OpusTags
            n = lib.opus_decode(ctypes.c_void_p(decoder), packet, len(packet), pcm, MAX_FRAME, 0)
            if n < 0:
                raise ValueError(f"{path.name}: opus_decode error {n}")
            out.extend(pcm[:n])
    finally:
        lib.opus_decoder_destroy(ctypes.c_void_p(decoder))
    # The encoder's look-ahead at the start, the padding of the last page at the end.
    return Clip(samples=out[pre_skip:granule])
