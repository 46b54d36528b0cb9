"""Alembic environment of the survey service."""

from services.common.migration_env import run_migrations
from services.survey.models import Base

run_migrations("survey", Base.metadata)
