"""The HTTP and batch contract: typed models of what travels between devices, the county server
and county mode.

Both sides import these models, and ``docs/sync-protocol.md`` is generated from them
(``scripts/protocol_schema.py``), so the page a third party reads, the server's answers and the
client's reading of them cannot drift apart. Imports only ``core`` and pydantic: everyone may
import ``api``, and it imports no layer above core.
"""
