"""The ICS feed: the calendar the ICS sink writes, served over HTTP for calendar apps.

Calendar apps subscribe to ``http://HOST:PORT/<token>.ics``. The token is a secret
(keyring entry ``feed.token`` or ``HAMSYNC_FEED_TOKEN``), made on first use; any other
path answers 404, so a scanner learns nothing. The server listens on 127.0.0.1 unless
``[feed] host`` says otherwise. Each request renders the calendar from the state database
(what the ICS sink recorded, with its SEQUENCE numbers), so the feed always shows the last
sync without writing anything itself.

The HTTP server that answers it (beside the check-in page) is :mod:`sync.serve.server`.
"""

from __future__ import annotations

from sync.config.model import Config
from sync.serve.capability import secret_token
from sync.sinks.ics_file import calendar_of
from sync.store.database import StateDatabase
from sync.store.serialize import session_from_body
from sync.wiring.build import event_renderer

ICS_SINK = "ics"


def feed_token(create: bool = True) -> tuple[str, bool]:
    """The feed's secret token and whether it was just made (stored in the keyring)."""
    return secret_token("feed", create)


def render_feed(config: Config) -> bytes:
    """The calendar the ICS sink writes, from the state database.

    Without an ICS sink (nothing recorded under its name), the stored plan is served with
    SEQUENCE 0 so a subscriber still sees the sessions.
    """
    assert config.state_dir is not None
    name = config.sinks.ics.name if config.sinks.ics else "hamsync hamstring sessions"
    renderer = event_renderer(config)
    state = StateDatabase.open(config.state_dir)
    try:
        recorded = [r for r in state.sink_items(ICS_SINK).values() if r.remote_id]
        if recorded:
            items = [
                renderer.render(session_from_body(r.body), r.sequence, r.uid) for r in recorded
            ]
        else:
            items = [renderer.render(s, 0, renderer.uid(s.id)) for s in state.plan_sessions()]
    finally:
        state.close()
    return calendar_of(items, name)
