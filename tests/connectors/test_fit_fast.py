"""The fast FIT reader against the official SDK: identical figures, clean errors on bad files."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Sequence
from pathlib import Path

import pytest
from fit_sdk_reference import read_fit_sdk
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.fit_crc import crc16
from connectors.fit_fast import FIT_EPOCH_S, decode
from connectors.fit_reader import read_fit, read_fit_bytes
from connectors.recording import NotARun, ReadError
from planner.models import Sport

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "activities"
T0 = 1_100_000_000  # FIT seconds: 2024-11-09
Field = tuple[int, int, int]
"""(field number, size in bytes, base type id) of a definition message."""


def reference_crc(data: bytes) -> int:
    """CRC-16/ARC one bit at a time, straight from its definition."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def fit_file(body: bytes, header_size: int = 14) -> bytes:
    header = struct.pack("<BBHI4s", header_size, 0x20, 21158, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", reference_crc(header))
    data = header + body
    return data + struct.pack("<H", reference_crc(data))


def definition(
    local: int, global_num: int, fields: Sequence[Field], big: bool = False,
    dev: Sequence[Field] = (),
) -> bytes:  # fmt: skip
    flags = 0x40 | (0x20 if dev else 0) | local
    out = struct.pack(">BBBHB" if big else "<BBBHB", flags, 0, int(big), global_num, len(fields))
    out += b"".join(bytes(f) for f in fields)
    if dev:
        out += bytes([len(dev)]) + b"".join(bytes(f) for f in dev)
    return out


def message(header: int, fmt: str, *values: object, big: bool = False) -> bytes:
    return bytes([header]) + struct.pack((">" if big else "<") + fmt, *values)


def session(local: int, big: bool, sport: int = 1, sub: int = 3) -> bytes:
    fields = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86),
              (22, 2, 0x84), (23, 2, 0x84), (5, 1, 0x00), (6, 1, 0x00)]  # fmt: skip
    return definition(local, 18, fields, big) + message(
        local, "IIIIIHHBB", T0 + 60, T0, 60_123, 59_999, 12_345, 0xFFFF, 31, sport, sub, big=big
    )


def write(tmp_path: Path, data: bytes, name: str = "a.fit") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_same_recordings_as_official_sdk_on_every_real_file(testdata_dir: Path) -> None:
    """Every real and sample FIT file gives exactly the official SDK's recordings."""
    paths = sorted((testdata_dir / "activities").glob("*.fit")) + sorted(SAMPLES.rglob("*.fit"))
    assert len(paths) >= 20
    different = [p.name for p in paths if read_fit(p) != read_fit_sdk(p)]
    assert different == []


@pytest.mark.parametrize("big", [False, True])
def test_same_figures_as_sdk_on_awkward_records(tmp_path: Path, big: bool) -> None:
    """Endianness, developer fields, invalid values, arrays and odd sizes decode like the SDK."""
    rec = [(253, 4, 0x86), (5, 4, 0x86), (2, 2, 0x84), (78, 4, 0x86), (3, 1, 0x02), (4, 3, 0x84)]
    body = definition(0, 20, rec, big, dev=[(0, 5, 0)])  # 5 bytes of developer data
    rows = [
        (T0, 100, 2600, 2700, 150),  # altitude and enhanced: the SDK expands altitude
        (T0 + 1, 0xFFFFFFFF, 0xFFFF, 2800, 150),  # no distance; enhanced altitude only
        (T0 + 2, 300, 0xFFFF, 0xFFFFFFFF, 150),  # no altitude at all
        (0xFFFFFFFF, 400, 2600, 2700, 150),  # no timestamp: the sample is left out
        (T0 + 4, 500, 0, 0, 150),  # -500 m, the lowest value
    ]
    for row in rows:
        body += message(0, "IIHIB3s5s", *row, b"\x01\x02\x03", b"devel", big=big)
    body += definition(1, 20, [(253, 4, 0x86), (5, 8, 0x86), (78, 3, 0x86)], big)
    body += message(1, "I8s3s", T0 + 5, b"\x00" * 8, b"\x01\x02\x03", big=big)  # arrays
    body += session(2, big)
    path = write(tmp_path, fit_file(body))
    fast, reference = read_fit(path), read_fit_sdk(path)
    assert fast == reference
    assert fast[0].altitudes == [20.0, 60.0, None, -500.0, None]
    assert fast[0].distances == [1.0, None, 3.0, 5.0, None]
    assert fast[0].elapsed_s == 60.123 and fast[0].device_ascent_m is None


def test_compressed_speed_distance_accumulates_like_sdk(tmp_path: Path) -> None:
    """Old devices' 12-bit wrapping distance counter gives the SDK's distances."""
    body = definition(0, 20, [(253, 4, 0x86), (8, 3, 0x0D)])
    for i, step in enumerate([100, 2000, 4000, 50, 3000]):  # wraps after 4095
        packed = bytes([0x34, 0x02 | ((step & 0xF) << 4), step >> 4])
        body += message(0, "I3s", T0 + i, packed)
    body += session(1, False)
    path = write(tmp_path, fit_file(body))
    fast = read_fit(path)
    assert fast == read_fit_sdk(path)
    assert fast[0].distances[-1] == (100 + 1900 + 2000 + 146 + 2950) / 16


def test_compressed_timestamp_headers(tmp_path: Path) -> None:
    """Records with a compressed-timestamp header get times counted from the last full one."""
    body = definition(0, 20, [(253, 4, 0x86), (5, 4, 0x86)])
    body += definition(1, 20, [(5, 4, 0x86)])
    body += message(0, "II", T0, 0)  # T0 % 32 == 0
    body += message(0x80 | (1 << 5) | 3, "I", 300)  # offset 3 -> T0 + 3
    body += message(0x80 | (1 << 5) | 1, "I", 600)  # 1 < 3: the 5-bit counter wrapped -> T0+33
    body += session(2, False)
    fit = decode(fit_file(body))
    assert fit.times == [T0, T0 + 3, T0 + 33]
    assert fit.distances == [0.0, 3.0, 6.0]


def records_only(sport_message: bytes = b"") -> bytes:
    body = sport_message + definition(0, 20, [(253, 4, 0x86), (5, 4, 0x86), (78, 4, 0x86)])
    for i in range(5):
        body += message(0, "III", T0 + 10 * i, 1000 * i, 2500 + 10 * i)
    return body


def file_id(file_type: int) -> bytes:
    return definition(3, 0, [(0, 1, 0x00)]) + message(3, "B", file_type)


@pytest.mark.parametrize(
    ("carrier", "sport"),
    [
        (definition(4, 12, [(0, 1, 0x00), (1, 1, 0x00)]) + message(4, "BB", 1, 0), Sport.RUN),
        (
            definition(4, 19, [(25, 1, 0x00), (39, 1, 0x00)]) + message(4, "BB", 1, 3),
            Sport.TRAIL_RUN,
        ),
        (definition(4, 19, [(25, 1, 0x00)]) + message(4, "B", 17), Sport.HIKE),
    ],
    ids=["sport message", "lap: trail", "lap: hiking"],
)
def test_file_without_session_takes_its_sport_from_sport_or_lap(
    tmp_path: Path, carrier: bytes, sport: Sport
) -> None:
    """Records only (a 12-byte header too): one activity, its sport from a sport or lap message."""
    path = write(tmp_path, fit_file(file_id(4) + carrier + records_only(), header_size=12))
    fast = read_fit(path)
    assert fast == read_fit_sdk(path)
    assert fast[0].sport is sport
    assert fast[0].elapsed_s == 40.0 and fast[0].distance_m == 40.0
    assert fast[0].start is not None and fast[0].start.timestamp() == T0 + FIT_EPOCH_S


def test_file_without_session_or_sport_is_not_a_run(tmp_path: Path) -> None:
    """Records and nothing that names a sport (a bike computer's file): not a run, as the SDK."""
    path = write(tmp_path, fit_file(file_id(4) + records_only()))
    for reader in (read_fit, read_fit_sdk):
        with pytest.raises(NotARun, match="nothing says it is a run"):
            reader(path)


@pytest.mark.parametrize(("file_type", "kind"), [(6, "course"), (5, "workout"), (2, "settings")])
def test_course_workout_settings_files_are_not_activities(
    tmp_path: Path, file_type: int, kind: str
) -> None:
    """``file_id.type`` other than activity: skipped quietly, whatever records it holds."""
    path = write(tmp_path, fit_file(file_id(file_type) + records_only() + session(1, False)))
    for reader in (read_fit, read_fit_sdk):
        with pytest.raises(NotARun, match=kind) as caught:
            reader(path)
        assert caught.value.quiet


def test_cycling_session_is_not_returned(tmp_path: Path) -> None:
    """A ride in a FIT file gives no recording, like any activity not on foot."""
    body = definition(0, 20, [(253, 4, 0x86)]) + message(0, "I", T0) + session(1, False, sport=2)
    assert read_fit(write(tmp_path, fit_file(body))) == []


def test_every_truncation_is_a_read_error(tmp_path: Path) -> None:
    """A FIT file cut at any byte is refused with a ReadError, never decoded half."""
    body = definition(0, 20, [(253, 4, 0x86), (5, 4, 0x86)], dev=[(0, 2, 0)])
    body += b"".join(message(0, "II2s", T0 + i, i, b"xy") for i in range(4)) + session(1, False)
    data = fit_file(body)
    assert len(read_fit(write(tmp_path, data))) == 1
    for cut in range(len(data)):
        with pytest.raises(ReadError):
            decode(data[:cut])


def test_flipped_byte_fails_the_crc(testdata_dir: Path) -> None:
    """One damaged byte anywhere in a real file is a ReadError, as the SDK's CRC check says."""
    data = bytearray(
        (testdata_dir / "activities" / "workoutizer_fr645m_hilly_run_7k.fit").read_bytes()
    )
    for at in (20, len(data) // 2, len(data) - 3):
        damaged = bytearray(data)
        damaged[at] ^= 0x10
        with pytest.raises(ReadError, match="CRC"):
            decode(bytes(damaged))


def test_definition_past_the_end_is_a_read_error() -> None:
    """A definition that declares more fields than the file holds is refused, not read on."""
    body = struct.pack("<BBBHB", 0x40, 0, 0, 20, 255) + b"\x00" * 9
    with pytest.raises(ReadError, match="truncated"):
        decode(fit_file(body))


def test_timestamp_beyond_any_calendar_is_a_read_error(tmp_path: Path) -> None:
    """A 64-bit timestamp billions of years away is a ReadError, not a crash."""
    body = definition(4, 12, [(0, 1, 0x00)]) + message(4, "B", 1)  # sport: running
    body += definition(0, 20, [(253, 8, 0x8F), (5, 4, 0x86)])
    body += message(0, "QI", 2**62, 100)
    with pytest.raises(ReadError, match="out of range"):
        read_fit(write(tmp_path, fit_file(body)))


def test_trailing_bytes_that_are_not_a_fit_file_are_refused() -> None:
    """Bytes after the file that are no chained FIT file make it unreadable, as with the SDK."""
    data = fit_file(definition(0, 20, [(253, 4, 0x86)]) + message(0, "I", T0))
    assert decode(data + data).times == [T0, T0]  # a chained file is read too
    with pytest.raises(ReadError, match="not a FIT file"):
        decode(data + b"garbage bytes")


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400))
def test_random_bodies_decode_or_raise_read_error(body: bytes) -> None:
    """Any message bytes behind a valid header and CRC either decode or raise ReadError."""
    try:
        found = read_fit_bytes(fit_file(body))
    except ReadError:
        return
    assert sum(len(r.altitudes) for r in found) <= len(body)


def _valid_body() -> bytes:
    rec = [(253, 4, 0x86), (5, 4, 0x86), (2, 2, 0x84), (8, 3, 0x0D)]
    body = definition(0, 20, rec, dev=[(0, 2, 0)])
    for i in range(6):
        body += message(0, "IIH3s2s", T0 + i, 100 * i, 2600 + i, b"\x01\x02\x03", b"dv")
    body += message(0x80 | 1, "IIH3s2s", 0, 0, 0, b"\xff\xff\xff", b"dv")
    return body + session(1, True) + session(2, False, sport=11)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6))
def test_damaged_messages_behind_a_valid_crc_decode_or_raise(
    changes: list[tuple[int, int]],
) -> None:
    """A valid file with bytes changed (its CRC made right again) decodes or raises ReadError."""
    assert len(read_fit_bytes(fit_file(_valid_body()))) == 2  # unchanged: both sessions
    body = bytearray(_valid_body())
    for at, value in changes:
        body[at % len(body)] = value
    with contextlib.suppress(ReadError):
        read_fit_bytes(fit_file(bytes(body)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_crc_matches_the_bitwise_definition(data: bytes) -> None:
    """The big-integer CRC equals the bit-by-bit CRC-16 of the FIT protocol."""
    assert crc16(data) == reference_crc(data)
