"""Google Calendar through Google's own client libraries, with the runner's own OAuth client.

- :mod:`.auth`: the installed-app OAuth flow (``google-auth-oauthlib``) and the credentials
  a sync refreshes (``google-auth``); scopes kept to the narrowest that work.
- :mod:`.api`: the Calendar v3 client (``google-api-python-client``, its bundled discovery
  document), and every failure it can raise turned into one :class:`.errors.GoogleError`.
- :mod:`.storage`: the events hamsync wrote, as a storage in the style of vdirsyncer's
  ``Storage`` (list / get / create / update / delete with etag preconditions).
- :mod:`.upcoming`: planned runs and races read from a Google calendar.

Nothing here imports ``sync``; the library modules are imported only by the modules that
call Google, so ``hamsync --help`` never pays for them.
"""
