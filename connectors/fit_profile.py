"""The part of the FIT profile hamsync reads, and the decoder's compiled definitions.

A definition message becomes a :class:`Definition`: one :class:`struct.Struct` that unpacks
only the wanted fields of its data messages (every other byte is padding), with their invalid
sentinels and the profile's scale and offset. See :mod:`connectors.fit_fast`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connectors.recording import ReadError

FIT_EPOCH_S = 631_065_600
"""1989-12-31T00:00:00Z, the zero of FIT timestamps, in Unix seconds."""

HEADER_SIZES = (12, 14)
_STRING = 0x07
_BYTE = 0x0D
_UINT8 = (0x02, "B", 1, 0xFF)

# base type id -> (struct code, size, invalid value or None when no value is invalid)
_BASE_TYPES: dict[int, tuple[str, int, int | None]] = {
    0x00: ("B", 1, 0xFF),  # enum
    0x01: ("b", 1, 0x7F),
    0x02: ("B", 1, 0xFF),
    0x03: ("h", 2, 0x7FFF),
    0x04: ("H", 2, 0xFFFF),
    0x05: ("i", 4, 0x7FFFFFFF),
    0x06: ("I", 4, 0xFFFFFFFF),
    0x07: ("s", 1, None),  # string
    0x08: ("f", 4, None),  # the SDK compares floats with an int sentinel: never invalid
    0x09: ("d", 8, None),
    0x0A: ("B", 1, 0),
    0x0B: ("H", 2, 0),
    0x0C: ("I", 4, 0),
    0x0D: ("B", 1, 0xFF),  # byte
    0x0E: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    0x0F: ("Q", 8, 0xFFFFFFFFFFFFFFFF),
    0x10: ("Q", 8, 0),
}

RECORD, SESSION, SPORT, LAP, FILE_ID = 20, 18, 12, 19, 0
_TIMESTAMP = 253
CSD = "compressed_speed_distance"

Scale = tuple[int, int]
"""(scale, offset) of a field in the FIT profile: value = raw / scale - offset."""

_WANTED: dict[int, dict[int, tuple[str, Scale]]] = {
    RECORD: {
        _TIMESTAMP: ("timestamp", (1, 0)),
        2: ("altitude", (5, 500)),
        5: ("distance", (100, 0)),
        8: (CSD, (1, 0)),
        78: ("enhanced_altitude", (5, 500)),
    },
    SESSION: {
        _TIMESTAMP: ("timestamp", (1, 0)),
        2: ("start_time", (1, 0)),
        5: ("sport", (1, 0)),
        6: ("sub_sport", (1, 0)),
        7: ("total_elapsed_time", (1000, 0)),
        8: ("total_timer_time", (1000, 0)),
        9: ("total_distance", (100, 0)),
        22: ("total_ascent", (1, 0)),
        23: ("total_descent", (1, 0)),
    },
    SPORT: {0: ("sport", (1, 0)), 1: ("sub_sport", (1, 0))},
    LAP: {_TIMESTAMP: ("timestamp", (1, 0)), 25: ("sport", (1, 0)), 39: ("sub_sport", (1, 0))},
    FILE_ID: {0: ("type", (1, 0))},
}
_RECORD_SLOTS = ("timestamp", "distance", "altitude", "enhanced_altitude", CSD)
_ONLY_TIMESTAMP = {_TIMESTAMP: ("timestamp", (1, 0))}


@dataclass(slots=True)
class FitActivity:
    """What hamsync reads from a FIT file; numbers as the official SDK gives them."""

    sessions: list[dict[str, float]] = field(default_factory=list)
    """Valid fields of each session message (timestamps in FIT seconds, enums as numbers)."""
    sports: list[dict[str, float]] = field(default_factory=list)
    laps: list[dict[str, float]] = field(default_factory=list)
    """Sport and sub-sport of each lap message (the sport of a file without sessions)."""
    file_types: list[int] = field(default_factory=list)
    """``file_id.type`` of each chained file (4 = activity, 6 = course, 5 = workout, ...)."""
    times: list[float] = field(default_factory=list)
    """FIT timestamp of each record that has one (records without are left out)."""
    distances: list[float | None] = field(default_factory=list)
    altitudes: list[float | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Definition:
    """A definition message compiled for its data messages: what to unpack, and how."""

    kind: int
    """The global message number (RECORD, SESSION, SPORT, or another one read for its time)."""
    size: int
    """Bytes of a data message after its header, developer fields included."""
    unpack: Callable[[Any, int], tuple[Any, ...]] | None
    names: tuple[str, ...]
    invalids: tuple[int | None, ...]
    scales: tuple[Scale, ...]
    slots: tuple[int, int, int, int, int]
    """Index in the unpacked values of a record's timestamp, distance, altitude,
    enhanced_altitude and compressed_speed_distance; -1 where the definition has none."""
    rows: struct.Struct | None
    """Header byte plus the fields, to read a run of records of this definition at once."""


@dataclass(slots=True)
class DecoderState:
    """What carries from message to message (and into a chained file, as in the SDK)."""

    defs: list[Definition | None] = field(default_factory=lambda: [None] * 16)
    last_time: int | None = None
    distance_total: int | None = None
    distance_last: int = 0


def read_definition(data: bytes, pos: int, end: int, defs: list[Definition | None]) -> int:
    """Read the definition message at ``pos`` into ``defs``; return the position after it."""
    header = data[pos]
    if pos + 6 > end:
        raise ReadError("truncated FIT file (in a definition message)")
    big = data[pos + 2] != 0
    global_num = int.from_bytes(data[pos + 3 : pos + 5], "big" if big else "little")
    count = data[pos + 5]
    fields_at = pos + 6
    after = fields_at + 3 * count
    dev_size = 0
    if after > end:
        raise ReadError("truncated FIT file (in a definition message)")
    if header & 0x20:  # developer fields: skipped by their declared size
        if after + 1 > end:
            raise ReadError("truncated FIT file (in a definition message)")
        dev_count = data[after]
        dev_at = after + 1
        after = dev_at + 3 * dev_count
        if after > end:
            raise ReadError("truncated FIT file (in a definition message)")
        dev_size = sum(data[dev_at + 3 * i + 1] for i in range(dev_count))
    wanted = _WANTED.get(global_num, _ONLY_TIMESTAMP)
    parts = [">" if big else "<"]
    names: list[str] = []
    invalids: list[int | None] = []
    scales: list[Scale] = []
    size = 0
    for i in range(count):
        number, width, raw_base = data[fields_at + 3 * i : fields_at + 3 * i + 3]
        base = raw_base & 0x1F
        if base not in _BASE_TYPES:
            raise ReadError("damaged FIT file (unknown base type in a definition)")
        code, unit, invalid = _BASE_TYPES[base]
        if width % unit:  # the SDK's rule: a size that is no multiple reads as bytes
            base, code, unit, invalid = _UINT8
        size += width
        entry = wanted.get(number)
        if entry is not None and entry[0] == CSD:
            if base == _BYTE and width == 3:
                parts.append("3s")
                names.append(CSD)
                invalids.append(None)
                scales.append(entry[1])
                continue
        elif entry is not None and width == unit and base != _STRING:
            parts.append(code)
            names.append(entry[0])
            invalids.append(invalid)
            scales.append(entry[1])
            continue
        parts.append(f"{width}x")
    unpack = struct.Struct("".join(parts)).unpack_from if names else None
    slots = tuple(_last_index(names, name) for name in _RECORD_SLOTS)
    rows = None
    if global_num == RECORD and slots[0] >= 0 and slots[4] < 0:
        rows = struct.Struct(parts[0] + "B" + "".join(parts[1:]) + f"{dev_size}x")
    defs[header & 0x0F] = Definition(
        global_num,
        size + dev_size,
        unpack,
        tuple(names),
        tuple(invalids),
        tuple(scales),
        (slots[0], slots[1], slots[2], slots[3], slots[4]),
        rows,
    )
    return after


def _last_index(names: list[str], name: str) -> int:
    """Where ``name`` was last unpacked (a repeated field: the later one, as in the SDK)."""
    return len(names) - 1 - names[::-1].index(name) if name in names else -1
