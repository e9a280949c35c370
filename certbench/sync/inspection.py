"""Inspect: what a package holds, who sent it, and whether it verifies. Writes nothing.

Carried forms are listed with whether this installation has them already; a
carried form that is not the one the signed manifest pins, or that conflicts
with an installed copy, and a pinned form that is neither carried nor
installed, are problems. Nothing is installed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from certbench.errors import PackageError
from certbench.storage import Database
from certbench.sync.archive import ArchiveLimits
from certbench.sync.forms import CarriedForm, carried_form, check_forms
from certbench.sync.opening import OpenedPackage, check_sender, open_package

__all__ = ["Inspection", "inspect_package"]


@dataclass(frozen=True, slots=True)
class Inspection:
    """The contents and the verdict on one package."""

    package_id: str
    kind: str
    created_at: datetime
    sender: str
    sender_key_id: str
    device_id: str
    device_name: str
    encrypted: bool
    recipient_key_id: str | None
    forms: tuple[str, ...]
    """``id@version#hash-prefix`` of each pinned form."""
    carried_forms: tuple[CarriedForm, ...]
    """The forms the package carries that check out (``installed``: already here)."""
    forms_ok: bool
    """Every carried form is the one pinned, and every pinned form is carried or installed."""
    audits: tuple[str, ...]
    records: dict[str, int]
    """Number of records of each type."""
    journal_events: int
    evidence_files: int
    evidence_bytes: int
    evidence_ok: bool
    """Every evidence file hashes to its name."""
    sender_verified: bool | None
    """The signature verifies and the sender, device and role are accepted by the
    database given; ``None`` when no database was given."""
    problems: tuple[str, ...]
    """Why the package does not verify (empty when it does)."""

    @property
    def verified(self) -> bool:
        """True when the evidence, the forms and the sender all check out."""
        return self.evidence_ok and self.forms_ok and self.sender_verified is True

    def to_json(self) -> dict[str, object]:
        """A JSON object for ``--json`` output."""
        return {
            "package_id": self.package_id, "kind": self.kind,
            "created_at": self.created_at.isoformat(), "sender": self.sender,
            "sender_key_id": self.sender_key_id, "device_id": self.device_id,
            "device_name": self.device_name, "encrypted": self.encrypted,
            "recipient_key_id": self.recipient_key_id, "forms": list(self.forms),
            "carried_forms": [{"id": f.id, "version": f.version, "hash": f.hash,
                               "installed": f.installed} for f in self.carried_forms],
            "forms_ok": self.forms_ok,
            "audits": list(self.audits), "records": dict(self.records),
            "journal_events": self.journal_events, "evidence_files": self.evidence_files,
            "evidence_bytes": self.evidence_bytes, "evidence_ok": self.evidence_ok,
            "sender_verified": self.sender_verified, "verified": self.verified,
            "problems": list(self.problems),
        }


def inspect_package(path: Path, *, private_key: ec.EllipticCurvePrivateKey | None,
                    db: Database | None = None, limits: ArchiveLimits | None = None,
                    progress: Callable[[float, str], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> Inspection:
    """Open, list and verify the package at ``path`` without writing anything.

    With ``db`` the sender's signature, device and role are checked against it.
    Evidence is read through and hashed; carried forms are validated against
    the manifest and compared with the forms installed here.

    :raises PackageError: the container itself is hostile, damaged, or not
        addressed to ``private_key`` (then there is nothing to show).
    """
    problems: list[str] = []
    with open_package(path, private_key, limits=limits) as opened:
        manifest = opened.manifest
        total = sum(n for _, n in manifest.evidence) or 1
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done / total, "checking evidence")

        evidence_ok = True
        for sha, _size in manifest.evidence:
            try:
                opened.reader.verify_evidence(sha, on_bytes=advance, cancelled=cancelled)
            except PackageError as exc:
                if exc.context.get("code") == "cancelled":
                    raise
                evidence_ok = False
                problems.append(exc.message)
        carried, forms_ok = _forms(opened, problems)
        sender_verified: bool | None = None
        if db is not None:
            try:
                with db.session() as session:
                    check_sender(session, opened)
                sender_verified = True
            except PackageError as exc:
                sender_verified = False
                problems.append(exc.message)
        return Inspection(
            package_id=manifest.package_id, kind=manifest.kind, created_at=manifest.created_at,
            sender=manifest.sender_user, sender_key_id=manifest.sender_key_id,
            device_id=manifest.device_id, device_name=manifest.device_name,
            encrypted=opened.encrypted, recipient_key_id=manifest.recipient_key_id,
            forms=tuple(f"{f['id']}@{f['version']}#{f['hash'][:12]}" for f in manifest.forms),
            carried_forms=carried, forms_ok=forms_ok, audits=tuple(manifest.audit_ids()),
            records=dict(Counter(r.type for r in manifest.records)),
            journal_events=len(manifest.journal), evidence_files=len(manifest.evidence),
            evidence_bytes=sum(n for _, n in manifest.evidence), evidence_ok=evidence_ok,
            sender_verified=sender_verified, problems=tuple(problems))


def _forms(opened: OpenedPackage, problems: list[str]) -> tuple[tuple[CarriedForm, ...], bool]:
    """The carried forms that check out, and whether all forms do (problems appended)."""
    carried: list[CarriedForm] = []
    ok = True
    for entry in opened.reader.forms:
        try:
            carried.append(carried_form(opened, entry))
        except PackageError as exc:
            ok = False
            problems.append(exc.message)
    if ok:
        try:
            check_forms(opened)
        except PackageError as exc:
            ok = False
            problems.append(exc.message)
    return tuple(carried), ok
