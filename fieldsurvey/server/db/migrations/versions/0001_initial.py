"""County server schema: users, devices, the registry, visits, batches, conflicts, feed, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written out in full (no import of the live models) so this revision keeps its meaning.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('entry_no', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('entry_no')
    )
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)
    op.create_index(op.f('ix_audit_log_subject'), 'audit_log', ['subject'], unique=False)
    op.create_table('batches',
    sa.Column('batch_id', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('villages', JSON_TYPE, nullable=False),
    sa.Column('counts', JSON_TYPE, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('conflict_count', sa.Integer(), nullable=False),
    sa.Column('result', JSON_TYPE, nullable=False),
    sa.PrimaryKeyConstraint('batch_id')
    )
    op.create_index(op.f('ix_batches_device_id'), 'batches', ['device_id'], unique=False)
    op.create_index(op.f('ix_batches_received_at'), 'batches', ['received_at'], unique=False)
    op.create_index(op.f('ix_batches_status'), 'batches', ['status'], unique=False)
    op.create_index(op.f('ix_batches_user_id'), 'batches', ['user_id'], unique=False)
    op.create_table('conflicts',
    sa.Column('conflict_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('batch_id', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('record_type', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('field', sa.String(length=48), nullable=False),
    sa.Column('base_value', JSON_TYPE, nullable=True),
    sa.Column('device_value', JSON_TYPE, nullable=True),
    sa.Column('server_value', JSON_TYPE, nullable=True),
    sa.Column('base_revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_value', JSON_TYPE, nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('conflict_id')
    )
    op.create_index(op.f('ix_conflicts_batch_id'), 'conflicts', ['batch_id'], unique=False)
    op.create_index(op.f('ix_conflicts_created_at'), 'conflicts', ['created_at'], unique=False)
    op.create_index(op.f('ix_conflicts_device_id'), 'conflicts', ['device_id'], unique=False)
    op.create_index(op.f('ix_conflicts_household_id'), 'conflicts', ['household_id'], unique=False)
    op.create_index(op.f('ix_conflicts_status'), 'conflicts', ['status'], unique=False)
    op.create_index(op.f('ix_conflicts_village_code'), 'conflicts', ['village_code'], unique=False)
    op.create_table('counters',
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('divisions',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('parent', sa.String(length=12), nullable=True),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('households',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('household_no', sa.String(length=32), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('household_type', sa.String(length=24), nullable=True),
    sa.Column('poverty_category', sa.String(length=16), nullable=True),
    sa.Column('registered_poor', sa.Boolean(), nullable=False),
    sa.Column('monitored', sa.Boolean(), nullable=False),
    sa.Column('flag_bits', sa.Integer(), nullable=False),
    sa.Column('last_visit_date', sa.Date(), nullable=True),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.PrimaryKeyConstraint('household_id')
    )
    op.create_index(op.f('ix_households_flag_bits'), 'households', ['flag_bits'], unique=False)
    op.create_index(op.f('ix_households_household_no'), 'households', ['household_no'], unique=False)
    op.create_index(op.f('ix_households_household_type'), 'households', ['household_type'], unique=False)
    op.create_index(op.f('ix_households_last_visit_date'), 'households', ['last_visit_date'], unique=False)
    op.create_index(op.f('ix_households_monitored'), 'households', ['monitored'], unique=False)
    op.create_index(op.f('ix_households_poverty_category'), 'households', ['poverty_category'], unique=False)
    op.create_index(op.f('ix_households_seq'), 'households', ['seq'], unique=False)
    op.create_index(op.f('ix_households_status'), 'households', ['status'], unique=False)
    op.create_index(op.f('ix_households_village_code'), 'households', ['village_code'], unique=False)
    op.create_index('ix_households_village_seq', 'households', ['village_code', 'seq'], unique=False)
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', JSON_TYPE, nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('notices',
    sa.Column('notice_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('village_code', sa.String(length=12), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('ref', sa.String(length=64), nullable=True),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('notice_id')
    )
    op.create_index(op.f('ix_notices_device_id'), 'notices', ['device_id'], unique=False)
    op.create_index(op.f('ix_notices_seq'), 'notices', ['seq'], unique=False)
    op.create_index(op.f('ix_notices_village_code'), 'notices', ['village_code'], unique=False)
    op.create_table('rejections',
    sa.Column('rejection_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.String(length=128), nullable=True),
    sa.Column('device_id', sa.String(length=128), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('reason_code', sa.String(length=48), nullable=False),
    sa.Column('reason_zh', sa.Text(), nullable=False),
    sa.Column('reason_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('rejection_id')
    )
    op.create_index(op.f('ix_rejections_batch_id'), 'rejections', ['batch_id'], unique=False)
    op.create_index(op.f('ix_rejections_device_id'), 'rejections', ['device_id'], unique=False)
    op.create_index(op.f('ix_rejections_received_at'), 'rejections', ['received_at'], unique=False)
    op.create_table('tombstones',
    sa.Column('tombstone_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_type', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tombstone_id')
    )
    op.create_index(op.f('ix_tombstones_seq'), 'tombstones', ['seq'], unique=False)
    op.create_index(op.f('ix_tombstones_village_code'), 'tombstones', ['village_code'], unique=False)
    op.create_table('users',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('devices',
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('signing_key', sa.String(length=64), nullable=False),
    sa.Column('encryption_key', sa.String(length=64), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_cursor', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], ),
    sa.PrimaryKeyConstraint('device_id')
    )
    op.create_index(op.f('ix_devices_user_id'), 'devices', ['user_id'], unique=False)
    op.create_table('enroll_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], ),
    sa.PrimaryKeyConstraint('code_hash')
    )
    op.create_table('household_parts',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('part_type', sa.String(length=16), nullable=False),
    sa.Column('part_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.household_id'], ),
    sa.PrimaryKeyConstraint('household_id', 'part_type', 'part_id')
    )
    op.create_index(op.f('ix_household_parts_seq'), 'household_parts', ['seq'], unique=False)
    op.create_index(op.f('ix_household_parts_village_code'), 'household_parts', ['village_code'], unique=False)
    op.create_table('member_changes',
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('batch_id', sa.String(length=64), nullable=True),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.household_id'], ),
    sa.PrimaryKeyConstraint('change_id')
    )
    op.create_index(op.f('ix_member_changes_household_id'), 'member_changes', ['household_id'], unique=False)
    op.create_index(op.f('ix_member_changes_seq'), 'member_changes', ['seq'], unique=False)
    op.create_index(op.f('ix_member_changes_village_code'), 'member_changes', ['village_code'], unique=False)
    op.create_table('members',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.household_id'], ),
    sa.PrimaryKeyConstraint('member_id')
    )
    op.create_index(op.f('ix_members_household_id'), 'members', ['household_id'], unique=False)
    op.create_index(op.f('ix_members_seq'), 'members', ['seq'], unique=False)
    op.create_index(op.f('ix_members_village_code'), 'members', ['village_code'], unique=False)
    op.create_table('sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index(op.f('ix_sessions_user_id'), 'sessions', ['user_id'], unique=False)
    op.create_table('user_villages',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], ),
    sa.PrimaryKeyConstraint('user_id', 'village_code')
    )
    op.create_index(op.f('ix_user_villages_village_code'), 'user_villages', ['village_code'], unique=False)
    op.create_table('visits',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('form_id', sa.String(length=64), nullable=False),
    sa.Column('form_version', sa.String(length=32), nullable=False),
    sa.Column('batch_id', sa.String(length=64), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('review_status', sa.String(length=16), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.household_id'], ),
    sa.PrimaryKeyConstraint('visit_id')
    )
    op.create_index(op.f('ix_visits_batch_id'), 'visits', ['batch_id'], unique=False)
    op.create_index(op.f('ix_visits_household_id'), 'visits', ['household_id'], unique=False)
    op.create_index(op.f('ix_visits_review_status'), 'visits', ['review_status'], unique=False)
    op.create_index(op.f('ix_visits_seq'), 'visits', ['seq'], unique=False)
    op.create_index(op.f('ix_visits_village_code'), 'visits', ['village_code'], unique=False)
    op.create_index(op.f('ix_visits_visit_date'), 'visits', ['visit_date'], unique=False)

    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "seq", "value": 0}, {"name": "audit", "value": 0}])


def downgrade() -> None:
    for table in (
        "audit_log", "notices", "conflicts", "rejections", "batches", "tombstones", "member_changes",
        "visits", "household_parts", "members", "households", "divisions", "enroll_codes", "devices",
        "sessions", "user_villages", "users", "counters", "meta",
    ):
        op.drop_table(table)
