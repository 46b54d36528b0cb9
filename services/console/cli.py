"""``flask --app services.console.app users ...``: people from the command line (demo, recovery)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from services.console.models import ROLES
from services.console.people import ensure_user

users_cli = AppGroup("users", help="Create console users from the command line.")
DEMO_DOMAIN = "demo.cxloop.test"


@users_cli.command("ensure")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--name", default=None)
def ensure_command(email: str, role: str, password: str, name: str | None) -> None:
    """Create a person unless one with this email exists."""
    with current_app.extensions["db"].session_factory() as session:
        created = ensure_user(session, email=email, password=password, role=role, display_name=name,
                              now=current_app.extensions["clock"].now())
    click.echo(f"{email}: {'created' if created else 'exists, left as is'}")


@users_cli.command("demo")
@click.option("--passwords-file", required=True, type=click.Path(path_type=Path),
              help="JSON file keeping the demo passwords across runs (made 0600).")
def demo_command(passwords_file: Path) -> None:
    """One person per role (<role>@demo.cxloop.test); prints the JSON of their sign-ins."""
    known = json.loads(passwords_file.read_text()) if passwords_file.exists() else {}
    people = []
    with current_app.extensions["db"].session_factory() as session:
        for role in ROLES:
            email = f"{role.replace('_', '-')}@{DEMO_DOMAIN}"
            password = known.get(email) or secrets.token_urlsafe(12)
            known[email] = password
            ensure_user(session, email=email, password=password, role=role,
                        display_name=f"Demo {role.replace('_', ' ')}",
                        language="ko" if role in ("marketer", "team_lead") else "en",
                        now=current_app.extensions["clock"].now())
            people.append({"role": role, "email": email, "password": password})
    passwords_file.parent.mkdir(parents=True, exist_ok=True)
    passwords_file.touch(mode=0o600, exist_ok=True)
    passwords_file.write_text(json.dumps(known, indent=1))
    click.echo(json.dumps(people))
