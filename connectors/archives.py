"""Activity files as exports deliver them: plain, gzipped, or inside a zip archive.

Strava's bulk export is ``export_<id>.zip`` holding ``activities/<id>.fit.gz|.gpx.gz|.tcx.gz``
and ``activities.csv`` (rainbow-roads #5, marcusvolz/strava #19); Garmin Connect's "Export
Original" is a zip holding ``<id>_ACTIVITY.fit`` (pe-st/garmin-connect-export #48). Both are
read with the standard library (:mod:`gzip`, :mod:`zipfile`) inside fixed bounds, so an
archive bomb is refused with its reason instead of filling memory or disk:

- at most :data:`MAX_MEMBERS` members and :data:`MAX_UNPACKED_BYTES` unpacked in one archive,
  counting the archives nested in it, and all of that at most :data:`MAX_RATIO` times the
  archive's own size;
- no member (nor a ``.gz`` file) expands more than :data:`MAX_RATIO` times its packed size;
- each activity, once unpacked, within the size limit of its format
  (:data:`connectors.file_checks.MAX_FIT_BYTES`, ``MAX_XML_BYTES``);
- zips inside the zip (Garmin's full data export holds its FIT files in
  ``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip``) at most
  :data:`MAX_NESTING` deep; a nested zip refused is named with its reason, the others read.

Members are read one at a time, XML through a bounded stream; only a nested zip is unpacked
(to memory, or a temporary file that is deleted when it has been read).
Member names that are not UTF-8 (zips made without the UTF-8 flag) are decoded as the zip
format says (code page 437) and read like the others.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from connectors.file_checks import MAX_FIT_BYTES, MAX_XML_BYTES
from connectors.recording import NotARun, ReadError

MAX_UNPACKED_BYTES = 2 * 2**30  # hamsync default (issue 13: 2 GB)
MAX_MEMBERS = 20_000  # hamsync default (a Strava export of 15 years holds ~5,000 activities)
MAX_RATIO = 100  # hamsync default: FIT packs 2-5x, GPX/TCX 5-20x; bombs pack 1000x and more
RATIO_FLOOR_BYTES = 1 << 20
MAX_NESTING = 2  # hamsync default: Garmin's data export holds its files one zip deep
"""Zips inside the zip read (a zip in a zip in a zip at most); deeper ones are refused."""
SPOOL_IN_MEMORY_BYTES = 16 * 2**20
"""A nested zip up to this size is unpacked in memory, a larger one to a temporary file."""
"""Below this unpacked size the ratio is not judged (tiny members pack absurdly well)."""

FORMATS = (".fit", ".gpx", ".tcx")


def activity_format(name: str) -> tuple[str, bool] | None:
    """``(".fit" | ".gpx" | ".tcx", gzipped)`` for an activity file name, else None."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    for suffix in FORMATS:
        if lower.endswith(suffix):
            return suffix, gzipped
    return None


def is_archive(name: str) -> bool:
    return name.lower().endswith(".zip")


def limit_for(suffix: str) -> int:
    return MAX_FIT_BYTES if suffix == ".fit" else MAX_XML_BYTES


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Bounded(io.RawIOBase):
    """A read-only stream that raises :class:`ReadError` once more than ``limit`` bytes or
    ``ratio`` times ``packed`` bytes have come out of ``inner``."""

    def __init__(
        self,
        inner: _Readable,
        limit: int,
        packed: int,
        what: str,
        beyond: str = "more than any activity",
    ) -> None:
        super().__init__()
        self._beyond = beyond
        self._inner = inner
        self._limit = limit
        self._packed = max(packed, 1)
        self._what = what
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise ReadError(
                f"{self._what} unpacks to more than {self._limit // 2**20} MB, "
                f"{self._beyond}; not read"
            )
        if self.count > RATIO_FLOOR_BYTES and self.count > MAX_RATIO * self._packed:
            raise ReadError(
                f"{self._what} unpacks more than {MAX_RATIO} times its packed size "
                "(an archive bomb?); not read"
            )
        buffer[: len(data)] = data
        return len(data)


@dataclass(frozen=True, slots=True)
class Entry:
    """One activity file of a unit: ``inner`` is its path inside an archive ('' otherwise)."""

    inner: str
    suffix: str
    open: Callable[[], BinaryIO]
    """A fresh, bounded byte stream of the (unpacked) activity file."""


def entries(path: Path) -> Iterator[Entry]:
    """The activity files that ``path`` holds (itself, its gzip content, or a zip's members).

    Raise :class:`ReadError` for an archive refused as a whole (too many members, too large).
    """
    if is_archive(path.name):
        yield from _zip_entries(path)
        return
    fmt = activity_format(path.name)
    if fmt is None:
        return
    suffix, gzipped = fmt
    if not gzipped:
        yield Entry("", suffix, lambda: path.open("rb"))
        return
    packed = path.stat().st_size

    def unpack() -> BinaryIO:
        inner = gzip.open(path, "rb")  # noqa: SIM115 (closed with the stream returned)
        return io.BufferedReader(Bounded(inner, limit_for(suffix), packed, "the gzip file"))

    yield Entry("", suffix, unpack)


@dataclass(slots=True)
class _Budget:
    """What one archive may unpack, counted across the archives nested in it."""

    packed: int
    """The size of the archive on disk: all that is unpacked comes from these bytes."""
    members: int = 0
    unpacked: int = 0

    def take(self, members: list[zipfile.ZipInfo], what: str, nested: bool) -> None:
        """Count ``members`` of ``what``; raise :class:`ReadError` past a bound. The ratio of
        all unpacked to the outer archive is judged for ``nested`` archives (at the top, each
        member's own ratio is, so that one bomb does not cost its good neighbours)."""
        self.members += len(members)
        self.unpacked += sum(m.file_size for m in members)
        if self.members > MAX_MEMBERS:
            raise ReadError(
                f"{what} holds {self.members:,} members, more than {MAX_MEMBERS:,}; not read"
            )
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise ReadError(
                f"{what} unpacks to {self.unpacked / 2**20:,.1f} MB, more than "
                f"{MAX_UNPACKED_BYTES / 2**20:,.1f} MB; not read"
            )
        bomb = self.unpacked > RATIO_FLOOR_BYTES and self.unpacked > MAX_RATIO * self.packed
        if nested and bomb:
            raise ReadError(
                f"{what} unpacks more than {MAX_RATIO} times the size of the archive "
                "(an archive bomb?); not read"
            )


def _zip_entries(path: Path) -> Iterator[Entry]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"not a readable zip archive ({exc})") from exc
    with archive:
        budget = _Budget(max(path.stat().st_size, 1))
        found = yield from _members(archive, "", budget, 0)
    if not found:
        raise NotARun("the archive holds no FIT, GPX or TCX file")


def _members(
    archive: zipfile.ZipFile, prefix: str, budget: _Budget, depth: int
) -> Generator[Entry, None, int]:
    """The entries of ``archive`` (itself at ``prefix`` inside the outer one, ``depth`` zips
    deep) and of the archives it holds; return how many activity files were found."""
    members = archive.infolist()
    budget.take(
        members, f"the archive {prefix.rstrip('/')}" if prefix else "the archive", depth > 0
    )
    found = 0
    seen: dict[str, int] = {}  # a zip may hold two members of one name: each is read
    for info in members:
        if info.is_dir():
            continue
        if is_archive(info.filename):
            found += 1
            yield from _nested(archive, info, prefix, budget, depth + 1)
            continue
        fmt = activity_format(info.filename)
        if fmt is None:
            continue
        found += 1
        seen[info.filename] = seen.get(info.filename, 0) + 1
        yield _zip_entry(archive, info, *fmt, prefix=prefix, copy=seen[info.filename])
    return found


def _nested(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: str, budget: _Budget, depth: int
) -> Iterator[Entry]:
    """The entries of a zip inside a zip (Garmin's data export holds its files so), unpacked
    to a temporary file within the outer archive's budget; a refused one is one entry whose
    ``open`` raises the reason."""
    inner = f"{prefix}{info.filename}"
    if depth > MAX_NESTING:
        why = f"a zip inside {MAX_NESTING + 1} zips, deeper than any export; not read"
        yield _refused(inner, ReadError(why))
        return
    with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY_BYTES) as spool:
        try:
            with archive.open(info) as raw:
                limit = MAX_UNPACKED_BYTES - budget.unpacked + info.file_size
                beyond = "beyond what the outer archive may unpack"
                bounded = Bounded(raw, limit, info.compress_size, f"the archive {inner}", beyond)
                shutil.copyfileobj(bounded, spool)
            spool.seek(0)
            nested = zipfile.ZipFile(spool)
        except ReadError as exc:
            yield _refused(inner, exc)
            return
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            yield _refused(inner, ReadError(f"not a readable zip archive ({exc})"))
            return
        with nested:
            try:
                found = yield from _members(nested, inner + "/", budget, depth)
            except ReadError as exc:
                yield _refused(inner, exc)
                return
        if not found:
            yield _refused(inner, NotARun("the archive holds no FIT, GPX or TCX file"))


def _refused(inner: str, exc: ReadError) -> Entry:
    """An entry for an archive member that is refused: opening it raises ``exc``."""

    def refuse() -> BinaryIO:
        raise exc

    return Entry(inner, ".zip", refuse)


def _zip_entry(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    suffix: str,
    gz: bool,
    prefix: str = "",
    copy: int = 1,
) -> Entry:
    """The entry of one member; the ``copy``-th of its name (from 2 on) is ``name (copy)``, a
    name no activity member has (it ends in no activity suffix), so its id is its own."""
    inner = f"{prefix}{info.filename}" + (f" ({copy})" if copy > 1 else "")
    what = f"the member {inner}"

    def unpack() -> BinaryIO:
        try:
            raw: IO[bytes] = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
            raise ReadError(f"cannot unpack {what} ({exc})") from exc
        limit = limit_for(suffix)
        stream: BinaryIO = io.BufferedReader(
            Bounded(raw, limit if not gz else limit // 4, info.compress_size, what)
        )
        if gz:
            inner = gzip.GzipFile(fileobj=stream, mode="rb")
            stream = io.BufferedReader(Bounded(inner, limit, info.compress_size, what))
        return stream

    return Entry(inner, suffix, unpack)


def read_all(stream: BinaryIO) -> bytes:
    """Everything a bounded stream gives (a FIT file is decoded from bytes)."""
    with stream:
        return stream.read()


def zip_csvs(path: Path, name: str, limit: int) -> dict[str, bytes]:
    """Inner path -> content of each member called ``name`` (case aside) of at most ``limit``
    bytes; {} for a zip that cannot be opened (its entries report that)."""
    out: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist()[:MAX_MEMBERS]:
                base = info.filename.rpartition("/")[2].lower()
                if base == name and info.file_size <= limit:
                    with archive.open(info) as member:
                        out[info.filename] = member.read(limit + 1)[:limit]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return {}
    return out
