"""Fixtures shared by the whole suite.

The Qt platform is set before anything imports Qt: with neither a display nor
``QT_QPA_PLATFORM`` Qt aborts the process, and CI would see a crash, not a test.
Every test gets its own ``CERTBENCH_HOME`` so nothing touches the real user data.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from certbench import assets


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CERTBENCH_HOME at a fresh folder so no test sees the user's real data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CERTBENCH_HOME", str(home))
    monkeypatch.delenv("CERTBENCH_DB", raising=False)
    monkeypatch.delenv("CERTBENCH_PASSPHRASE", raising=False)
    return home


@pytest.fixture(scope="session")
def standard_form_path() -> Path:
    """The standard checklist shipped in forms/."""
    return assets.forms_dir() / "ecommerce-trust" / "1.0.toml"


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A real PostgreSQL server for this session (started here when none is given).

    Outside CI a machine without PostgreSQL skips the PostgreSQL half of the
    storage tests; with CI=true that is a failure.
    """
    from pgserver import PostgresUnavailableError, postgres_server

    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailableError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs PostgreSQL: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database at the newest schema, once on SQLite and once on PostgreSQL.

    Copied from a template migrated once per session (see tests/support/dbfixtures.py);
    open it with ``certbench.storage.open_database(db_url)``.
    """
    from dbfixtures import migrated_url

    admin = request.getfixturevalue("pg_admin_url") if request.param == "postgresql" else None
    return migrated_url(request.param, tmp_path, tmp_path_factory.getbasetemp(), admin)
