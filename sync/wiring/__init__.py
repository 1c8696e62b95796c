"""Turning the config into the sources and sinks of a sync."""
