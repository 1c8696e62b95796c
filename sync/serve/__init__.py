"""What hamsync serves over HTTP: the ICS feed and the check-in page (:mod:`sync.serve.server`)."""
