"""Command-line import of a transactions CSV with a progress bar, straight through the import use case.

``python -m services.metrics.finance.import_cli FILE`` (database from ``METRICS_DATABASE_URL``), or
``flask --app services.metrics.app finance import-transactions FILE`` once ``finance_cli`` is
registered on the app. The whole file is stored or nothing is, as through the API.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from services.common.clock import SystemClock
from services.common.db import make_engine
from services.common.exceptions import DomainError
from services.metrics.config import Config
from services.metrics.finance.transactions import import_transactions_csv


@click.group("finance", help="Finance data: transactions and contracts.")
def finance_cli() -> None:
    """The ``finance`` command group."""


@finance_cli.command("import-transactions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--database-url", default=None, help="default: METRICS_DATABASE_URL or var/metrics.db")
def import_transactions(path: Path, database_url: str | None) -> None:
    """Import a CSV of transactions (id, customer_id, occurred_at, amount, currency[, segment, ...])."""
    engine = make_engine(database_url or Config().DATABASE_URL)
    try:
        with Session(engine) as session, path.open("rb") as stream, \
                click.progressbar(length=path.stat().st_size, label=f"importing {path.name}") as bar:
            result = import_transactions_csv(session, stream=stream, now=SystemClock().now(), progress=bar.update)
    except DomainError as error:
        click.echo(f"rejected: {error.message}", err=True)
        for line, problems in ((error.errors or {}).get("lines") or {}).items():
            click.echo(f"  line {line}: {'; '.join(problems)}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"received {result.received}, inserted {result.inserted}, already present {result.already_present}")


if __name__ == "__main__":
    finance_cli(["import-transactions", *sys.argv[1:]] if sys.argv[1:2] != ["import-transactions"] else sys.argv[1:])
