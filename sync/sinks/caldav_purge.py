"""``hamsync purge`` for the CalDAV sink: delete exactly the events hamsync recorded.

Only recorded hrefs are sent a request (no listing, nothing else is read), each DELETE
carries ``If-Match`` with the recorded ETag. An event the runner edited since (412) stays in
the calendar, reported, and is theirs from then on; one already gone (404) is forgotten.
Each item is forgotten in its own transaction once done, so a purge cut short by the server
leaves the rest recorded, and the next purge finishes the job.
"""

from __future__ import annotations

from caldav.davclient import DAVClient

from connectors.caldav_calendar import CalDavFailure, resource_name
from sync.sinks.base import SinkResult
from sync.sinks.caldav import DISMISSED, CalDavSink, as_sink_error
from sync.store.database import SinkItem, State


def purge(sink: CalDavSink, state: State, dry_run: bool) -> SinkResult:
    items = sorted(state.sink_items(sink.name).values(), key=lambda i: (i.day, i.session_id))
    ours = [i for i in items if i.remote_id and i.etag and i.etag != DISMISSED]
    if dry_run or not items:
        return SinkResult(deleted=len(ours))
    result = SinkResult()
    with as_sink_error(sink.account), sink.client_factory(sink.account) as client:
        for item in items:
            if item in ours:
                _delete(sink, client, item, result)
            with state.transaction():
                state.delete_sink_item(sink.name, item.session_id)
    return result


def _delete(sink: CalDavSink, client: DAVClient, item: SinkItem, result: SinkResult) -> None:
    response = client.delete(item.remote_id, {"If-Match": item.etag})
    if response.status in (200, 204):
        result.deleted += 1
    elif response.status == 412:
        result.conflicts += 1
        result.messages.append(
            f"{item.session_id} ({item.day:%a %Y-%m-%d}): edited in the calendar since hamsync "
            "wrote it; left there for you"
        )
    elif response.status != 404:  # 404: already gone, nothing left to do
        raise CalDavFailure(
            f"CalDAV server {sink.account.url}: deleting {resource_name(item.remote_id)} "
            f"answered {response.status}; run `hamsync purge` again to finish"
        )
