"""One-time CSRF tokens for the check-in page's forms.

A token is ``<issued>.<nonce>.<mac>``: ``issued`` the Unix time it was made, ``nonce`` 16
random bytes, ``mac`` an HMAC-SHA256 over both and the page's own secret token, keyed by a
random key that lives in this process only. A token is good for :data:`TOKEN_TTL_S` and for
one request: a replayed form (the back button, a resend, an attacker's copy) is refused. The
used nonces are kept in memory until their token would have expired anyway; no secret is
ever stored. A restart makes new keys, so a page left open before it asks to be reloaded.
(The pattern is OWASP's "signed double-submit" / synchronizer token, without a cookie: the
token only comes with the page, and the page only comes to whoever holds its secret path.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

TOKEN_TTL_S = 2 * 3600
"""How long a form stays good: a page left open for a run is still usable (hamsync default)."""
MAX_USED = 10_000
"""Used nonces kept at most; the oldest are forgotten first (each is also expired by then
unless someone sends 10,000 forms within :data:`TOKEN_TTL_S`)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class CsrfGuard:
    """Makes form tokens bound to ``page_token`` and checks each one once.

    ``clock`` gives Unix seconds (injectable for tests).
    """

    def __init__(self, page_token: str, clock: Callable[[], float] = time.time) -> None:
        self._key = secrets.token_bytes(32)
        self._bound = page_token.encode()
        self._clock = clock
        self._used: dict[str, float] = {}
        self._mutex = threading.Lock()

    def _mac(self, issued: str, nonce: str) -> str:
        message = b"|".join((self._bound, issued.encode(), nonce.encode()))
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self) -> str:
        """A fresh token for one form."""
        issued = str(int(self._clock()))
        nonce = _b64(secrets.token_bytes(16))
        return f"{issued}.{nonce}.{self._mac(issued, nonce)}"

    def claim(self, token: str) -> bool:
        """Use ``token`` up: True once for a good token, False for any other and ever after."""
        nonce = self._nonce(token)
        if nonce is None:
            return False
        now = self._clock()
        with self._mutex:
            self._forget_expired(now)
            if nonce in self._used:
                return False
            self._used[nonce] = now + TOKEN_TTL_S
            return True

    def was_used(self, token: str) -> bool:
        """Whether ``token`` is good but already used (a form sent twice, e.g. a double tap)."""
        nonce = self._nonce(token)
        with self._mutex:
            return nonce is not None and nonce in self._used

    def release(self, token: str) -> None:
        """Give a claimed token back (the request it came with changed nothing)."""
        nonce = self._nonce(token)
        if nonce is not None:
            with self._mutex:
                self._used.pop(nonce, None)

    def _nonce(self, token: str) -> str | None:
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
            return None
        issued, nonce, mac = parts
        if not hmac.compare_digest(mac.encode(), self._mac(issued, nonce).encode()):
            return None
        age = self._clock() - int(issued)
        return nonce if -60 <= age <= TOKEN_TTL_S else None

    def _forget_expired(self, now: float) -> None:
        for nonce in [n for n, until in self._used.items() if until < now]:
            del self._used[nonce]
        while len(self._used) >= MAX_USED:
            del self._used[next(iter(self._used))]
