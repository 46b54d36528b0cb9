"""Seed the demo company (하늘마켓 / Haneul Market) through the public APIs of running services.

Called by ``scripts/run_local.py`` once the services are healthy; also runnable on its own:
``python scripts/seed_demo.py --ports 8001,8002,8003 --var var`` (admin key from CX_ADMIN_KEY or var/admin-key).
Idempotent: does nothing when ``<var>/demo-seeded`` exists or surveys already exist.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo import catalog, history, live, orders, relationship  # noqa: E402
from demo.api import Api, SeedError, chunks, post_events  # noqa: E402
from demo.people import make_customers  # noqa: E402

MARKER = "demo-seeded"
SERVICES = ("survey", "metrics", "notifier")


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The previous calendar month (UTC): the month the delivery dip happened."""
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    return previous, this_month


def read_marker(var: Path) -> dict | None:
    """The summary of an earlier seeding, or None."""
    path = var / MARKER
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return {}


def design(survey: Api) -> dict[str, dict]:
    """Touchpoints, published bilingual surveys and triggers; touchpoint -> id, version, definition."""
    existing = {touchpoint["key"] for touchpoint in survey.get("/v1/touchpoints")}
    for key, name, description in catalog.TOUCHPOINTS:
        if key not in existing:
            survey.post("/v1/touchpoints", {"key": key, "name": name, "description": description})
    stored = {}
    for touchpoint, body in catalog.SURVEYS.items():
        created = survey.post("/v1/surveys", body)
        version = survey.post(f"/v1/surveys/{created['id']}/publish")
        stored[touchpoint] = {"id": created["id"], "version": version["version"], "definition": body}
        survey.post("/v1/triggers", {**catalog.TRIGGERS[touchpoint], "survey_id": created["id"]})
    return stored


def design_relationship(survey: Api) -> dict:
    """The relationship NPS survey (sent as a campaign, so no trigger): id, version, definition."""
    key, name, description = relationship.TOUCHPOINT
    if key not in {touchpoint["key"] for touchpoint in survey.get("/v1/touchpoints")}:
        survey.post("/v1/touchpoints", {"key": key, "name": name, "description": description})
    created = survey.post("/v1/surveys", relationship.SURVEY)
    version = survey.post(f"/v1/surveys/{created['id']}/publish")
    return {"id": created["id"], "version": version["version"], "definition": relationship.SURVEY}


def seed(urls: dict[str, str], key: str, var: Path, env: dict[str, str], *, seed_value: int = 20261,
         log=print) -> dict:
    """Seed everything; returns the summary also written to ``<var>/demo-seeded``."""
    started = time.monotonic()
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    dip = month_bounds(now)
    apis = {name: Api(urls[name], key) for name in SERVICES}
    survey, metrics = apis["survey"], apis["metrics"]
    customers = make_customers(rng, 3000)
    by_id = {c.id: c for c in customers}
    surveys = design(survey)
    relationship_survey = design_relationship(survey)
    log(f"demo: surveys and triggers ready ({time.monotonic() - started:.1f}s)")
    live.add_playbooks(apis["notifier"])  # before any low score, so every demo case has its playbook
    lead_key = live.create_team_lead_key(env, now=now)
    lead = Api(urls["notifier"], lead_key)
    live.post_live_events(survey, customers, now=now)

    start = now - timedelta(days=91)
    all_orders = orders.make_orders(rng, customers, now=now, dip=dip)
    window = [o for o in all_orders if o.placed_at >= start - timedelta(days=3)]
    events = history.journey_events(rng, customers, window, start=start, end=now)
    records = history.responses(rng, events, surveys, by_id, dip=dip, now=now)
    # Journey events up to eight days ago: their invitations have expired, so only the live ones mail.
    backfill = [e for e in events if e["occurred_at"] < (now - timedelta(days=8)).isoformat()]
    transactions = orders.transactions_of(all_orders, now=now)
    contracts = orders.contracts_of(rng, customers, now=now)
    # its own random generator: everything above is what it was before the relationship survey
    relationship_records = relationship.relationship_responses(seed_value, customers, records, contracts,
                                                               survey=relationship_survey, now=now)
    log(f"demo: generated {len(customers)} customers, {len(backfill)} events, {len(records)} responses, "
        f"{len(transactions)} transactions, {len(contracts)} contracts ({time.monotonic() - started:.1f}s)")

    def history_and_finance() -> dict:
        # The history's responses are imported into survey, which lists them and forwards them to
        # metrics through its outbox, like every response.
        for batch in chunks(records + relationship_records, 500):
            reply = survey.post("/v1/responses/import", {"responses": batch})
            if reply["rejected"]:
                first = next(r for r in reply["results"] if r["status"] == "rejected")
                raise SeedError(f"{reply['rejected']} history responses refused, e.g. {first}")
        for batch in chunks(transactions, 10_000):
            metrics.post("/v1/transactions/batch", {"transactions": batch})
        metrics.post("/v1/contracts/batch", {"contracts": contracts})
        return metrics.post("/v1/clv/fits", {"as_of": now.date().isoformat(), "time_unit": "week",
                                             "currency": "KRW", "horizon": 52})

    with ThreadPoolExecutor(max_workers=2) as pool:
        fit_future = pool.submit(history_and_finance)
        events_future = pool.submit(post_events, survey, backfill)
        invitations = live.wait_for_invitations(survey, var / "mail", count=8)
        fit, posted = fit_future.result(), events_future.result()
    left = live.answer_some(invitations, {k: v["id"] for k, v in surveys.items()})
    live.wait_for_outbox(survey)  # the history has reached metrics before anyone asks about it
    log(f"demo: history posted and forwarded, CLV fitted, {len(invitations)} invitations mailed "
        f"({time.monotonic() - started:.1f}s)")
    # Subscribed once the history is in metrics: the first evaluation decides on the real dip.
    subscriptions = live.subscribe(lead)
    alert = live.wait_for_alert(lead, timeout=30)
    summary = {
        "seeded_at": now.isoformat(), "seconds": round(time.monotonic() - started, 1),
        "customers": len(customers), "events": posted, "responses": len(records),
        "relationship_survey": {"id": relationship_survey["id"], "responses": len(relationship_records)},
        "transactions": len(transactions), "contracts": len(contracts), "dip_month": dip[0].strftime("%Y-%m"),
        "clv_fit": {"id": fit["id"], "status": fit["status"]}, "team_lead_key": lead_key,
        "subscriptions": [s["id"] for s in subscriptions], "alert": alert,
        "survey_links": [{"invitation_id": i["id"], "language": i["language"], "link": i["link"]}
                         for i in left],
    }
    marker = var / MARKER
    marker.write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    marker.chmod(0o600)  # it holds the team lead's key
    for api in (*apis.values(), lead):
        api.close()
    return summary


def seed_if_needed(urls: dict[str, str], key: str, var: Path, env: dict[str, str], log=print) -> dict:
    """Seed unless already done (marker file, or surveys already exist); returns the summary."""
    summary = read_marker(var)
    if summary is not None:
        return summary
    survey = Api(urls["survey"], key)
    try:
        if survey.get("/v1/surveys", params={"limit": 1}):
            return {"skipped": "surveys already exist"}
    finally:
        survey.close()
    return seed(urls, key, var, env, log=log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", default="8001,8002,8003")
    parser.add_argument("--var", default=os.environ.get("CX_VAR_DIR", "var"))
    args = parser.parse_args(argv)
    var = Path(args.var).resolve()
    key = os.environ.get("CX_ADMIN_KEY") or (var / "admin-key").read_text().strip()
    urls = {name: f"http://127.0.0.1:{port}" for name, port in zip(SERVICES, args.ports.split(","), strict=True)}
    summary = seed_if_needed(urls, key, var, {**os.environ, "CX_VAR_DIR": str(var)})
    print(json.dumps({k: v for k, v in summary.items() if k != "team_lead_key"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
