"""Initial schema: every certbench table.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 01:44:13

Hand-checked after autogeneration: portable types only (no model classes are
imported, so later model changes cannot alter what this revision creates),
enums as plain VARCHAR(24), instants as ``timestamptz`` / SQLite DATETIME.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "bodies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("issuer_kid", sa.String(length=128), nullable=True),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
        sa.UniqueConstraint("code", name=op.f("uq_bodies_code")),
    )
    op.create_table(
        "merchants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("legal_name", sa.String(length=400), nullable=False),
        sa.Column(
            "trading_names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("registration_number", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column(
            "contacts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "name_folded",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchants")),
    )
    op.create_index("ix_merchants_created_key", "merchants", ["created_at", "id"], unique=False)
    op.create_index("ix_merchants_name_key", "merchants", ["name_folded", "id"], unique=False)
    op.create_index(
        op.f("ix_merchants_registration_number"), "merchants", ["registration_number"], unique=False
    )
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(
            "ix_merchants_search", "merchants", ["name_folded", "id", "search_text"], unique=False
        )

    op.create_table(
        "registry_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_registry_entries")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_registry_entries_entry_hash")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(length=128), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index(op.f("ix_users_key_id"), "users", ["key_id"], unique=False)

    op.create_table(
        "audits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("previous_audit_id", sa.String(length=36), nullable=True),
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("form_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scope",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("reviewer_id", sa.String(length=36), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.Column("assessor_signature", sa.Text(), nullable=True),
        sa.Column("signed_record_hash", sa.String(length=64), nullable=True),
        sa.Column("reviewer_signature", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_audits_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["previous_audit_id"], ["audits.id"], name=op.f("fk_audits_previous_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_audits_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    op.create_index(op.f("ix_audits_merchant_id"), "audits", ["merchant_id"], unique=False)
    op.create_index(
        op.f("ix_audits_previous_audit_id"), "audits", ["previous_audit_id"], unique=False
    )
    op.create_index(op.f("ix_audits_reviewer_id"), "audits", ["reviewer_id"], unique=False)
    op.create_index(op.f("ix_audits_state"), "audits", ["state"], unique=False)

    op.create_table(
        "merchant_sites",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_merchant_sites_merchant_id_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_sites")),
        sa.UniqueConstraint("merchant_id", "url", name=op.f("uq_merchant_sites_merchant_id_url")),
    )
    op.create_index(
        op.f("ix_merchant_sites_merchant_id"), "merchant_sites", ["merchant_id"], unique=False
    )

    op.create_table(
        "audit_assessors",
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_assessors_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_assessors_user_id_users")
        ),
        sa.PrimaryKeyConstraint("audit_id", "user_id", name=op.f("pk_audit_assessors")),
    )
    op.create_index(
        op.f("ix_audit_assessors_user_id"), "audit_assessors", ["user_id"], unique=False
    )

    op.create_table(
        "certificates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("seal_hash", sa.String(length=64), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("pdf_path", sa.String(length=1000), nullable=True),
        sa.Column("seal_path", sa.String(length=1000), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("kid", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_certificates_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_certificates_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
        sa.UniqueConstraint("seal_hash", name=op.f("uq_certificates_seal_hash")),
    )
    op.create_index(op.f("ix_certificates_audit_id"), "certificates", ["audit_id"], unique=False)
    op.create_index(
        op.f("ix_certificates_merchant_id"), "certificates", ["merchant_id"], unique=False
    )
    op.create_index(op.f("ix_certificates_status"), "certificates", ["status"], unique=False)
    op.create_index(
        op.f("ix_certificates_valid_until"), "certificates", ["valid_until"], unique=False
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("original_filename", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("captured_by", sa.String(length=36), nullable=True),
        sa.Column("captured_where", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_evidence_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["captured_by"], ["users.id"], name=op.f("fk_evidence_captured_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_audit_id"), "evidence", ["audit_id"], unique=False)
    op.create_index(op.f("ix_evidence_captured_by"), "evidence", ["captured_by"], unique=False)
    op.create_index(op.f("ix_evidence_sha256"), "evidence", ["sha256"], unique=False)

    op.create_table(
        "journal_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_journal_events_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_events")),
        sa.UniqueConstraint("audit_id", "seq", name=op.f("uq_journal_events_audit_id_seq")),
    )
    op.create_table(
        "samples",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column(
            "timestamps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "amounts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_samples_audit_id_audits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_samples")),
    )
    op.create_index(op.f("ix_samples_audit_id"), "samples", ["audit_id"], unique=False)

    op.create_table(
        "certificate_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("certificate_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_events_certificate_id_certificates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_events")),
    )
    op.create_index(
        op.f("ix_certificate_events_certificate_id"),
        "certificate_events",
        ["certificate_id"],
        unique=False,
    )

    op.create_table(
        "complaints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("complainant_contact", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("surveillance_audit_id", sa.String(length=36), nullable=True),
        sa.Column("certificate_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_complaints_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_complaints_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["surveillance_audit_id"],
            ["audits.id"],
            name=op.f("fk_complaints_surveillance_audit_id_audits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    op.create_index(
        op.f("ix_complaints_certificate_id"), "complaints", ["certificate_id"], unique=False
    )
    op.create_index(op.f("ix_complaints_merchant_id"), "complaints", ["merchant_id"], unique=False)
    op.create_index(
        op.f("ix_complaints_surveillance_audit_id"),
        "complaints",
        ["surveillance_audit_id"],
        unique=False,
    )

    op.create_table(
        "findings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("nc_class", sa.String(length=24), nullable=True),
        sa.Column("corrective_action", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_evidence_id", sa.String(length=36), nullable=True),
        sa.Column("carried_over", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_findings_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["closing_evidence_id"],
            ["evidence.id"],
            name=op.f("fk_findings_closing_evidence_id_evidence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint(
            "audit_id", "criterion_id", name=op.f("uq_findings_audit_id_criterion_id")
        ),
    )
    op.create_index(
        op.f("ix_findings_closing_evidence_id"), "findings", ["closing_evidence_id"], unique=False
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_findings_closing_evidence_id"), table_name="findings")

    op.drop_table("findings")
    op.drop_index(op.f("ix_complaints_surveillance_audit_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_merchant_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_certificate_id"), table_name="complaints")

    op.drop_table("complaints")
    op.drop_index(op.f("ix_certificate_events_certificate_id"), table_name="certificate_events")

    op.drop_table("certificate_events")
    op.drop_index(op.f("ix_samples_audit_id"), table_name="samples")

    op.drop_table("samples")
    op.drop_table("journal_events")
    op.drop_index(op.f("ix_evidence_sha256"), table_name="evidence")
    op.drop_index(op.f("ix_evidence_captured_by"), table_name="evidence")
    op.drop_index(op.f("ix_evidence_audit_id"), table_name="evidence")

    op.drop_table("evidence")
    op.drop_index(op.f("ix_certificates_valid_until"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_status"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_merchant_id"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_audit_id"), table_name="certificates")

    op.drop_table("certificates")
    op.drop_index(op.f("ix_audit_assessors_user_id"), table_name="audit_assessors")

    op.drop_table("audit_assessors")
    op.drop_index(op.f("ix_merchant_sites_merchant_id"), table_name="merchant_sites")

    op.drop_table("merchant_sites")
    op.drop_index(op.f("ix_audits_state"), table_name="audits")
    op.drop_index(op.f("ix_audits_reviewer_id"), table_name="audits")
    op.drop_index(op.f("ix_audits_previous_audit_id"), table_name="audits")
    op.drop_index(op.f("ix_audits_merchant_id"), table_name="audits")

    op.drop_table("audits")
    op.drop_index(op.f("ix_users_key_id"), table_name="users")

    op.drop_table("users")
    op.drop_table("registry_entries")
    op.drop_index(op.f("ix_merchants_registration_number"), table_name="merchants")
    op.drop_index("ix_merchants_name_key", table_name="merchants")
    op.drop_index("ix_merchants_created_key", table_name="merchants")

    op.drop_table("merchants")
    op.drop_table("bodies")
