"""Secrets: passwords and tokens come from the environment or the keyring, never the config.

Lookup order for ``(section, key)``:

1. the environment variable ``HAMSYNC_<SECTION>_<KEY>`` (containers, CI, tests);
2. the system keyring, service ``hamsync``, user name ``<section>.<key>``.

A headless server often has no keyring backend (``keyring.backends.fail``); then a
:class:`SecretStoreUnavailable` names the fixes instead of a bare traceback. Values are
never logged: :func:`redact` masks them in any text about to be shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from connectors.errors import EXIT_CONFIG, HamsyncError

SERVICE = "hamsync"

_KNOWN: set[str] = set()
"""Every secret value seen in this process, so that :func:`redact` can mask it anywhere."""

NO_BACKEND_HELP = (
    "no usable keyring backend on this machine. Fixes: set the secret in the environment as "
    "{env}, or install a backend into hamsync's environment (`pipx inject hamsync "
    "keyrings.alt` or `.venv/bin/pip install keyrings.alt`: a plain-text file readable only "
    "by you), or run a Secret Service such as gnome-keyring."
)


def where_to_put(section: str, key: str) -> str:
    """Where the runner puts a missing secret, for messages: the keyring through
    ``hamsync secret set`` or the environment variable, or, on a machine without a keyring
    backend, the variable alone and why."""
    env = env_name(section, key)
    if keyring_usable():
        return f"`hamsync secret set {section}.{key}` (the keyring) or {env}"
    return (
        f"{env} (this machine has no keyring backend: see \"No keyring backend\" in "
        "docs/configuration.md)"
    )


class SecretStoreUnavailable(HamsyncError):
    """No keyring backend can store or return secrets; the message lists the fixes."""

    exit_code = EXIT_CONFIG


def env_name(section: str, key: str) -> str:
    return f"HAMSYNC_{section}_{key}".upper().replace(".", "_").replace("-", "_")


def keyring_usable() -> bool:
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def get_secret(section: str, key: str) -> str | None:
    """The secret, or None when it is set nowhere."""
    value = os.environ.get(env_name(section, key))
    if value:
        _KNOWN.add(value)
        return value
    if not keyring_usable():
        return None
    import keyring

    value = keyring.get_password(SERVICE, f"{section}.{key}")
    if value:
        _KNOWN.add(value)
    return value


def set_secret(section: str, key: str, value: str) -> None:
    """Store a secret in the keyring (a rotating refresh token, a password)."""
    _KNOWN.add(value)
    if os.environ.get(env_name(section, key)) is not None and not keyring_usable():
        # Container mode: the environment is the store; a rotated token lives in memory only.
        os.environ[env_name(section, key)] = value
        return
    if not keyring_usable():
        raise SecretStoreUnavailable(NO_BACKEND_HELP.format(env=env_name(section, key)))
    import keyring

    keyring.set_password(SERVICE, f"{section}.{key}", value)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every known secret (and ``extra`` values) replaced by ``***``."""
    for value in sorted({*_KNOWN, *extra}, key=len, reverse=True):
        if len(value) >= 4:
            text = text.replace(value, "***")
    return _BEARER.sub(r"\1***", text)


_BEARER = re.compile(
    r"((?:Bearer|[A-Za-z_]*token=|code=|key=|secret=|password=)\s*)[A-Za-z0-9._~+/=%-]+"
)
