"""``hamsync serve``: the ICS feed (for calendar apps) and the check-in page (for the runner's
phone) in the foreground."""

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
    """Serve the calendar as an ICS feed and the check-in page, each at its own secret URL."""
    import errno

    from sync.config.keystore import SecretStoreUnavailable
    from sync.serve.addresses import WILDCARDS, feed_urls
    from sync.serve.feed import feed_token
    from sync.serve.page import CheckinPage, page_token
    from sync.serve.server import HamsyncServer

    config = load(config_path)
    chosen_host = config.feed.host if host is None else host
    chosen_port = config.feed.port if port is None else port
    try:
        token, new = feed_token()
        page = None
        if config.feed.page:
            page_secret, new_page = page_token()
            page = CheckinPage(config, page_secret)
    except SecretStoreUnavailable as exc:
        fail(f"feed or page token: {exc}", EXIT_CONFIG)
    try:
        server = HamsyncServer(config, token, chosen_host, chosen_port, page)
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
    out.print("Anyone with this address can read your sessions.")
    if page is not None:
        if new_page:
            out.print("A new secret check-in page address was made and stored in the keyring.")
        page_urls = feed_urls(chosen_host, bound_port, page.base)
        out.print("Check in from your phone at:", highlight=False)
        for url in page_urls:
            out.print(f"  {url}", highlight=False, soft_wrap=True)
        out.print(
            "Anyone with this address can change your plan: reach it through a reverse proxy "
            "with TLS or a private network (Tailscale, WireGuard), never an open port."
        )
    out.print("Ctrl-C stops serving.")
    sys.stdout.flush()  # the addresses reach a log or a pipe before the first request
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
