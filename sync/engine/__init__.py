"""The sync engine: run_once, look-ahead, diff, safety valves, report and daemon."""
