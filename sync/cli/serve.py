"""``hamsync serve``: the ICS feed in the foreground, for calendar apps to subscribe to."""

from __future__ import annotations

from typing import Annotated

import typer

from sync.cli.app import EXIT_CONFIG, ConfigOption, app, fail, load, out
from sync.config.keystore import SecretStoreUnavailable
from sync.serve.feed import FeedServer, feed_token


@app.command()
def serve(
    config_path: ConfigOption = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default: the feed's host).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port to listen on (default: the feed's port).")
    ] = None,
) -> None:
    """Serve the hamsync calendar as an ICS feed at a secret URL (Ctrl-C stops it)."""
    config = load(config_path)
    try:
        token, new = feed_token()
    except SecretStoreUnavailable as exc:
        fail(f"feed token: {exc}", EXIT_CONFIG)
    try:
        server = FeedServer(
            config, token, host or config.feed.host, config.feed.port if port is None else port
        )
    except OSError as exc:
        fail(f"cannot listen on {host or config.feed.host}: {exc.strerror}", EXIT_CONFIG)
    if new:
        out.print("A new secret feed address was made and stored in the keyring.")
    out.print(f"Subscribe your calendar app to: {server.url}", highlight=False, soft_wrap=True)
    out.print("Anyone with this address can read your sessions. Ctrl-C stops the feed.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
