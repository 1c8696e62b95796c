"""``hamsync serve``: the ICS feed in the foreground, for calendar apps to subscribe to."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sync.cli.app import EXIT_CONFIG, ConfigOption, app, fail, load, out


@app.command()
def serve(
    config_path: ConfigOption = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="Address to listen on (default: [feed] host, 127.0.0.1); 0.0.0.0 for "
            "every address, e.g. for a phone on the same network.",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=0, max=65535, help="Port to listen on (default: [feed] port, 8765)."
        ),
    ] = None,
) -> None:
    """Serve the hamsync calendar as an ICS feed at a secret URL (Ctrl-C stops it)."""
    import errno

    from sync.config.keystore import SecretStoreUnavailable
    from sync.serve.addresses import WILDCARDS, feed_urls
    from sync.serve.feed import FeedServer, feed_token

    config = load(config_path)
    chosen_host = config.feed.host if host is None else host
    chosen_port = config.feed.port if port is None else port
    try:
        token, new = feed_token()
    except SecretStoreUnavailable as exc:
        fail(f"feed token: {exc}", EXIT_CONFIG)
    try:
        server = FeedServer(config, token, chosen_host, chosen_port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail(
                f"port {chosen_port} on {chosen_host} is taken (another program, or a "
                "`hamsync serve` or daemon already serving): choose another with --port "
                "or [feed] port",
                EXIT_CONFIG,
            )
        fail(f"cannot listen on {chosen_host}:{chosen_port}: {exc.strerror}", EXIT_CONFIG)
    if new:
        out.print("A new secret feed address was made and stored in the keyring.")
    bound_port = server.httpd.server_address[1]
    urls = feed_urls(chosen_host, bound_port, f"/{token}.ics")
    if chosen_host in WILDCARDS:
        out.print("Subscribe your calendar app to one of these addresses:", highlight=False)
        for url in urls[:-1]:
            out.print(f"  {url}  (from another device on this network)", highlight=False)
        if len(urls) == 1:
            out.print("  (no network address found: only this machine can reach the feed)")
        out.print(f"  {urls[-1]}  (from this machine)", highlight=False, soft_wrap=True)
    else:
        out.print(f"Subscribe your calendar app to: {urls[0]}", highlight=False, soft_wrap=True)
    out.print("Anyone with this address can read your sessions. Ctrl-C stops the feed.")
    sys.stdout.flush()  # the addresses reach a log or a pipe before the first request
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
