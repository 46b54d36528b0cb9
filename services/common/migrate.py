"""Each service's Alembic environment: ``python -m services.common.migrate upgrade|downgrade|check [service ...]``."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from pprint import pformat

from alembic import command
from alembic.config import Config as AlembicConfig

from services.common.config import MIGRATED_APPS, database_url_for

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(service: str, url: str | None = None) -> AlembicConfig:
    """The Alembic configuration of one service, pointed at its database URL."""
    if service not in MIGRATED_APPS:
        raise ValueError(f"unknown service {service!r}")
    config = AlembicConfig(str(MIGRATIONS_DIR / "alembic.ini"), ini_section=service)
    config.set_main_option("script_location", str(MIGRATIONS_DIR / service))
    config.attributes["database_url"] = url or database_url_for(service)
    return config


def upgrade(service: str, url: str | None = None, revision: str = "heads") -> None:
    """Upgrade one service database."""
    from services.common.db import make_engine

    database_url = url or database_url_for(service)
    make_engine(database_url).dispose()  # creates the SQLite folder when needed
    command.upgrade(alembic_config(service, database_url), revision)


def downgrade(service: str, url: str | None = None, revision: str = "base") -> None:
    """Downgrade one service database."""
    command.downgrade(alembic_config(service, url), revision)


def model_differences(service: str, url: str | None = None) -> list:
    """What ``alembic revision --autogenerate`` would propose for a migrated database (empty: none).

    The models are loaded from the package the service's ``env.py`` imports, so a model module that
    package forgets to import shows up here as a table to drop.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from services.common.db import make_engine

    database_url = url or database_url_for(service)
    metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["upgrade", "downgrade", "check"],
                        help="check: exit 1 when the models and the migrated database differ")
    parser.add_argument("services", nargs="*", help=f"any of {', '.join(MIGRATED_APPS)} (default: all)")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(MIGRATED_APPS)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")
    differ = False
    for service in args.services or MIGRATED_APPS:
        if args.action == "check":
            differences = model_differences(service)
            differ = differ or bool(differences)
            print(f"{service}: " + ("models and migrations agree" if not differences else
                                    "models and migrations differ:\n" + pformat(differences)))
            continue
        if args.action == "upgrade":
            upgrade(service, revision=args.revision or "heads")
        else:
            downgrade(service, revision=args.revision or "base")
        print(f"{service}: {args.action} done")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
