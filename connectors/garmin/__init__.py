"""Garmin Connect: completed runs, planned runs on the Garmin calendar, and the API session.

garminconnect does the protocol; these modules only open a session from stored tokens
(:mod:`.session`), pace and translate its calls (named by what they do in :mod:`.api`, the
only door the sinks use), and map its payloads to planner models
(:mod:`.mapping`, pure), and build a session's strength workout (:mod:`.workout_map`, pure).
Deciding what to write back, and recording it, is the sinks' job (``sync.sinks``).
"""
