"""``hamsync login strava``: sign in to Strava once; the tokens go to the keyring."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from sync.cli.app import (
    EXIT_CONFIG,
    EXIT_FAILED,
    CallbackPortOption,
    ConfigOption,
    PasteOption,
    WaitOption,
    err,
    fail,
    load,
    login_app,
    out,
)
from sync.cli.keyring_entry import ask_and_store

PASTE_REDIRECT = "http://127.0.0.1/hamsync-callback"
"""With --paste nothing listens: the browser shows an error page whose address holds the code.

It must stay equal to ``connectors.strava.auth.CALLBACK_PATH`` (a test checks it); it is
spelt out here so that ``hamsync --help`` does not load stravalib.
"""


@login_app.command("strava")
def login_strava(
    config_path: ConfigOption = None,
    paste: PasteOption = False,
    port: CallbackPortOption = 0,
    wait_s: WaitOption = 300,
    new_secret: Annotated[
        bool,
        typer.Option(
            "--new-secret", help="Ask for the client secret again (a mistyped one is replaced)."
        ),
    ] = False,
) -> None:
    """Sign in to Strava once: open the printed address, approve, and you are done."""
    from rich.markup import escape

    from connectors.base import SourceError
    from connectors.strava.auth import (
        CallbackServer,
        authorization_url,
        can_read_activities,
        exchange,
        missing_scopes,
        new_state,
        parse_redirect,
    )
    from sync.config.keystore import (
        NO_BACKEND_HELP,
        SecretStoreUnavailable,
        env_name,
        keyring_usable,
    )
    from sync.wiring.strava import SECTION, KeyringTokenStore, client_secret

    config = load(config_path)
    section = config.sources.strava
    if section is None:
        fail(
            "add [sources.strava] with your API application's client_id to the config "
            "first (see config.example.toml)",
            EXIT_CONFIG,
        )
    if not keyring_usable() and env_name(SECTION, "refresh_token") not in os.environ:
        # Refuse before the browser round trip: the tokens would have nowhere to go.
        fail(NO_BACKEND_HELP.format(env=env_name(SECTION, "refresh_token")), EXIT_CONFIG)
    if new_secret and env_name(SECTION, "client_secret") in os.environ:
        fail(
            f"the client secret comes from {env_name(SECTION, 'client_secret')}: correct it there",
            EXIT_CONFIG,
        )
    secret = (None if new_secret else client_secret()) or ask_and_store(
        SECTION, "client_secret", "Client secret of your Strava API application"
    )
    state = new_state()
    if paste:
        url = authorization_url(section.client_id, PASTE_REDIRECT, state)
        out.print(f"Open this address in a browser and approve:\n\n{url}\n", soft_wrap=True)
        redirect = typer.prompt("Paste the address the browser shows after approving")
    else:
        server = CallbackServer(port)
        url = authorization_url(section.client_id, server.redirect_uri, state)
        out.print(f"Open this address in a browser and approve:\n\n{url}\n", soft_wrap=True)
        out.print(f"Waiting up to {wait_s} s for Strava to send you back to 127.0.0.1...")
        got = server.wait(wait_s)
        if got is None:
            fail("no approval arrived; on a headless server use `--paste`", EXIT_FAILED)
        redirect = got
    try:
        grant = parse_redirect(redirect, state)
        tokens = exchange(section.client_id, secret, grant.code)
        KeyringTokenStore().save(tokens)
    except SourceError as error:
        fail(f"{error} ({error.fix})" if error.fix else str(error), EXIT_FAILED)
    except SecretStoreUnavailable as error:
        fail(str(error), EXIT_CONFIG)
    missing = missing_scopes(grant.scopes)
    if not can_read_activities(grant.scopes):
        fail(
            "signed in, but without permission to read activities: runs cannot be pulled. "
            "Run `hamsync login strava` again and keep every box ticked.",
            EXIT_FAILED,
        )
    out.print("Signed in to Strava; the tokens are in the keyring. Run `hamsync sync`.")
    for line in missing:
        err.print(f"[yellow]warning:[/] scope not granted: {escape(line)}", highlight=False)
