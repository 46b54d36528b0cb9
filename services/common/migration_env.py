"""The body of every service's Alembic ``env.py``: online and offline runs against its own URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from services.common.config import database_url_for
from services.common.db import make_engine


def run_migrations(service: str, metadata: MetaData) -> None:
    """Run the migrations of ``service`` in the current Alembic context."""
    config = context.config
    url = config.attributes.get("database_url") or database_url_for(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection, metadata, url)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run_on(connection, metadata, url)
    finally:
        engine.dispose()


def _run_on(connection, metadata: MetaData, url: str) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=url.startswith("sqlite"), compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
