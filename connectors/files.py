"""Activities from a folder of FIT, GPX and TCX files.

The cursor is a JSON object: ``files`` maps each file's relative POSIX path to its fingerprint
(``"mtime_ns:size"``), so a pull decodes only new or changed files and reports the runs of files
that disappeared in ``removed_run_ids``. ``runs`` keeps the run count of files that did not give
exactly one run (so their ids can be removed), ``newest`` the start of each file's newest run and
``shift_weeks`` the demo shift (see ``relative_to_today``).

A file that cannot be read becomes a :class:`Problem`; the other files are still imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.base import Problem, PullResult
from connectors.file_checks import check_before_decoding, clean_recording, implausible
from connectors.fit_reader import read_fit
from connectors.gpx_reader import read_gpx
from connectors.recording import ReadError, Recording
from connectors.tcx_reader import read_tcx
from planner.models import DescentSource, Run, Sport, Terrain
from planner.terrain import measure

Reader = Callable[[Path], list[Recording]]
READERS: dict[str, Reader] = {".fit": read_fit, ".gpx": read_gpx, ".tcx": read_tcx}

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Activities before this are a wrong clock (FIT's epoch is 1989), not a run."""
CURSOR_VERSION = 1


@dataclass(frozen=True, slots=True)
class _Cursor:
    files: dict[str, str]
    runs: dict[str, int]
    newest: dict[str, str]
    shift_weeks: int | None

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
            return cls(
                files={str(k): str(v) for k, v in dict(raw.get("files", {})).items()},
                runs={str(k): int(v) for k, v in dict(raw.get("runs", {})).items()},
                newest={str(k): str(v) for k, v in dict(raw.get("newest", {})).items()},
                shift_weeks=int(shift) if isinstance(shift, int) else None,
            )
        except (ValueError, TypeError, AttributeError):  # not ours or damaged: read everything
            return empty

    def dump(self) -> str:
        body: dict[str, object] = {"v": CURSOR_VERSION, "files": dict(sorted(self.files.items()))}
        if self.runs:
            body["runs"] = dict(sorted(self.runs.items()))
        if self.newest:
            body["newest"] = dict(sorted(self.newest.items()))
        if self.shift_weeks is not None:
            body["shift_weeks"] = self.shift_weeks
        return json.dumps(body, separators=(",", ":"))


def run_ids(rel: str, count: int) -> list[str]:
    """The run ids of a file that gave ``count`` runs: ``file:<rel>``, or ``#1``.. when several."""
    if count == 1:
        return [f"file:{rel}"]
    return [f"file:{rel}#{n}" for n in range(1, count + 1)]


class FilesSource:
    """An :class:`~connectors.base.ActivitySource` reading ``*.fit``, ``*.gpx``, ``*.tcx``."""

    def __init__(
        self, root: Path, tz: ZoneInfo, relative_to_today: bool = False, name: str = "files"
    ) -> None:
        self.root = Path(root)
        self.tz = tz
        self.relative_to_today = relative_to_today
        self.name = name

    def pull(self, cursor: str | None, today: date) -> PullResult:
        """Runs of new or changed files since ``cursor``, oldest first; problems per bad file."""
        old = _Cursor.parse(cursor)
        found = self._scan()
        changed = [rel for rel, fp in found.items() if old.files.get(rel) != fp]
        problems: list[Problem] = []
        decoded: dict[str, list[Recording]] = {}
        self._decode(changed, decoded, problems)

        newest: dict[str, str] = {}
        shift = 0
        if self.relative_to_today:
            newest = {r: v for r, v in old.newest.items() if r in found and r not in changed}
            for rel, recs in decoded.items():
                starts = [r.start for r in recs if r.start is not None]
                if starts:
                    newest[rel] = max(starts).isoformat()
            shift = self._shift_weeks(newest.values(), today)
        if shift != (old.shift_weeks or 0):  # every run moves: read every file again
            self._decode([r for r in found if r not in changed], decoded, problems)

        new = _Cursor(dict(old.files), dict(old.runs), newest, shift or None)
        runs: list[Run] = []
        removed: list[str] = []
        for rel in sorted(decoded):
            try:
                file_runs = self._runs(rel, decoded[rel], shift, today)
            except ReadError as exc:
                problems.append(Problem(where=self._where(rel), why=str(exc)))
                continue
            except Exception as exc:  # absurd values must not stop the other files
                why = f"unusable values in the activity ({exc!r})"
                problems.append(Problem(where=self._where(rel), why=why))
                continue
            old_ids = run_ids(rel, old.runs.get(rel, 1)) if rel in old.files else []
            removed.extend(i for i in old_ids if i not in {r.id for r in file_runs})
            runs.extend(file_runs)
            new.files[rel] = found[rel]
            new.runs.pop(rel, None)
            if len(file_runs) != 1:
                new.runs[rel] = len(file_runs)
        for rel in sorted(set(old.files) - set(found)):
            removed.extend(run_ids(rel, old.runs.get(rel, 1)))
            new.files.pop(rel, None)
            new.runs.pop(rel, None)
        runs.sort(key=lambda r: (r.start, r.id))
        problems.sort(key=lambda p: p.where)
        return PullResult(tuple(runs), new.dump(), tuple(problems), tuple(removed))

    def _where(self, rel: str) -> str:
        return str(self.root / rel)

    def _scan(self) -> dict[str, str]:
        """Relative POSIX path -> fingerprint of every activity file under the root."""
        out: dict[str, str] = {}
        if not self.root.is_dir():
            return out
        for path in self.root.rglob("*"):
            if path.suffix.lower() not in READERS:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file():
                out[path.relative_to(self.root).as_posix()] = f"{st.st_mtime_ns}:{st.st_size}"
        return out

    def _decode(
        self, rels: list[str], into: dict[str, list[Recording]], problems: list[Problem]
    ) -> None:
        for rel in sorted(rels):
            path = self.root / rel
            try:
                check_before_decoding(path)
                into[rel] = READERS[path.suffix.lower()](path)
            except ReadError as exc:
                problems.append(Problem(where=self._where(rel), why=str(exc)))
            except Exception as exc:  # a reader bug must not stop the other files
                problems.append(
                    Problem(where=self._where(rel), why=f"unexpected error while reading: {exc!r}")
                )

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

    def _runs(self, rel: str, recordings: list[Recording], shift: int, today: date) -> list[Run]:
        """Validated runs of one file; raise ReadError when any of them is absurd."""
        ids = run_ids(rel, len(recordings))
        return [
            self._run(run_id, rec, shift, today)
            for run_id, rec in zip(ids, recordings, strict=True)
        ]

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
        return Run(
            id=run_id,
            sources=(run_id,),
            start=start,
            sport=rec.sport,
            distance_m=rec.distance_m or 0.0,
            moving_s=rec.moving_s if rec.moving_s is not None else elapsed,
            elapsed_s=elapsed,
            ascent_m=ascent,
            descent_m=descent,
            descent_from=source,
            terrain=terrain,
            name=rec.name,
            platform_trail=rec.trail or rec.sport is Sport.TRAIL_RUN,
        )


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
