"""Personal records sealed at rest, and the ID number index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Every JSON column that holds a person's data (households, members, helpers, measures, incomes,
visits, member changes, conflict values) is rewritten as ``{"$sealed": 1, "rid": …, "ct": …}``
(AES-256-GCM under the county's column key, see ``fieldsurvey/server/db/sealed_columns.py``), and
members get ``id_index``, the keyed HMAC of the ID number, for lookups by ID number. Rows are
read and written in pages by primary key, each value's JSON text sealed as it is stored (a
visit's text still matches its content hash). Values already sealed are left alone, so the
revision can be run again after an interruption. The keys come from the connection's engine
(``sealed.attach``); without them a database that holds rows is refused, never left half done.
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from fieldsurvey.server.db.sealed_columns import cipher_of, is_sealed

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PAGE = 2000
PART_IDS = ("helper_id", "measure_id", "year")
# table, primary key columns, sealed columns, where the record id is in the value
SEALED = (
    ("households", ("household_id",), ("data",), ("household_id",)),
    ("members", ("member_id",), ("data",), ("member_id",)),
    ("household_parts", ("household_id", "part_type", "part_id"), ("data",), PART_IDS),
    ("visits", ("visit_id",), ("data",), ("visit_id",)),
    ("member_changes", ("change_id",), ("data",), ("change_id",)),
    ("conflicts", ("conflict_id",), ("base_value", "device_value", "server_value", "resolved_value"), ()),
)


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("id_index", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_members_id_index"), "members", ["id_index"], unique=False)
    conn = op.get_bind()
    for table, keys, columns, id_fields in SEALED:
        _seal_table(conn, table, keys, columns, id_fields)


def _rid(value: Any, id_fields: tuple[str, ...]) -> str:
    if isinstance(value, dict):
        for name in id_fields:
            if value.get(name) is not None:
                return str(value[name])
    return ""


def _seal_table(conn: Any, table: str, keys: tuple[str, ...], columns: tuple[str, ...], id_fields: tuple[str, ...]) -> None:
    pg = conn.dialect.name == "postgresql"
    as_text = ", ".join(f"CAST({c} AS TEXT)" if pg else c for c in columns)
    key_list = ", ".join(keys)
    after = f"({key_list}) > ({', '.join(':k' + str(i) for i in range(len(keys)))})"
    assign = ", ".join(f"{c} = CAST(:{c} AS JSONB)" if pg else f"{c} = :{c}" for c in columns)
    if table == "members":
        assign += ", id_index = :id_index"
    update = sa.text(f"UPDATE {table} SET {assign} WHERE " + " AND ".join(f"{k} = :k{i}" for i, k in enumerate(keys)))
    last: tuple[Any, ...] | None = None
    cipher = None
    while True:
        where = f"WHERE {after} " if last is not None else ""
        page = conn.execute(sa.text(f"SELECT {key_list}, {as_text} FROM {table} {where}ORDER BY {key_list} LIMIT {PAGE}"),
                            {f"k{i}": v for i, v in enumerate(last or ())}).fetchall()
        if not page:
            return
        updates = []
        for row in page:
            key, texts = tuple(row[: len(keys)]), row[len(keys):]
            values = [None if t is None else json.loads(t) for t in texts]
            if all(v is None or is_sealed(v) for v in values):
                continue
            cipher = cipher or cipher_of(conn.dialect)
            params: dict[str, Any] = {f"k{i}": v for i, v in enumerate(key)}
            for column, text, value in zip(columns, texts, values, strict=True):
                if text is None or is_sealed(value):
                    params[column] = text
                else:
                    params[column] = json.dumps(cipher.seal(f"{table}.{column}", _rid(value, id_fields), text.encode("utf-8")))
            if table == "members":
                id_number = values[0].get("id_number") if isinstance(values[0], dict) else None
                params["id_index"] = cipher.index(str(id_number)) if id_number and str(id_number).strip() else None
            updates.append(params)
        if updates:
            conn.execute(update, updates)
        last = tuple(page[-1][: len(keys)])


def downgrade() -> None:
    raise NotImplementedError("personal data is not decrypted back into plain columns")
