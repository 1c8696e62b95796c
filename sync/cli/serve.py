"""``hamsync serve``: the ICS feed (for calendar apps) and the check-in page (for the runner's
phone) in the foreground."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from sync.cli.app import EXIT_CONFIG, ConfigOption, app, err, fail, load, out

if TYPE_CHECKING:  # imported where used: `hamsync --help` stays quick
    from sync.serve.page import CheckinPage


@app.command()
def serve(
    config_path: ConfigOption = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="Address to listen on (default: [feed] host, 127.0.0.1). Keep 127.0.0.1 "
            "and reach the check-in page from a phone through Tailscale/WireGuard or a "
            "reverse proxy with TLS (docs/checkin.md); any other address serves it over "
            "plain HTTP to that network.",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=0, max=65535, help="Port to listen on (default: [feed] port, 8765)."
        ),
    ] = None,
    urls_only: Annotated[
        bool,
        typer.Option(
            "--urls",
            help="Print the addresses of the feed and the check-in page (also those the "
            "daemon serves) and exit.",
        ),
    ] = False,
) -> None:
    """Serve the calendar as an ICS feed and the check-in page, each at its own secret URL."""
    import errno

    from sync.config.keystore import SecretStoreUnavailable
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
    if urls_only:
        _addresses(chosen_host, chosen_port, token, new, page, page is not None and new_page)
        return
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
    bound_port = server.httpd.server_address[1]
    _addresses(chosen_host, bound_port, token, new, page, page is not None and new_page)
    out.print("Ctrl-C stops serving.")
    sys.stdout.flush()  # the addresses reach a log or a pipe before the first request
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _addresses(
    host: str, port: int, token: str, new: bool, page: CheckinPage | None, new_page: bool
) -> None:
    """Print where the feed and the page can be reached, and who may know the addresses."""
    from rich.markup import escape

    from sync.serve.addresses import WILDCARDS, feed_urls, is_loopback

    if page is not None and not is_loopback(host):
        err.print(
            f"[bold red]warning:[/] the check-in page is served over plain HTTP on "
            f"{escape(host or 'every address')}: anyone on that network who sees its address "
            "can read and change your plan. Listen on 127.0.0.1 and reach it through "
            "Tailscale/WireGuard or a reverse proxy with TLS (docs/checkin.md).",
            highlight=False,
        )
    if new:
        out.print("A new secret feed address was made and stored in the keyring.")
    urls = feed_urls(host, port, f"/{token}.ics")
    if host in WILDCARDS:
        out.print("Subscribe your calendar app to one of these addresses:", highlight=False)
        for url in urls[:-1]:
            out.print(f"  {url}  (from another device on this network)", highlight=False)
        if len(urls) == 1:
            out.print("  (no network address found: only this machine can reach the feed)")
        out.print(f"  {urls[-1]}  (from this machine)", highlight=False, soft_wrap=True)
    else:
        out.print(f"Subscribe your calendar app to: {urls[0]}", highlight=False, soft_wrap=True)
    out.print("Anyone with this address can read your sessions.")
    if page is None:
        return
    if new_page:
        out.print("A new secret check-in page address was made and stored in the keyring.")
    out.print("Check in from your phone at:", highlight=False)
    for url in feed_urls(host, port, page.base):
        out.print(f"  {url}", highlight=False, soft_wrap=True)
    out.print(
        "Anyone with this address can change your plan: reach it through a reverse proxy "
        "with TLS or a private network (Tailscale, WireGuard), never an open port."
    )
