"""The live part of the demo: a team lead with subscriptions, and a few invitations that really go out,
some of which are answered on the real response page (so a low score reaches the team lead)."""

from __future__ import annotations

import email
import re
import time
from datetime import datetime, timedelta
from email import policy
from pathlib import Path

import httpx
from demo.api import Api, SeedError, post_events
from demo.people import Customer

TEAM_LEAD = "배송팀장 박지현 (delivery team lead)"
TEAM_LEAD_EMAIL = "jihyun.park@haneul-market.example"
SURVEY_LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_.~-]+(?:\?\S*)?")


def create_team_lead_key(env: dict[str, str], *, now: datetime) -> str:
    """A ``team_lead`` key written to all three databases (the machinery behind ``flask keys create``)."""
    from services.common.config import SERVICE_NAMES, database_url_for
    from services.common.db import make_engine
    from services.common.keys import create_key

    engines = [make_engine(database_url_for(name, env)) for name in SERVICE_NAMES]
    try:
        return create_key(engines, role="team_lead", subject=TEAM_LEAD, now=now).plaintext
    finally:
        for engine in engines:
            engine.dispose()


def subscribe(notifier: Api) -> list[dict]:
    """The team lead's subscriptions: every unhappy delivery customer at once, and weekly CSAT drops
    (dates and times in the lead's zone, Seoul)."""
    mail = [{"type": "email", "address": TEAM_LEAD_EMAIL}]
    scope = {"touchpoint": ["delivery"]}
    return [
        notifier.post("/v1/subscriptions", {"name": "배송 불만 고객 즉시 알림", "metric": "csat", "scope": scope,
                                            "rule": {"kind": "low_score"}, "channels": mail, "lang": "ko",
                                            "time_zone": "Asia/Seoul"}),
        notifier.post("/v1/subscriptions", {"name": "Delivery CSAT", "metric": "csat", "scope": scope,
                                            "rule": {"kind": "drop", "window": "7d", "baseline": "last_n",
                                                     "baseline_windows": 8, "min_drop": 5, "min_n": 30,
                                                     "explain_by": "attr.carrier"},
                                            "channels": mail, "lang": "en", "time_zone": "Asia/Seoul"}),
    ]


PLAYBOOKS = [
    ("delivery", {"ko": "24시간 안에 전화해 사과하고 재배송이나 환불을 제안하세요. 택배사 이름을 메모에 남겨 주세요.",
                  "en": "Call within 24 hours, apologise and offer re-delivery or a refund. Note the carrier."}, 24),
    ("support", {"ko": "같은 상담원이 아닌 팀장이 8시간 안에 연락해 해결 여부를 확인하세요.",
                 "en": "A team lead (not the same agent) calls within 8 hours to check it is solved."}, 8),
    ("return_refund", {"ko": "환불이 처리되었는지 확인하고 48시간 안에 결과를 알려 드리세요.",
                       "en": "Check the refund went through and tell the customer within 48 hours."}, 48),
]


def add_playbooks(notifier: Api) -> list[dict]:
    """What to do when a customer of a touchpoint is unhappy: the playbooks cases open with."""
    return [notifier.post("/v1/playbooks", {"touchpoint": touchpoint, "segment": None, "instruction": text,
                                            "target_hours": hours, "default_assignee": None})
            for touchpoint, text, hours in PLAYBOOKS]


def live_events(customers: list[Customer], *, now: datetime) -> list[dict]:
    """Deliveries and closed tickets that happened just long enough ago for their triggers to send now."""
    korean = [c for c in customers if c.lang == "ko" and c.buyer][:8]
    english = [c for c in customers if c.lang == "en" and c.buyer][:4]
    events = []
    for n, customer in enumerate(korean + english):
        delivered = n % 4 != 3
        at = now - timedelta(minutes=122 if delivered else 62)
        kind = "order.delivered" if delivered else "support.ticket_closed"
        attributes = {"order_id": f"o-live-{n:02d}", "carrier": "한빛택배"} if delivered else {
            "ticket_id": f"tk-live-{n:02d}", "topic": "delivery", "resolution": "solved"}
        events.append({"id": f"live-{customer.id}-{kind}", "type": kind, "occurred_at": at.isoformat(),
                       "customer": customer.as_event_customer(), "attributes": attributes})
    return events


def mailed_links(mail_dir: Path) -> dict[int, str]:
    """Invitation id -> survey link, from the invitation emails written under ``mail_dir``."""
    links = {}
    for path in sorted(mail_dir.glob("*-inv*-invitation.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        candidates = [link for link in SURVEY_LINK.findall(text) if "score=" not in link]
        if message["X-Cx-Invitation"] and candidates:
            links[int(message["X-Cx-Invitation"])] = candidates[0]
    return links


def wait_for_invitations(survey: Api, mail_dir: Path, count: int, timeout: float = 30) -> list[dict]:
    """Sent invitations of the live events that have their email on disk, each with its ``link``."""
    deadline = time.monotonic() + timeout
    while True:
        sent = [i for i in survey.get("/v1/invitations", params={"status": "sent", "limit": 1000})
                if (i["event_id"] or "").startswith("live-")]
        links = mailed_links(mail_dir)
        ready = [{**i, "link": links[i["id"]]} for i in sent if i["id"] in links]
        if len(ready) >= count or time.monotonic() > deadline:
            return sorted(ready, key=lambda i: i["id"])
        time.sleep(0.5)


ANSWERS = [  # (form fields) of the invitations answered by the seeding, in order
    {"q_csat": "1", "q_nps": "2", "q_issues": ["late", "damaged"], "q_comment": "배송이 너무 늦었어요. 포장도 엉망이었어요."},
    {"q_csat": "5", "q_nps": "10", "q_issues": ["none"], "q_comment": "다음 날 아침에 왔어요. 감사합니다!"},
    {"q_csat": "2", "q_nps": "4", "q_issues": ["late"], "q_comment": "Late delivery and a damaged box."},
]


def answer_some(invitations: list[dict], survey_ids: dict[str, int]) -> list[dict]:
    """Answer a few delivery invitations on the real page; returns the ones left for the visitor."""
    delivery = [i for i in invitations if i["survey_id"] == survey_ids["delivery"]]
    answered = []
    for invitation, form in zip(delivery[:-2], ANSWERS, strict=False):
        # generous, as for every seeding call: a loaded machine answers slowly, not wrongly
        reply = httpx.post(invitation["link"].split("?")[0], data=form, timeout=60)
        if reply.status_code == 200:
            answered.append(invitation["id"])
    return [i for i in invitations if i["id"] not in answered]


def wait_for_outbox(api: Api, timeout: float = 600) -> None:
    """Wait until the service's outbox holds no pending message (its worker delivered them all)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not api.get("/v1/outbox", params={"status": "pending", "limit": 1}, timeout=10):
                return
        except (httpx.HTTPError, SeedError):  # busy: ask again
            pass
        time.sleep(0.5)
    raise SeedError(f"the outbox of {api.base_url} still holds pending messages after {timeout:.0f} s")


def wait_for_alert(notifier: Api, timeout: float = 8) -> str:
    """State of the team lead's first notice: ``delivered``, ``pending``/``dead`` (queued) or ``none``."""
    deadline = time.monotonic() + timeout
    state = "none"
    while time.monotonic() < deadline:
        try:
            notices = notifier.get("/v1/alerts", timeout=3)["notices"]
        except (httpx.HTTPError, SeedError):  # the notifier may be busy delivering; ask again
            notices = []
        if notices:
            state = "delivered" if any(n["status"] == "delivered" for n in notices) else notices[0]["status"]
            if state == "delivered":
                return state
        time.sleep(0.5)
    return state


def post_live_events(survey: Api, customers: list[Customer], *, now: datetime) -> int:
    """Send the live events (before the history, so the worker matches them first)."""
    return post_events(survey, live_events(customers, now=now))
