"""intervals.icu: completed runs in, planned runs and races in, hamstring sessions out.

intervals.icu collects activities from Garmin, Coros, Suunto, Polar, Wahoo and Strava and
holds a training calendar that it pushes to those watches. Its REST API takes HTTP basic
auth with the user name ``API_KEY`` and the runner's personal key (intervals.icu
``Settings -> Developer settings``); no OAuth application is needed.

- :mod:`.client`: the one place that talks HTTP (``requests``) and translates failures;
- :mod:`.mapping`: pure payload -> planner model functions, tested from JSON;
- :mod:`.activities`: the activity source (incremental, oldest first, cursor);
- :mod:`.upcoming`: planned runs and races of the calendar, for the look-ahead;
- :mod:`.storage`: the calendar as item storage (list/get/create/update/delete with etags)
  that the session sink writes through.
"""
