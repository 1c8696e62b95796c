"""``python -m sync`` is the ``hamsync`` command."""

from sync.cli import main

main()
