"""The CalDAV sink passes the sink contract on real Radicale and Xandikos, and on a Radicale
that lists no etags and answers writes with weak ones (as SmarterMail and Kerio do)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _serving(server: Radicale | Xandikos) -> Iterator[Radicale | Xandikos]:
    """``server`` started with an empty "Training" calendar, stopped afterwards."""
    server.folder.mkdir()
    server.start()
    try:
        server.make_calendar("Training")
        yield server
    finally:
        server.stop()


class TestCalDavOnRadicale(SinkContract):
    """The contract on Radicale."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        with (
            _serving(Radicale(tmp_path / "radicale")) as server,
            _sink(server.url, server.user) as opened,
        ):
            yield opened


class TestCalDavOnXandikos(SinkContract):
    """The contract on Xandikos."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        with (
            _serving(Xandikos(tmp_path / "xandikos")) as server,
            _sink(server.url, server.user) as opened,
        ):
            yield opened


class TestCalDavWithoutListedEtags(SinkContract):
    """The contract on Radicale behind a proxy: no getetag in listings, weak PUT etags."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[CalDavSink]:
        with (
            _serving(Radicale(tmp_path / "radicale")) as server,
            DavProxy(server.url, strip_listing_etags=True, weak_put_etags=True) as proxy,
            _sink(proxy.url, server.user) as opened,
        ):
            yield opened
