"""Samples and totals out of unpacked FIT data messages, with the official SDK's arithmetic."""

from __future__ import annotations

from typing import Any

from connectors.fit_profile import (
    FILE_ID,
    LAP,
    SESSION,
    SPORT,
    DecoderState,
    Definition,
    FitActivity,
)
from connectors.recording import ReadError

MAX_RECORDS = 1_000_000  # hamsync default
"""More samples than 11 days at one a second (longer than any activity, see
``file_checks.LONGEST_S``): the file is refused while it is read, so that a small file of tiny
records cannot hold hundreds of megabytes (issue 15: memory at most 3x the file plus 200 MB)."""
_BLOCK = 4096
"""Records unpacked at a time: the transient tuples of a run stay a few hundred kilobytes."""


def _check_count(out: FitActivity) -> None:
    if len(out.times) > MAX_RECORDS:
        raise ReadError(
            f"the file holds more than {MAX_RECORDS:,} samples, more than any activity; not read"
        )


def record_run(
    data: bytes, pos: int, end: int, definition: Definition, out: FitActivity, state: DecoderState
) -> int:
    """Records from ``pos`` on that share its header byte, read in one pass; the next position.

    Watches write long runs of records with nothing in between; a run ends at the first byte
    at the record stride that is another header (any other message, definition or a
    compressed-timestamp header). The figures are those of :func:`record`, list-wise, taken
    in blocks of :data:`_BLOCK` records.
    """
    assert definition.rows is not None
    header = data[pos]
    stride = definition.size + 1
    whole = (end - pos) // stride
    if whole == 0:
        raise ReadError("truncated FIT file (a message runs past the end of the data)")
    rows_in = definition.rows.iter_unpack(memoryview(data)[pos : pos + whole * stride])
    count = 0
    while True:
        block = []
        ended = False
        for row in rows_in:
            if row[0] != header:
                ended = True
                break
            block.append(row)
            if len(block) == _BLOCK:
                break
        else:
            ended = True
        if block:
            _block(definition, block, out, state)
            count += len(block)
            _check_count(out)
        if ended or len(block) < _BLOCK:
            return pos + count * stride


def _block(definition: Definition, rows: list[Any], out: FitActivity, state: DecoderState) -> None:
    """One block of a run of records (all with a timestamp field), list-wise."""
    i_time, i_distance, i_altitude, i_enhanced, _ = (i + 1 for i in definition.slots)
    _, inv_time, inv_distance, inv_altitude, inv_enhanced = (
        None if i == 0 else definition.invalids[i - 1]
        for i in (0, i_time, i_distance, i_altitude, i_enhanced)
    )
    times = [row[i_time] for row in rows]
    if inv_time in times:  # samples without a time: one by one
        for row in rows:
            record(definition, row[1:], None, out, state)
        return
    if isinstance(times[-1], int):
        state.last_time = times[-1]
    out.times += times
    if i_distance:
        out.distances += [
            r[i_distance] / 100 if r[i_distance] != inv_distance else None for r in rows
        ]
    else:
        out.distances += [None] * len(rows)
    if i_altitude and i_enhanced:
        out.altitudes += [
            r[i_altitude] / 5 - 500
            if r[i_altitude] != inv_altitude
            else (r[i_enhanced] / 5 - 500 if r[i_enhanced] != inv_enhanced else None)
            for r in rows
        ]
    elif i_altitude or i_enhanced:
        i, inv = (i_altitude, inv_altitude) if i_altitude else (i_enhanced, inv_enhanced)
        out.altitudes += [r[i] / 5 - 500 if r[i] != inv else None for r in rows]
    else:
        out.altitudes += [None] * len(rows)


def record(
    definition: Definition,
    values: tuple[Any, ...],
    stamp: int | None,
    out: FitActivity,
    state: DecoderState,
) -> None:
    """One sample: time, distance, altitude, as the SDK would give them."""
    i_time, i_distance, i_altitude, i_enhanced, i_csd = definition.slots
    invalids = definition.invalids
    if i_time >= 0:
        time = values[i_time]
        if time != invalids[i_time]:
            stamp = time
            if isinstance(time, int):
                state.last_time = time
    distance: float | None = None
    if i_distance >= 0:
        raw = values[i_distance]
        if raw != invalids[i_distance]:
            distance = raw / 100
            if i_csd >= 0:  # the SDK re-seeds its distance accumulator here
                state.distance_total = state.distance_last = int(raw)
    if i_csd >= 0:
        distance = _accumulate(values[i_csd], state, distance)
    altitude: float | None = None
    if i_altitude >= 0 and values[i_altitude] != invalids[i_altitude]:
        altitude = values[i_altitude] / 5 - 500  # the SDK expands it into enhanced_altitude
    elif i_enhanced >= 0 and values[i_enhanced] != invalids[i_enhanced]:
        altitude = values[i_enhanced] / 5 - 500
    if stamp is None:
        return
    out.times.append(stamp)
    out.distances.append(distance)
    out.altitudes.append(altitude)
    if not len(out.times) & 0xFFFF:
        _check_count(out)


def _accumulate(packed: bytes, state: DecoderState, distance: float | None) -> float | None:
    """Distance from ``compressed_speed_distance``: a 12-bit count of 1/16 m that wraps."""
    if packed == b"\xff\xff\xff":
        return distance
    step = (packed[1] >> 4) | (packed[2] << 4)  # the second 12 bits, least significant first
    if state.distance_total is None:
        state.distance_total = state.distance_last = step
    state.distance_total += (step - state.distance_last) & 0xFFF
    state.distance_last = step
    return state.distance_total / 16


def other(
    definition: Definition, values: tuple[Any, ...], out: FitActivity, state: DecoderState
) -> None:
    """A session, sport, lap or file_id message, or any message's timestamp (the time base)."""
    message: dict[str, float] = {}
    for name, value, invalid, (scale, offset) in zip(
        definition.names, values, definition.invalids, definition.scales, strict=True
    ):
        if value == invalid:
            continue
        message[name] = (value / scale if scale != 1 else value) - offset
    time = message.get("timestamp")
    if isinstance(time, int):
        state.last_time = time
    if definition.kind == SESSION:
        out.sessions.append(message)
    elif definition.kind == SPORT:
        out.sports.append(message)
    elif definition.kind == LAP:
        out.laps.append(message)
    elif definition.kind == FILE_ID and "type" in message:
        out.file_types.append(int(message["type"]))
