"""The Google Calendar storage on the real client against the local stand-in, call by call.

``google-api-python-client`` builds its requests from the bundled discovery document and
``google-auth`` refreshes the token at the stand-in's token endpoint; the stand-in answers
with the response shapes of the public API reference (``tests/google_fixtures``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from google_server import TRAINING, GoogleStandIn, service_for

from connectors.google.errors import (
    AlreadyExists,
    GoogleError,
    LoginNeeded,
    NotFound,
    PreconditionFailed,
)
from connectors.google.event_map import to_ics
from connectors.google.listing import ListingCache
from connectors.google.storage import GoogleCalendarStorage, Item

INSTALL = "0123456789abcdef"


def vevent(uid: str, summary: str, day: int = 26, sequence: int = 0) -> Item:
    return Item(uid, (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nSEQUENCE:{sequence}\r\nSUMMARY:{summary}\r\nDESCRIPTION:3 x 10\r\n"
        f"DTSTART:202611{day}T170000Z\r\nDTEND:202611{day}T172000Z\r\nTRANSP:TRANSPARENT\r\n"
        "X-HAMSYNC-KIND:control\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ))


@pytest.fixture
def google() -> Iterator[GoogleStandIn]:
    with GoogleStandIn() as stand_in:
        yield stand_in


def storage(google: GoogleStandIn, tmp_path: Path, calendar: str = "Training", **kw: object):  # type: ignore[no-untyped-def]
    return GoogleCalendarStorage(
        lambda: service_for(google),
        calendar,
        INSTALL,
        ListingCache(tmp_path / "google.json"),
        **kw,  # type: ignore[arg-type]
    )


def test_create_then_list_and_get_give_the_same_item(google: GoogleStandIn, tmp_path: Path) -> None:
    """A created event is listed with its etag and reads back as the same VEVENT."""
    store = storage(google, tmp_path)
    href, etag = store.create(vevent("s1@hamsync", "Hamstrings: light control"))
    assert list(store.list()) == [(href, etag)]
    item, got_etag = store.get(href)
    assert got_etag == etag and item.uid == "s1@hamsync"
    assert "SUMMARY:Hamstrings: light control" in item.text
    assert "UID:s1@hamsync" in item.text and "DTSTART:20261126T170000Z" in item.text
    assert f"X-HAMSYNC-INSTALL:{INSTALL}" in item.text
    event = google.calendars[TRAINING].events[href]
    assert event["extendedProperties"]["private"]["hamsyncInstall"] == INSTALL
    assert event["transparency"] == "transparent"
    inserts = [r for r in google.api_requests() if r.method == "POST"]
    assert inserts[0].param("sendUpdates") == "none"


def test_a_second_create_for_one_uid_is_refused(google: GoogleStandIn, tmp_path: Path) -> None:
    """One event per uid: a second create (a retry whose first answer was lost, seen by a
    later sync) is AlreadyExists carrying the first event's href, and writes nothing."""
    href, _etag = storage(google, tmp_path).create(vevent("s1@hamsync", "first"))
    with pytest.raises(AlreadyExists) as caught:
        storage(google, tmp_path).create(vevent("s1@hamsync", "again"))
    assert caught.value.href == href
    assert len(google.live_events(TRAINING)) == 1


def test_runner_events_are_never_listed_or_read(google: GoogleStandIn, tmp_path: Path) -> None:
    """Events the runner made, or another install wrote, are not the storage's."""
    theirs = google.runner_adds(TRAINING, {"summary": "Dentist"})
    other = google.runner_adds(
        TRAINING,
        {"summary": "x", "extendedProperties": {"private": {"hamsyncInstall": "another"}}},
    )
    store = storage(google, tmp_path)
    assert list(store.list()) == []
    for href in (theirs, other):
        with pytest.raises(NotFound):
            store.get(href)


def test_update_and_delete_need_the_current_etag(google: GoogleStandIn, tmp_path: Path) -> None:
    """If-Match on PATCH and DELETE: a stale etag is a 412, PreconditionFailed, nothing changed."""
    store = storage(google, tmp_path)
    href, etag = store.create(vevent("s1@hamsync", "first"))
    google.runner_edits(TRAINING, href, "moved by the runner")
    with pytest.raises(PreconditionFailed):
        store.update(href, vevent("s1@hamsync", "second", sequence=1), etag)
    with pytest.raises(PreconditionFailed):
        store.delete(href, etag)
    assert google.calendars[TRAINING].events[href]["summary"] == "moved by the runner"
    sent = [r for r in google.api_requests() if r.method in ("PATCH", "DELETE")]
    assert [r.headers.get("if-match") for r in sent] == [etag, etag]
    current = dict(store.list())[href]
    new_etag = store.update(href, vevent("s1@hamsync", "second", sequence=1), current)
    assert new_etag != current
    assert google.calendars[TRAINING].events[href]["summary"] == "second"
    store.delete(href, new_etag)
    assert list(store.list()) == []
    with pytest.raises(NotFound):
        store.delete(href, new_etag)
    with pytest.raises(NotFound):  # Google keeps the deleted event: it is still NotFound
        store.update(href, vevent("s1@hamsync", "third", sequence=2), new_etag)


def test_listing_pages_then_syncs_incrementally(google: GoogleStandIn, tmp_path: Path) -> None:
    """The first listing follows nextPageToken; the next one is ONE request with the
    nextSyncToken, and shows the runner's edit (new etag) and delete (gone)."""
    store = storage(google, tmp_path)
    made = [store.create(vevent(f"s{i}@hamsync", f"session {i}", 20 + i)) for i in range(5)]
    for i in range(3):
        google.runner_adds(TRAINING, {"summary": f"runner's own {i}"})
    google.page_size = 3
    (tmp_path / "google.json").unlink()  # a first sync on this machine
    google.requests.clear()
    first = dict(storage(google, tmp_path).list())
    assert first == dict(made)
    lists = [r for r in google.api_requests() if r.method == "GET" and "events" in r.path]
    assert [r.param("pageToken") for r in lists] == [None, "3", "6"]
    assert all(r.param("syncToken") is None for r in lists)

    google.runner_edits(TRAINING, made[1][0], "edited")
    google.runner_deletes(TRAINING, made[2][0])
    google.requests.clear()
    second = dict(storage(google, tmp_path).list())
    assert len(google.api_requests()) == 1
    request = google.api_requests()[0]
    assert request.param("syncToken") is not None and request.param("showDeleted") == "true"
    assert made[2][0] not in second
    assert second[made[1][0]] != made[1][1]
    assert second[made[0][0]] == made[0][1]


def test_expired_sync_token_falls_back_to_a_full_listing(
    google: GoogleStandIn, tmp_path: Path
) -> None:
    """Google's 410 on an old syncToken: the listing starts over and is still complete."""
    store = storage(google, tmp_path)
    href, etag = store.create(vevent("s1@hamsync", "one"))
    list(store.list())
    kept = ListingCache(tmp_path / "google.json").load("Training")
    assert kept is not None and kept.sync_token is not None
    google.expired_tokens = {kept.sync_token}
    google.requests.clear()
    assert list(storage(google, tmp_path).list()) == [(href, etag)]
    tokens = [r.param("syncToken") for r in google.api_requests()]
    assert tokens[0] is not None and tokens[1] is None


def test_calendar_by_name_by_id_and_created(google: GoogleStandIn, tmp_path: Path) -> None:
    """A name is looked up once in the calendar list; an id is used as is; `create` makes one."""
    assert storage(google, tmp_path).calendar_id() == TRAINING
    assert storage(google, tmp_path / "b", calendar="Races").calendar_id() == (
        "races-calendar@group.calendar.google.com"
    )  # summaryOverride: the name the runner sees
    google.requests.clear()
    assert storage(google, tmp_path / "c", calendar=TRAINING).calendar_id() == TRAINING
    assert google.api_requests() == []
    with pytest.raises(GoogleError, match="no calendar named 'Strength'"):
        storage(google, tmp_path / "d", calendar="Strength").calendar_id()
    made = storage(google, tmp_path / "e", calendar="Strength", create=True).calendar_id()
    assert google.calendars[made].summary == "Strength"


def test_revoked_grant_names_the_login_command(google: GoogleStandIn, tmp_path: Path) -> None:
    """invalid_grant at the token endpoint: LoginNeeded, whose fix is `hamsync login google`."""
    google.revoked = True
    with pytest.raises(LoginNeeded) as caught:
        list(storage(google, tmp_path, calendar=TRAINING).list())
    assert "hamsync login google" in caught.value.fix
    assert "revoked or has expired" in str(caught.value)


def test_a_wrong_client_secret_says_which_secret(google: GoogleStandIn, tmp_path: Path) -> None:
    """invalid_client at the token endpoint: the client secret is named, not a new login."""
    from google_server import REFRESH_TOKEN

    from connectors.google.api import Endpoints, build_service
    from connectors.google.auth import OAuthClient, credentials

    client = OAuthClient("1234-test.apps.googleusercontent.com", "wrong", google.auth_uri,
                         google.token_uri)  # fmt: skip
    store = GoogleCalendarStorage(
        lambda: build_service(credentials(client, REFRESH_TOKEN), Endpoints(google.api_endpoint)),
        TRAINING, INSTALL, ListingCache(tmp_path / "google.json"),
    )  # fmt: skip
    with pytest.raises(GoogleError) as caught:
        list(store.list())
    assert not isinstance(caught.value, LoginNeeded)
    assert "google.client_secret" in caught.value.fix


def test_401_after_a_refresh_names_the_login_command(
    google: GoogleStandIn, tmp_path: Path
) -> None:
    """A 401 is answered by a token refresh and a retry (google-auth, at most twice); when
    the API still refuses, the sync stops asking and names the login command."""
    google.faults = [(401, "error_401_authError", {})] * 10
    with pytest.raises(LoginNeeded, match="401") as caught:
        list(storage(google, tmp_path, calendar=TRAINING).list())
    assert "hamsync login google" in caught.value.fix
    assert len(google.api_requests()) == 3
    assert len(google.faults) == 7


@pytest.mark.parametrize(
    ("status", "name", "headers", "wait"),
    [
        (403, "error_403_rateLimitExceeded", {}, None),
        (403, "error_403_rateLimitExceeded", {"Retry-After": "120"}, 120.0),
        (500, "error_500_backendError", {}, None),
    ],
)
def test_quota_and_server_errors_wait_for_the_next_sync(
    google: GoogleStandIn,
    tmp_path: Path,
    status: int,
    name: str,
    headers: dict[str, str],
    wait: float | None,
) -> None:
    """A 403 rate limit or a 500 is ONE request and an error saying the next sync retries."""
    google.faults = [(status, name, headers)] * 5
    with pytest.raises(GoogleError) as caught:
        list(storage(google, tmp_path, calendar=TRAINING).list())
    assert not isinstance(caught.value, LoginNeeded)
    assert "next sync retries" in str(caught.value)
    assert caught.value.retry_after_s == wait
    assert len(google.api_requests()) == 1


def test_event_read_back_keeps_all_day_dates(google: GoogleStandIn) -> None:
    """An all-day event (date, exclusive end) reads back as DATE values, not date-times."""
    raw = to_ics(
        {"id": "x", "summary": "s", "start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}}
    )
    assert b"DTSTART;VALUE=DATE:20261126" in raw and b"DTEND;VALUE=DATE:20261127" in raw
    assert date(2026, 11, 26).isoformat() in raw.decode().replace("20261126", "2026-11-26")
