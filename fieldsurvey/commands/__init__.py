"""Subcommands of ``fieldsurvey``; each module has ``register(subparsers)``."""
