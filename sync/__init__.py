"""Orchestration: config, secrets, state, the sync engine, sinks, CLI and daemon."""
