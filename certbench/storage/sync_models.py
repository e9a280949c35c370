"""Tables of the offline field-package exchange (see :mod:`certbench.sync`).

* :class:`SyncDevice`: this database's own device identity (``is_local``) and
  the devices it accepts packages from;
* :class:`SyncPackage`: every package exported or imported, by package id, so
  importing the same package twice changes nothing;
* :class:`SyncBase`: per record, the revision both sides last agreed on; an
  exported record carries it as its base revision;
* :class:`SyncConflict`: a record changed on both sides, held with the
  incoming version until a person resolves it.

A record's revision is the SHA-256 of its canonical content, so two databases
compare revisions without sharing any counter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from certbench.storage.models import Base
from certbench.storage.types import JSONType, UTCDateTime, new_id, utcnow

__all__ = ["SyncBase", "SyncConflict", "SyncDevice", "SyncPackage"]


class SyncDevice(Base):
    """A workbench installation that sends or receives packages."""

    __tablename__ = "sync_devices"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[str | None] = mapped_column(sa.String(36), sa.ForeignKey("users.id"),
                                                index=True)
    """The person the device belongs to, when it is a field laptop."""
    is_local: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    """True for the one row that names this database's own device."""
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncPackage(Base):
    """A package this database exported or imported."""

    __tablename__ = "sync_packages"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    """The package id from its manifest."""
    direction: Mapped[str] = mapped_column(sa.String(8))
    """``"export"`` or ``"import"``."""
    kind: Mapped[str] = mapped_column(sa.String(24))
    sender: Mapped[str] = mapped_column(sa.String(64))
    device_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    manifest_sha256: Mapped[str] = mapped_column(sa.String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class SyncBase(Base):
    """The revision of a record both sides last agreed on."""

    __tablename__ = "sync_bases"
    record_type: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    record_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    revision: Mapped[str] = mapped_column(sa.String(64))


class SyncConflict(Base):
    """A record edited on both sides since its base revision; never applied silently."""

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    package_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    record_type: Mapped[str] = mapped_column(sa.String(24))
    record_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    """The local record's id."""
    audit_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    criterion_id: Mapped[str | None] = mapped_column(sa.String(32))
    base_revision: Mapped[str | None] = mapped_column(sa.String(64))
    local_revision: Mapped[str] = mapped_column(sa.String(64))
    incoming_revision: Mapped[str] = mapped_column(sa.String(64))
    incoming: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The sender's version of the record, as it travelled."""
    sender: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(sa.String(16))
    """``"office"`` (kept the local version), ``"field"`` (took the incoming one) or ``"merge"``."""
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64))
