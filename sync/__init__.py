"""Orchestration: config, secrets, state, the sync engine, sinks, CLI and daemon."""

import logging

# The engine logs each failed part (``hamsync`` logger) for the daemon's log. Without a handler
# of its own, Python's fallback handler (logging.lastResort) would print every such warning on
# stderr, a second time next to the CLI's own report of the same error (and break ``--json``
# output read with 2>&1). The daemon attaches its real handlers (sync.engine.logs.setup).
logging.getLogger("hamsync").addHandler(logging.NullHandler())
