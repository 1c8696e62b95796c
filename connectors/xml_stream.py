"""Incremental, defused XML for the GPX and TCX readers: bounded memory, a time budget.

The file is fed to ``defusedxml``'s expat reader in chunks, so memory grows with what the
reader keeps (a few numbers a point), not with the document; a DTD or entity declaration is
refused, as before. Blanks or a byte-order mark before the XML declaration are skipped: Strava's
TCX and GPX exports start with ten spaces (GoldenCheetah/sweatpy #99, GPXSee #322), and expat
refuses a declaration that is not at the very start.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import BinaryIO
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from connectors.read_budget import check_deadline
from connectors.recording import ReadError

CHUNK = 1 << 20
_LEADING = b" \t\r\n\xef\xbb\xbf"


def feed(stream: BinaryIO, handler: ContentHandler, kind: str, deadline: float) -> None:
    """Parse ``stream`` into ``handler`` chunk by chunk; raise ReadError on bad or hostile XML."""
    parser = create_parser()
    parser.setContentHandler(handler)
    try:
        first = True
        while chunk := stream.read(CHUNK):
            if first:
                chunk = chunk.lstrip(_LEADING)
                if not chunk:
                    continue
                first = False
            parser.feed(chunk)
            check_deadline(deadline)
        if first:
            raise ReadError(f"empty file: not a {kind} file")
        parser.close()
    except DefusedXmlException as exc:
        raise ReadError("the file declares XML entities (a DTD); activity files never do") from exc
    except SAXException as exc:
        raise ReadError(f"not a valid {kind} file ({_first_line(exc)})") from exc
    except OSError as exc:  # a damaged gzip member shows up here too
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from exc


def local(name: str) -> str:
    """An element name without its namespace prefix (``gpxtpx:hr`` -> ``hr``)."""
    return name.rpartition(":")[2]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def iso_seconds(text: str) -> float:
    """POSIX seconds of an ISO 8601 time (naive means UTC); NaN if unreadable."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return math.nan
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.timestamp()
    except (OverflowError, OSError, ValueError):
        return math.nan


class TextElements(ContentHandler):
    """A SAX handler that keeps the open elements and hands over the text of each element
    named in ``text_tags`` (local names, stripped), for the GPX and TCX readers.

    Subclasses set ``text_tags`` and implement :meth:`opened` (called with the element's
    local name, its parent's, and its attributes) and :meth:`closed_text` (called once the
    element ends, with the parent it sat in).
    """

    text_tags: frozenset[str] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self._stack: list[str] = []
        self._text: list[str] = []
        self._collect = False

    def opened(self, tag: str, parent: str, attrs: AttributesImpl) -> None:
        """An element starts; ``parent`` is ``""`` for the root."""

    def closed_text(self, tag: str, parent: str, text: str) -> None:
        """A text element of ``text_tags`` ends with ``text``."""

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        tag = local(name)
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(tag)
        self.opened(tag, parent, attrs)
        if tag in self.text_tags:
            self._collect = True
            self._text = []

    def characters(self, content: str) -> None:
        if self._collect:
            self._text.append(content)

    def endElement(self, name: str) -> None:
        tag = local(name)
        if self._stack:
            self._stack.pop()
        if not self._collect or tag not in self.text_tags:
            return
        self._collect = False
        parent = self._stack[-1] if self._stack else ""
        self.closed_text(tag, parent, "".join(self._text).strip())
