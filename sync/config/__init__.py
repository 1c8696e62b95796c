"""The TOML configuration and the secrets it refers to."""
