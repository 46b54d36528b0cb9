"""``flask keys create|list|revoke``: manage API keys in all three service databases at once."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from services.common.clock import SystemClock
from services.common.config import SERVICE_NAMES, database_url_for
from services.common.db import make_engine
from services.common.keys import active_keys_with_subject, create_key, list_keys, revoke_key
from shared.auth import ROLE_NAMES

keys_cli = AppGroup("keys", help="Create, list and revoke API keys (valid on every service).")


def _engines(services: tuple[str, ...]):
    return [make_engine(database_url_for(name)) for name in services]


_services_option = click.option(
    "--service", "services", multiple=True, type=click.Choice(SERVICE_NAMES), default=SERVICE_NAMES,
    show_default=True, help="Databases to write to (all three by default, so the key works everywhere).")


@keys_cli.command("create")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--subject", required=True, help="Who holds the key (a person, team or system).")
@_services_option
def create_command(role: str, subject: str, services: tuple[str, ...]) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    engines = _engines(services)
    with engines[0].connect() as connection:
        holders = active_keys_with_subject(connection, subject)
    if holders:
        ids = ", ".join(f"{record.key_id} ({record.role})" for record in holders)
        click.echo(f"warning: subject {subject.strip()!r} is already used by active key(s) {ids}. "
                   "A subject is only a label: each key owns its own subscriptions; use a distinct "
                   "subject so people can tell the keys apart.", err=True)
    new_key = create_key(engines, role=role, subject=subject, now=SystemClock().now())
    click.echo(f"key id: {new_key.key_id}")
    click.echo(f"key:    {new_key.plaintext}")
    click.echo("Store the key now: it cannot be shown again.", err=True)


@keys_cli.command("list")
@click.option("--service", type=click.Choice(SERVICE_NAMES), default="survey", show_default=True)
def list_command(service: str) -> None:
    """List keys (id, role, subject, created, revoked) of one service database."""
    with make_engine(database_url_for(service)).connect() as connection:
        for record in list_keys(connection):
            revoked = record.revoked_at.isoformat() if record.revoked_at else "-"
            click.echo(f"{record.key_id}\t{record.role}\t{record.subject}\t"
                       f"{record.created_at.isoformat()}\trevoked: {revoked}")


@keys_cli.command("revoke")
@click.argument("key_id")
@_services_option
def revoke_command(key_id: str, services: tuple[str, ...]) -> None:
    """Revoke a key everywhere."""
    found = revoke_key(_engines(services), key_id=key_id, now=SystemClock().now())
    if not found:
        raise click.ClickException(f"no active key {key_id}")
    click.echo(f"revoked {key_id} in {found} database(s)")
