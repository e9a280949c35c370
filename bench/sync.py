"""Field package throughput: export and import of an audit with 200 evidence files (500 MB).

Prints, from the same run on the same files:
  raw       read + SHA-256 of the 200 vault objects (the floor any export must read)
  sealed    read + SHA-256 + AES-256-GCM + write + fsync of the same bytes (the floor of an
            encrypted export: crypto and disk, no zip, no database)
  export    DB -> signed, encrypted package (read, hash, zip, AES-256-GCM, write, fsync)
  import    package -> vault + DB (decrypt, zip checks, hash, stage, fsync, rename, one transaction)
  inspect   package -> verdict (decrypt + hash everything, writes nothing)
and the peak Python heap (tracemalloc) of export and import in a second pass.

Usage: python bench/sync.py [--files 200] [--total-mb 500] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from certbench import checklists
from certbench.certify.keys import UserKey, generate_user_key
from certbench.evidence import Vault, add_evidence
from certbench.storage import (
    Audit,
    Body,
    Database,
    EvidenceKind,
    Finding,
    Merchant,
    Role,
    User,
    new_id,
    open_database,
)
from certbench.storage.engine import sqlite_url
from certbench.sync.devices import local_device, register_device
from certbench.sync.exporter import export_package
from certbench.sync.importer import import_package
from certbench.sync.inspection import inspect_package

MB = 1_000_000


def _pem(key: UserKey) -> str:
    return key.public_key.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _site(root: Path, name: str, alice: UserKey, alice_id: str, body_id: str) -> Database:
    db = open_database(sqlite_url(root / f"{name}.sqlite3"))
    with db.session() as s:
        s.add(Body(id=body_id, code="CB", name="Bench Body"))
        s.add(User(id=alice_id, name="alice", roles=frozenset({Role.ASSESSOR}),
                   public_key_pem=_pem(alice), key_id=alice.kid))
        s.flush()
        local_device(s, name=name)
    return db


def _device_id(db: Database) -> str:
    with db.session() as s:
        return local_device(s).id


def _fill(db: Database, vault: Vault, alice_id: str, files: int, size: int) -> str:
    form = checklists.find_form("ecommerce-trust@1.0")
    with db.session() as s:
        audit = Audit(merchant=Merchant(legal_name="Bench Merchant Ltd", country="CN"),
                      form_id=form.id, form_version=form.version,
                      form_hash=checklists.form_hash(form), assessors=[s.get(User, alice_id)])
        audit.findings = [Finding(criterion_id=c.id, rating="largely") for c in form.criteria]
        s.add(audit)
        s.flush()
        audit_id = audit.id
    block = os.urandom(1 << 20)
    scratch = vault.root.parent / "scratch.bin"
    for i in range(files):
        with scratch.open("wb") as out:
            left = size
            out.write(i.to_bytes(8, "big"))  # every file distinct
            left -= 8
            while left > 0:
                out.write(block[:min(left, len(block))])
                left -= len(block)
        with db.session() as s:
            add_evidence(s, vault, audit_id, None, scratch, kind=EvidenceKind.PHOTO,
                         captured_by=alice_id, captured_at=datetime.now(UTC),
                         original_filename=f"photo-{i:03d}.jpg")
    scratch.unlink()
    return audit_id


def _raw(vault: Vault) -> float:
    start = time.perf_counter()
    for sha in vault.iter_objects():
        digest = hashlib.sha256()
        with vault.path(sha).open("rb", buffering=0) as f:
            while block := f.read(1 << 20):
                digest.update(block)
        assert digest.hexdigest() == sha
    return time.perf_counter() - start


def _raw_sealed(vault: Vault, out: Path) -> float:
    """The least work an encrypted export must do: read, SHA-256, AES-256-GCM, write, fsync."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    start = time.perf_counter()
    with out.open("wb") as sink:
        counter = 0
        for sha in vault.iter_objects():
            digest = hashlib.sha256()
            with vault.path(sha).open("rb", buffering=0) as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    counter += 1
                    sink.write(aead.encrypt(counter.to_bytes(12, "big"), block, None))
        sink.flush()
        os.fsync(sink.fileno())
    elapsed = time.perf_counter() - start
    out.unlink()
    return elapsed


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--total-mb", type=int, default=500)
    parser.add_argument("--dir", type=Path, default=None, help="scratch folder (default: temp)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="certbench-sync-", dir=args.dir))
    try:
        run(root, args.files, args.total_mb * MB // args.files)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(root: Path, files: int, size: int) -> None:
    alice, inbox = generate_user_key("alice"), generate_user_key("inbox")
    alice_id, body_id = new_id(), new_id()
    field = _site(root, "field", alice, alice_id, body_id)
    field_vault = Vault(root / "field-vault")
    audit_id = _fill(field, field_vault, alice_id, files, size)
    total = files * size
    print(f"{files} evidence files, {total / MB:.0f} MB in all, {os.cpu_count()} cores")

    raw = min(_raw(field_vault) for _ in range(2))
    sealed = min(_raw_sealed(field_vault, root / "sealed.bin") for _ in range(2))
    package = root / "audit.cbpkg"

    def export() -> None:
        export_package(field, field_vault, package, key=alice, audit_ids=[audit_id],
                       recipient=inbox.public_key)

    exported = min(_timed(export) for _ in range(2))

    def fresh_office(tag: str) -> tuple[Database, Vault]:
        office = _site(root, f"office-{tag}", alice, alice_id, body_id)
        with office.session() as s:
            register_device(s, _device_id(field), "field", "alice")
        return office, Vault(root / f"office-vault-{tag}")

    imports = []
    for tag in ("a", "b"):
        office, vault = fresh_office(tag)
        imports.append(_timed(lambda o=office, v=vault: import_package(   # type: ignore[misc]
            o, v, package, private_key=inbox.private_key)))
        office.dispose()
        shutil.rmtree(vault.root)
    imported = min(imports)
    inspected = _timed(lambda: inspect_package(package, private_key=inbox.private_key))

    office, vault = fresh_office("mem")
    export_peak = _peak(export)
    import_peak = _peak(lambda: import_package(office, vault, package,
                                               private_key=inbox.private_key))

    def line(name: str, seconds: float) -> str:
        rate = total / MB / seconds
        return (f"{name:<8} {seconds:7.2f} s  {rate:7.0f} MB/s  "
                f"{100 * raw / seconds:5.0f} % of raw")

    print(line("raw", raw) + "   (read + SHA-256 of the same files)")
    print(line("sealed", sealed) + "   (read + SHA-256 + AES-GCM + write + fsync, no zip, no DB)")
    print(line("export", exported))
    print(line("import", imported))
    print(line("inspect", inspected))
    print(f"package  {package.stat().st_size / MB:.1f} MB on disk")
    print(f"peak Python heap: export {export_peak / 2**20:.1f} MiB, "
          f"import {import_peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
