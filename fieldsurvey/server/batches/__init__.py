"""Batches from devices: chunked upload, checks, ownership, ingest in one transaction, and the inbox."""
