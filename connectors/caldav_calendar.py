"""Planned runs and races from a CalDAV calendar, and the CalDAV plumbing hamsync shares.

The ``caldav`` library speaks the protocol; this module opens a client, finds the calendar
by its display name (or takes its URL as given), and turns every way a server can fail
(unreachable, too slow, 401/403, 5xx) into one readable message. The calendar sink of
``sync`` builds on the same functions, so both directions fail the same way.

Reading planned runs reuses the ICS reader: the events of the window are fetched with one
calendar-query REPORT, joined into one iCalendar document, then expanded and classified
exactly like an ICS file; hamsync's own events (their UIDs) are never read back as runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from caldav.davclient import DAVClient
from caldav.lib import error as dav_error
from caldav.lib.http_sync import requests as http
from icalendar import Calendar

from planner.models import PlannedEvent
from planner.settings import Settings

from .base import SourceError
from .ics_calendar import calendar_entries, planned_events


@dataclass(frozen=True, slots=True)
class CalDavAccount:
    """Where a CalDAV calendar lives and how to log in (the password is never logged)."""

    url: str
    username: str
    password: str | None
    calendar: str
    """The calendar's display name, or its full URL."""
    timeout_s: float = 30
    password_hint: str = "the keyring entry caldav.password or HAMSYNC_CALDAV_PASSWORD"  # noqa: S105
    """Where the password comes from, named in messages (the value never is)."""

    def __repr__(self) -> str:
        return f"CalDavAccount(url={self.url!r}, username={self.username!r}, ...)"


class CalDavFailure(Exception):
    """The server could not be reached or refused; the message says which, ``fix`` what to do."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


def connect(account: CalDavAccount) -> DAVClient:
    """A client with Basic auth set up front (no extra negotiation round trip)."""
    if not account.password:
        raise CalDavFailure(
            f"no password for CalDAV user {account.username!r} on {account.url}",
            f"set {account.password_hint}",
        )
    return DAVClient(
        url=account.url,
        username=account.username,
        password=account.password,
        auth_type="basic",
        timeout=account.timeout_s,  # type: ignore[arg-type]  # niquests takes float seconds
    )


def explain(exc: BaseException, account: CalDavAccount) -> str:
    """One line for a failed CalDAV exchange: what happened and what the runner can do."""
    where = f"CalDAV server {account.url}"
    if isinstance(exc, dav_error.AuthorizationError):
        if getattr(exc, "status", None) == 403:
            return (
                f"{where} forbids user {account.username!r} this address (403): the url is "
                "probably not the server's CalDAV address, or the calendar is not theirs"
            )
        status = getattr(exc, "status", None) or 401
        return (
            f"{where} refused user {account.username!r} ({status}): the user name or "
            "password is not the right one"
        )
    if isinstance(exc, http.exceptions.Timeout):
        return f"{where} did not answer within {account.timeout_s:g} s; the next sync retries"
    if isinstance(exc, http.exceptions.RequestException | OSError):
        return f"{where} is unreachable ({exc.__class__.__name__}); the next sync retries"
    if isinstance(exc, dav_error.RateLimitError):
        return f"{where} asks to slow down (429/503); the next sync retries"
    if isinstance(exc, dav_error.DAVError):
        return f"{where} answered with an error ({_short(exc)}); the next sync retries"
    return f"{where}: {exc.__class__.__name__}"


def fix_for(exc: BaseException, account: CalDavAccount) -> str:
    """What the runner changes to repair the failure ``explain`` describes; "" when the
    next sync retrying is the whole fix (a server down or slow)."""
    if isinstance(exc, dav_error.AuthorizationError):
        if getattr(exc, "status", None) == 403:
            return (
                "check `url` in the config: the CalDAV address (Nextcloud: "
                "https://HOST/remote.php/dav), or the calendar's full URL in `calendar`"
            )
        return (
            f"check `username`, and store the right password ({account.password_hint}); "
            "iCloud and Fastmail need an app password, not the account's"
        )
    return ""


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


FAILURES: tuple[type[BaseException], ...] = (
    dav_error.DAVError,
    http.exceptions.RequestException,
    OSError,
)
"""Everything a CalDAV exchange may raise that is the server's or the network's fault."""


def resource_name(href: str) -> str:
    """The last path segment of ``href``, unquoted: how resources are matched across servers."""
    path = urlsplit(href).path
    return unquote(path.rstrip("/").rsplit("/", 1)[-1]) if not path.endswith("/") else ""


def find_calendar_url(client: DAVClient, account: CalDavAccount) -> str:
    """The calendar's collection URL: the configured one, or found by its display name.

    A name matches with its exact spelling first, then without case ("training" finds
    "Training"). Raises :class:`CalDavFailure` when no calendar has the name, and when
    several do: a shared calendar of the same name (a partner's, a coach's) must never
    receive the writes by the order the server happens to list them in.
    """
    if account.calendar.startswith(("https://", "http://")):
        return account.calendar.rstrip("/") + "/"
    calendars = client.principal().calendars()  # type: ignore[no-untyped-call]
    found: list[tuple[str, str]] = []
    for candidate in calendars:
        url = str(candidate.url).rstrip("/") + "/"
        name = candidate.get_display_name() or resource_name(url.rstrip("/"))
        found.append((str(name), url))
    matches = [url for name, url in found if name == account.calendar] or [
        url for name, url in found if name.casefold() == account.calendar.casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        paths = ", ".join(sorted(urlsplit(url).path for url in matches))
        raise CalDavFailure(
            f"CalDAV server {account.url}: user {account.username!r} has {len(matches)} "
            f"calendars named {account.calendar!r} ({paths}); hamsync writes to none of them "
            "rather than guess",
            "set `calendar` in [sinks.caldav] / [upcoming.caldav] to the full URL of the one "
            "to use, or rename the other in your calendar app",
        )
    known = ", ".join(repr(n) for n in sorted((n for n, _ in found), key=str.casefold))
    raise CalDavFailure(
        f"CalDAV server {account.url}: user {account.username!r} has no calendar named "
        f"{account.calendar!r} (their calendars: {known or 'none'})",
        "create it in your calendar app, or set `calendar` in [sinks.caldav] / "
        "[upcoming.caldav] to one of those names or to a full URL",
    )


def events_between(
    client: DAVClient, calendar_url: str, first_day: date, last_day: date, tz: ZoneInfo
) -> bytes:
    """The VEVENTs overlapping the window (server-side filter), joined into one calendar."""
    return events_in_window(client, calendar_url, first_day, last_day, tz)[0]


def events_in_window(
    client: DAVClient, calendar_url: str, first_day: date, last_day: date, tz: ZoneInfo
) -> tuple[bytes, list[str]]:
    """The window's VEVENTs joined into one calendar, and a warning per item skipped.

    An item the server holds that is not a readable iCalendar object is skipped and named
    by its resource name; every other item is read.
    """
    start = datetime.combine(first_day, time.min, tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tz)
    collection = client.calendar(url=calendar_url)  # type: ignore[no-untyped-call]
    found = collection.search(event=True, start=start, end=end, expand=False)
    joined = Calendar()
    joined.add("prodid", "-//hamsync//look-ahead//EN")
    joined.add("version", "2.0")
    seen: set[str] = set()
    warnings: list[str] = []
    for item in found:
        try:
            parsed = Calendar.from_ical(item.data)
        except Exception:  # one bad item costs itself only
            name = resource_name(str(getattr(item, "url", "") or "")) or "an item"
            warnings.append(
                f"calendar {_calendar_name(calendar_url)}: skipped {name}: "
                "not a readable iCalendar object"
            )
            continue
        for component in parsed.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("TZID", ""))
                if tzid in seen:
                    continue
                seen.add(tzid)
            joined.add_component(component)
    return bytes(joined.to_ical()), warnings


def _calendar_name(calendar_url: str) -> str:
    return resource_name(calendar_url.rstrip("/")) or "CalDAV"


class CalDavUpcoming:
    """The runner's CalDAV calendar of planned runs, as an :class:`UpcomingSource`."""

    def __init__(
        self,
        account: CalDavAccount,
        tz: ZoneInfo,
        settings: Settings,
        name: str = "upcoming.caldav",
    ) -> None:
        self.account = account
        self.tz = tz
        self.settings = settings
        self.name = name
        self.warnings: list[str] = []

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        """Planned runs of the window; one unreadable item or series is skipped and named."""
        self.warnings = []
        host = urlsplit(self.account.url).hostname or self.account.url
        where = f"{self.account.calendar} on {host}"
        try:
            client = connect(self.account)
            with client:
                url = find_calendar_url(client, self.account)
                ics, skipped = events_in_window(client, url, first_day, last_day, self.tz)
        except CalDavFailure as exc:
            raise SourceError(str(exc), exc.fix) from None
        except FAILURES as exc:
            raise SourceError(explain(exc, self.account), fix_for(exc, self.account)) from None
        expansion = calendar_entries(ics, first_day, last_day, self.tz, where)
        self.warnings = [*skipped, *expansion.warnings]
        return planned_events(expansion.entries, self.settings, f"calendar {self.account.calendar}")
