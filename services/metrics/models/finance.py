"""Transactions, contracts and CLV fits (finance)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.common.types import UtcDateTime
from services.metrics.models.base import Base

Money = Numeric(18, 4)
Moment = UtcDateTime()


class Transaction(Base):
    """A purchase or (negative amount) refund of a non-contractual customer."""

    __tablename__ = "transactions"
    __table_args__ = (Index("ix_transactions_customer_day", "customer_id", "purchase_day"),
                      Index("ix_transactions_day", "purchase_day"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(Moment)
    #: Days since 1970-01-01 of the calendar date written in the timestamp's own offset.
    purchase_day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    segment: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(Moment)


class TransactionStaging(Base):
    """Rows of one batch or CSV import, moved to ``transactions`` in one transaction when all are valid."""

    __tablename__ = "transaction_staging"
    __table_args__ = (Index("ix_transaction_staging_id", "import_id", "id", "line"),)

    import_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(Moment)
    purchase_day: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    segment: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)


class Contract(Base):
    """A subscription of a contractual customer; ``ended_at`` is null while active."""

    __tablename__ = "contracts"
    __table_args__ = (Index("ix_contracts_customer", "customer_id"),
                      Index("ix_contracts_started", "started_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(Moment)
    ended_at: Mapped[datetime | None] = mapped_column(Moment)
    plan: Mapped[str | None] = mapped_column(String(64))
    recurring_value: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    segment: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(Moment)


class ClvFit(Base):
    """A BG/NBD + Gamma-Gamma fit: pending -> running -> done | failed; results as JSON."""

    __tablename__ = "clv_fits"
    __table_args__ = (Index("ix_clv_fits_status", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    #: Set on nightly fits only; unique, so two workers cannot both schedule the same night.
    nightly_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    time_unit: Mapped[str] = mapped_column(String(8))
    segment: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    horizon: Mapped[int] = mapped_column(Integer)
    annual_discount_rate: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(Moment)
    started_at: Mapped[datetime | None] = mapped_column(Moment)
    finished_at: Mapped[datetime | None] = mapped_column(Moment)
    n_customers: Mapped[int | None] = mapped_column(Integer)
    n_repeat_customers: Mapped[int | None] = mapped_column(Integer)
    converged: Mapped[bool | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ClvCustomerValue(Base):
    """A customer's summary and point CLV under one fit (its horizon and rate), for sorting and paging."""

    __tablename__ = "clv_customer_values"
    __table_args__ = (Index("ix_clv_values_rank", "fit_id", "clv", "customer_id"),
                      Index("ix_clv_values_segment", "fit_id", "segment", "clv"))

    fit_id: Mapped[str] = mapped_column(String(32), ForeignKey("clv_fits.id", ondelete="CASCADE"),
                                        primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    segment: Mapped[str | None] = mapped_column(String(64))
    frequency: Mapped[int] = mapped_column(Integer)
    recency: Mapped[float] = mapped_column(Float)
    age: Mapped[float] = mapped_column(Float)
    monetary: Mapped[float] = mapped_column(Float)
    probability_alive: Mapped[float] = mapped_column(Float)
    expected_purchases: Mapped[float] = mapped_column(Float)
    expected_spend: Mapped[float] = mapped_column(Float)
    clv: Mapped[float] = mapped_column(Float)
