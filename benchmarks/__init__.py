"""Speed and request-count benchmarks of hamsync against what a runner would otherwise use.

Run ``.venv/bin/python -m benchmarks`` from the repository root (``--quick`` for a smoke run on
a couple of files). Not part of the test suite: timings depend on the machine. The latest
figures, and the machine they came from, are in ``benchmarks/README.md``.
"""
