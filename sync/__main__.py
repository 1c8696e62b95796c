"""``python -m sync`` is the ``hamsync`` command."""

from .cli import main

main()
