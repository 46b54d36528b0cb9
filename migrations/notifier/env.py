"""Alembic environment of the notifier service."""

from services.common.migration_env import run_migrations
from services.notifier.models import Base

run_migrations("notifier", Base.metadata)
