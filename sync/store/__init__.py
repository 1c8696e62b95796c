"""The state database: what hamsync knows and what it wrote, in SQLite."""
