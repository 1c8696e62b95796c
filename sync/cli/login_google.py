"""``hamsync login google``: consent once with your own OAuth client; the token goes to the keyring.

The OAuth client (type "Desktop app") is the runner's own, made once in their Google Cloud
project (docs/calendars.md). hamsync asks only for the scopes the config needs
(:func:`sync.wiring.google.scopes_for`), so add ``[sinks.google]`` / ``[upcoming.google]``
first. The consent ends with a redirect to 127.0.0.1: a one-shot local server catches it, or,
with ``--paste`` on a headless server, the runner pastes the address the browser shows.
"""

from __future__ import annotations

import webbrowser

import typer

from sync.cli.app import (
    EXIT_CONFIG,
    EXIT_FAILED,
    CallbackPortOption,
    ConfigOption,
    PasteOption,
    WaitOption,
    fail,
    load,
    login_app,
    out,
)
from sync.cli.keyring_entry import ask_and_store


@login_app.command("google")
def login_google(
    config_path: ConfigOption = None,
    paste: PasteOption = False,
    port: CallbackPortOption = 0,
    wait_s: WaitOption = 300,
) -> None:
    """Sign in to Google Calendar once: open the printed address, approve, and you are done."""
    from connectors.google.auth import loopback_login, missing, paste_login
    from connectors.google.errors import GoogleError
    from sync.config.keystore import (
        NO_BACKEND_HELP,
        SecretStoreUnavailable,
        env_name,
        get_secret,
        keyring_usable,
        set_secret,
    )
    from sync.wiring.google import SECTION, oauth_client, scopes_for

    config = load(config_path)
    if config.google is None:
        fail(
            "add [google] with the client_id of your own OAuth client to the config first "
            "(docs/calendars.md, section Google Calendar)",
            EXIT_CONFIG,
        )
    if config.sinks.google is None and config.upcoming.google is None:
        fail(
            "add [sinks.google] or [upcoming.google] to the config first: hamsync asks Google "
            "only for the access they need",
            EXIT_CONFIG,
        )
    if not keyring_usable():
        # Refuse before the browser round trip: the new token would have nowhere to go (an
        # environment variable cannot be written for the next process).
        fail(
            "signing in stores a new refresh token, and there is "
            + NO_BACKEND_HELP.format(env=env_name(SECTION, "refresh_token"))
            + " To use the environment, sign in on a machine with a keyring and copy the "
            "token from it.",
            EXIT_CONFIG,
        )
    secret = get_secret(SECTION, "client_secret") or ask_and_store(
        SECTION, "client_secret", "Client secret of your Google OAuth client"
    )
    client = oauth_client(config.google, secret)
    scopes = scopes_for(config)
    try:
        if paste:
            grant = paste_login(
                client,
                scopes,
                lambda url: out.print(
                    f"Open this address in a browser and approve:\n\n{url}\n", soft_wrap=True
                ),
                lambda: str(typer.prompt("Paste the address the browser shows after approving")),
            )
        else:
            grant = loopback_login(client, scopes, port, wait_s, open_browser=_has_browser())
    except GoogleError as error:
        fail(str(error), EXIT_FAILED, error.fix)
    lacking = missing(scopes, grant.scopes)
    if lacking:
        fail(
            f"signed in, but without {', '.join(lacking)}: hamsync cannot use the calendar. "
            "Run `hamsync login google` again and keep every box ticked.",
            EXIT_FAILED,
        )
    try:
        set_secret(SECTION, "refresh_token", grant.refresh_token)
    except SecretStoreUnavailable as error:
        fail(str(error), EXIT_CONFIG)
    out.print("Signed in to Google Calendar; the token is in the keyring. Run `hamsync sync`.")


def _has_browser() -> bool:
    """Whether a browser can be opened here (a headless server has none)."""
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True
