"""Building blocks of the console browser tests: the services and the console in process, on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from services.common.db import Database, make_engine
from services.common.migrate import upgrade
from services.console.app import create_app
from services.console.clients import ServiceClients
from services.console.config import TestConfig as ConsoleTestConfig
from services.console.people import ensure_user


def migrated_engine(name: str, tmp_path: Path, engines: list[Engine]) -> tuple[str, Engine]:
    """A new SQLite database of ``name``, migrated; its URL and engine (kept in ``engines`` to dispose)."""
    url = f"sqlite:///{tmp_path / (name + '.db')}"
    upgrade(name, url)
    engine = make_engine(url)
    engines.append(engine)
    return url, engine


def service_app(name: str, tmp_path: Path, env: dict[str, str], engines: list[Engine]) -> Flask:
    """The service's app on its own migrated database, configured from ``env``."""
    url, engine = migrated_engine(name, tmp_path, engines)
    module = __import__(f"services.{name}.app", fromlist=["create_app"])
    config = __import__(f"services.{name}.config", fromlist=["TestConfig"]).TestConfig(
        {**env, f"{name.upper()}_DATABASE_URL": url})
    return module.create_app(config, database=Database(engine=engine))


def console_app(tmp_path: Path, env: dict[str, str], transports: dict, engines: list[Engine], *,
                people: dict[str, tuple[str, str]], role: str, password: str) -> Flask:
    """The console calling the services through ``transports``, with one person per language."""
    url, engine = migrated_engine("console", tmp_path, engines)
    with Session(engine) as session:
        for language, (email, display_name) in people.items():
            ensure_user(session, email=email, password=password, role=role, display_name=display_name,
                        language=language, time_zone="Asia/Seoul", now=datetime.now(UTC))
    config = ConsoleTestConfig({**env, "CONSOLE_DATABASE_URL": url})
    return create_app(config, database=Database(engine=engine),
                      clients=ServiceClients.from_config(config, transports=transports))
