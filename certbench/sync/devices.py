"""Device identities: this database's own, and the devices it accepts packages from."""

from __future__ import annotations

import socket
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from certbench.errors import NotFoundError
from certbench.storage import User
from certbench.storage.sync_models import SyncDevice

__all__ = ["DeviceInfo", "list_devices", "local_device", "register_device"]


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device as the CLI and GUI show it."""

    id: str
    name: str
    user: str | None
    """The name of the user the device belongs to, if any."""
    is_local: bool


def local_device(session: Session, *, name: str | None = None) -> SyncDevice:
    """This database's own device row, created on first use (named after the host)."""
    row = session.scalars(sa.select(SyncDevice).where(SyncDevice.is_local.is_(True))).first()
    if row is None:
        row = SyncDevice(name=name or socket.gethostname(), is_local=True)
        session.add(row)
        session.flush()
    return row


def register_device(session: Session, device_id: str, name: str,
                    user_name: str | None = None) -> SyncDevice:
    """Accept packages from the device ``device_id`` (idempotent; updates name and owner).

    :raises NotFoundError: ``user_name`` names no user.
    """
    user_id = None
    if user_name is not None:
        user_id = session.scalars(sa.select(User.id).where(User.name == user_name)).first()
        if user_id is None:
            raise NotFoundError(f"no user named {user_name!r}", user=user_name)
    row = session.get(SyncDevice, device_id)
    if row is None:
        row = SyncDevice(id=device_id, name=name, user_id=user_id, is_local=False)
        session.add(row)
    else:
        row.name, row.user_id = name, user_id
    session.flush()
    return row


def list_devices(session: Session) -> list[DeviceInfo]:
    """Every device this database knows, its own first."""
    rows = session.execute(
        sa.select(SyncDevice, User.name).outerjoin(User, User.id == SyncDevice.user_id)
        .order_by(SyncDevice.is_local.desc(), SyncDevice.name)).all()
    return [DeviceInfo(d.id, d.name, user, d.is_local) for d, user in rows]
