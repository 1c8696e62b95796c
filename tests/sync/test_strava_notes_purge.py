"""`hamsync purge` on Strava notes: the real stravalib client takes our block out again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from strava_fake import load
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

from connectors.strava import StravaApi, Tokens
from connectors.strava.oauth import MemoryTokenStore
from sync.engine.writeback import purge
from sync.sinks.base import SinkError
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


def test_purge_near_the_rate_limit_keeps_the_rest_for_the_next_purge(
    testdata_dir: Path,
    state: StateDatabase,  # noqa: F811
    rsps: responses.RequestsMock,  # noqa: F811
) -> None:
    """Room for one removal (a read and a write): purge takes out the first block, stops with
    Strava's limit named (the sink's error: `purge` says to run it again), keeps the second
    record; the next purge finishes, and each description is the runner's again."""
    first = Activity(load(testdata_dir, "update_activity_response.json"))
    second = Activity(dict(load(testdata_dir, "update_activity_response.json"), id=1982980796))
    for one in (first, second):
        one.install(rsps)
    run_a = long_descent(first.body["id"])
    run_b, flags = long_descent(second.body["id"])
    run_b = replace(run_b, id="file:other.fit", sources=("file:other.fit", "strava:1982980796"))
    write_notes(StravaNotesSink(api()), context(run_a, (run_b, flags)), state)
    assert len(state.sink_items("strava_notes")) == 2
    capped = StravaApi(1234, "client-secret", MemoryTokenStore(
        Tokens("refresh", "access", int(datetime.now(UTC).timestamp()) + 7200)
    ), max_requests=3)  # fmt: skip
    with pytest.raises(SinkError, match="Strava's rate limit"):
        purge_notes(StravaNotesSink(capped), state, False)
    assert len(state.sink_items("strava_notes")) == 1
    assert not any(r.pending for r in state.sink_items("strava_notes").values())
    assert purge_notes(StravaNotesSink(api()), state, False).deleted == 1
    assert [one.body["description"] for one in (first, second)] == [RUNNER_TEXT, RUNNER_TEXT]
    assert state.sink_items("strava_notes") == {}
