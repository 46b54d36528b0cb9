"""Every /v1 endpoint of every service against every role: only what the design allows gets past the
role check (403 otherwise), and a team lead reaching for another lead's subscription gets 404.

The design's grants are written here from DESIGN.md ("Keys and roles"); the code's grants are the
``_cx_roles`` that ``require_roles`` puts on each view. Cells where the two disagree are xfail with
the reason, so the disagreement stays visible until someone decides which side is right.
"""

from __future__ import annotations

import importlib
import itertools
import re

import pytest

from tests.notifier.support import subscription_body
from tests.reliability.apps import ROLES, bearer, make_app

SCORES = ("/v1/scores", "/v1/scores/compare", "/v1/voc/keywords",
          "/v1/estimates/proportion",  # a rate's interval (the survey summary's response rate)
          "/v1/drivers")  # key drivers: a reading of scores, for whoever reads scores (issue 18)
# Service-wide settings: everyone who works on surveys reads them, admins set them (issues 14, 17).
ADMIN_SETTINGS = ("/v1/contact-rules", "/v1/brand")
FINANCE_WRITES = ("/v1/transactions/batch", "/v1/transactions/import", "/v1/contracts/batch", "/v1/clv/fits")
# What the services call on each other (services/survey/clients, services/notifier/clients).
SERVICE_CALLS = {("metrics", "POST", "/v1/responses/batch"), ("notifier", "POST", "/v1/signals"),
                 ("metrics", "POST", "/v1/erasures"), ("notifier", "POST", "/v1/erasures"),
                 ("metrics", "POST", "/v1/transactions/batch"),  # order events from CDPs (issue 19)
                 ("survey", "GET", "/v1/brand"),  # the brand on notifier's alert emails (issue 17)
                 *(("metrics", "GET", path) for path in SCORES)}
# The Segment-compatible tracking API: a CDP's SDK posts events with an ingest key (its write key).
TRACKING_CALLS = tuple(f"/v1/{call}" for call in ("batch", "track", "identify", "page", "screen", "group", "alias"))
TRACKING_WEBHOOKS = "/v1/tracking/webhooks/"
PERSONAL = ("/v1/customers/", "/v1/subscriptions",  # contact records; subscriptions hold leads' addresses
            "/v1/events")  # stored events name customers and carry their attributes
# One customer's journey (survey) and value (metrics): personal data left out for roles without access (issue 18).
CUSTOMER_READS = ("/journey", "/summary")
# Close-the-loop cases (issue 16): team leads work them (service-side scope: their subscriptions' and their
# own); playbooks are set by admins and marketers and read by team leads, who follow them. Cases hold the
# customer's answers and comment, and playbooks name people: not for analysts.
CASES, PLAYBOOKS = "/v1/cases", "/v1/playbooks"


def design_allows(service: str, method: str, path: str, role: str) -> bool:
    """The design's answer: may ``role`` call ``method path`` on ``service``?"""
    if role == "admin" or path == "/v1/whoami":
        return True
    # operators' views of undelivered work; response webhook endpoints (they receive every answer): admin only
    if path.startswith(("/v1/outbox", "/v1/set-aside", "/v1/webhooks")):
        return False
    if path.startswith("/v1/keys") or path == "/v1/responses/import":  # keys; history written in bulk
        return False
    if role == "service":
        return (service, method, path) in SERVICE_CALLS
    if role == "ingest":  # client systems: post events; their app backend also reads a customer's
        # pending in-app surveys and records an unsubscribe (a product decision, see issue 3)
        return service == "survey" and (
            (method == "POST" and (path.startswith(("/v1/events", TRACKING_WEBHOOKS)) or path in TRACKING_CALLS)) or
            (path.startswith("/v1/customers/") and path.endswith(("/pending-surveys", "/unsubscribe"))))
    if role == "analyst":  # alerts carry low-score customers' ids and comments: personal data
        customer_read = path.startswith("/v1/customers/") and path.endswith(CUSTOMER_READS)
        return method == "GET" and (customer_read or (not path.startswith(PERSONAL + ("/v1/alerts", CASES, PLAYBOOKS))
                                                      and not path.endswith("/pending-surveys")))
    if role == "marketer":  # surveys, touchpoints, triggers and what they produce; reads scores
        if service == "survey":
            if path.startswith("/v1/events"):  # reads recent events to dry-run triggers; never posts them
                return method == "GET"
            if path in TRACKING_CALLS or path.startswith(TRACKING_WEBHOOKS):  # nor through the tracking API
                return False
            if path.startswith(("/v1/tracking/sources",) + ADMIN_SETTINGS):  # admins set these; marketers read
                return method == "GET"
            return not (method == "DELETE" and path.startswith("/v1/customers"))
        return (service == "notifier" and path.startswith(PLAYBOOKS)) or (
            service == "metrics" and method == "GET" and path in SCORES)
    if role == "finance":  # reads scores too, to line NPS up against churn (issue 13)
        return service == "metrics" and (
            (method == "POST" and path in FINANCE_WRITES) or
            (method == "GET" and (path.startswith(("/v1/churn/", "/v1/clv/")) or path in SCORES
                                  or path.endswith("/summary"))))
    if role == "team_lead":
        if service == "notifier":
            return path.startswith(("/v1/subscriptions", "/v1/alerts", CASES)) or (
                method == "GET" and path.startswith(PLAYBOOKS))
        return service == "metrics" and method == "GET" and path in SCORES
    raise AssertionError(role)


def _endpoints(service: str):
    config = importlib.import_module(f"services.{service}.config").TestConfig(
        {f"{service.upper()}_DATABASE_URL": "sqlite://", "CX_ADMIN_KEY": "x"})
    app = importlib.import_module(f"services.{service}.app").create_app(config)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            yield method, rule.rule, getattr(handler, "_cx_roles", None)


def _cells():
    cells = []
    for service in ("survey", "metrics", "notifier"):
        for method, rule, code_roles in _endpoints(service):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)
            design_path = re.sub(r"\{[a-z_]+\}", "x", path)
            for role in ROLES:
                design = design_allows(service, method, design_path.replace("/x", "/"), role) or \
                    design_allows(service, method, design_path, role)
                code = code_roles is None or role in code_roles
                marks = []
                if design != code:
                    marks.append(pytest.mark.xfail(strict=True, reason=(
                        f"code and design disagree: code {'allows' if code else 'refuses'} {role} on "
                        f"{method} {path}, the design {'allows' if design else 'does not'}")))
                cells.append(pytest.param(service, method, path, role, design,
                                          id=f"{service}-{method}-{path}-{role}", marks=marks))
    return cells


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("authz")
    return {service: make_app(service, tmp) for service in ("survey", "metrics", "notifier")}


def _concrete(path: str) -> str:
    path = re.sub(r"\{(?:survey_id|trigger_id|invitation_id|version|endpoint_id|delivery_id|case_id)\}", "987654", path)
    return re.sub(r"\{[a-z_]+\}", "nobody-987654", path)


@pytest.mark.parametrize("service,method,path,role,allowed", _cells())
def test_role_matrix(apps, service, method, path, role, allowed):
    app = apps[service]
    reply = app.test_client().open(_concrete(path), method=method, json={},
                                   headers=bearer(app.config["CX_KEYS"][role]))
    assert reply.status_code != 401, reply.json
    if allowed:
        assert reply.status_code != 403, reply.json
    else:
        assert reply.status_code == 403, (reply.status_code, reply.get_data(as_text=True)[:300])
        assert reply.json["code"] == 403


def test_no_key_and_a_bad_key_get_401_everywhere(apps):
    attempts = itertools.count()  # each from its own address: failed authentications are limited per address
    for service, app in apps.items():
        for method, rule, _ in _endpoints(service):
            path = _concrete(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule))
            for headers in ({}, bearer("not-a-key-0123456789abcdef")):
                n = next(attempts)
                reply = app.test_client().open(path, method=method, json={}, headers=headers,
                                               environ_base={"REMOTE_ADDR": f"10.77.{n // 250}.{n % 250 + 1}"})
                assert reply.status_code == 401, (service, method, path, reply.status_code)


def test_a_team_lead_gets_404_for_another_leads_subscription(apps):
    app = apps["notifier"]
    keys = app.config["CX_KEYS"]
    client = app.test_client()
    created = client.post("/v1/subscriptions", json=subscription_body(), headers=bearer(keys["team_lead"]))
    assert created.status_code == 201, created.json
    path = f"/v1/subscriptions/{created.json['id']}"
    other = bearer(keys["team_lead_b"])
    assert client.get(path, headers=other).status_code == 404
    assert client.patch(path, json={"name": "mine now"}, headers=other).status_code == 404
    assert client.post(f"{path}/test", headers=other).status_code == 404
    assert client.delete(path, headers=other).status_code == 404
    listed = client.get("/v1/subscriptions", headers=other)
    assert listed.status_code == 200 and listed.json["items"] == []
    listed = client.get("/v1/subscriptions", query_string={"owner": "team_lead-subject"}, headers=other)
    assert listed.status_code == 200 and listed.json["items"] == []  # the owner filter is the admins'
    alerts = client.get("/v1/alerts", query_string={"subscription_id": created.json["id"]}, headers=other)
    assert alerts.status_code in (200, 404, 422) and not (alerts.status_code == 200 and alerts.json.get("items"))
    mine = client.get(path, headers=bearer(keys["team_lead"]))
    assert mine.status_code == 200 and mine.json["name"] == subscription_body()["name"]


def test_a_team_lead_gets_404_for_a_case_outside_their_subscriptions(apps):
    from tests.notifier.support import signal_body

    app = apps["notifier"]
    keys = app.config["CX_KEYS"]
    client = app.test_client()
    lead, other = bearer(keys["team_lead"]), bearer(keys["team_lead_b"])
    watching = subscription_body(name="Low scores", rule={"kind": "low_score"}, scope={"touchpoint": ["authz"]})
    assert client.post("/v1/subscriptions", json=watching, headers=lead).status_code == 201
    signal = signal_body(touchpoint="authz")
    assert client.post("/v1/signals", json=signal, headers=bearer(keys["service"])).json["status"] == "stored"
    [case] = [c for c in client.get("/v1/cases", headers=lead).json["items"] if c["response_id"] == signal["response_id"]]
    path = f"/v1/cases/{case['id']}"
    assert client.get(path, headers=lead).status_code == 200
    assert client.get(path, headers=other).status_code == 404
    assert client.post(f"{path}/notes", json={"text": "mine now"}, headers=other).status_code == 404
    assert all(c["id"] != case["id"] for c in client.get("/v1/cases", headers=other).json["items"])
