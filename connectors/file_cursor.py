"""The files connector's cursor: what it read, what it skipped, and the ids it gave.

A JSON object: ``files`` maps each unit's relative POSIX path (names that are not UTF-8 kept
losslessly as JSON escapes of their surrogates) to its fingerprint (``"mtime_ns:size"``);
``ids`` keeps the run ids of units that did not give exactly ``file:<path>``; ``skipped`` the
fingerprint and problems (where, why, quiet) of units that could not be read or hold no run;
``newest`` the start of each unit's newest run and ``shift_weeks`` the demo shift; ``reader``
the :data:`READER_VERSION` that read the files and ``sports`` the runner's mapping they were
judged by (either changing reads every file again). Cursors written before ``ids`` existed kept a
run count in ``runs``, and those before ``reader`` were read by version 1; they are read too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from connectors.file_scan import shown

CURSOR_VERSION = 1
READER_VERSION = 2
"""The rules by which files become runs. Raise it whenever a release changes what a file
gives (a reader, the sport classification, a plausibility check): the next pull reads every
file again, so runs stored by older rules are corrected or removed (issue 13, fault 1).
Version 1: before the issue-13 classification (every FIT file a run, GPX types ignored)."""


@dataclass(frozen=True, slots=True)
class Skip:
    """A unit's remembered problems: its fingerprint when read, and (where, why, quiet)."""

    fingerprint: str
    problems: tuple[tuple[str, str, bool], ...]


@dataclass(slots=True)
class Cursor:
    files: dict[str, str]
    ids: dict[str, list[str]]
    newest: dict[str, str]
    shift_weeks: int | None
    skipped: dict[str, Skip] = field(default_factory=dict)
    reader: int = READER_VERSION
    """The :data:`READER_VERSION` that read the files of this cursor."""
    sports: dict[str, str] = field(default_factory=dict)
    """The runner's ``[sources.files] sports`` the files were judged by."""

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
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
                reader=int(raw.get("reader", 1)),
                sports={str(k): str(v) for k, v in dict(raw.get("sports", {})).items()},
            )
        except (ValueError, TypeError, AttributeError, KeyError):  # damaged: read everything
            return empty

    def ids_of(self, rel: str) -> list[str]:
        return self.ids.get(rel, [unit_id(rel)]) if rel in self.files else []

    def dump(self) -> str:
        body: dict[str, object] = {
            "v": CURSOR_VERSION,
            "reader": self.reader,
            "files": dict(sorted(self.files.items())),
        }
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
        if self.sports:
            body["sports"] = dict(sorted(self.sports.items()))
        return json.dumps(body, separators=(",", ":"))


def unit_id(rel: str) -> str:
    """The run id of a unit that gave one run: ``file:<path>`` (odd bytes shown as ``\\xNN``)."""
    return f"file:{shown(rel)}"


def run_ids(rel: str, count: int) -> list[str]:
    """The run ids of a file that gave ``count`` runs: ``file:<rel>``, or ``#1``.. when several."""
    if count == 1:
        return [unit_id(rel)]
    return [f"{unit_id(rel)}#{n}" for n in range(1, count + 1)]


def belongs(run_id: str, prefix: str) -> bool:
    """True if ``run_id`` is ``prefix``, one of its numbered runs (``prefix#2``), or a run of
    an archive it names (``prefix/inner.fit``: a zip inside a zip)."""
    return run_id == prefix or run_id.startswith((prefix + "#", prefix + "/"))
