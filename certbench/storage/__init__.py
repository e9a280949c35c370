"""Storage: the SQLAlchemy schema, engines and sessions, migrations and queries.

Nothing outside this package imports SQLAlchemy models through other paths;
import from here::

    from certbench.storage import open_database, resolve_url, Merchant, Audit
"""

from __future__ import annotations

# sync_models: the field-package tables join Base.metadata wherever the schema is used.
from certbench.storage import sync_models  # noqa: F401
from certbench.storage.engine import Database, default_url, make_engine, open_database, resolve_url
from certbench.storage.models import (
    Audit,
    AuditKind,
    Base,
    Body,
    Certificate,
    CertificateEvent,
    Complaint,
    ComplaintStatus,
    Evidence,
    EvidenceKind,
    Finding,
    JournalEvent,
    Merchant,
    MerchantSite,
    NonconformityClass,
    RegistryEntry,
    Sample,
    SampleKind,
    SiteKind,
    User,
    audit_assessors,
)
from certbench.storage.types import Role, fold, new_id, utcnow

__all__ = [
    "Audit",
    "AuditKind",
    "Base",
    "Body",
    "Certificate",
    "CertificateEvent",
    "Complaint",
    "ComplaintStatus",
    "Database",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "JournalEvent",
    "Merchant",
    "MerchantSite",
    "NonconformityClass",
    "RegistryEntry",
    "Role",
    "Sample",
    "SampleKind",
    "SiteKind",
    "User",
    "audit_assessors",
    "default_url",
    "fold",
    "make_engine",
    "new_id",
    "open_database",
    "resolve_url",
    "utcnow",
]
