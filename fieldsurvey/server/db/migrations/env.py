"""Alembic environment of the county server; run programmatically by ``server.db.migrate``.

Migrations are written out by hand (op.create_table …) and never import the live models, so an
old migration keeps meaning what it meant when it was released.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the county migrations run through fieldsurvey.server.db.engine.migrate")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
