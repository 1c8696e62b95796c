"""The CalDAV sink passes the sink contract on real Radicale and Xandikos, and on a Radicale
that lists no etags and answers writes with weak ones (as SmarterMail and Kerio do)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dav_proxy import DavProxy
from radicale_server import Radicale
from sink_contract import SinkContract
from xandikos_server import Xandikos

from connectors.caldav_calendar import CalDavAccount
from sync.sinks.caldav import CalDavSink


def _sink(url: str, user: str) -> CalDavSink:
    return CalDavSink(CalDavAccount(url, user, "x", "Training", timeout_s=5))


class TestCalDavOnRadicale(SinkContract):
    """The contract on Radicale."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        server = Radicale(tmp_path / "radicale")
        server.folder.mkdir()
        server.start()
        try:
            server.make_calendar("Training")
            with _sink(server.url, server.user) as opened:
                yield opened
        finally:
            server.stop()


class TestCalDavOnXandikos(SinkContract):
    """The contract on Xandikos."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        server = Xandikos(tmp_path / "xandikos")
        server.folder.mkdir()
        server.start()
        try:
            server.make_calendar("Training")
            with _sink(server.url, server.user) as opened:
                yield opened
        finally:
            server.stop()


class TestCalDavWithoutListedEtags(SinkContract):
    """The contract on Radicale behind a proxy: no getetag in listings, weak PUT etags."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        server = Radicale(tmp_path / "radicale")
        server.folder.mkdir()
        server.start()
        try:
            server.make_calendar("Training")
            with (
                DavProxy(server.url, strip_listing_etags=True, weak_put_etags=True) as proxy,
                _sink(proxy.url, server.user) as opened,
            ):
                yield opened
        finally:
            server.stop()
