"""Order events reach metrics as transactions through the outbox with the service key, once per order;
a customer id too long for metrics makes no transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

import httpx
from sqlalchemy import select, text

from services.common.clock import ManualClock
from services.common.keys import store_key
from services.common.outbox import OutboxRelay
from services.survey.clients.downstream import by_topic
from services.survey.clients.transactions import transactions_handler
from services.survey.models import PLATFORM
from shared.auth import mint_key
from shared.http_client import RetryPolicy, ServiceClient
from tests.support import ConnectionAsEngine
from tests.survey.conftest import T0
from tests.survey.tracking.support import post_batch, track


def test_order_events_become_metrics_transactions(survey_app, make_service):
    metrics = make_service("metrics", clock=ManualClock(T0))
    service_key = mint_key()
    store_key(metrics.connection, service_key, role="service", subject="survey-worker", now=T0,
              tables=metrics.app.extensions["cx_tables"])
    client = ServiceClient("http://metrics", api_key=service_key.plaintext, transport=httpx.WSGITransport(app=metrics.app),
                           retry=RetryPolicy(max_attempts=1))
    relay = OutboxRelay(ConnectionAsEngine(survey_app.service.connection), PLATFORM,
                        {"metrics": by_topic({"transaction": transactions_handler(client)})}, service="survey")
    post_batch(survey_app, [track("m-1", "Order Completed", order_id="A-1", total=30000, currency="KRW"),
                            track("m-2", "Order Completed", order_id="A-2", total=1, currency="KRW", user="x" * 70),
                            track("m-3", "Order Completed", order_id="A-3", total=12.5, currency="USD", user="u2")])
    post_batch(survey_app, [track("m-4", "Order Refunded", order_id="A-1", total=10000, currency="KRW")])
    result = relay.run_once(T0)
    assert result.delivered == 3 and result.dead == 0
    rows = metrics.connection.execute(text("SELECT id, customer_id, amount, currency FROM transactions ORDER BY id"))
    assert [(r.id, r.customer_id, float(r.amount), r.currency) for r in rows] == [
        ("A-1", "u1", 30000.0, "KRW"), ("A-1:refund", "u1", -10000.0, "KRW"), ("A-3", "u2", 12.5, "USD")]
    box = PLATFORM.outbox
    statuses = survey_app.service.connection.execute(select(box.c.status).where(box.c.topic == "transaction"))
    assert {row.status for row in statuses} == {"delivered"}
