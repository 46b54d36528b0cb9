"""Transactions and contracts in: batches, CSV import (all or nothing), idempotency, limits, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.metrics.models.finance import Contract, Transaction, TransactionStaging
from tests.support import auth


def tx(number: int, **changes) -> dict:
    row = {"id": f"t{number}", "customer_id": f"c{number % 7}", "occurred_at": "2024-03-01T10:00:00+09:00",
           "amount": "19.90", "currency": "KRW"}
    return {**row, **changes}


def stored_count(service, model=Transaction) -> int:
    return service.connection.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def metrics(make_service):
    return make_service("metrics")


@pytest.fixture
def finance_key(metrics):
    return metrics.key_for("finance")


def test_batch_is_stored_and_idempotent_by_id(metrics, finance_key):
    client = metrics.client()
    rows = [tx(i) for i in range(5)] + [tx(5, amount=-5, segment="vip", attributes={"store": "Gangnam"})]
    first = client.post("/v1/transactions/batch", json={"transactions": rows}, headers=auth(finance_key))
    assert first.status_code == 200, first.json
    assert first.json == {"received": 6, "inserted": 6, "already_present": 0}
    again = client.post("/v1/transactions/batch", json={"transactions": rows[:3] + [tx(6)]}, headers=auth(finance_key))
    assert again.json == {"received": 4, "inserted": 1, "already_present": 3}
    assert stored_count(metrics) == 7
    refund = metrics.connection.execute(select(Transaction).where(Transaction.id == "t5")).one()
    assert float(refund.amount) == -5 and refund.segment == "vip" and refund.attributes == {"store": "Gangnam"}
    # the purchase day is the date written in the timestamp's own offset (2024-03-01 in +09:00)
    assert refund.purchase_day == 19783
    assert stored_count(metrics, TransactionStaging) == 0


def test_same_id_with_other_values_rejects_the_whole_batch(metrics, finance_key):
    client = metrics.client()
    client.post("/v1/transactions/batch", json={"transactions": [tx(1)]}, headers=auth(finance_key))
    reply = client.post("/v1/transactions/batch", json={"transactions": [tx(2), tx(1, amount="20.00")]},
                        headers=auth(finance_key))
    assert reply.status_code == 422
    assert "1" in reply.json["errors"]["transactions"]
    assert stored_count(metrics) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"currency": "WON!"}, "currency"), ({"amount": "abc"}, "amount"), ({"amount": "NaN"}, "amount"),
    ({"occurred_at": "yesterday"}, "occurred_at"), ({"id": "x" * 65}, "id"), ({"customer_id": ""}, "customer_id"),
    ({"unknown": 1}, "unknown"), ({"segment": "*"}, "segment"),
])
def test_bad_rows_are_422_with_their_position(metrics, finance_key, change, field):
    reply = metrics.client().post("/v1/transactions/batch", json={"transactions": [tx(1), tx(2, **change)]},
                                  headers=auth(finance_key))
    assert reply.status_code == 422
    assert field in reply.json["errors"]["json"]["transactions"]["1"]
    assert stored_count(metrics) == 0


def test_repeated_id_within_a_batch_is_rejected(metrics, finance_key):
    reply = metrics.client().post("/v1/transactions/batch", json={"transactions": [tx(1), tx(2), tx(1)]},
                                  headers=auth(finance_key))
    assert reply.status_code == 422
    assert "repeats line 0" in reply.json["errors"]["transactions"]["2"]["id"][0]


def test_more_than_10000_rows_is_422_and_a_body_over_the_limit_413(make_service):
    metrics = make_service("metrics", env={"METRICS_BATCH_MAX_BODY_BYTES": str(4 * 1024 * 1024)})
    key = metrics.key_for("finance")
    client = metrics.client()
    rows = [tx(i) for i in range(10_001)]
    too_many = client.post("/v1/transactions/batch", json={"transactions": rows}, headers=auth(key))
    assert too_many.status_code == 422  # 1.5 MB: above the service default, accepted by this route
    huge = client.post("/v1/transactions/batch", data=b"[" + b" " * (5 * 1024 * 1024) + b"]",
                       content_type="application/json", headers=auth(key))
    assert huge.status_code == 413 and huge.json["code"] == 413
    assert client.post("/v1/responses/batch", data=b" " * (2 * 1024 * 1024), content_type="application/json",
                       headers=auth(key)).status_code in (403, 413)


@pytest.mark.parametrize(("role", "status"), [("finance", 200), ("analyst", 403), ("marketer", 403),
                                              ("ingest", 403), ("service", 403)])
def test_only_finance_and_admin_write(metrics, role, status):
    key = metrics.key_for(role)
    reply = metrics.client().post("/v1/transactions/batch", json={"transactions": [tx(1)]}, headers=auth(key))
    # survey's worker (service) forwards the orders CDPs send (Segment's Order Completed): batches only
    assert reply.status_code == (200 if role == "service" else status)
    contract = {"id": "k1", "customer_id": "c1", "started_at": "2024-01-01", "recurring_value": 9, "currency": "EUR"}
    assert metrics.client().post("/v1/contracts/batch", json={"contracts": [contract]},
                                 headers=auth(key)).status_code == status


CSV_HEADER = "id,customer_id,occurred_at,amount,currency,segment,channel\n"


def csv_post(metrics, key, text: str | bytes):
    body = text.encode() if isinstance(text, str) else text
    return metrics.client().post("/v1/transactions/import", data=body, content_type="text/csv", headers=auth(key))


def test_csv_import_streams_a_file_larger_than_the_body_limit(metrics, finance_key):
    lines = [f"t{i},c{i % 900},2024-01-{1 + i % 28:02d},{(i % 50) + 0.5},usd,{'vip' if i % 3 else ''},web\n"
             for i in range(30_000)]
    body = "\ufeff" + CSV_HEADER + "".join(lines)
    assert len(body.encode()) > 1024 * 1024
    reply = csv_post(metrics, finance_key, body)
    assert reply.status_code == 200, reply.json
    assert reply.json == {"received": 30_000, "inserted": 30_000, "already_present": 0}
    row = metrics.connection.execute(select(Transaction).where(Transaction.id == "t1")).one()
    assert row.currency == "USD" and row.segment == "vip" and row.attributes == {"channel": "web"}
    assert csv_post(metrics, finance_key, body).json["already_present"] == 30_000


def test_an_over_long_line_is_refused_with_its_line_number_and_nothing_is_stored(metrics, finance_key):
    from services.metrics.finance.csv_rows import MAX_LINE_CHARS

    good = "t1,c1,2024-01-01,10,USD,,\n"
    endless = "t2,c1,2024-01-01,10,USD,," + "x" * (MAX_LINE_CHARS * 3)  # no newline, ever
    reply = csv_post(metrics, finance_key, CSV_HEADER + good + endless)
    assert reply.status_code == 422 and reply.json["code"] == 422
    assert list(reply.json["errors"]["lines"]) == ["3"]
    assert str(MAX_LINE_CHARS) in reply.json["errors"]["lines"]["3"][0]
    assert metrics.connection.execute(select(func.count()).select_from(Transaction)).scalar() == 0
    header = csv_post(metrics, finance_key, "id," + "c" * (MAX_LINE_CHARS + 1))
    assert header.status_code == 422 and list(header.json["errors"]["lines"]) == ["1"]
    fits = csv_post(metrics, finance_key, CSV_HEADER + "t9,c9,2024-01-01,1,USD,," + "y" * 1000 + "\n")
    assert fits.status_code == 200 and fits.json["inserted"] == 1


def test_imports_have_a_default_body_limit(make_service):
    metrics = make_service("metrics", env={"METRICS_IMPORT_MAX_BODY_BYTES": "4096"})
    key = metrics.key_for("finance")
    reply = csv_post(metrics, key, CSV_HEADER + "t1,c1,2024-01-01,10,USD,,\n" * 400)
    assert reply.status_code == 413 and reply.json["code"] == 413
    from services.metrics.config import Config
    assert 0 < Config({}).IMPORT_MAX_BODY_BYTES <= 1 << 30


def test_csv_with_bad_lines_is_rejected_whole_with_line_numbers(metrics, finance_key):
    body = CSV_HEADER + "".join([
        "t1,c1,2024-01-01,10,USD,,\n",
        "t2,c1,2024-13-01,10,USD,,\n",          # line 3: bad date
        "t3,c2,2024-01-02,ten,USD,,\n",         # line 4: bad amount
        "t4,c2,2024-01-02,1,US,,\n",            # line 5: bad currency
        "t5,c3,2024-01-03,1,USD\n",             # line 6: missing fields
        "t6,c3,2024-01-03,1,USD,,\n",
    ])
    reply = csv_post(metrics, finance_key, body)
    assert reply.status_code == 422
    lines = reply.json["errors"]["lines"]
    assert set(lines) == {"3", "4", "5", "6"}
    assert "occurred_at" in lines["3"][0] and "amount" in lines["4"][0] and "currency" in lines["5"][0]
    assert stored_count(metrics) == 0 and stored_count(metrics, TransactionStaging) == 0


def test_csv_duplicate_ids_and_bad_header_are_rejected(metrics, finance_key):
    duplicate = csv_post(metrics, finance_key, CSV_HEADER + "a,c1,2024-01-01,1,USD,,\nb,c1,2024-01-02,1,USD,,\n"
                                                            "a,c1,2024-01-03,1,USD,,\n")
    assert duplicate.status_code == 422
    assert duplicate.json["errors"]["lines"] == {"4": ["id 'a' repeats line 2"]}
    header = csv_post(metrics, finance_key, "id,customer,amount\n1,2,3\n")
    assert header.status_code == 422 and "customer_id" in header.json["message"]
    assert csv_post(metrics, finance_key, b"").status_code == 422
    assert csv_post(metrics, finance_key, CSV_HEADER.encode() + b"t1,c\xff,2024-01-01,1,USD,,\n").status_code == 422
    assert stored_count(metrics) == 0


def test_csv_reports_at_most_100_problems(metrics, finance_key):
    body = CSV_HEADER + "".join(f"t{i},c1,not-a-date,1,USD,,\n" for i in range(500))
    reply = csv_post(metrics, finance_key, body)
    assert reply.status_code == 422 and len(reply.json["errors"]["lines"]) == 100


def test_contracts_are_replaced_by_id(metrics, finance_key):
    client = metrics.client()
    contract = {"id": "k1", "customer_id": "c1", "started_at": "2024-01-01", "plan": "pro",
                "recurring_value": "9.99", "currency": "eur", "segment": "smb"}
    assert client.post("/v1/contracts/batch", json={"contracts": [contract]},
                       headers=auth(finance_key)).json == {"received": 1, "stored": 1}
    cancelled = {**contract, "ended_at": "2024-06-15T12:00:00Z"}
    assert client.post("/v1/contracts/batch", json={"contracts": [cancelled]},
                       headers=auth(finance_key)).status_code == 200
    row = metrics.connection.execute(select(Contract)).one()
    assert row.ended_at is not None and row.currency == "EUR" and float(row.recurring_value) == 9.99
    assert stored_count(metrics, Contract) == 1


@pytest.mark.parametrize("contracts", [
    [{"id": "k", "customer_id": "c", "started_at": "2024-02-01", "ended_at": "2024-01-01",
      "recurring_value": 1, "currency": "EUR"}],
    [{"id": "k", "customer_id": "c", "started_at": "2024-02-01", "recurring_value": 1, "currency": "EUR"}] * 2,
    [{"id": "k", "customer_id": "c", "started_at": "2024-02-01", "recurring_value": 1, "currency": "EUR",
      "segment": "*"}],  # "*" stands for everyone in segment reports
])
def test_bad_contract_batches_are_422_and_store_nothing(metrics, finance_key, contracts):
    reply = metrics.client().post("/v1/contracts/batch", json={"contracts": contracts}, headers=auth(finance_key))
    assert reply.status_code == 422
    assert stored_count(metrics, Contract) == 0


def test_import_command_shows_progress_and_is_all_or_nothing(tmp_path):
    from click.testing import CliRunner

    from services.common.migrate import upgrade
    from services.metrics.finance.import_cli import finance_cli

    url = f"sqlite:///{tmp_path / 'metrics.db'}"
    upgrade("metrics", url)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(CSV_HEADER + "".join(f"t{i},c{i},2024-01-01,1,USD,,\n" for i in range(100)))
    bad.write_text(CSV_HEADER + "u1,c1,2024-01-01,1,USD,,\nu2,c1,2024-01-01,one,USD,,\n")
    runner = CliRunner()
    imported = runner.invoke(finance_cli, ["import-transactions", str(good), "--database-url", url])
    assert imported.exit_code == 0, imported.output
    assert "inserted 100" in imported.output and "importing good.csv" in imported.output
    rejected = runner.invoke(finance_cli, ["import-transactions", str(bad), "--database-url", url])
    assert rejected.exit_code == 1 and "line 3" in rejected.output
    again = runner.invoke(finance_cli, ["import-transactions", str(good), "--database-url", url])
    assert "inserted 0, already present 100" in again.output
