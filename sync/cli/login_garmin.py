"""``hamsync login garmin``: sign in to Garmin Connect once; the tokens go to a 0600 file.

The file sits in the state directory (``garmin/garmin_tokens.json``) or in the folder named
by ``HAMSYNC_GARMIN_TOKENSTORE``. The password is used for this sign-in only and never
stored; ``hamsync sync`` and the daemon use the tokens and never sign in by themselves.
"""

from __future__ import annotations

import typer

from sync.cli.app import EXIT_FAILED, ConfigOption, fail, load, login_app, out


@login_app.command("garmin")
def login_garmin(config_path: ConfigOption = None) -> None:
    """Sign in to Garmin Connect once: email, password and, if asked, the MFA code."""
    from connectors.base import SourceError
    from connectors.garmin.session import sign_in
    from sync.wiring.garmin import garmin_token_dir

    config = load(config_path)
    token_dir = garmin_token_dir(config)
    email = typer.prompt("Garmin Connect email")
    password = typer.prompt("Password (used once, never stored)", hide_input=True)
    try:
        path = sign_in(token_dir, email, password, lambda: typer.prompt("MFA code"))
    except SourceError as error:
        fail(f"{error} ({error.fix})" if error.fix else str(error), EXIT_FAILED)
    finally:
        del password
    out.print(f"Signed in to Garmin Connect; the tokens are in {path} (mode 0600).")
    out.print("Run `hamsync sync`; sign in again only when hamsync asks you to.")
