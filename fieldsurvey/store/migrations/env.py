"""Alembic environment for the device store.

Migrations always run on a connection the store has already keyed (SQLCipher), handed over in
``config.attributes["connection"]``; there is no URL here because the key never leaves memory.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
