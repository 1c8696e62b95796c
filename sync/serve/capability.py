"""Capability paths: the unguessable tokens in the served paths, the feed's (``feed.token``)
and the page's (``page.token``).

Each is read from ``HAMSYNC_<NAME>_TOKEN`` or the keyring entry ``<name>.token``
(:mod:`sync.config.keystore`), and made on first use: 24 random bytes, URL-safe (192 bits,
beyond guessing). Never in the config, the logs or the state database.
"""

from __future__ import annotations

import secrets

from sync.config.keystore import get_secret, set_secret

TOKEN_BYTES = 24


def secret_token(name: str, create: bool = True) -> tuple[str, bool]:
    """The token of ``name`` (``feed`` or ``page``) and whether it was just made.

    Raises :class:`LookupError` when there is none and ``create`` is false, and
    :class:`~sync.config.keystore.SecretStoreUnavailable` (with the fixes) when a new one
    cannot be stored.
    """
    token = get_secret(name, "token")
    if token:
        return token, False
    if not create:
        raise LookupError(f"no {name} token yet")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    set_secret(name, "token", token)
    return token, True
