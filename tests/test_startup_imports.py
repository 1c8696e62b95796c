"""Start-up stays light: the CLI does not load the platform libraries it may never use."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_does_not_load_stravalib_or_caldav() -> None:
    """`hamsync --help` and a files-only sync never pay for stravalib (pint) or caldav."""
    code = (
        "import sys, sync.cli; "
        "print(','.join(m for m in ('stravalib', 'caldav', 'pint', 'googleapiclient', "
        "'google_auth_oauthlib', 'httplib2') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
