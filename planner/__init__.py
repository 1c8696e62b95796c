"""Pure planning logic: terrain figures, run classification and the hamstring plan.

Nothing in this package does I/O, reads a clock or imports ``sync`` or ``connectors``.
"""
