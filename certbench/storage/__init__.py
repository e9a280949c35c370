"""Storage: the SQLAlchemy schema, engines and sessions, migrations and queries.

Import the public names from here::

    from certbench.storage import open_database, resolve_url, Merchant, Audit

How the pieces fit:

* ``db = open_database(resolve_url(url_or_path))`` opens SQLite or PostgreSQL and
  migrates to the newest schema (:mod:`certbench.storage.migrate`).
* ``with db.session() as s: ...`` is one transaction: commit on success, rollback
  on error. A stale save raises :class:`~certbench.errors.ConflictError`; a
  violated constraint or unreachable database raises
  :class:`~certbench.errors.StorageError`.
* Optimistic locking is automatic for every model with a ``version`` column: load,
  change, commit; if someone else committed the same row in between, the commit
  raises ``ConflictError`` and nothing of this transaction is saved. To carry a
  version across a user's think time (a dialog open for minutes), keep the
  ``version`` you displayed and compare it before saving, or keep the detached
  object and ``s.add()`` it back into a new session: its ``UPDATE`` still checks
  the version it was loaded with.
* :mod:`certbench.storage.queries` has the read side for lists and views
  (immutable rows, keyset paging); :mod:`certbench.journal` appends hash-chained
  events; :mod:`certbench.evidence` stores files and their ``Evidence`` rows.
* Importing this package loads SQLAlchemy and the models only: Alembic is
  imported when a database has to be created, upgraded or compared, and the
  PostgreSQL dialect when a PostgreSQL URL is opened (``tests/test_queries_merchant.py``
  checks both in a fresh interpreter).
* Merchant substring search uses trigram indexes (revision 0003): FTS5 on
  SQLite, ``pg_trgm`` on PostgreSQL when the extension can be created.
* Core bulk inserts (imports, benchmarks) go through ``db.engine`` and must fill
  every NOT NULL column, ``version=1`` and the folded search columns included
  (:func:`fold`, :func:`certbench.storage.models.merchant_search_text`).
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
