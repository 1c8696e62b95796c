"""The ``activities.csv`` of a Strava bulk export: the sport of each exported file.

Strava's export lists every activity with its type ("Run", "Trail Run", "Ride", "Swim",
"Hike", ...) and the file it was exported to (``activities/<id>.gpx.gz``, relative to the
CSV). That type is what the runner chose on Strava, so it wins over what the file says (a GPX
``<type>`` is a number, a FIT file may hold a generic sport). Headers are matched in English
and in the languages Strava exports in (German ``Aktivitätsart``/``Dateiname``, French ``Type
d'activité``/``Nom du fichier``, Spanish, Italian); a CSV without both columns is ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from connectors.sport_labels import fold

MAX_CSV_BYTES = 64 * 2**20  # hamsync default: 15 years of activities is a few MB
_TYPE_HEADERS = {
    fold(h)
    for h in (
        "Activity Type",
        "Aktivitätsart",
        "Aktivitätstyp",
        "Type d'activité",
        "Tipo de actividad",
        "Tipo di attività",
    )
}
_FILE_HEADERS = {
    fold(h) for h in ("Filename", "Dateiname", "Nom du fichier", "Nombre de archivo", "Nome file")
}


def file_types(text: str, folder: str) -> dict[str, str]:
    """Path (relative to the activities root, ``folder`` being the CSV's) -> activity type."""
    rows: Iterable[list[str]] = csv.reader(io.StringIO(text))
    out: dict[str, str] = {}
    header: list[str] | None = None
    type_at = file_at = -1
    for row in rows:
        if header is None:
            header = [fold(h) for h in row]
            type_at = next((i for i, h in enumerate(header) if h in _TYPE_HEADERS), -1)
            file_at = next((i for i, h in enumerate(header) if h in _FILE_HEADERS), -1)
            if type_at < 0 or file_at < 0:
                return {}
            continue
        if len(row) <= max(type_at, file_at):
            continue
        name, sport = row[file_at].strip(), row[type_at].strip()
        if name and sport:
            out[f"{folder}/{name}" if folder else name] = sport
    return out


def decode_csv(data: bytes) -> str:
    """The CSV's text (UTF-8, with or without a byte-order mark; else Latin-1)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
