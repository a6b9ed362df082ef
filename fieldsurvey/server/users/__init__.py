"""User accounts: adding, disabling, villages, sign-in locks and sessions (administrators)."""
