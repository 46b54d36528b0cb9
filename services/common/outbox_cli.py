"""``flask outbox dead|replay`` and ``flask set-aside list|release``: what the worker could not deliver or process."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from services.common.clock import SystemClock
from services.common.outbox import list_messages, replay_dead
from services.common.set_aside import list_set_aside, release

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


set_aside_cli = AppGroup("set-aside", help="Work items the worker set aside after they failed.")


@set_aside_cli.command("list")
@click.option("--kind", default=None, help="only items of this kind (event, invitation, subscription, ...)")
@click.option("--limit", default=100, show_default=True)
@with_appcontext
def set_aside_list_command(kind: str | None, limit: int) -> None:
    """List open set-aside items as JSON lines."""
    engine = current_app.extensions["db"].engine
    with engine.connect() as connection:
        for item in list_set_aside(connection, current_app.extensions["cx_tables"], kind=kind, limit=limit):
            click.echo(json.dumps(item, default=str, ensure_ascii=False))


@set_aside_cli.command("release")
@click.argument("ids", nargs=-1, type=int)
@with_appcontext
def set_aside_release_command(ids: tuple[int, ...]) -> None:
    """Give set-aside items (the given ids, or all) back to their jobs."""
    engine = current_app.extensions["db"].engine
    with engine.begin() as connection:
        count = release(connection, current_app.extensions["cx_tables"], now=SystemClock().now(), ids=ids or None)
    click.echo(f"released {count} item(s)")
