"""Garmin Connect: completed runs, planned runs on the Garmin calendar, and the API session.

garminconnect does the protocol; these modules only open a session from stored tokens
(:mod:`.session`), pace and translate its calls, and map its payloads to planner models
(:mod:`.mapping`, pure). Writing workouts and notes back is the sinks' job (``sync.sinks``).
"""
