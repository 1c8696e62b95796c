"""The Calendar v3 client and its failures, in one place.

The client is ``google-api-python-client`` built from its bundled discovery document (no
discovery request), over ``httplib2`` with the runner's credentials (``google-auth-httplib2``
refreshes the access token when it expires or a request answers 401). Requests are sent once:
``num_retries=0``, so a quota answer or a server error ends this sync's use of Google and the
next sync tries again; nothing here sleeps or loops.

Error reasons are those of https://developers.google.com/calendar/api/guides/errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectors.http_retry import retry_after_s

from .errors import AlreadyExists, GoogleError, LoginNeeded, NotFound, PreconditionFailed

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

API_ENDPOINT = "https://www.googleapis.com/calendar/v3/"
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the API lives (tests and proxies point it elsewhere) and how long to wait."""

    api: str = API_ENDPOINT
    timeout_s: float = 30


def build_service(credentials: Credentials, endpoints: Endpoints) -> Any:
    """A Calendar v3 resource from the bundled discovery document (no request sent)."""
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build

    http = google_auth_httplib2.AuthorizedHttp(
        credentials, http=httplib2.Http(timeout=int(max(1, endpoints.timeout_s)))
    )
    return build(
        "calendar",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoints.api},
    )


def execute(request: Any, what: str, href: str = "", headers: dict[str, str] | None = None) -> Any:
    """Send ``request`` once; its JSON answer, or the failure in hamsync's terms.

    ``what`` names the request in messages ("listing Training"); ``href`` is the event id a
    refused precondition is about. Raises :class:`PreconditionFailed` (412),
    :class:`AlreadyExists` (409), :class:`NotFound` (404, 410), :class:`LoginNeeded` (a revoked
    or expired grant, a missing scope) or :class:`GoogleError` (quota, 5xx, network).
    """
    from google.auth import exceptions as auth_errors
    from googleapiclient.errors import HttpError

    if headers:
        request.headers.update(headers)
    try:
        return request.execute(num_retries=0)
    except HttpError as exc:
        raise _http_error(exc, what, href) from None
    except auth_errors.RefreshError as exc:
        raise _refresh_error(exc) from None
    except (auth_errors.TransportError, OSError) as exc:
        raise GoogleError(
            f"Google Calendar is unreachable ({exc.__class__.__name__}); the next sync retries"
        ) from None
    except Exception as exc:
        import httplib2

        if isinstance(exc, httplib2.HttpLib2Error):
            raise GoogleError(
                f"Google Calendar is unreachable ({exc.__class__.__name__}); the next sync "
                "retries"
            ) from None
        raise


def _reason(exc: Any) -> tuple[str, str]:
    """(first error reason, message) from Google's JSON error body."""
    try:
        body = json.loads(exc.content.decode("utf-8"))
        error = body.get("error", {})
        errors = error.get("errors") or [{}]
        return str(errors[0].get("reason", "")), str(error.get("message", ""))[:200]
    except (ValueError, AttributeError, TypeError):
        return "", ""


def _http_error(exc: Any, what: str, href: str) -> Exception:
    status = int(exc.resp.status)
    reason, message = _reason(exc)
    if status == 412:
        return PreconditionFailed(href, f"{what}: changed since it was read (412)")
    if status == 409:
        return AlreadyExists(href, f"{what}: already exists (409)")
    if status in (404, 410):
        return NotFound(href, f"{what}: not found ({status})")
    if status == 401:
        return LoginNeeded(
            f"Google refused hamsync's sign-in while {what} (401): access was revoked or has "
            "expired"
        )
    wait = retry_after_s(exc.resp.get("retry-after"))
    if status == 429 or (status == 403 and reason in RATE_REASONS):
        return GoogleError(
            f"Google Calendar asks to slow down while {what} ({status} {reason or 'rate limit'})"
            "; the next sync retries",
            retry_after_s=wait,
        )
    if status == 403 and reason in SCOPE_REASONS:
        return LoginNeeded(
            f"Google Calendar: hamsync lacks a permission for {what} (403 {reason}); sign in "
            "again and keep every box ticked"
        )
    if status == 403 and reason in ("forbidden", "requiredAccessLevel"):
        return GoogleError(
            f"Google Calendar refused {what} (403 {reason}): you may read this calendar but "
            "not change it",
            fix="choose a calendar you own in [sinks.google] calendar",
        )
    if status >= 500:
        return GoogleError(
            f"Google Calendar answered {status} while {what}; the next sync retries",
            retry_after_s=wait,
        )
    detail = f": {message}" if message else ""
    return GoogleError(f"Google Calendar refused {what} ({status} {reason}){detail}")


def _refresh_error(exc: Exception) -> GoogleError:
    text = str(exc)
    if "invalid_client" in text:
        return GoogleError(
            "Google Calendar: Google does not know this OAuth client (check [google] client_id "
            "and its secret)",
            fix="store the right secret with `keyring set hamsync google.client_secret` (or "
            "HAMSYNC_GOOGLE_CLIENT_SECRET)",
        )
    if "invalid_grant" in text or "unauthorized_client" in text:
        return LoginNeeded(
            "Google Calendar: the sign-in was revoked or has expired (Google answers "
            "invalid_grant; a Cloud project in 'Testing' status expires it after 7 days)"
        )
    return GoogleError(
        "Google Calendar: the access token could not be renewed now; the next sync retries"
    )


def find_calendar(service: Any, calendar: str) -> str:
    """The id of the calendar named ``calendar`` (or ``calendar`` itself when it is an id).

    An id is ``primary`` or holds ``@`` (``...@group.calendar.google.com``); anything else is
    a name, looked up in the runner's calendar list (scope ``calendar.calendarlist.readonly``).
    """
    if calendar == "primary" or "@" in calendar:
        return calendar
    found = calendar_named(service, calendar)
    if found is None:
        raise GoogleError(
            f"Google Calendar: no calendar named {calendar!r} in your calendar list",
            fix="create it in Google Calendar, set `calendar` to its id, or set `create = true`",
        )
    return found


def calendar_named(service: Any, name: str) -> str | None:
    """The id of the runner's calendar whose title (or own title) is ``name``, if any."""
    token: str | None = None
    for _page in range(20):  # 20 pages of 250 calendars: far beyond any real list
        answer = execute(
            service.calendarList().list(maxResults=250, pageToken=token), "listing calendars"
        )
        for entry in answer.get("items", []):
            if name in (entry.get("summaryOverride"), entry.get("summary")):
                return str(entry["id"])
        token = answer.get("nextPageToken")
        if not token:
            break
    return None


def create_calendar(service: Any, name: str, time_zone: str) -> str:
    """Create a secondary calendar named ``name`` (scope ``calendar.app.created``); its id."""
    body = {"summary": name, "timeZone": time_zone, "description": "Written by hamsync."}
    answer = execute(service.calendars().insert(body=body), f"creating calendar {name!r}")
    return str(answer["id"])
