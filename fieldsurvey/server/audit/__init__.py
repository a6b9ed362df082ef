"""The audit log: the hash-chained, signed entries and reading them."""
