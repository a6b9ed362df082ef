"""The county server: FastAPI application, database, ingest, change feed, audit and administration."""
