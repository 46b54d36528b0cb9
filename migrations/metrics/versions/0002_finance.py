"""Finance tables: transactions (and their import staging), contracts, CLV fits and customer values.

Revision ID: metrics_0002_finance
Revises: metrics_0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "metrics_0002_finance"
down_revision = "metrics_0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(18, 4)


def _transaction_columns() -> list[sa.Column]:
    return [
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("purchase_day", sa.Integer(), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("segment", sa.String(64)),
        sa.Column("attributes", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table("transactions", sa.Column("id", sa.String(64), primary_key=True),
                    *_transaction_columns(), sa.Column("received_at", _TS, nullable=False))
    op.create_index("ix_transactions_customer_day", "transactions", ["customer_id", "purchase_day"])
    op.create_index("ix_transactions_day", "transactions", ["purchase_day"])
    op.create_table("transaction_staging",
                    sa.Column("import_id", sa.String(32), primary_key=True),
                    sa.Column("line", sa.Integer(), primary_key=True, autoincrement=False),
                    sa.Column("id", sa.String(64), nullable=False), *_transaction_columns())
    op.create_index("ix_transaction_staging_id", "transaction_staging", ["import_id", "id", "line"])
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("ended_at", _TS),
        sa.Column("plan", sa.String(64)),
        sa.Column("recurring_value", _MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("segment", sa.String(64)),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_contracts_customer", "contracts", ["customer_id"])
    op.create_index("ix_contracts_started", "contracts", ["started_at"])
    op.create_table(
        "clv_fits",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("nightly_key", sa.String(100), unique=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("time_unit", sa.String(8), nullable=False),
        sa.Column("segment", sa.String(64)),
        sa.Column("currency", sa.String(3)),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("annual_discount_rate", sa.Float(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS),
        sa.Column("finished_at", _TS),
        sa.Column("n_customers", sa.Integer()),
        sa.Column("n_repeat_customers", sa.Integer()),
        sa.Column("converged", sa.Boolean()),
        sa.Column("error", sa.Text()),
        sa.Column("result", sa.JSON()),
    )
    op.create_index("ix_clv_fits_status", "clv_fits", ["status", "created_at"])
    op.create_table(
        "clv_customer_values",
        sa.Column("fit_id", sa.String(32), sa.ForeignKey("clv_fits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("segment", sa.String(64)),
        sa.Column("frequency", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Float(), nullable=False)
          for name in ("recency", "age", "monetary", "probability_alive", "expected_purchases",
                       "expected_spend", "clv")],
    )
    op.create_index("ix_clv_values_rank", "clv_customer_values", ["fit_id", "clv", "customer_id"])
    op.create_index("ix_clv_values_segment", "clv_customer_values", ["fit_id", "segment", "clv"])


def downgrade() -> None:
    op.drop_index("ix_clv_values_segment", table_name="clv_customer_values")
    op.drop_index("ix_clv_values_rank", table_name="clv_customer_values")
    op.drop_table("clv_customer_values")
    op.drop_index("ix_clv_fits_status", table_name="clv_fits")
    op.drop_table("clv_fits")
    op.drop_index("ix_contracts_started", table_name="contracts")
    op.drop_index("ix_contracts_customer", table_name="contracts")
    op.drop_table("contracts")
    op.drop_index("ix_transaction_staging_id", table_name="transaction_staging")
    op.drop_table("transaction_staging")
    op.drop_index("ix_transactions_day", table_name="transactions")
    op.drop_index("ix_transactions_customer_day", table_name="transactions")
    op.drop_table("transactions")
