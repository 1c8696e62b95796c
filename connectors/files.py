"""Activities from a folder of FIT, GPX and TCX files, plain, gzipped or in zip archives.

A *unit* is one file under the root: an activity file (``.fit``, ``.gpx``, ``.tcx``, each
possibly ``.gz``) or a ``.zip`` archive of them (:mod:`connectors.archives`). The cursor
(:mod:`connectors.file_cursor`) holds each unit's fingerprint, so a pull decodes only new or
changed units and reports the runs of units that disappeared in ``removed_run_ids``; units
that could not be read or hold no run are remembered with their reasons, so they are neither
decoded nor reported again until they change. Each recording becomes a run, checked, in
:mod:`connectors.file_runs`; its sport label is judged by :mod:`connectors.sport_labels`.

A file that cannot be read becomes a :class:`Problem` once; the other files are still
imported. A folder or file that cannot be looked at keeps the runs it gave before and is
reported on every pull while it lasts. A Strava export's ``activities.csv`` gives the sport of
the files it lists (:mod:`connectors.strava_export`).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from connectors.archives import Entry, entries, is_archive, read_all, zip_csvs
from connectors.base import Problem, PullResult, SourceError
from connectors.file_checks import check_before_decoding
from connectors.file_cursor import READER_VERSION, Cursor, Skip, belongs, run_ids, unit_id
from connectors.file_runs import to_run
from connectors.file_scan import STRAVA_CSV, Scan, scan, shown, under
from connectors.fit_reader import read_fit, read_fit_bytes
from connectors.gpx_reader import read_gpx, read_gpx_stream
from connectors.recording import CannotRead, NotARun, ReadError, Recording
from connectors.sport_labels import NOT_ON_FOOT, UNKNOWN, classify, fold
from connectors.strava_export import MAX_CSV_BYTES, decode_csv, file_types
from connectors.tcx_reader import read_tcx, read_tcx_stream
from planner.models import Run, Sport

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
SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "activities"
"""The shipped sample runs (in a clone of hamsync), the one folder ``relative_to_today`` is
meant for."""


@dataclass(slots=True)
class _Outcome:
    """What decoding one unit gave: recordings per entry id, problems, ids to keep as they were."""

    recordings: dict[str, list[Recording]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str, bool]] = field(default_factory=list)
    keep_prefixes: list[str] = field(default_factory=list)
    """Ids of entries that failed to read: their old runs stay."""
    said: list[tuple[str, str, bool]] = field(default_factory=list)
    """Problems already reported before (a file read again by new rules gives them again)."""
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
        """Runs of new or changed files since ``cursor``, oldest first; problems per bad file.

        Raises ``SourceError`` naming the resolved folder when it does not exist and never
        gave a run (a wrong or relative path); a folder that gave runs and vanished (a disk
        not mounted) reads as empty, for the safety valve to refuse.
        """
        old = Cursor.parse(cursor)
        if not old.files and not old.skipped and not self.root.is_dir():
            what = "is not a folder" if self.root.exists() else "does not exist"
            raise SourceError(
                f"activity folder {self.root.resolve()} {what}",
                fix=(
                    "set [sources.files] path to your folder of FIT, GPX and TCX files "
                    "(a relative path is relative to the config file's folder)"
                ),
            )
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
        reread = self._rules_changed(old)  # new rules: every file is read again
        if reread:
            for rel in sorted(set(fps) - set(outcomes)):
                outcome = self._decode(rel, types)
                before = old.skipped[rel].problems if rel in old.skipped else ()
                outcome.said = [p for p in outcome.problems if p in before]
                outcomes[rel] = outcome

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

        new = Cursor(dict(old.files), dict(old.ids), newest, shift or None, dict(old.skipped))
        runs: list[Run] = []
        removed: list[str] = []
        dropped: list[str] = []
        notices: list[str] = []
        fresh: list[Problem] = [Problem(w, y) for w, y, _q in csv_problems]
        retried: list[Problem] = []
        for rel in sorted(outcomes):
            outcome = outcomes[rel]
            file_runs = self._unit_runs(outcome, shift, today)
            old_ids = old.ids_of(rel)
            if outcome.whole_failed:
                kept = old_ids  # unreadable now: the runs it gave before stay
            else:
                kept = [i for i in old_ids if any(belongs(i, p) for p in outcome.keep_prefixes)]
                new.files[rel] = fps[rel]
            got = [r.id for r in file_runs]
            ids = got + [i for i in kept if i not in got]
            gone = [i for i in old_ids if i not in ids]
            removed.extend(gone)
            if gone and len(ids) < len(old_ids):  # the file is here, read: fewer runs
                dropped.extend(gone)
                notices.append(self._dropped_notice(rel, outcome, len(old_ids), ids, reread))
            runs.extend(file_runs)
            if rel in new.files:
                new.ids[rel] = ids
            if outcome.retry:  # reported each time, until the system lets us read it
                new.skipped.pop(rel, None)
                fresh.extend(Problem(w, y, q) for w, y, q in outcome.problems)
                retried.extend(Problem(w, y, q) for w, y, q in outcome.problems)
            elif outcome.problems:
                new.skipped[rel] = Skip(fps[rel], tuple(outcome.problems))
                if rel in changed or reread:
                    new_ones = [p for p in outcome.problems if p not in outcome.said]
                    fresh.extend(Problem(w, y, q) for w, y, q in new_ones)
            else:
                new.skipped.pop(rel, None)
        for rel in sorted((set(old.files) | set(old.skipped)) - set(fps)):
            if rel in hidden:
                continue
            removed.extend(old.ids_of(rel))
            new.files.pop(rel, None)
            new.ids.pop(rel, None)
            new.skipped.pop(rel, None)
        new.reader, new.sports = READER_VERSION, self._sports_key()
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
            notices=(*notices, *self._notices(found, old)),
            dropped_run_ids=tuple(dropped),
        )

    def _sports_key(self) -> dict[str, str]:
        return {fold(label): target for label, target in sorted(self.sports.items())}

    def _rules_changed(self, old: Cursor) -> str:
        """How the rules changed since ``old`` was written ('' when they did not)."""
        if old.reader != READER_VERSION:
            return "read again by this version's rules"
        if old.sports != self._sports_key():
            return "read again with the new [sources.files] sports"
        return ""

    def _dropped_notice(
        self, rel: str, outcome: _Outcome, before: int, ids: list[str], reread: str
    ) -> str:
        """One line on the runs a file that is still here no longer gives, and why."""
        how = reread or "changed"
        first = outcome.problems[0] if outcome.problems else None
        shown_above = first is not None and not first[2] and first not in outcome.said
        why = f" ({first[1]})" if first is not None and not shown_above else ""
        if ids:
            what = f"it now holds {len(ids)} of its {before} stored runs{why}: the others are"
        else:
            what = (
                f"it is not a run{why}: its stored run is"
                if before == 1
                else (f"it holds no run{why}: its {before} stored runs are")
            )
        return f"{self._where(rel)}: {how}, {what} removed"

    def _notices(self, found: Scan, old: Cursor) -> tuple[str, ...]:
        """What the runner should hear on every sync: an empty folder, the demo shift on
        a folder of their own (it would move their real runs to this week)."""
        notices: list[str] = []
        if not found.units and not old.files and not found.unreadable:
            notices.append(
                f"no FIT, GPX or TCX files in {self.root.resolve()}: nothing to read yet"
            )
        if self.relative_to_today and self.root.resolve() != SAMPLES:
            notices.append(
                f"relative_to_today is on: the runs in {self.root.resolve()} are moved to this "
                "week as if they were the demo's; delete relative_to_today from "
                "[sources.files] so that your runs keep their dates"
            )
        return tuple(notices)

    def _where(self, rel: str, inner: str = "") -> str:
        where = str(self.root / shown(rel)) if rel else str(self.root)
        return f"{where}/{shown(inner)}" if inner else where

    def _hidden(self, old: Cursor, found: Scan) -> set[str]:
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
                    to_run(i, r, shift, self.tz, today) for i, r in zip(ids, judged, strict=True)
                )
                for note in dict.fromkeys(n for r in recs for n in r.notes):
                    outcome.problems.append((where, note, False))  # parts left out
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


def _quiet(exc: ReadError) -> bool:
    return isinstance(exc, NotARun) and exc.quiet
