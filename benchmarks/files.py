"""Import of activity files: hamsync's readers against the libraries a runner would use."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import Corpus
from benchmarks.table import Row, per_second, ratio

Decoder = Callable[[Path], object]


def _sdk(path: Path) -> object:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_file(str(path))).read()
    if errors:
        raise RuntimeError(errors[0])
    return messages


def _fitdecode(path: Path) -> object:
    import fitdecode

    with fitdecode.FitReader(str(path)) as reader:
        return sum(1 for _ in reader)


def _fitparse(path: Path) -> object:
    import fitparse

    with warnings.catch_warnings():  # fitparse 1.2 calls the deprecated utcfromtimestamp
        warnings.simplefilter("ignore", DeprecationWarning)
        fit = fitparse.FitFile(str(path))
        fit.parse()
    return fit.messages


def _gpxpy(path: Path) -> object:
    import gpxpy

    with path.open(encoding="utf-8") as handle:
        return gpxpy.parse(handle)


def _elementtree(path: Path) -> object:
    from xml.etree import ElementTree

    return ElementTree.parse(path)


def _ours(suffix: str) -> Decoder:
    from connectors.fit_reader import read_fit
    from connectors.gpx_reader import read_gpx
    from connectors.tcx_reader import read_tcx

    return {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}[suffix]


ALTERNATIVES: dict[str, list[tuple[str, Decoder]]] = {
    "fit": [("garmin-fit-sdk", _sdk), ("fitdecode", _fitdecode), ("fitparse", _fitparse)],
    "gpx": [("gpxpy.parse", _gpxpy)],
    "tcx": [("ElementTree.parse", _elementtree)],
}


def rows(label: str, corpus: Corpus, baseline_every: int, quick: bool) -> list[Row]:
    """Files per second of hamsync's reader and each alternative, format by format.

    Baselines read every ``baseline_every``-th file only (a rate needs no more, and the slow
    ones would take minutes on a thousand files); hamsync reads all of them.
    """
    out: list[Row] = []
    for fmt in ("fit", "gpx", "tcx"):
        paths: list[Path] = getattr(corpus, fmt)
        if not paths:
            continue
        size_mb = sum(p.stat().st_size for p in paths) / 2**20
        ours = per_second(paths, _ours(fmt), min_s=0.0 if quick else 1.0)
        what = f"import {fmt.upper()}: {label} ({len(paths)} files, {size_mb:.1f} MB)"
        sample = paths[::baseline_every]
        for name, decode in ALTERNATIVES[fmt]:
            theirs = per_second(sample, decode)
            note = f"alternative on {len(sample)} files" if len(sample) < len(paths) else ""
            out.append(
                Row(
                    "files",
                    what,
                    f"{ours:,.1f} files/s",
                    f"{name}: {theirs:,.1f} files/s",
                    ratio(ours, theirs),
                    note,
                )
            )
    return out
