"""The county database: engine and data directory, tables, change numbers, sealed columns and files,
secrets, migrations."""
