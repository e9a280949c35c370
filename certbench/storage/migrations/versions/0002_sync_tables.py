"""Field packages: devices, package log, agreed revisions, conflicts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:00:00

Portable types only, like 0001; the models are in ``certbench/storage/sync_models.py``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "sync_devices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sync_devices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_devices")),
    )
    op.create_index(op.f("ix_sync_devices_user_id"), "sync_devices", ["user_id"], unique=False)
    op.create_table(
        "sync_packages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_packages")),
    )
    op.create_table(
        "sync_bases",
        sa.Column("record_type", sa.String(length=24), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "record_id", name=op.f("pk_sync_bases")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=24), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=True),
        sa.Column("criterion_id", sa.String(length=32), nullable=True),
        sa.Column("base_revision", sa.String(length=64), nullable=True),
        sa.Column("local_revision", sa.String(length=64), nullable=False),
        sa.Column("incoming_revision", sa.String(length=64), nullable=False),
        sa.Column("incoming", _JSON, nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    for column in ("audit_id", "package_id", "record_id"):
        op.create_index(op.f(f"ix_sync_conflicts_{column}"), "sync_conflicts", [column],
                        unique=False)


def downgrade() -> None:
    """Undo this revision."""
    for column in ("audit_id", "package_id", "record_id"):
        op.drop_index(op.f(f"ix_sync_conflicts_{column}"), table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_bases")
    op.drop_table("sync_packages")
    op.drop_index(op.f("ix_sync_devices_user_id"), table_name="sync_devices")
    op.drop_table("sync_devices")
