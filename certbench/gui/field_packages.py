"""Field-package work for the workbench, run on the database thread (no Qt here).

The same :mod:`certbench.sync` calls ``certbench package`` makes, with the
acting user's passphrase checked through :func:`certbench.services.bodies.authenticate`:
:func:`export_field_package`, :func:`inspect_field_package` (writes nothing)
and :func:`import_field_package` take plain values plus ``progress`` and
``cancelled`` callables, so :class:`~certbench.gui.tasks.Op` can run them with a
cancellable progress dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

    from certbench.evidence import Vault
    from certbench.storage import Database
    from certbench.storage.queries import AuditRow
    from certbench.sync.exporter import ExportResult
    from certbench.sync.importer import ImportResult
    from certbench.sync.inspection import Inspection

__all__ = ["ExportChoices", "ExportRequest", "KeyChoice", "export_field_package",
           "import_field_package", "inspect_field_package", "load_export_choices"]

ProgressFn = Callable[[float, str], None]
CancelledFn = Callable[[], bool]


def _vault(db: Database) -> Vault:
    from certbench.evidence import Vault
    from certbench.services.bodies import body_paths, get_body

    with db.session() as session:
        return Vault(body_paths(get_body(session)).vault_dir)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the export dialog asks for."""

    audit_ids: tuple[str, ...]
    kind: str
    """``audits`` (field to office) or ``assignments`` (office to field)."""
    to_user: str | None
    """Encrypt to this user's personal key; ``None``: to the body's package key."""
    target: Path
    user: str
    """The acting user, who signs the package."""
    passphrase: str


def _recipient(db: Database, to_user: str | None) -> ec.EllipticCurvePublicKey:
    import sqlalchemy as sa
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from certbench.errors import KeyStoreError, NotFoundError
    from certbench.services.bodies import get_body, public_key_of
    from certbench.storage import User
    from certbench.sync.records import INBOX_SETTING

    with db.session() as session:
        if to_user is not None:
            user = session.scalars(sa.select(User).where(User.name == to_user)).first()
            if user is None:
                raise NotFoundError(f"no user {to_user!r}", user=to_user)
            return public_key_of(user)
        pem = (get_body(session).settings or {}).get(INBOX_SETTING)
    if not pem:
        raise KeyStoreError("the body has no package key yet; send the package to a user, "
                            "or create the key with `certbench package inbox-key`")
    key = serialization.load_pem_public_key(str(pem).encode("ascii"))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise KeyStoreError("the body's package key is not a P-256 key")
    return key


def export_field_package(db: Database, request: ExportRequest, *, progress: ProgressFn,
                         cancelled: CancelledFn) -> ExportResult:
    """Sign ``request.audit_ids`` into an encrypted package as the acting user (database thread).

    :raises WrongPassphraseError: the passphrase does not open the user's key.
    :raises PackageError: the export failed or was cancelled (then no file is left).
    """
    from certbench.services.bodies import authenticate
    from certbench.sync.exporter import export_package

    with db.session() as session:
        actor = authenticate(session, request.user, request.passphrase)
    return export_package(db, _vault(db), request.target, key=actor.key,
                          audit_ids=request.audit_ids, kind=request.kind,
                          recipient=_recipient(db, request.to_user), progress=progress,
                          cancelled=cancelled)


@dataclass(frozen=True, slots=True)
class KeyChoice:
    """The private key a package is opened with."""

    key_file: Path | None
    """A key file (e.g. the body's package key); ``None``: the acting user's personal key."""
    passphrase: str


def _private_key(db: Database, user: str, key: KeyChoice) -> ec.EllipticCurvePrivateKey:
    from certbench.certify.keys import load_key
    from certbench.services.bodies import authenticate

    if key.key_file is not None:
        return load_key(key.key_file, key.passphrase).private_key
    with db.session() as session:
        return authenticate(session, user, key.passphrase).key.private_key


def inspect_field_package(db: Database, path: Path, user: str, key: KeyChoice, *,
                          progress: ProgressFn, cancelled: CancelledFn) -> Inspection:
    """What the package at ``path`` holds and whether it verifies here; writes nothing."""
    from certbench.sync.inspection import inspect_package

    return inspect_package(path, private_key=_private_key(db, user, key), db=db,
                           progress=progress, cancelled=cancelled)


def import_field_package(db: Database, path: Path, user: str, key: KeyChoice, *,
                         progress: ProgressFn, cancelled: CancelledFn) -> ImportResult:
    """Verify and apply the package at ``path`` as ``user`` (database thread).

    :raises PackageError: refused or cancelled; the database and vault are then unchanged.
    """
    from certbench.sync.importer import import_package

    return import_package(db, _vault(db), path, private_key=_private_key(db, user, key),
                          actor=user or None, progress=progress, cancelled=cancelled)


@dataclass(frozen=True, slots=True)
class ExportChoices:
    """What the export dialog offers: the audits and the users to send to."""

    audits: tuple[AuditRow, ...]
    users: tuple[str, ...]


def load_export_choices(db: Database) -> ExportChoices:
    """Every audit and every active user with a key (database thread)."""
    from certbench.services.bodies import list_users
    from certbench.storage import queries

    with db.session() as session:
        audits = tuple(queries.audit_rows(session))
        users = tuple(u.name for u in list_users(session) if u.active and u.key_id)
    return ExportChoices(audits, users)
