"""FIT sports by the FIT profile's meaning (issue 13, fault 13): a treadmill run is a run, a
``generic`` session with nothing else to tell is an unknown sport, reported and mappable.

The files are synthetic FIT files built with the helpers of ``test_fit_fast`` (message layout
from the FIT profile: session 18, sport 5, sub_sport 6); the official SDK agrees on each.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fit_sdk_reference import read_fit_sdk
from test_fit_fast import definition, file_id, fit_file, message, session

from connectors.files import FilesSource
from connectors.fit_reader import read_fit
from planner.models import Sport

TZ = ZoneInfo("UTC")
TODAY = date(2026, 11, 30)
T0 = 1_100_000_000


def _fit(sport: int, sub: int) -> bytes:
    records = definition(0, 20, [(253, 4, 0x86), (5, 4, 0x86)])
    records += b"".join(message(0, "II", T0 + 6 * i, 1234 * i) for i in range(11))
    return fit_file(file_id(4) + records + session(1, False, sport=sport, sub=sub))


@pytest.mark.parametrize(
    ("sport", "sub", "expected"),
    [
        (1, 1, Sport.RUN),  # running / treadmill (a Garmin watch's treadmill run)
        (4, 1, Sport.RUN),  # fitness_equipment / treadmill: "Run/Fitness Equipment"
        (4, 45, Sport.RUN),  # fitness_equipment / indoor_running
        (0, 1, Sport.RUN),  # generic / treadmill: the sub-sport is the evidence
        (0, 3, Sport.TRAIL_RUN),  # generic / trail
    ],
    ids=["running-treadmill", "equipment-treadmill", "equipment-indoor", "generic-treadmill",
         "generic-trail"],
)  # fmt: skip
def test_treadmill_and_running_sub_sports_are_runs(
    tmp_path: Path, sport: int, sub: int, expected: Sport
) -> None:
    """A treadmill session is a run, however the device files it; the SDK reads the same."""
    path = tmp_path / "t.fit"
    path.write_bytes(_fit(sport, sub))
    (rec,) = read_fit(path)
    assert rec.sport is expected and rec.label is None
    assert read_fit_sdk(path) == [rec]
    (run,) = FilesSource(tmp_path, TZ).pull(None, TODAY).runs
    assert run.sport is expected and run.distance_m == pytest.approx(123.45)
    if sub in (1, 45):  # a treadmill: no climb or descent, whatever the barometer said
        assert (run.descent_m, run.descent_from, run.terrain) == (None, "none", None)
    else:
        assert run.descent_from == "device" and run.descent_m == 31


def test_treadmill_barometer_noise_is_no_descent(tmp_path: Path) -> None:
    """Another shape: a treadmill run whose records carry a drifting altitude (the weather
    indoors) is stored without descent, never as a trail or a heavy descent."""
    records = definition(0, 20, [(253, 4, 0x86), (5, 4, 0x86), (2, 2, 0x84)])
    records += b"".join(
        message(0, "IIH", T0 + 6 * i, 1234 * i, (500 + 1000 + (i % 2) * 40) * 5) for i in range(11)
    )
    fields = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (9, 4, 0x86), (5, 1, 0), (6, 1, 0)]
    body = records + definition(1, 18, fields)
    body += message(1, "IIIIBB", T0 + 60, T0, 60_000, 12_345, 1, 1)
    (tmp_path / "treadmill.fit").write_bytes(fit_file(file_id(4) + body))
    (run,) = FilesSource(tmp_path, TZ).pull(None, TODAY).runs
    assert run.sport is Sport.RUN and run.descent_m is None and not run.platform_trail


@pytest.mark.parametrize(("sport", "sub"), [(4, 15), (4, 16), (2, 0), (5, 17)])
def test_other_equipment_rides_and_swims_are_skipped_quietly(
    tmp_path: Path, sport: int, sub: int
) -> None:
    """An elliptical or stair climber, a ride, a swim: not a run, listed but not warned about."""
    (tmp_path / "x.fit").write_bytes(_fit(sport, sub))
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert result.runs == () and result.problems == ()
    assert result.skipped is not None and [p.quiet for p in result.skipped] == [True]


def test_generic_session_is_an_unknown_sport_said_once_and_mappable(tmp_path: Path) -> None:
    """The tester's ``s_generic.fit``: reported once by file and label, listed by ``runs
    --skipped``, and a run once ``[sources.files] sports`` maps ``generic``."""
    (tmp_path / "s_generic.fit").write_bytes(_fit(0, 0))
    source = FilesSource(tmp_path, TZ)
    first = source.pull(None, TODAY)
    assert first.runs == ()
    (problem,) = first.problems
    assert problem.where.endswith("s_generic.fit") and "unknown sport 'generic'" in problem.why
    second = source.pull(first.cursor, TODAY)
    assert second.problems == () and second.skipped == first.skipped
    mapped = FilesSource(tmp_path, TZ, sports={"generic": "run"}).pull(None, TODAY)
    assert [r.sport for r in mapped.runs] == [Sport.RUN] and mapped.problems == ()


def test_session_without_a_sport_field_is_not_taken_for_a_run(tmp_path: Path) -> None:
    """Another shape: a session that names no sport at all is the same unknown sport."""
    fields = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (9, 4, 0x86)]
    body = definition(0, 20, [(253, 4, 0x86)]) + message(0, "I", T0)
    body += definition(1, 18, fields) + message(1, "IIII", T0 + 60, T0, 60_000, 12_345)
    (tmp_path / "nosport.fit").write_bytes(fit_file(file_id(4) + body))
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert result.runs == ()
    (problem,) = result.problems
    assert problem.why.startswith("unknown sport 'generic'")
