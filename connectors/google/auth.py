"""Signing in to Google with the runner's own OAuth client, and the credentials a sync uses.

The runner creates an OAuth client of type "Desktop app" in their own Google Cloud project
(docs/calendars.md walks through it); its id sits in the config, its secret and the refresh
token in the keyring or the environment. The flow is Google's installed-app flow from
``google-auth-oauthlib`` with PKCE and a loopback redirect on 127.0.0.1: either a one-shot
server catches the redirect, or (``--paste``, a headless server) the runner pastes the address
the browser was sent to. Google has retired the out-of-band code flow, so there is no third way.

Scopes (https://developers.google.com/calendar/api/auth): ``calendar.events`` to write
sessions and read planned runs, ``calendar.calendarlist.readonly`` only to find a calendar by
its name, ``calendar.app.created`` instead of ``calendar.events`` when hamsync creates its own
calendar (``create = true``), and ``calendar.events.readonly`` for a look-ahead alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import GoogleError, LoginNeeded

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

SCOPE_ROOT = "https://www.googleapis.com/auth/"
EVENTS = SCOPE_ROOT + "calendar.events"
EVENTS_READONLY = SCOPE_ROOT + "calendar.events.readonly"
CALENDAR_LIST = SCOPE_ROOT + "calendar.calendarlist.readonly"
APP_CREATED = SCOPE_ROOT + "calendar.app.created"

AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105  (an address, not a secret)
PASTE_REDIRECT = "http://127.0.0.1/"
"""With ``--paste`` nothing listens: the browser shows an error page whose address holds the
code. Google accepts any port on the loopback address for a Desktop client."""


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """The runner's own OAuth client and Google's endpoints (tests point them at 127.0.0.1)."""

    client_id: str
    client_secret: str
    auth_uri: str = AUTH_URI
    token_uri: str = TOKEN_URI

    def __repr__(self) -> str:
        return f"OAuthClient(client_id={self.client_id!r}, ...)"

    def config(self) -> dict[str, Any]:
        """The client in Google's ``client_secrets.json`` shape (type ``installed``)."""
        return {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "redirect_uris": ["http://127.0.0.1"],
            }
        }


def needed_scopes(
    write: bool, create: bool, read: bool, by_name: bool
) -> tuple[str, ...]:
    """The narrowest scopes for what the config asks: write sessions (into a calendar hamsync
    ``create``\\ s or not), ``read`` planned runs, and find calendars ``by_name``."""
    scopes: list[str] = []
    if write and not create:
        scopes.append(EVENTS)
    if write and create:
        scopes.append(APP_CREATED)
    if read and EVENTS not in scopes:
        scopes.append(EVENTS_READONLY)
    if by_name or (write and create):
        scopes.append(CALENDAR_LIST)
    return tuple(scopes)


def missing(wanted: Iterable[str], granted: Iterable[str] | None) -> list[str]:
    """The scopes of ``wanted`` the runner did not grant (unticked on the consent screen)."""
    if granted is None:
        return []
    given = set(granted)
    if EVENTS in given:
        given.add(EVENTS_READONLY)
    return [scope.removeprefix(SCOPE_ROOT) for scope in wanted if scope not in given]


@dataclass(frozen=True, slots=True)
class Grant:
    """What a sign-in gave: the refresh token (a secret) and the scopes granted."""

    refresh_token: str
    scopes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Grant(scopes={self.scopes!r}, ...)"


def credentials(client: OAuthClient, refresh_token: str | None) -> Credentials:
    """Credentials that refresh themselves at ``client.token_uri`` on first use.

    Raises :class:`LoginNeeded` when there is no refresh token yet.
    """
    if not refresh_token:
        raise LoginNeeded("Google Calendar: not signed in yet")
    from google.oauth2.credentials import Credentials

    return Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=refresh_token,
        token_uri=client.token_uri,
        client_id=client.client_id,
        client_secret=client.client_secret,
    )


def _flow(client: OAuthClient, scopes: Sequence[str], redirect_uri: str | None = None) -> Any:
    from google_auth_oauthlib.flow import InstalledAppFlow

    # Google hands back fewer scopes when the runner unticks one; we check them ourselves.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = InstalledAppFlow.from_client_config(client.config(), list(scopes))
    if redirect_uri is not None:
        flow.redirect_uri = redirect_uri
    return flow


def loopback_login(
    client: OAuthClient,
    scopes: Sequence[str],
    port: int = 0,
    wait_s: int = 300,
    open_browser: bool = True,
    prompt: str = "Open this address in a browser and approve:\n\n{url}\n",
) -> Grant:
    """Consent in the browser; a one-shot server on 127.0.0.1 catches Google's redirect."""
    from google_auth_oauthlib.flow import WSGITimeoutError

    flow = _flow(client, scopes)
    try:
        flow.run_local_server(
            host="127.0.0.1",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message=prompt,
            timeout_seconds=wait_s,
            prompt="consent",  # so that Google sends a refresh token every time
        )
    except WSGITimeoutError:
        raise GoogleError(
            f"no approval arrived within {wait_s} s",
            fix="on a headless server use `hamsync login google --paste`",
        ) from None
    except OSError as exc:
        raise GoogleError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from None
    except Exception as exc:
        raise _login_error(exc) from None
    return _grant(flow)


def paste_login(
    client: OAuthClient,
    scopes: Sequence[str],
    show: Callable[[str], None],
    ask: Callable[[], str],
) -> Grant:
    """Consent on any machine; the runner pastes the 127.0.0.1 address the browser ends on."""
    flow = _flow(client, scopes, PASTE_REDIRECT)
    url, _state = flow.authorization_url(prompt="consent")
    show(url)
    pasted = ask().strip()
    if not pasted.startswith(("http://127.0.0.1", "https://127.0.0.1")):
        raise GoogleError(
            "that is not the address the browser was sent to (it starts with "
            "http://127.0.0.1/?state=...)",
            fix="run `hamsync login google --paste` again and paste the whole address",
        )
    try:
        # oauthlib insists on https; the loopback redirect is plain http by design.
        flow.fetch_token(authorization_response=pasted.replace("http://", "https://", 1))
    except Exception as exc:
        raise _login_error(exc) from None
    return _grant(flow)


def _grant(flow: Any) -> Grant:
    token = flow.oauth2session.token
    refresh = token.get("refresh_token")
    if not refresh:
        raise GoogleError(
            "Google sent no refresh token",
            fix="remove hamsync's access at https://myaccount.google.com/permissions and sign "
            "in again",
        )
    granted = token.get("scope") or ()
    scopes = tuple(granted.split() if isinstance(granted, str) else granted)
    return Grant(str(refresh), scopes)


def _login_error(exc: Exception) -> GoogleError:
    """Why the sign-in failed, in one line (never the code or a token)."""
    import requests
    from oauthlib.oauth2.rfc6749 import errors as oauth_errors

    if isinstance(exc, oauth_errors.MismatchingStateError):
        return GoogleError(
            "the address does not belong to this sign-in (its state differs)",
            fix="run `hamsync login google` again and use the newest address only",
        )
    if isinstance(exc, oauth_errors.AccessDeniedError):
        return GoogleError("access was not granted on Google's consent screen")
    if isinstance(exc, oauth_errors.InvalidClientError):
        return GoogleError(
            "Google does not know this OAuth client (check [google] client_id and its secret)",
            fix="store the right secret with `keyring set hamsync google.client_secret` (or "
            "HAMSYNC_GOOGLE_CLIENT_SECRET); docs/calendars.md shows where to find it",
        )
    if isinstance(exc, oauth_errors.OAuth2Error):
        return GoogleError(f"Google refused the sign-in ({exc.error})")
    if isinstance(exc, requests.RequestException):
        return GoogleError(f"cannot reach Google's token endpoint ({exc.__class__.__name__})")
    return GoogleError(f"the sign-in failed ({exc.__class__.__name__})")
