"""Responses by customer: the index behind ``GET /v1/customers/{id}/journey`` (a customer's answers
without a scan of every response).

Revision ID: survey_0014_response_customer
Revises: survey_0013_response_triage
Create Date: 2026-12-04
"""

from alembic import op

revision = "survey_0014_response_customer"
down_revision = "survey_0013_response_triage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_responses_customer", "responses", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_responses_customer", table_name="responses")
