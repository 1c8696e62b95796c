"""`hamsync purge` on Strava notes: the real stravalib client takes our block out again."""

from __future__ import annotations

import responses
from test_strava_notes import (  # the notes sink's fixtures and helpers
    RUNNER_TEXT,
    Activity,
    activity,  # noqa: F401  (fixture)
    api,
    context,
    long_descent,
    rsps,  # noqa: F401  (fixture)
    state,  # noqa: F401  (fixture)
    write_notes,
)

from sync.engine.writeback import purge
from sync.sinks.note_block import BEGIN
from sync.sinks.outcome import SinkResult
from sync.sinks.strava_notes import StravaNotesSink, strava_notes_writer
from sync.store.database import StateDatabase


def purge_notes(sink: StravaNotesSink, db: StateDatabase, dry_run: bool) -> SinkResult:
    """`hamsync purge` of the notes sink (a dry run on a scratch copy)."""
    return purge(strava_notes_writer(sink), db.scratch_copy() if dry_run else db, dry_run)


def test_purge_restores_the_runners_text(
    activity: Activity,  # noqa: F811
    state: StateDatabase,  # noqa: F811
    rsps: responses.RequestsMock,  # noqa: F811
) -> None:
    """The description is the runner's own again, including what they added after our note."""
    aid = activity.body["id"]
    write_notes(StravaNotesSink(api()), context(long_descent(aid)), state)
    activity.body["description"] += "\n\nPS: new shoes."
    assert BEGIN in activity.body["description"]
    assert purge_notes(StravaNotesSink(api()), state, True).deleted == 1
    rsps.calls.reset()  # type: ignore[no-untyped-call]
    result = purge_notes(StravaNotesSink(api()), state, False)
    assert result.deleted == 1
    assert activity.body["description"] == f"{RUNNER_TEXT}\n\nPS: new shoes."
    # the runner's PS changed the description since hamsync's etag (a hash of it): read
    # again, and still exactly one write
    assert [c.request.method for c in rsps.calls] == ["GET", "GET", "GET", "PUT"]
    assert state.sink_items("strava_notes") == {}


def test_purge_leaves_a_description_without_our_block_untouched(
    activity: Activity,  # noqa: F811
    state: StateDatabase,  # noqa: F811
    rsps: responses.RequestsMock,  # noqa: F811
) -> None:
    """The runner already deleted our block by hand: purge reads, writes nothing, forgets it
    (and counts nothing removed: there was nothing of hamsync's left to remove)."""
    aid = activity.body["id"]
    write_notes(StravaNotesSink(api()), context(long_descent(aid)), state)
    activity.body["description"] = "Rewritten by me."
    activity.puts.clear()
    result = purge_notes(StravaNotesSink(api()), state, False)
    assert result.deleted == 0 and activity.puts == []
    assert activity.body["description"] == "Rewritten by me."
    assert state.sink_items("strava_notes") == {}
