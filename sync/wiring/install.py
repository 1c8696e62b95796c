"""The install id the sinks of this config write under (:mod:`sync.store.install_id`)."""

from __future__ import annotations

from sync.config.model import Config
from sync.store.install_id import install_id, provisional_install_id


def install_for(config: Config) -> str:
    """This install's id; before the first sync (``sync --dry-run``, which writes nothing) the
    state folder does not exist: a provisional id, and no folder or id file is made (issue
    16). :class:`~sync.store.install_id.InstallIdError` when the stored one is unreadable."""
    assert config.state_dir is not None
    if not config.state_dir.is_dir():
        return provisional_install_id()
    return install_id(config.state_dir)
