"""A FIT decoder that reads only what hamsync needs, 20 to 90 times faster than the official SDK.

The official ``garmin-fit-sdk`` builds a dictionary for every field of every message (heart
rate, cadence, power, GPS, developer data...), which costs about a second for a 450 KB run. Of
all that hamsync needs the session totals (``session``), the time, distance and altitude of each
sample (``record``) and the sport (``sport``). So this reader walks the file's messages, compiles
one :class:`struct.Struct` per definition message that picks out just those fields (every other
byte is padding to ``struct``), and jumps over everything else by its declared size.

The figures are the official SDK's, to the bit: the same scale and offset arithmetic, the same
invalid sentinels (``0xFF..`` for the declared base type; floats are never invalid), altitude
expanded into ``enhanced_altitude`` exactly as the SDK's component expansion does, distance
accumulated from ``compressed_speed_distance`` like the SDK's accumulator. The test suite keeps
the official decoder as the reference on every real file. Unlike the SDK this reader also
decodes compressed-timestamp record headers (old Garmin and some third-party devices). A needed
field declared as an array reads as missing (the SDK would expand the first element of an
altitude array; no real file does that).

Every length read from the file is checked against the data size, and the CRC is checked before
any message is decoded, so a damaged or truncated file raises :class:`ReadError` and never
makes the reader loop or allocate by a length it cannot back with bytes.
"""

from __future__ import annotations

from connectors.fit_crc import crc16
from connectors.fit_profile import (
    FIT_EPOCH_S,
    HEADER_SIZES,
    RECORD,
    DecoderState,
    FitActivity,
    read_definition,
)
from connectors.fit_samples import other, record, record_run
from connectors.read_budget import check_deadline
from connectors.recording import ReadError

__all__ = ["FIT_EPOCH_S", "FitActivity", "decode"]


def decode(data: bytes, deadline: float | None = None) -> FitActivity:
    """Sessions, sports and records of a FIT file (chained files in order); raise ReadError.

    ``deadline`` (``time.monotonic()`` seconds) bounds the time spent: past it, ReadError.
    """
    if not data:
        raise ReadError("empty file")
    out = FitActivity()
    state = DecoderState()
    pos = 0
    while pos < len(data):
        pos = _decode_file(data, pos, out, state, deadline)
    return out


def _decode_file(
    data: bytes, pos: int, out: FitActivity, state: DecoderState, deadline: float | None
) -> int:
    """Decode the file starting at ``pos``; return where the next chained file would start."""
    available = len(data) - pos
    header_size = data[pos]
    if (
        header_size not in HEADER_SIZES
        or available < header_size + 2
        or data[pos + 8 : pos + 12] != b".FIT"
    ):
        raise ReadError("not a FIT file (no FIT header)")
    end = pos + header_size + int.from_bytes(data[pos + 4 : pos + 8], "little")
    if end + 2 > len(data):
        raise ReadError("truncated FIT file (shorter than its header says)")
    if crc16(memoryview(data)[pos:end]) != int.from_bytes(data[end : end + 2], "little"):
        raise ReadError("damaged FIT file (CRC mismatch)")
    _messages(data, pos + header_size, end, out, state, deadline)
    return end + 2


def _messages(
    data: bytes, pos: int, end: int, out: FitActivity, state: DecoderState, deadline: float | None
) -> None:
    defs = state.defs
    count = 0
    while pos < end:
        count += 1
        if deadline is not None and not count & 0x3FFF:
            check_deadline(deadline)
        header = data[pos]
        stamp: int | None = None
        if header & 0x80:  # compressed timestamp header: 5-bit offset from the last timestamp
            last = state.last_time
            if last is None:
                raise ReadError("damaged FIT file (compressed timestamp before any timestamp)")
            stamp = last + (((header & 0x1F) - last) & 0x1F)
            state.last_time = stamp
            definition = defs[(header >> 5) & 0x03]
        elif header & 0x40:
            pos = read_definition(data, pos, end, defs)
            continue
        else:
            definition = defs[header & 0x0F]
            if definition is not None and definition.rows is not None:
                after = pos + definition.size + 1  # a run of records pays off from two on
                if after < end and data[after] == header:
                    pos = record_run(data, pos, end, definition, out, state)
                    continue
        if definition is None:
            raise ReadError("damaged FIT file (a message before its definition)")
        start = pos + 1
        pos = start + definition.size
        if pos > end:
            raise ReadError("truncated FIT file (a message runs past the end of the data)")
        if definition.unpack is None:
            continue
        values = definition.unpack(data, start)
        if definition.kind == RECORD:
            record(definition, values, stamp, out, state)
        else:
            other(definition, values, out, state)
