"""Everything that talks to the outside world to fetch activities and planned events."""
