"""``/customers/<id>``: one customer's journey as one timeline, newest first: journey events, every
invitation with its decisions and reasons, responses, unsubscribe (survey), purchases, refunds and
contracts with CLV and the probability of being alive (metrics).

The services decide what a role reads: survey gives the journey to marketers and analysts (contact
details to marketers only), metrics the money side to finance and analysts. The page shows what the
person may read and says what is left out.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from services.console.clients import ServiceRefusedError, service_clients
from services.console.customer_timeline import amount, build_timeline, decision_label, money, number, value_currency
from services.console.pages.support import optional_reads
from shared.contracts.journey import CURSOR_MAX_LENGTH

customers_pages = Blueprint("customers", __name__, url_prefix="/customers")
PAGE_SIZE = 30
MONEY_ROWS = 200  # purchases read per page; the totals cover all of them


def _before() -> datetime | None:
    """The page's upper time bound from the query (a tampered one is dropped, not a 500)."""
    try:
        moment = datetime.fromisoformat(request.args.get("before", ""))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _journey_read(survey, person, **kwargs) -> dict[str, Any]:
    """The journey page, or ``{"unknown": True}`` when survey has never heard of the customer (runs on a
    reader thread: no app context, so the client comes in)."""
    try:
        return survey.customer_journey(person, **kwargs)
    except ServiceRefusedError as error:
        if error.status == 404:
            return {"unknown": True}
        raise


def _cursor() -> str | None:
    cursor = request.args.get("cursor", "")
    return cursor if 0 < len(cursor) <= CURSOR_MAX_LENGTH and cursor.isascii() else None


@customers_pages.get("/<path:customer_id>")
@login_required
def journey(customer_id: str):
    """The customer's timeline, one page of it; the older page follows the journey's cursor."""
    if len(customer_id) > 200:
        abort(404)
    clients = service_clients()
    cursor, before = _cursor(), _before()
    if cursor is None:
        before = None  # the first page starts now, whatever the address says
    got = optional_reads({
        "journey": functools.partial(_journey_read, clients.survey, customer_id=customer_id, order="desc", limit=PAGE_SIZE,
                                     cursor=cursor),
        "summary": functools.partial(clients.metrics.customer_summary, customer_id=customer_id,
                                     limit=MONEY_ROWS, until=before),
        "surveys": clients.survey.list_surveys})
    (journey, journey_problem), (summary, summary_problem) = got["journey"], got["summary"]
    journey_refused = journey is None and journey_problem is None
    unknown = bool(journey and journey.get("unknown"))
    journey = None if unknown else journey
    has_money = bool(summary and (summary["totals"] or summary["contracts"]))
    if journey_refused and summary is None and summary_problem is None:
        abort(403)  # neither service lets this role read a customer
    if journey is None and not journey_problem and not has_money and not summary_problem:
        abort(404)  # known to neither (or unknown to one and refused by the other)
    surveys = {item["id"]: item["name"] for item in got["surveys"][0] or []}
    entries = build_timeline(journey, summary, surveys=surveys, before=before)
    older = None
    if journey and journey.get("next_cursor") and journey["items"]:
        older = {"cursor": journey["next_cursor"], "before": journey["items"][-1]["at"].isoformat()}
    return render_template(
        "pages/customers/journey.html", customer_id=customer_id, customer=(journey or {}).get("customer"),
        journey_refused=journey_refused, unknown=unknown, journey_problem=journey_problem,
        summary=summary, summary_problem=summary_problem, entries=entries, older=older,
        first_page=cursor is None, money_cut=bool(summary and summary.get("next_cursor")))


@customers_pages.context_processor
def _words() -> dict[str, Any]:
    return {"money": money, "number": number, "amount": amount, "value_currency": value_currency,
            "decision_label": decision_label}
