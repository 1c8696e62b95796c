"""A minimal FIT activity encoder for the sample files (not used by hamsync itself).

Writes just what a watch writes for a simple activity: file_id, timer events, records, one lap,
one session and the activity message, each preceded by its definition message, framed by the
14-byte file header and the trailing CRC-16 of the FIT protocol. All fields little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
PROTOCOL_VERSION = 0x20  # 2.0
PROFILE_VERSION = 21158

BaseType = tuple[int, str]
"""A FIT base type: its id byte and the struct code of its value."""

ENUM, UINT8, UINT16, SINT32, UINT32, UINT32Z = (
    (0x00, "B"),
    (0x02, "B"),
    (0x84, "H"),
    (0x85, "i"),
    (0x86, "I"),
    (0x8C, "I"),
)

SPORTS = {"running": 1, "walking": 11, "hiking": 17}
SUB_SPORTS = {"generic": 0, "street": 2, "trail": 3}

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16, processed a nibble at a time as the protocol document describes."""
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def fit_time(when: datetime) -> int:
    return int((when - FIT_EPOCH).total_seconds())


def semicircles(degrees: float) -> int:
    return round(degrees * (2**31) / 180.0)


@dataclass(frozen=True, slots=True)
class Point:
    time: datetime
    lat: float
    lon: float
    distance_m: float
    altitude_m: float


@dataclass(frozen=True, slots=True)
class Activity:
    sport: str
    sub_sport: str
    points: list[Point]
    timer_s: float
    ascent_m: int
    descent_m: int
    pauses: tuple[tuple[datetime, datetime], ...] = ()
    """(stop, restart) of the timer."""


class _Encoder:
    def __init__(self) -> None:
        self.body = bytearray()
        self.defined: dict[int, tuple[int, tuple[tuple[int, BaseType], ...]]] = {}

    def message(self, local: int, global_num: int, fields: list[tuple[int, BaseType, int]]) -> None:
        layout = tuple((num, base) for num, base, _ in fields)
        if self.defined.get(local) != (global_num, layout):
            self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
            for num, (base_id, code) in layout:
                self.body += struct.pack("<BBB", num, struct.calcsize("<" + code), base_id)
            self.defined[local] = (global_num, layout)
        self.body += struct.pack("<B", local)
        self.body += struct.pack(
            "<" + "".join(base[1] for _, base, _ in fields), *(v for *_, v in fields)
        )

    def file_bytes(self) -> bytes:
        header = struct.pack(
            "<BBHI4s", 14, PROTOCOL_VERSION, PROFILE_VERSION, len(self.body), b".FIT"
        )
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", crc16(data))


def write_fit(path: Path, activity: Activity) -> None:
    """Encode ``activity`` as a FIT activity file at ``path``."""
    pts = activity.points
    start, end = pts[0].time, pts[-1].time
    sport, sub = SPORTS[activity.sport], SUB_SPORTS[activity.sub_sport]
    enc = _Encoder()
    enc.message(
        0,
        0,
        [
            (0, ENUM, 4),
            (1, UINT16, 255),
            (2, UINT16, 1),
            (3, UINT32Z, 12345),
            (4, UINT32, fit_time(start)),
        ],
    )
    enc.message(1, 21, [(253, UINT32, fit_time(start)), (0, ENUM, 0), (1, ENUM, 0)])
    pauses = list(activity.pauses)
    for p in pts:
        while pauses and pauses[0][1] <= p.time:
            stop, restart = pauses.pop(0)
            enc.message(1, 21, [(253, UINT32, fit_time(stop)), (0, ENUM, 0), (1, ENUM, 4)])
            enc.message(1, 21, [(253, UINT32, fit_time(restart)), (0, ENUM, 0), (1, ENUM, 0)])
        enc.message(
            2,
            20,
            [
                (253, UINT32, fit_time(p.time)),
                (0, SINT32, semicircles(p.lat)),
                (1, SINT32, semicircles(p.lon)),
                (5, UINT32, round(p.distance_m * 100)),
                (78, UINT32, round((p.altitude_m + 500) * 5)),
            ],
        )
    enc.message(1, 21, [(253, UINT32, fit_time(end)), (0, ENUM, 0), (1, ENUM, 4)])
    elapsed_ms = round((end - start).total_seconds() * 1000)
    timer_ms = round(activity.timer_s * 1000)
    totals = [
        (253, UINT32, fit_time(end)),
        (0, ENUM, 9),  # event: lap / session
        (1, ENUM, 1),  # event_type: stop
        (2, UINT32, fit_time(start)),
        (7, UINT32, elapsed_ms),
        (8, UINT32, timer_ms),
        (9, UINT32, round(pts[-1].distance_m * 100)),
    ]
    enc.message(
        3,
        19,
        [
            *totals,
            (21, UINT16, activity.ascent_m),
            (22, UINT16, activity.descent_m),
            (25, ENUM, sport),
            (39, ENUM, sub),
            (254, UINT16, 0),
        ],
    )
    enc.message(
        4,
        18,
        [
            *totals[:1],
            (0, ENUM, 8),
            *totals[2:],
            (5, ENUM, sport),
            (6, ENUM, sub),
            (22, UINT16, activity.ascent_m),
            (23, UINT16, activity.descent_m),
            (25, UINT16, 0),
            (26, UINT16, 1),
            (254, UINT16, 0),
        ],
    )
    enc.message(
        5,
        34,
        [
            (253, UINT32, fit_time(end)),
            (0, UINT32, timer_ms),
            (1, UINT16, 1),
            (2, ENUM, 0),
            (3, ENUM, 26),
            (4, ENUM, 1),
        ],
    )
    path.write_bytes(enc.file_bytes())
