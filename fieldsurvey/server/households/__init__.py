"""The county registry of households: rows and records, derived columns, filters and lists, provenance."""
