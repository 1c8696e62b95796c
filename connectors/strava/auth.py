"""Signing in to Strava once: the authorization URL, the code coming back, the exchange.

The code comes back either through a one-shot HTTP server on 127.0.0.1 (the browser is
redirected to it) or, on a headless server, by pasting the address the browser ended on.
Strava lets the runner untick scopes on its consent page, so the scopes actually granted are
read from the redirect and every missing one is named with what will not work without it.
"""

from __future__ import annotations

import http.server
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from stravalib import exc as strava_exc

from ..base import SourceError
from .api import new_client
from .oauth import Tokens

SCOPES = ("read", "activity:read_all", "activity:write")
"""What hamsync asks for: read runs (private ones too) and write the note block."""

WITHOUT_SCOPE = {
    "read": "Strava may refuse every request",
    "activity:read_all": "runs cannot be pulled (private runs need this scope)",
    "activity:write": "[sinks.strava_notes] cannot write its note block",
}
CALLBACK_PATH = "/hamsync-callback"


@dataclass(frozen=True, slots=True)
class Grant:
    code: str
    scopes: frozenset[str]


def new_state() -> str:
    """An unguessable value tying the redirect to this sign-in (CSRF protection)."""
    return secrets.token_urlsafe(16)


def authorization_url(client_id: int, redirect_uri: str, state: str) -> str:
    return str(
        new_client().authorization_url(
            client_id=client_id,
            redirect_uri=redirect_uri,
            approval_prompt="force",
            scope=list(SCOPES),  # type: ignore[arg-type]
            state=state,
        )
    )


def parse_redirect(url: str, state: str) -> Grant:
    """The code and granted scopes from the address Strava redirected to.

    Raises ``SourceError`` saying what to paste when the text is not that address.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.query:
        raise SourceError(
            "that is not the address Strava sent your browser back to",
            "paste the whole address from the browser's address bar after approving: it "
            "starts with http://127.0.0.1/ and holds ?state=...&code=... (the page itself "
            "does not load; that is expected)",
        )
    query = parse_qs(parts.query)

    def one(key: str) -> str:
        values = query.get(key) or [""]
        return values[0]

    if one("error"):
        raise SourceError(f"Strava sign-in was not approved ({one('error')})", "try again")
    if one("state") != state:
        raise SourceError(
            "that address does not belong to this sign-in (state mismatch)",
            "paste the address your browser shows after approving this sign-in",
        )
    code = one("code")
    if not code:
        raise SourceError("the address holds no code", "paste the whole address, with ?code=")
    scopes = frozenset(s for s in one("scope").split(",") if s)
    return Grant(code, scopes)


def missing_scopes(granted: frozenset[str]) -> list[str]:
    """One line per scope that was unticked, saying what will not work without it."""
    lines = []
    for scope in SCOPES:
        if scope in granted:
            continue
        why = WITHOUT_SCOPE[scope]
        if scope == "activity:read_all" and "activity:read" in granted:
            why = "private runs will not be pulled (public ones will)"
        lines.append(f"{scope}: {why}")
    return lines


def can_read_activities(granted: frozenset[str]) -> bool:
    return bool(granted & {"activity:read", "activity:read_all"})


def exchange(client_id: int, client_secret: str, code: str) -> Tokens:
    """Trade the one-time code for tokens (one POST to Strava's token endpoint)."""
    client = new_client()
    try:
        answer = client.exchange_code_for_token(
            client_id=client_id, client_secret=client_secret, code=code
        )
    except strava_exc.Fault as error:
        raise SourceError(
            f"Strava refused the code ({error}); codes work once and expire quickly, and the "
            "client id and secret must belong to the same API application",
            "run `hamsync login strava` again; if the client secret was mistyped, "
            "`hamsync login strava --new-secret`",
        ) from None
    except requests.RequestException as error:
        raise SourceError(f"cannot reach Strava ({type(error).__name__})", "try again") from None
    info = answer[0] if isinstance(answer, tuple) else answer
    return Tokens(
        refresh_token=info["refresh_token"],
        access_token=info["access_token"],
        expires_at=int(info["expires_at"]),
    )


class CallbackServer:
    """A one-shot HTTP server on 127.0.0.1 that receives Strava's redirect."""

    def __init__(self, port: int = 0) -> None:
        received: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.startswith(CALLBACK_PATH):
                    self.send_error(404)
                    return
                received.append(self.path)
                body = b"hamsync: sign-in received. You can close this tab.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return  # the query holds the code: keep it out of the terminal

        self._received = received
        self._server = http.server.HTTPServer(("127.0.0.1", port), Handler)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def wait(self, timeout_s: float) -> str | None:
        """The redirect address, or None when nothing came within ``timeout_s``."""
        self._server.timeout = timeout_s
        thread = threading.Thread(target=self._server.handle_request, daemon=True)
        thread.start()
        thread.join(timeout_s + 1)
        self._server.server_close()
        return f"http://127.0.0.1{self._received[0]}" if self._received else None
