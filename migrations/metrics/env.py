"""Alembic environment of the metrics service."""

from services.common.migration_env import run_migrations
from services.metrics.models import Base

run_migrations("metrics", Base.metadata)
