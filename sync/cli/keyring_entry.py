"""``hamsync secret set NAME``: store a password or token in the keyring, never the config.

The one place the README sends a runner to store a secret: on a machine without a keyring
backend it says so and names the environment variable instead of failing with a traceback
(as the ``keyring`` command of the keyring package does).
"""

from __future__ import annotations

from typing import Annotated

import typer

from sync.cli.app import CONTEXT, EXIT_CONFIG, app, fail, out

KNOWN = (
    "caldav.password",
    "caldav_upcoming.password",
    "strava.client_secret",
    "strava.refresh_token",
    "feed.token",
    "page.token",
    "intervals.api_key",
    "google.client_secret",
    "google.refresh_token",
)
"""The secrets hamsync itself reads; a connector plugin reads ``<its name>.<key>``."""

secret_app = typer.Typer(
    help="Store a password or token in the keyring (never in the config).",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
app.add_typer(secret_app, name="secret")


@secret_app.command("set")
def secret_set(
    name: Annotated[
        str, typer.Argument(help="What to store: " + ", ".join(KNOWN) + ", or <plugin>.<key>.")
    ],
) -> None:
    """Ask for a secret (hidden, twice) and store it in the system keyring, service hamsync."""
    from sync.config.keystore import (
        NO_BACKEND_HELP,
        SecretStoreUnavailable,
        env_name,
        keyring_usable,
        set_secret,
    )

    section, _, key = name.partition(".")
    if not section or not key:
        fail(f"{name!r}: expected SECTION.KEY, one of {', '.join(KNOWN)}", EXIT_CONFIG)
    if not keyring_usable():
        fail(NO_BACKEND_HELP.format(env=env_name(section, key)), EXIT_CONFIG)
    value = str(typer.prompt(name, hide_input=True, confirmation_prompt=True)).strip()
    if not value:
        fail(f"{name}: nothing was typed; nothing stored", EXIT_CONFIG)
    try:
        set_secret(section, key, value)
    except SecretStoreUnavailable as error:
        fail(str(error), EXIT_CONFIG)
    out.print(f"{name} is stored in the keyring (service hamsync).", highlight=False)


def ask_and_store(section: str, key: str, what: str) -> str:
    """Ask for ``what`` (hidden) and store it as ``section.key`` in the keyring; the value.

    Used by the ``login`` commands when the client secret of the runner's own API
    application is not stored yet. Exits 2 (one clear line) when the keyring cannot hold it.
    """
    from sync.config.keystore import SecretStoreUnavailable, set_secret

    value = str(typer.prompt(what, hide_input=True)).strip()
    try:
        set_secret(section, key, value)
    except SecretStoreUnavailable as error:
        fail(str(error), EXIT_CONFIG)
    return value
