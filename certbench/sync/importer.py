"""Import: verify everything first, then apply the whole package in one transaction.

Order of work, so that a hostile, forged or damaged package changes nothing:

1. open the container defensively and parse the manifest (nothing written);
2. check the signature, the sender, their device and role, the forms (each
   carried form must parse to the hash the signed manifest pins; each pinned
   form must be carried or installed with that hash), and every record's
   revision and fields and every journal chain;
3. stream every evidence file through SHA-256 into a staging file in the
   vault's ``tmp/`` (or only hash it, when the vault already has it);
4. only when every file checked out, move the staged files into the vault
   and install the carried forms this installation lacks
   (:func:`certbench.checklists.install_form`, into the user forms folder);
5. apply all records, the journal, the conflicts and the package log in one
   database transaction.

A crash between 4 and 5 leaves unreferenced vault objects (harmless, as with
:func:`certbench.evidence.add_evidence`) or installed forms nothing uses yet,
never a row without its object or its form.
Staging files left by a killed import are cleared by the next import of the
same package. Importing a package twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric import ec

from certbench.canonical import sha256_hex
from certbench.evidence import Vault
from certbench.storage import Database
from certbench.storage.sync_models import SyncPackage
from certbench.sync.apply import ApplyCounts, apply_manifest, check_manifest
from certbench.sync.archive import ArchiveLimits
from certbench.sync.codes import PackageCode, package_error
from certbench.sync.forms import check_forms, install_forms
from certbench.sync.opening import OpenedPackage, check_sender, open_package

__all__ = ["ImportResult", "import_package"]

_STAGE_PREFIX = "ingest-pkg-"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    package_id: str
    sender: str
    already_imported: bool
    """True when this package had been imported before: nothing was changed."""
    counts: ApplyCounts = field(default_factory=ApplyCounts)
    evidence_new: int = 0
    """Evidence files the vault did not have yet."""
    evidence_bytes: int = 0
    forms_installed: int = 0
    """Forms the package carried that this installation did not have yet."""


def _stage_path(vault: Vault, package_id: str, sha: str) -> Path:
    return vault.tmp / f"{_STAGE_PREFIX}{package_id}-{sha}"


def _clear_stage(vault: Vault, package_id: str) -> None:
    if vault.tmp.is_dir():
        for leftover in vault.tmp.glob(f"{_STAGE_PREFIX}{package_id}-*"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _stage_evidence(opened: OpenedPackage, vault: Vault,
                    progress: Callable[[float, str], None] | None,
                    cancelled: Callable[[], bool] | None) -> list[str]:
    """Check every evidence file; stage the ones the vault lacks. Returns staged digests."""
    manifest = opened.manifest
    total = sum(n for _, n in manifest.evidence) or 1
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(0.95 * done / total, "checking evidence")

    staged: list[str] = []
    vault.tmp.mkdir(parents=True, exist_ok=True)
    # fsync runs on a helper thread (it releases the GIL), so the disk writes
    # back one file while the next is decrypted and hashed.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="package-fsync") as syncer:
        pending: list[Future[None]] = []
        for sha, _size in manifest.evidence:
            if vault.exists(sha):
                opened.reader.verify_evidence(sha, on_bytes=advance, cancelled=cancelled)
                continue
            out = _stage_path(vault, manifest.package_id, sha).open("wb")
            try:
                opened.reader.copy_evidence(sha, out, on_bytes=advance, cancelled=cancelled)
                out.flush()
            except BaseException:
                out.close()
                raise
            pending.append(syncer.submit(_sync_and_close, out))
            staged.append(sha)
        for future in pending:
            future.result()
    return staged


def _sync_and_close(out: BinaryIO) -> None:
    try:
        os.fsync(out.fileno())
    finally:
        out.close()


def _commit_staged(vault: Vault, package_id: str, staged: list[str]) -> None:
    """Move checked files into the vault (atomic renames on one file system)."""
    directories: set[Path] = set()
    for sha in staged:
        final = vault.path(sha)
        source = _stage_path(vault, package_id, sha)
        if final.is_file():
            source.unlink()
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        source.chmod(0o444)
        source.replace(final)
        directories.add(final.parent)
    # Directory fsyncs are mostly waiting on the file system's journal: issue
    # them concurrently so they can share commits.
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="package-dirsync") as pool:
        list(pool.map(_fsync_dir, sorted(directories)))


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def import_package(db: Database, vault: Vault, path: Path, *,
                   private_key: ec.EllipticCurvePrivateKey | None,
                   actor: str | None = None, allow_unencrypted: bool = False,
                   limits: ArchiveLimits | None = None,
                   progress: Callable[[float, str], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Verify the package at ``path`` completely, then apply it in one transaction.

    ``actor`` is the local user recorded in the journal (default: the sender).
    Plain (unencrypted) packages are refused unless ``allow_unencrypted``.
    Runs on a worker thread; ``progress``/``cancelled`` are plain callables.

    :raises PackageError: with a specific ``context["code"]`` for every refusal;
        the database and the vault are then unchanged.
    """
    with open_package(path, private_key, limits=limits) as opened:
        manifest = opened.manifest
        if not opened.encrypted and not allow_unencrypted:
            raise package_error(PackageCode.NOT_ENCRYPTED,
                                "the package is not encrypted (made for inspection only); "
                                "refusing to import it", package_id=manifest.package_id)
        with db.session() as session:
            sender = check_sender(session, opened)
            seen = session.get(SyncPackage, manifest.package_id)
            if seen is not None:
                if seen.direction != "import":
                    raise package_error(PackageCode.SENDER_NOT_ALLOWED,
                                        "this package was exported by this database itself")
                return ImportResult(manifest.package_id, sender.name, already_imported=True)
        carried = check_forms(opened)
        check_manifest(manifest)
        _clear_stage(vault, manifest.package_id)
        try:
            staged = _stage_evidence(opened, vault, progress, cancelled)
            _commit_staged(vault, manifest.package_id, staged)
        finally:
            _clear_stage(vault, manifest.package_id)
        forms_installed = install_forms(carried)
    if progress is not None:
        progress(0.96, "applying records")
    with db.session() as session:
        counts = apply_manifest(session, manifest, actor=actor or manifest.sender_user)
        session.add(SyncPackage(
            id=manifest.package_id, direction="import", kind=manifest.kind,
            sender=manifest.sender_user, device_id=manifest.device_id,
            created_at=manifest.created_at,
            manifest_sha256=sha256_hex(opened.manifest_bytes), summary=counts.to_json()))
    if progress is not None:
        progress(1.0, "done")
    return ImportResult(manifest.package_id, manifest.sender_user, already_imported=False,
                        counts=counts, evidence_new=len(staged),
                        evidence_bytes=sum(n for _, n in manifest.evidence),
                        forms_installed=forms_installed)
