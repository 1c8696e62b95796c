"""What hamsync serves over HTTP: the ICS feed."""
