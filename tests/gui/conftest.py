"""Qt fixtures for the GUI tests.

Every test runs offscreen (the top-level conftest sets ``QT_QPA_PLATFORM``),
with settings in an INI file under ``tmp_path`` (never the user's real
settings) and a task manager whose executor runs work synchronously, so logic
tests are deterministic without sleeping. Tests of the real thread hop build
their own :class:`TaskManager`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from certbench.gui.context import AppContext
from certbench.gui.settings import Settings
from certbench.gui.tasks import SyncExecutor, TaskManager
from certbench.storage import Database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a throwaway INI file, so no test reads or writes the user's settings."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sync_tasks(qapp: QApplication) -> Iterator[TaskManager]:
    """A task manager running every task at once on the calling thread (Picard's FakeThreadPool)."""
    manager = TaskManager(qapp, db_executor=SyncExecutor())
    yield manager
    manager.shutdown()
    manager.deleteLater()


def seed_merchants(db: Database, count: int, *, start: int = 0) -> None:
    """Insert ``count`` merchants with Core bulk inserts (the ORM would take seconds)."""
    from datetime import UTC, datetime, timedelta

    from certbench.storage import Merchant, fold, new_id
    from certbench.storage.models import merchant_search_text

    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(start, start + count):
        legal = f"Merchant {n:06d} Trading Co." if n % 7 else f"深圳商户 {n:06d} 有限公司"
        trading = [f"Shop{n}"]
        registration = f"REG{n:08d}"
        rows.append({
            "id": new_id(), "legal_name": legal, "trading_names": trading,
            "registration_number": registration, "country": "CN" if n % 3 else "DE",
            "address": "", "contacts": {}, "name_folded": fold(legal),
            "search_text": merchant_search_text(legal, trading, registration),
            "version": 1, "created_at": base + timedelta(minutes=n),
            "updated_at": base + timedelta(minutes=n),
        })
    with db.engine.begin() as conn:
        conn.execute(Merchant.__table__.insert(), rows)


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with 1,500 merchants, built once per session."""
    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    path = tmp_path_factory.mktemp("gui-db") / "seeded.sqlite3"
    db = open_database(sqlite_url(path))
    seed_merchants(db, 1_500)
    db.dispose()  # closing the last connection folds the WAL back into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def seeded_db(_seeded_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A database of its own for each test, with 1,500 merchants (1 in 7 with a Chinese name)."""
    import shutil

    from certbench.storage import open_database
    from certbench.storage.engine import sqlite_url

    target = tmp_path / "seeded.sqlite3"
    shutil.copyfile(_seeded_template, target)
    db = open_database(sqlite_url(target))
    yield db
    db.dispose()


@pytest.fixture
def context(seeded_db: Database, settings: Settings, sync_tasks: TaskManager) -> AppContext:
    """An open workbench on the seeded database, with synchronous tasks."""
    return AppContext(db=seeded_db, settings=settings, tasks=sync_tasks, user="")


@dataclass(frozen=True)
class IssuedFiles:
    """A real issued seal on disk, with the issuer's trust file and the checklist."""

    seal: Path
    trust: Path
    form: Path
    jws: str
    pdf: Path


@pytest.fixture(scope="session")
def issued_files(tmp_path_factory: pytest.TempPathFactory) -> IssuedFiles:
    """A seal signed today by a real issuer key, valid for a year, and its signed trust file."""
    import sealkit

    from certbench.certify.trust import trust_file_bytes

    folder = tmp_path_factory.mktemp("issued")
    key = sealkit.issuer()
    today = datetime.now(UTC).date()
    issued = sealkit.issue(key, iat=datetime.now(UTC) - timedelta(hours=1), nbf=today,
                           exp=today + timedelta(days=365))
    seal = folder / "certificate.cbseal"
    seal.write_bytes(issued.file)
    trust = folder / "trust.json"
    trust.write_bytes(trust_file_bytes(sealkit.BODY_NAME, sealkit.BODY_ID,
                                       (sealkit.trusted(key),), key,
                                       issued_at=datetime.now(UTC) - timedelta(hours=2)))
    form = folder / "mini-trust.toml"
    form.write_text(sealkit.FORM_TOML, encoding="utf-8")
    pdf = _issue_pdf(key, issued, folder / "certificate.pdf")
    return IssuedFiles(seal, trust, form, issued.seal.jws, pdf)


def _issue_pdf(key, issued, out: Path) -> Path:
    """Render and sign the certificate PDF for ``issued`` with the real certify API."""
    from certbench.certify.pdf import CertificateView, issue_certificate_pdf

    p = issued.seal.payload
    view = CertificateView(
        number=p.no, body_name=p.iss.name, body_address="1 Example Road, Shanghai",
        body_id=p.iss.id, merchant_name=p.sub.name, merchant_reg_no=p.sub.reg,
        merchant_country=p.sub.cc, merchant_address="2 Sample Street, Shanghai",
        websites=p.sub.web, scheme_title_en=p.sch.title, scheme_title_zh="迷你可信检查表",
        form_id=p.sch.id, form_version=p.sch.ver, form_hash=p.sch.hash, grade=p.res.grade,
        score=p.res.score,
        domain_scores=tuple((d, d, d, score) for d, score in p.res.dom),
        decision_date=p.aud.done,
        issue_date=p.val.nbf, valid_from=p.val.nbf, valid_until=p.val.exp,
        signatory_name="Zhang Min", signatory_title="Certification Manager",
        seal_hash=issued.seal.seal_hash, seal_hash_short=issued.seal.short_hash,
        jws=issued.seal.jws, seal_file=issued.file)
    return issue_certificate_pdf(view, key.private_key, key.certificate, out)
