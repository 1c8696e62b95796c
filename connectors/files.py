"""Activities from a folder of FIT, GPX and TCX files, plain, gzipped or in zip archives.

A *unit* is one file under the root: an activity file (``.fit``, ``.gpx``, ``.tcx``, each
possibly ``.gz``) or a ``.zip`` archive of them (:mod:`connectors.archives`). The cursor is a
JSON object: ``files`` maps each unit's relative POSIX path to its fingerprint
(``"mtime_ns:size"``), so a pull decodes only new or changed units and reports the runs of
units that disappeared in ``removed_run_ids``. ``ids`` keeps the run ids of units that did not
give exactly ``file:<path>``, ``skipped`` the fingerprint and reasons of units that could not
be read or hold no run (so they are neither decoded nor reported again until they change),
``newest`` the start of each unit's newest run and ``shift_weeks`` the demo shift (see
``relative_to_today``).

A file that cannot be read becomes a :class:`Problem` once; the other files are still
imported. A folder or file that cannot be looked at keeps the runs it gave before and is
reported on every pull while it lasts. A Strava export's ``activities.csv`` gives the sport of
the files it lists (:mod:`connectors.strava_export`).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from connectors.archives import Entry, entries, is_archive, read_all, zip_csvs
from connectors.base import Problem, PullResult
from connectors.file_checks import check_before_decoding, clean_recording, implausible
from connectors.file_scan import STRAVA_CSV, Scan, scan, shown, under
from connectors.fit_reader import read_fit, read_fit_bytes
from connectors.gpx_reader import read_gpx, read_gpx_stream
from connectors.recording import CannotRead, NotARun, ReadError, Recording
from connectors.sport_labels import NOT_ON_FOOT, UNKNOWN, classify
from connectors.strava_export import MAX_CSV_BYTES, decode_csv, file_types
from connectors.tcx_reader import read_tcx, read_tcx_stream
from planner.models import DescentSource, Run, Sport, Terrain
from planner.terrain import measure

Reader = Callable[[Path], list[Recording]]
READERS: dict[str, Reader] = {".fit": read_fit, ".gpx": read_gpx, ".tcx": read_tcx}
"""Readers of plain files, by suffix."""
StreamReader = Callable[[BinaryIO], list[Recording]]
STREAM_READERS: dict[str, StreamReader] = {
    ".fit": lambda stream: read_fit_bytes(read_all(stream)),
    ".gpx": read_gpx_stream,
    ".tcx": read_tcx_stream,
}
"""Readers of unpacked archive members and gzip files, by suffix."""

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Activities before this are a wrong clock (FIT's epoch is 1989), not a run."""
CURSOR_VERSION = 1
FASTEST_MS = 30 / 3.6  # hamsync default
"""An average moving speed above 30 km/h over a whole activity is no runner's (the marathon
record is 21 km/h): a wrong distance or clock."""
STEEPEST = 0.6  # hamsync default
"""More descent than 60 % of the distance over a whole activity is no course's: vertical-km
descents average 30-40 %; such a figure is altitude noise or spikes."""
MOVING_SLACK_S = 60.0
"""Moving time may exceed elapsed time by this (rounding of lap sums) and is then cut to it."""


@dataclass(frozen=True, slots=True)
class Skip:
    """A unit's remembered problems: its fingerprint when read, and (where, why, quiet)."""

    fingerprint: str
    problems: tuple[tuple[str, str, bool], ...]


@dataclass(slots=True)
class _Cursor:
    files: dict[str, str]
    ids: dict[str, list[str]]
    newest: dict[str, str]
    shift_weeks: int | None
    skipped: dict[str, Skip] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> _Cursor:
        empty = cls({}, {}, {}, None)
        if not text:
            return empty
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("v") != CURSOR_VERSION:
                return empty
            shift = raw.get("shift_weeks")
            ids = {str(k): [str(i) for i in v] for k, v in dict(raw.get("ids", {})).items()}
            for rel, count in dict(raw.get("runs", {})).items():  # cursors before the ids
                ids.setdefault(str(rel), run_ids(str(rel), int(count)))
            skipped = {
                str(k): Skip(str(v["fp"]), tuple((str(w), str(y), bool(q)) for w, y, q in v["p"]))
                for k, v in dict(raw.get("skipped", {})).items()
            }
            return cls(
                files={str(k): str(v) for k, v in dict(raw.get("files", {})).items()},
                ids=ids,
                newest={str(k): str(v) for k, v in dict(raw.get("newest", {})).items()},
                shift_weeks=int(shift) if isinstance(shift, int) else None,
                skipped=skipped,
            )
        except (ValueError, TypeError, AttributeError, KeyError):  # damaged: read everything
            return empty

    def ids_of(self, rel: str) -> list[str]:
        return self.ids.get(rel, [unit_id(rel)]) if rel in self.files else []

    def dump(self) -> str:
        body: dict[str, object] = {"v": CURSOR_VERSION, "files": dict(sorted(self.files.items()))}
        ids = {k: v for k, v in self.ids.items() if v != [unit_id(k)]}
        if ids:
            body["ids"] = dict(sorted(ids.items()))
        if self.skipped:
            body["skipped"] = {
                k: {"fp": v.fingerprint, "p": [list(p) for p in v.problems]}
                for k, v in sorted(self.skipped.items())
            }
        if self.newest:
            body["newest"] = dict(sorted(self.newest.items()))
        if self.shift_weeks is not None:
            body["shift_weeks"] = self.shift_weeks
        return json.dumps(body, separators=(",", ":"))


def unit_id(rel: str) -> str:
    """The run id of a unit that gave one run: ``file:<path>`` (odd bytes shown as ``\\xNN``)."""
    return f"file:{shown(rel)}"


def run_ids(rel: str, count: int) -> list[str]:
    """The run ids of a file that gave ``count`` runs: ``file:<rel>``, or ``#1``.. when several."""
    if count == 1:
        return [unit_id(rel)]
    return [f"{unit_id(rel)}#{n}" for n in range(1, count + 1)]


@dataclass(slots=True)
class _Outcome:
    """What decoding one unit gave: recordings per entry id, problems, ids to keep as they were."""

    recordings: dict[str, list[Recording]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str, bool]] = field(default_factory=list)
    keep_prefixes: list[str] = field(default_factory=list)
    """Ids of entries that failed to read: their old runs stay."""
    whole_failed: bool = False
    retry: bool = False
    """The system refused a read: not remembered, tried again on the next pull."""


class FilesSource:
    """An :class:`~connectors.base.ActivitySource` reading activity files and archives."""

    def __init__(
        self,
        root: Path,
        tz: ZoneInfo,
        relative_to_today: bool = False,
        name: str = "files",
        sports: Mapping[str, str] | None = None,
    ) -> None:
        self.root = Path(root)
        self.tz = tz
        self.relative_to_today = relative_to_today
        self.name = name
        self.sports = dict(sports or {})
        """The runner's ``[sources.files] sports``: label -> run, trail_run, hike, other, skip."""

    def pull(self, cursor: str | None, today: date) -> PullResult:
        """Runs of new or changed files since ``cursor``, oldest first; problems per bad file."""
        old = _Cursor.parse(cursor)
        found = scan(self.root)
        types, csv_problems = self._strava_types(found)
        fps = {rel: self._fingerprint(rel, fp, found) for rel, fp in found.units.items()}
        hidden = self._hidden(old, found)
        changed = [
            rel
            for rel, fp in fps.items()
            if old.files.get(rel) != fp
            and not (rel in old.skipped and old.skipped[rel].fingerprint == fp)
        ]
        outcomes = {rel: self._decode(rel, types) for rel in sorted(changed)}

        newest: dict[str, str] = {}
        shift = 0
        if self.relative_to_today:
            newest = {r: v for r, v in old.newest.items() if r in fps and r not in changed}
            for rel, outcome in outcomes.items():
                starts = [r.start for recs in outcome.recordings.values() for r in recs if r.start]
                if starts:
                    newest[rel] = max(starts).isoformat()
            shift = self._shift_weeks(newest.values(), today)
        if shift != (old.shift_weeks or 0):  # every run moves: read every file again
            for rel in sorted(fps):
                if rel not in outcomes and rel in old.files:
                    outcome = self._decode(rel, types)
                    outcome.problems = []  # reported when first seen
                    outcomes[rel] = outcome

        new = _Cursor(dict(old.files), dict(old.ids), newest, shift or None, dict(old.skipped))
        runs: list[Run] = []
        removed: list[str] = []
        fresh: list[Problem] = [Problem(w, y) for w, y, _q in csv_problems]
        retried: list[Problem] = []
        for rel in sorted(outcomes):
            outcome = outcomes[rel]
            file_runs = self._unit_runs(outcome, shift, today)
            old_ids = old.ids_of(rel)
            if outcome.whole_failed:
                kept = old_ids  # unreadable now: the runs it gave before stay
            else:
                kept = [i for i in old_ids if any(_belongs(i, p) for p in outcome.keep_prefixes)]
                new.files[rel] = fps[rel]
            got = [r.id for r in file_runs]
            ids = got + [i for i in kept if i not in got]
            removed.extend(i for i in old_ids if i not in ids)
            runs.extend(file_runs)
            if rel in new.files:
                new.ids[rel] = ids
            if outcome.retry:  # reported each time, until the system lets us read it
                new.skipped.pop(rel, None)
                fresh.extend(Problem(w, y, q) for w, y, q in outcome.problems)
                retried.extend(Problem(w, y, q) for w, y, q in outcome.problems)
            elif outcome.problems:
                new.skipped[rel] = Skip(fps[rel], tuple(outcome.problems))
                if rel in changed:
                    fresh.extend(Problem(w, y, q) for w, y, q in outcome.problems)
            else:
                new.skipped.pop(rel, None)
        for rel in sorted((set(old.files) | set(old.skipped)) - set(fps)):
            if rel in hidden:
                continue
            removed.extend(old.ids_of(rel))
            new.files.pop(rel, None)
            new.ids.pop(rel, None)
            new.skipped.pop(rel, None)
        problems = [p for p in fresh if not p.quiet]
        blocked = [Problem(self._where(rel), why) for rel, why in found.unreadable.items()]
        problems += blocked
        skipped = [Problem(w, y, q) for s in new.skipped.values() for w, y, q in s.problems]
        skipped += blocked + retried
        runs.sort(key=lambda r: (r.start, r.id))
        problems.sort(key=lambda p: p.where)
        return PullResult(
            tuple(runs),
            new.dump(),
            tuple(problems),
            tuple(removed),
            skipped=tuple(sorted(skipped, key=lambda p: p.where)),
        )

    def _where(self, rel: str, inner: str = "") -> str:
        where = str(self.root / shown(rel)) if rel else str(self.root)
        return f"{where}/{shown(inner)}" if inner else where

    def _hidden(self, old: _Cursor, found: Scan) -> set[str]:
        """Units known before that sit in a folder (or are a file) that cannot be read now."""
        known = set(old.files) | set(old.skipped)
        return {rel for rel in known for bad in found.unreadable if under(rel, bad)}

    def _fingerprint(self, rel: str, fp: str, found: Scan) -> str:
        """The unit's fingerprint, with that of the ``activities.csv`` that gives its sport."""
        for csv_rel, csv_fp in found.csvs.items():
            folder = csv_rel.rpartition("/")[0]
            if under(rel, folder):
                return f"{fp}|{csv_fp}"
        return fp

    def _strava_types(self, found: Scan) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
        types: dict[str, str] = {}
        problems: list[tuple[str, str, bool]] = []
        for rel in sorted(found.csvs):
            try:
                data = (self.root / rel).read_bytes()[: MAX_CSV_BYTES + 1]
            except OSError as exc:
                problems.append((self._where(rel), f"cannot read it ({exc.strerror})", False))
                continue
            if len(data) > MAX_CSV_BYTES:
                problems.append((self._where(rel), "larger than any activity list", False))
                continue
            types.update(file_types(decode_csv(data), rel.rpartition("/")[0]))
        return types, problems

    def _zip_types(self, path: Path, rel: str) -> dict[str, str]:
        """The sports an ``activities.csv`` inside the zip gives its members (keyed by id)."""
        out: dict[str, str] = {}
        for inner, data in zip_csvs(path, STRAVA_CSV, MAX_CSV_BYTES).items():
            folder = inner.rpartition("/")[0]
            out.update(file_types(decode_csv(data), f"{rel}/{folder}" if folder else rel))
        return out

    def _decode(self, rel: str, types: Mapping[str, str]) -> _Outcome:
        """Decode one unit; every failure becomes a problem of the unit or of its member."""
        outcome = _Outcome()
        path = self.root / rel
        try:
            check_before_decoding(path)
            if is_archive(rel):
                types = {**types, **self._zip_types(path, rel)}
            members = entries(path)
            for entry in members:
                self._decode_entry(rel, entry, types, outcome)
        except ReadError as exc:
            outcome.problems.append((self._where(rel), str(exc), _quiet(exc)))
            outcome.whole_failed = not isinstance(exc, NotARun)
            outcome.retry = isinstance(exc, CannotRead)
        except Exception as exc:  # a reader bug must not stop the other files
            why = f"unexpected error while reading: {exc!r}"
            outcome.problems.append((self._where(rel), why, False))
            outcome.whole_failed = True
        return outcome

    def _decode_entry(
        self, rel: str, entry: Entry, types: Mapping[str, str], outcome: _Outcome
    ) -> None:
        key = f"{rel}/{entry.inner}" if entry.inner else rel
        where = self._where(rel, entry.inner)
        try:
            if not entry.inner and not is_archive(rel) and not rel.lower().endswith(".gz"):
                recs = READERS[entry.suffix](self.root / rel)
            else:
                with entry.open() as stream:
                    recs = STREAM_READERS[entry.suffix](stream)
        except ReadError as exc:
            if not entry.inner:
                raise  # the unit's own problem
            outcome.problems.append((where, str(exc), _quiet(exc)))
            if not isinstance(exc, NotARun):
                outcome.keep_prefixes.append(unit_id(key))
            return
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            if not entry.inner:
                raise ReadError(f"damaged compressed data ({exc})") from exc
            outcome.problems.append((where, f"damaged compressed data ({exc})", False))
            outcome.keep_prefixes.append(unit_id(key))
            return
        outcome.recordings[key] = recs
        label = types.get(key) or types.get(key.lower())
        if label:
            outcome.labels[key] = label

    def _unit_runs(self, outcome: _Outcome, shift: int, today: date) -> list[Run]:
        """The runs of a decoded unit; entries that give none become (quiet) problems."""
        runs: list[Run] = []
        for key, recs in outcome.recordings.items():
            where = self._where(key)
            try:
                judged = self._judge(recs, outcome.labels.get(key))
                ids = run_ids(key, len(judged))
                runs.extend(
                    self._run(i, r, shift, today) for i, r in zip(ids, judged, strict=True)
                )
            except ReadError as exc:
                outcome.problems.append((where, str(exc), _quiet(exc)))
                if not isinstance(exc, NotARun):
                    outcome.keep_prefixes.append(unit_id(key))
            except Exception as exc:  # absurd values must not stop the other files
                why = f"unusable values in the activity ({exc!r})"
                outcome.problems.append((where, why, False))
                outcome.keep_prefixes.append(unit_id(key))
        return runs

    def _judge(self, recs: list[Recording], strava_type: str | None) -> list[Recording]:
        """The recordings to store, their sport settled; NotARun when there is none."""
        if not recs:
            raise NotARun("holds no activity on foot (a ride, a swim or another sport)", True)
        out: list[Recording] = []
        unknown: list[str] = []
        skipped: list[str] = []
        for rec in recs:
            label = strava_type or rec.label
            if label is None:
                out.append(rec)
                continue
            verdict = classify(label, self.sports)
            if verdict == UNKNOWN:
                unknown.append(label)
            elif verdict == NOT_ON_FOOT:
                skipped.append(label)
            else:
                sport = Sport(verdict)
                trail = sport is Sport.TRAIL_RUN
                out.append(replace(rec, sport=sport, trail=trail or rec.trail))
        if out:
            return out
        if unknown:
            raise NotARun(
                f"unknown sport {unknown[0]!r}: not taken for a run (map it under "
                "[sources.files] sports, e.g. sports = {" + f'"{unknown[0]}" = "run"' + "})"
            )
        raise NotARun(f"not an activity on foot ({skipped[0]})", quiet=True)

    def _shift_weeks(self, newest: Iterable[str], today: date) -> int:
        """Whole weeks that move the newest run into the 7 days before ``today``.

        With ``days`` from the newest run's local date to today, a shift of ``k`` weeks leaves
        ``days - 7k`` days; ``k = (days - 1) // 7`` puts that in 1..7 (negative k moves back).
        """
        starts = [datetime.fromisoformat(s) for s in newest]
        if not starts:
            return 0
        days = (today - max(starts).astimezone(self.tz).date()).days
        return (days - 1) // 7

    def _run(self, run_id: str, rec: Recording, shift: int, today: date) -> Run:
        rec = clean_recording(rec)
        why = implausible(rec)
        if why is not None:
            raise ReadError(why)
        if rec.start is None:
            raise ReadError("the activity has no timestamps")
        if rec.start < EARLIEST:
            raise ReadError(f"the activity is dated {rec.start:%Y-%m-%d}, before 2000")
        for label, value in (("elapsed", rec.elapsed_s), ("moving", rec.moving_s)):
            if value is not None and value < 0:
                raise ReadError(f"negative {label} time ({value:.0f} s)")
        if rec.distance_m is not None and rec.distance_m < 0:
            raise ReadError(f"negative distance ({rec.distance_m:.0f} m)")
        start = rec.start
        if shift:
            start = (start.astimezone(self.tz) + timedelta(weeks=shift)).astimezone(UTC)
        if start.astimezone(self.tz).date() > today + timedelta(days=1):
            raise ReadError(f"the activity is dated {start:%Y-%m-%d}, in the future")
        terrain = measure(rec.altitudes, rec.distances) if rec.altitudes else None
        if terrain is not None and terrain.descent_per_km == 0 and rec.distance_m:
            # no distance stream: the per-km figure from the activity's total distance
            per_km = round(terrain.descent_m / (rec.distance_m / 1000), 1)
            terrain = replace(terrain, descent_per_km=per_km)
        ascent, descent, source = _climb(rec, terrain)
        elapsed = rec.elapsed_s if rec.elapsed_s is not None else (rec.moving_s or 0.0)
        moving = rec.moving_s if rec.moving_s is not None else elapsed
        _plausible(rec.distance_m or 0.0, moving, elapsed, descent, source)
        return Run(
            id=run_id,
            sources=(run_id,),
            start=start,
            sport=rec.sport,
            distance_m=rec.distance_m or 0.0,
            moving_s=min(moving, elapsed) if elapsed else moving,
            elapsed_s=elapsed,
            ascent_m=ascent,
            descent_m=descent,
            descent_from=source,
            terrain=terrain,
            name=rec.name,
            platform_trail=rec.trail or rec.sport is Sport.TRAIL_RUN,
        )


def _plausible(
    distance: float, moving: float, elapsed: float, descent: float | None, source: DescentSource
) -> None:
    """Raise ReadError for computed figures no run has (issue 13, kind 5)."""
    if elapsed and moving > elapsed + MOVING_SLACK_S:
        raise ReadError(
            f"its moving time ({moving / 60:.0f} min) exceeds its elapsed time "
            f"({elapsed / 60:.0f} min)"
        )
    span = moving or elapsed
    if span > 0 and distance > 1000 and distance / span > FASTEST_MS:
        raise ReadError(
            f"{distance / 1000:.1f} km in {span / 60:.1f} min ({distance / span * 3.6:.0f} km/h), "
            "faster than any runner"
        )
    steep = descent is not None and descent > max(100.0, STEEPEST * distance)
    if source == "computed" and steep and distance > 0:
        raise ReadError(
            f"its computed descent ({descent:.0f} m) is more than the distance allows "
            f"({distance / 1000:.1f} km)"
        )


def _belongs(run_id: str, prefix: str) -> bool:
    return run_id == prefix or run_id.startswith(prefix + "#")


def _quiet(exc: ReadError) -> bool:
    return isinstance(exc, NotARun) and exc.quiet


def _climb(
    rec: Recording, terrain: Terrain | None
) -> tuple[float | None, float | None, DescentSource]:
    """Device totals win; else our measurement of the altitude stream; else nothing."""
    if rec.device_descent_m is not None:
        ascent = rec.device_ascent_m
        if ascent is None and terrain is not None:
            ascent = terrain.ascent_m
        return ascent, rec.device_descent_m, "device"
    if terrain is not None:
        return terrain.ascent_m, terrain.descent_m, "computed"
    return None, None, "none"
