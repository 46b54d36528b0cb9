"""``flask outbox dead|replay``: list and replay dead letters of this service."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from services.common.clock import SystemClock
from services.common.outbox import list_messages, replay_dead

outbox_cli = AppGroup("outbox", help="Inspect and replay the outbox of this service.")


@outbox_cli.command("dead")
@click.option("--limit", default=100, show_default=True)
@with_appcontext
def dead_command(limit: int) -> None:
    """List dead letters as JSON lines."""
    engine = current_app.extensions["db"].engine
    with engine.connect() as connection:
        for message in list_messages(connection, current_app.extensions["cx_tables"], limit=limit):
            click.echo(json.dumps(message, default=str, ensure_ascii=False))


@outbox_cli.command("replay")
@click.argument("ids", nargs=-1, type=int)
@with_appcontext
def replay_command(ids: tuple[int, ...]) -> None:
    """Put dead letters (the given ids, or all) back in the queue."""
    engine = current_app.extensions["db"].engine
    with engine.begin() as connection:
        count = replay_dead(connection, current_app.extensions["cx_tables"], now=SystemClock().now(),
                            ids=ids or None)
    click.echo(f"replayed {count} message(s)")
