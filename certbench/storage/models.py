"""The certbench schema as typed SQLAlchemy ORM classes.

Conventions every table follows:

* primary keys are UUID4 strings of 36 characters (:func:`new_id`), identical on
  SQLite and PostgreSQL, and stable across field packages;
* records that can change carry an integer ``version`` used as SQLAlchemy's
  ``version_id_col``: an ``UPDATE`` only succeeds when the row still has the
  version that was loaded, so a stale save fails (``Database.session`` turns it
  into :class:`certbench.errors.ConflictError`) instead of silently overwriting;
* append-only records (evidence, journal events, certificate events, registry
  entries) have no version;
* instants are :class:`UTCDateTime` (aware UTC in, aware UTC out);
* JSON columns are not mutation-tracked: assign a new value to change them.

Schema changes need an Alembic revision in ``storage/migrations/versions``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from certbench.domain import AuditState, CertificateStatus
from certbench.samples import SampleRecord, parse_sample
from certbench.storage.types import (
    JSONType,
    Role,
    RoleSet,
    UTCDateTime,
    enum_column,
    fold,
    new_id,
    utcnow,
)

__all__ = [
    "Audit",
    "AuditKind",
    "Base",
    "Body",
    "Certificate",
    "CertificateEvent",
    "Complaint",
    "ComplaintStatus",
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
    "merchant_search_text",
]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# PostgreSQL sorts the folded names bytewise, like SQLite, so keyset pages and
# prefix ranges agree on both backends whatever the server's locale.
_FOLDED = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")


class Base(DeclarativeBase):
    """The one declarative base; ``Base.metadata`` is what Alembic compares against."""

    metadata = sa.MetaData(naming_convention=_NAMING)


def _id() -> Mapped[str]:
    return mapped_column(sa.String(36), primary_key=True, default=new_id)


def _fk(target: str, *, nullable: bool = False, ondelete: str | None = None) -> Mapped[Any]:
    return mapped_column(sa.String(36), sa.ForeignKey(target, ondelete=ondelete),
                         nullable=nullable, index=True)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, nullable=False)


def _updated() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


def _version() -> Mapped[int]:
    return mapped_column(sa.Integer, nullable=False)


def _versioned(version: Mapped[int]) -> dict[str, Any]:
    """Mapper arguments that make ``version`` the optimistic-locking counter."""
    return {"version_id_col": version}


class AuditKind(enum.StrEnum):
    """Why an audit is done."""

    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    REASSESSMENT = "reassessment"


class NonconformityClass(enum.StrEnum):
    """How serious a finding's gap is."""

    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"


class EvidenceKind(enum.StrEnum):
    """What a piece of evidence is."""

    FILE = "file"
    PHOTO = "photo"
    URL_CAPTURE = "url_capture"
    NOTE = "note"


class SampleKind(enum.StrEnum):
    """A measured-evidence record's kind."""

    TEST_PURCHASE = "test_purchase"
    TEST_RETURN = "test_return"
    CONTACT = "contact"


class ComplaintStatus(enum.StrEnum):
    """Where a complaint about a merchant stands."""

    RECEIVED = "received"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class SiteKind(enum.StrEnum):
    """What kind of storefront a merchant site is."""

    WEBSITE = "website"
    MARKETPLACE_SHOP = "marketplace_shop"
    APP = "app"
    SOCIAL = "social"


class Body(Base):
    """The certification body running this workbench (usually one row)."""

    __tablename__ = "bodies"
    id: Mapped[str] = _id()
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """Short identifier printed in certificate numbers and seals."""
    name: Mapped[str] = mapped_column(sa.String(300))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    issuer_kid: Mapped[str | None] = mapped_column(sa.String(128))
    """Key id of the issuer key currently used for seals."""
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    __mapper_args__ = _versioned(version)


class User(Base):
    """A person who works in the workbench, with roles and a personal signing key."""

    __tablename__ = "users"
    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    roles: Mapped[frozenset[Role]] = mapped_column(RoleSet, default=frozenset)
    public_key_pem: Mapped[str | None] = mapped_column(sa.Text)
    key_id: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    __mapper_args__ = _versioned(version)

    def has_role(self, role: Role) -> bool:
        """Whether the user holds ``role``."""
        return role in self.roles


class Merchant(Base):
    """An online merchant that is (or may be) audited.

    ``name_folded`` and ``search_text`` are maintained automatically from the
    names (see :func:`_refresh_search_columns`); bulk inserts through Core must
    fill them with :func:`certbench.storage.types.fold` themselves.
    """

    __tablename__ = "merchants"
    id: Mapped[str] = _id()
    legal_name: Mapped[str] = mapped_column(sa.String(400))
    trading_names: Mapped[list[str]] = mapped_column(JSONType, default=list)
    registration_number: Mapped[str] = mapped_column(sa.String(100), default="", index=True)
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    contacts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    name_folded: Mapped[str] = mapped_column(_FOLDED, default="")
    """Folded legal name: the sort key and the index for prefix search."""
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    """Folded legal name, trading names and registration number, for substring search."""
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    sites: Mapped[list[MerchantSite]] = relationship(
        back_populates="merchant", cascade="all, delete-orphan", order_by="MerchantSite.url")
    __mapper_args__ = _versioned(version)
    __table_args__ = (
        sa.Index("ix_merchants_name_key", "name_folded", "id"),
        sa.Index("ix_merchants_created_key", "created_at", "id"),
        # SQLite only: substring search walks this covering index in name order and
        # never touches the wide table rows (PostgreSQL scans the table instead, and
        # its b-tree entries could not hold an unbounded search_text anyway).
        sa.Index("ix_merchants_search", "name_folded", "id", "search_text").ddl_if(
            dialect="sqlite"),
    )


def merchant_search_text(legal_name: str, trading_names: list[str], registration: str) -> str:
    """The folded text substring search runs over (names and registration number)."""
    return "\x1f".join(fold(n) for n in [legal_name, *trading_names, registration] if n)


@sa.event.listens_for(Merchant, "before_insert")
@sa.event.listens_for(Merchant, "before_update")
def _refresh_search_columns(_mapper: object, _conn: object, target: Merchant) -> None:
    target.name_folded = fold(target.legal_name)
    target.search_text = merchant_search_text(
        target.legal_name, list(target.trading_names or []), target.registration_number or "")


class MerchantSite(Base):
    """A website, marketplace shop or app of a merchant: the exact scope of a certificate."""

    __tablename__ = "merchant_sites"
    id: Mapped[str] = _id()
    merchant_id: Mapped[str] = _fk("merchants.id", ondelete="CASCADE")
    url: Mapped[str] = mapped_column(sa.String(2000))
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind), default=SiteKind.WEBSITE)
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    merchant: Mapped[Merchant] = relationship(back_populates="sites")
    __mapper_args__ = _versioned(version)
    __table_args__ = (sa.UniqueConstraint("merchant_id", "url"),)


audit_assessors = sa.Table(
    "audit_assessors",
    Base.metadata,
    sa.Column("audit_id", sa.String(36), sa.ForeignKey("audits.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True, index=True),
)
"""Which users assessed which audit (many to many)."""


class Audit(Base):
    """One audit of a merchant against a pinned form version."""

    __tablename__ = "audits"
    id: Mapped[str] = _id()
    merchant_id: Mapped[str] = _fk("merchants.id")
    kind: Mapped[AuditKind] = mapped_column(enum_column(AuditKind), default=AuditKind.INITIAL)
    previous_audit_id: Mapped[str | None] = _fk("audits.id", nullable=True)
    form_id: Mapped[str] = mapped_column(sa.String(100))
    form_version: Mapped[str] = mapped_column(sa.String(32))
    form_hash: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    """:meth:`certbench.domain.Scope.to_json` of the audit's scope."""
    state: Mapped[AuditState] = mapped_column(enum_column(AuditState), default=AuditState.DRAFT,
                                              index=True)
    reviewer_id: Mapped[str | None] = _fk("users.id", nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")
    assessor_signature: Mapped[str | None] = mapped_column(sa.Text)
    signed_record_hash: Mapped[str | None] = mapped_column(sa.String(64))
    """Hash of the audit record the assessor signed on submission."""
    reviewer_signature: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    merchant: Mapped[Merchant] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    assessors: Mapped[list[User]] = relationship(secondary=audit_assessors, order_by="User.name")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Finding.criterion_id",
        foreign_keys="Finding.audit_id")
    __mapper_args__ = _versioned(version)


class Finding(Base):
    """The assessor's result for one criterion of one audit."""

    __tablename__ = "findings"
    id: Mapped[str] = _id()
    audit_id: Mapped[str] = mapped_column(sa.String(36),
                                          sa.ForeignKey("audits.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(sa.String(32))
    rating: Mapped[str | None] = mapped_column(sa.String(32))
    """A value of the form's scale, or ``None`` while not rated."""
    note: Mapped[str] = mapped_column(sa.Text, default="")
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    nc_class: Mapped[NonconformityClass | None] = mapped_column(enum_column(NonconformityClass))
    corrective_action: Mapped[str] = mapped_column(sa.Text, default="")
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_evidence_id: Mapped[str | None] = _fk("evidence.id", nullable=True)
    carried_over: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    """Copied from the previous audit when a re-assessment or surveillance started."""
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    audit: Mapped[Audit] = relationship(back_populates="findings", foreign_keys=[audit_id])
    __mapper_args__ = _versioned(version)
    __table_args__ = (sa.UniqueConstraint("audit_id", "criterion_id"),)


class Evidence(Base):
    """Metadata of one piece of evidence; the bytes live in the vault under ``sha256``."""

    __tablename__ = "evidence"
    id: Mapped[str] = _id()
    audit_id: Mapped[str] = _fk("audits.id", ondelete="CASCADE")
    criterion_id: Mapped[str | None] = mapped_column(sa.String(32))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(200))
    original_filename: Mapped[str] = mapped_column(sa.String(500), default="")
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    captured_by: Mapped[str | None] = _fk("users.id", nullable=True)
    captured_where: Mapped[str] = mapped_column(sa.Text, default="")
    """Free text: a place, GPS coordinates, a device."""
    created_at: Mapped[datetime] = _created()


class Sample(Base):
    """Measured evidence: a test purchase, test return or mystery-shopper contact.

    ``timestamps`` maps event names (``ordered``, ``paid``, ``shipped``,
    ``delivered``, ``asked``, ``answered``, ...) to ISO 8601 instants with a zone;
    ``amounts`` maps names to decimal strings. :mod:`certbench.samples` computes
    durations and checks them against the form parameters.
    """

    __tablename__ = "samples"
    id: Mapped[str] = _id()
    audit_id: Mapped[str] = _fk("audits.id", ondelete="CASCADE")
    criterion_id: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[SampleKind] = mapped_column(enum_column(SampleKind))
    channel: Mapped[str] = mapped_column(sa.String(100), default="")
    timestamps: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    amounts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    __mapper_args__ = _versioned(version)

    def record(self) -> SampleRecord:
        """The sample parsed for :func:`certbench.samples.check_sample`.

        :raises ValueError: a stored instant has no zone or an amount is not decimal.
        """
        return parse_sample(self.kind.value, self.timestamps, self.amounts, self.channel)


class Certificate(Base):
    """An issued certificate; its status changes are in :class:`CertificateEvent`."""

    __tablename__ = "certificates"
    id: Mapped[str] = _id()
    number: Mapped[str] = mapped_column(sa.String(64), unique=True)
    audit_id: Mapped[str] = _fk("audits.id")
    merchant_id: Mapped[str] = _fk("merchants.id")
    seal_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    jws: Mapped[str] = mapped_column(sa.Text)
    pdf_path: Mapped[str | None] = mapped_column(sa.String(1000))
    seal_path: Mapped[str | None] = mapped_column(sa.String(1000))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus), default=CertificateStatus.VALID, index=True)
    kid: Mapped[str] = mapped_column(sa.String(128))
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    events: Mapped[list[CertificateEvent]] = relationship(
        back_populates="certificate", order_by="CertificateEvent.at")
    __mapper_args__ = _versioned(version)


class CertificateEvent(Base):
    """One status change of a certificate (append-only)."""

    __tablename__ = "certificate_events"
    id: Mapped[str] = _id()
    certificate_id: Mapped[str] = _fk("certificates.id")
    from_status: Mapped[CertificateStatus | None] = mapped_column(enum_column(CertificateStatus))
    to_status: Mapped[CertificateStatus] = mapped_column(enum_column(CertificateStatus))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    actor: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    certificate: Mapped[Certificate] = relationship(back_populates="events")


class Complaint(Base):
    """A complaint received about a merchant; it may trigger surveillance or suspension.

    ``complainant_contact`` is personal data: export and display it sparingly.
    """

    __tablename__ = "complaints"
    id: Mapped[str] = _id()
    merchant_id: Mapped[str] = _fk("merchants.id")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(sa.String(100), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    complainant_contact: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ComplaintStatus] = mapped_column(enum_column(ComplaintStatus),
                                                    default=ComplaintStatus.RECEIVED)
    surveillance_audit_id: Mapped[str | None] = _fk("audits.id", nullable=True)
    certificate_id: Mapped[str | None] = _fk("certificates.id", nullable=True)
    version: Mapped[int] = _version()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    __mapper_args__ = _versioned(version)


class JournalEvent(Base):
    """One hash-chained entry of an audit's journal; written by :mod:`certbench.journal`."""

    __tablename__ = "journal_events"
    id: Mapped[str] = _id()
    audit_id: Mapped[str] = mapped_column(sa.String(36),
                                          sa.ForeignKey("audits.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    actor: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    __table_args__ = (sa.UniqueConstraint("audit_id", "seq"),)


class RegistryEntry(Base):
    """The database copy of one entry of the public certificate registry log."""

    __tablename__ = "registry_entries"
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    entry: Mapped[str] = mapped_column(sa.Text)
    """The entry's RFC 8785 canonical JSON, exactly as it was hashed."""
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = _created()
