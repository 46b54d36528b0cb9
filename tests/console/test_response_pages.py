"""``/responses`` and ``/responses/<id>`` against the real services (SQLite and PostgreSQL): the inbox with
its filters and search, one response with its questions, attributes and event, triage of one response and
of a selection (audited), who may triage, and CSV / XLSX exports read back with the filters applied."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook

from tests.console.support import PASSWORD, csrf_token, post_form, sign_in, text_of
from tests.console.test_customer_page import _dispatch
from tests.console.trigger_support import api_trigger, match, seed_survey
from tests.support import ADMIN_KEY, auth

COMMENTS = {"c-1": "=HYPERLINK(\"http://x\") late box", "c-2": "빠른 배송 감사합니다"}


def _answered(console) -> dict[str, str]:
    """c-1 answers NPS 3 with a comment that looks like a formula, c-2 NPS 9 in Korean; response ids by customer."""
    survey = seed_survey(console)
    api_trigger(console, survey["id"])
    survey_http = console.services["survey"].client()
    for customer in COMMENTS:
        body = {"id": f"e-{customer}", "type": "order.delivered", "occurred_at": datetime.now(UTC).isoformat(),
                "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul",
                             "attributes": {"plan": "gold" if customer == "c-1" else "basic"}},
                "attributes": {"order_id": f"o-{customer}"}}
        assert survey_http.post("/v1/events", json=body, headers=auth(ADMIN_KEY)).status_code == 201
    match(console)
    for sent in _dispatch(console):
        customer = "c-1" if "c-1" in str(sent) else "c-2"
        token = sent.survey_url.rsplit("/", 1)[1]
        reply = survey_http.post(f"/r/{token}", data={"q_nps": "3" if customer == "c-1" else "9",
                                                      "q_comment": COMMENTS[customer]})
        assert reply.status_code in (200, 303)
    listed = survey_http.get("/v1/responses", headers=auth(ADMIN_KEY)).json["responses"]
    return {r["customer_id"]: r["response_id"] for r in listed}


def _as(console, role: str):
    http = console.client()
    sign_in(http, f"{role}@example.com", PASSWORD) if role != "admin" else sign_in(http)
    return http


def test_the_inbox_lists_filters_and_searches(console):
    ids = _answered(console)
    http = _as(console, "marketer")
    page = text_of(http.get("/responses"))
    assert "빠른 배송 감사합니다" in page and "late box" in page and page.count('name="response_id"') == 2
    assert 'href="/customers/c-1"' in page and f'href="/responses/{ids["c-1"]}"' in page
    assert "빠른 배송" not in text_of(http.get("/responses?q=LATE"))
    assert "late box" not in text_of(http.get("/responses?score_min=7"))
    assert "late box" not in text_of(http.get("/responses?segment=plan:basic"))
    assert "No responses match." in text_of(http.get("/responses?tag=nothing"))
    assert http.get("/responses?score_min=abc&from=yesterday&segment=bad").status_code == 200  # dropped, not a 500


def test_a_response_shows_its_questions_attributes_event_and_customer(console):
    ids = _answered(console)
    page = text_of(_as(console, "marketer").get(f"/responses/{ids['c-1']}"))
    assert "Would you recommend us?" in page and "Comments" in page
    assert "&#34;http://x&#34;" in page or "&quot;http://x&quot;" in page  # escaped, shown as text
    assert "order.delivered" in page and "gold" in page and 'href="/customers/c-1"' in page


def test_triage_exclude_and_notes_are_audited(console):
    ids = _answered(console)
    http, path = _as(console, "marketer"), f"/responses/{ids['c-1']}"
    reply = post_form(http, f"{path}/triage", {"status": "read", "add_tags": "배송 지연, damaged"}, page=path)
    assert reply.status_code == 302
    reply = post_form(http, f"{path}/triage", {"remove_tags": "damaged"}, page=path)
    assert reply.status_code == 302
    reply = post_form(http, f"{path}/triage", {"excluded": "yes"}, page=path)
    assert reply.status_code == 302
    post_form(http, f"{path}/notes", {"note": "<i>called the customer</i>"}, page=path)
    page = text_of(http.get(path))
    assert "배송 지연" in page and "Excluded as test" in page and "&lt;i&gt;called the customer&lt;/i&gt;" in page
    assert "Marketer" in page or "marketer" in page  # the note's author by name
    api = console.services["survey"].client().get(f"/v1/responses/{ids['c-1']}", headers=auth(ADMIN_KEY)).json
    assert api["triage"]["excluded"] is True and api["triage"]["status"] == "read"
    assert api["triage"]["tags"] == ["배송 지연"]  # "damaged" was removed
    audit = text_of(_as(console, "admin").get("/settings/audit"))
    assert "Response excluded as test" in audit and "Note added to a response" in audit
    assert "Response status or tags changed" in audit


def test_bulk_triage_of_a_selection_keeps_the_filters(console):
    ids = _answered(console)
    http = _as(console, "marketer")
    html = text_of(http.get("/responses?comment=yes"))
    reply = http.post("/responses/triage", data={"csrf_token": csrf_token(html), "response_id": list(ids.values()),
                                                 "status": "archived", "excluded": "yes",
                                                 "back": "/responses?comment=yes&status=bogus"})
    assert reply.status_code == 302 and "comment=yes" in reply.headers["Location"]
    assert "status" not in reply.headers["Location"]  # the selection's status is not a filter
    listed = console.services["survey"].client().get("/v1/responses", headers=auth(ADMIN_KEY)).json["responses"]
    assert {(r["triage"]["status"], r["triage"]["excluded"]) for r in listed} == {("archived", True)}
    assert "2 responses changed." in text_of(http.get(reply.headers["Location"]))


def test_analysts_read_but_may_not_triage(console):
    ids = _answered(console)
    http = _as(console, "analyst")
    page = text_of(http.get("/responses"))
    assert "late box" in page and 'name="response_id"' not in page
    detail = text_of(http.get(f"/responses/{ids['c-1']}"))
    assert "Exclude as test" not in detail
    token = csrf_token(text_of(http.get("/preferences")))
    refused = http.post(f"/responses/{ids['c-1']}/triage", data={"csrf_token": token, "excluded": "yes"})
    assert refused.status_code == 403
    assert _as(console, "finance").get("/responses").status_code == 403


def test_exports_read_back_with_the_filters_and_formulas_neutralised(console):
    ids = _answered(console)
    http = _as(console, "marketer")
    reply = http.get("/responses/export.csv?score_max=5")
    assert reply.status_code == 200 and reply.headers["Content-Disposition"].endswith('responses.csv"')
    rows = list(csv.DictReader(io.StringIO(text_of(reply))))
    assert [r["response_id"] for r in rows] == [ids["c-1"]]
    assert rows[0]["comment"].startswith("'=HYPERLINK") and rows[0]["score"] == "3"
    reply = http.get("/responses/export.xlsx")
    assert reply.status_code == 200 and reply.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(reply.get_data()), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = table[0]
    assert header[:3] == ["response_id", "answered_at", "survey_id"] and len(table) == 3
    comments = {row[header.index("customer_id")]: row[header.index("comment")] for row in table[1:]}
    assert comments == {"c-1": "'" + COMMENTS["c-1"], "c-2": COMMENTS["c-2"]}
    assert http.get("/responses/export.pdf").status_code == 404
    assert re.search(r"CSV", text_of(http.get("/responses")))


def test_the_send_log_exports_its_filtered_rows(console):
    _answered(console)
    http = _as(console, "marketer")
    assert 'href="/invitations/export.csv' in text_of(http.get("/invitations"))
    rows = list(csv.DictReader(io.StringIO(text_of(http.get("/invitations/export.csv?customer_id=c-1")))))
    assert [(r["customer_id"], r["channel"]) for r in rows] == [("c-1", "Email")] and rows[0]["why"]
    reply = http.get("/invitations/export.xlsx?status=responded")
    table = list(load_workbook(io.BytesIO(reply.get_data()), read_only=True).active.iter_rows(values_only=True))
    assert table[0][0] == "invitation_id" and {row[4] for row in table[1:]} == {"c-1", "c-2"}
    assert http.get("/invitations/export.json").status_code == 404
