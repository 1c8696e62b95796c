"""Walk an activities folder: which files are there, which could not be looked at, and names.

A folder or file that cannot be read (permissions, a stale network mount) is *not* absent: it
is reported in :attr:`Scan.unreadable` so that the runs it gave before are kept, where
``Path.rglob`` would silently leave it out. Names are kept as the operating system gives them
(undecodable bytes as surrogate escapes, :pep:`383`), so they round-trip losslessly; they are
shown with :func:`shown`, which writes such bytes as ``\\xNN``.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from connectors.archives import activity_format, is_archive

STRAVA_CSV = "activities.csv"


@dataclass(slots=True)
class Scan:
    units: dict[str, str] = field(default_factory=dict)
    """Relative POSIX path -> ``"mtime_ns:size"`` of every activity file or archive."""
    csvs: dict[str, str] = field(default_factory=dict)
    """Relative path -> fingerprint of every Strava ``activities.csv``."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """Relative path of a folder or file that could not be read -> why."""


def shown(rel: str) -> str:
    """``rel`` for messages and ids: each byte that is not UTF-8 written as a backslash, ``x``
    and two hex digits, and each backslash of the name doubled. So two names are never shown
    alike (a Latin-1 e-acute and a name that spells that escape out), and the run ids made
    from them cannot collide (issue 13, fault 12)."""
    raw = rel.encode("utf-8", "surrogateescape").replace(b"\\", b"\\\\")
    return raw.decode("utf-8", "backslashreplace")


def list_folder(path: str) -> list[os.DirEntry[str]]:
    """The entries of one folder (tests replace this to inject faults: CI runs as root)."""
    with os.scandir(path) as it:
        return list(it)


def scan(root: Path) -> Scan:
    """Every activity file, archive and ``activities.csv`` under ``root``, recursively.

    Links are followed, to folders and files alike, also out of ``root`` (it is the runner's
    own disk). Each folder is read once, by the first of its paths in breadth-first, sorted
    order: a link back to a folder above it (a loop) or a second way to a folder adds
    nothing. A link that cannot be followed is reported in :attr:`Scan.unreadable`.
    """
    out = Scan()
    if not root.is_dir():
        return out
    seen = {_identity(root.stat())}
    pending = deque([""])
    while pending:
        rel_dir = pending.popleft()
        try:
            children = list_folder(str(root / rel_dir) if rel_dir else str(root))
        except OSError as exc:
            out.unreadable[rel_dir] = f"cannot read the folder ({exc.strerror or exc})"
            continue
        for entry in sorted(children, key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            _visit(entry, rel, out, pending, seen)
    return out


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    out: Scan,
    pending: deque[str],
    seen: set[tuple[int, int]],
) -> None:
    wanted = activity_format(entry.name) is not None or is_archive(entry.name)
    is_csv = entry.name.lower() == STRAVA_CSV
    try:
        if entry.is_dir():  # a link to a folder too
            folder = _identity(entry.stat())
            if folder not in seen:  # else a loop, or a folder read by another path
                seen.add(folder)
                pending.append(rel)
            return
        if entry.is_symlink() and not entry.is_file():
            if wanted or is_csv or "." not in entry.name:  # an activity, or a folder's name
                target = Path(entry.path).readlink()
                out.unreadable[rel] = f"a link to {target} that cannot be followed"
            return
        if not (wanted or is_csv):
            return
        st = entry.stat()
        if not entry.is_file():
            return
    except OSError as exc:
        out.unreadable[rel] = f"cannot read the file ({exc.strerror or exc})"
        return
    fingerprint = f"{st.st_mtime_ns}:{st.st_size}"
    if is_csv:
        out.csvs[rel] = fingerprint
    else:
        out.units[rel] = fingerprint


def under(rel: str, folder: str) -> bool:
    """True if ``rel`` is ``folder`` or inside it (``""`` is the root)."""
    return not folder or rel == folder or rel.startswith(folder + "/")
