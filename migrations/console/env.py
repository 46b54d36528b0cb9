"""Alembic environment of the console."""

from services.common.migration_env import run_migrations
from services.console.models import Base

run_migrations("console", Base.metadata)
