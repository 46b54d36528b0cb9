"""Run each service's Alembic environment: ``python -m services.common.migrate upgrade [service ...]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from services.common.config import SERVICE_NAMES, database_url_for

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(service: str, url: str | None = None) -> AlembicConfig:
    """The Alembic configuration of one service, pointed at its database URL."""
    if service not in SERVICE_NAMES:
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


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["upgrade", "downgrade"])
    parser.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICE_NAMES)} (default: all)")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(SERVICE_NAMES)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")
    for service in args.services or SERVICE_NAMES:
        if args.action == "upgrade":
            upgrade(service, revision=args.revision or "heads")
        else:
            downgrade(service, revision=args.revision or "base")
        print(f"{service}: {args.action} done")


if __name__ == "__main__":
    main()
