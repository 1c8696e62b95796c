"""A calendar's bytes as text: UTF-8 as RFC 5545 asks, anything else by detection, said aloud.

Outlook and some older tools export in the system's code page (Windows-1252 in Western
Europe). Read as UTF-8 with replacement, "Löng trail" would lose its "ö" and stop matching
the configured words. Detection is charset-normalizer's (the detector ``requests`` ships
with), and the runner is told which encoding was assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes

from .base import SourceError

BOMS = (("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"))

PREFERRED = ("cp1252", "latin_1", "iso8859_15")
"""Windows-1252 and its ISO cousins: what Outlook and older tools in Western Europe write."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """The calendar's text and, when it was not UTF-8, a warning naming what was assumed."""

    text: str
    warning: str | None = None


def decode_calendar(data: bytes, where: str) -> Decoded:
    """``data`` as text; a :class:`SourceError` naming ``where`` when no encoding fits."""
    for encoding, bom in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding))
            except UnicodeDecodeError:
                break
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is not None:
        # Ties are common on short texts (cp1250, cp1252 and cp1257 all fit "Lauf über");
        # among equally likely encodings the Western one of most exports wins.
        tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = next((m for m in tied if m.encoding in PREFERRED), best)
    if best is None or best.encoding in ("utf_8", "utf-8"):
        raise SourceError(
            f"calendar {where}: not a text file in any known encoding, not read",
            fix="export the calendar again as an .ics file (UTF-8)",
        )
    name = best.encoding.replace("_", "-")
    return Decoded(
        str(best),
        f"calendar {where}: not UTF-8, read as {name} (detected); if titles look wrong, "
        "export it again as UTF-8",
    )
