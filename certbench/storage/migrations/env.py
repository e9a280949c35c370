"""Alembic environment for certbench: online migrations on a given connection.

certbench runs migrations from code (:mod:`certbench.storage.migrate`) and hands
the connection over in ``config.attributes["connection"]``. The Alembic command
line (``alembic -c certbench/alembic.ini ...``) works too: it reads the URL from
``CERTBENCH_DB`` or ``sqlalchemy.url`` and opens its own connection.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from certbench.storage.migrate import include_for_dialect
from certbench.storage.models import Base

target_metadata = Base.metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_for_dialect(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run on the connection certbench passed in, or on one opened from the URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from certbench.storage.engine import make_engine, resolve_url

    url = os.environ.get("CERTBENCH_DB") or context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(resolve_url(url))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("certbench migrations run online only")
run_migrations_online()
