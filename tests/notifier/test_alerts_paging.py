"""``GET /v1/alerts`` pages through every episode (``before`` / ``next_before``), newest first, one owner's."""

from __future__ import annotations

from datetime import timedelta

from services.notifier.models.alerts import AlertEpisode
from tests.notifier.conftest import NOW
from tests.notifier.support import subscription_body
from tests.support import ADMIN_KEY, auth


def _episodes(notifier, subscription_id: str, count: int) -> None:
    with notifier.app.extensions["db"].session_factory() as session:
        for number in range(count):
            session.add(AlertEpisode(subscription_id=subscription_id, scope_key=f"k{number}", group={},
                                     state="resolved", open_key=None, opened_at=NOW + timedelta(hours=number),
                                     notices=1, snapshot={"n": number}))
        session.commit()


def test_every_episode_is_reached_page_by_page_and_no_further(notifier):
    mine = notifier.http.post("/v1/subscriptions", json=subscription_body(), headers=auth(ADMIN_KEY)).json
    other = notifier.http.post("/v1/subscriptions", json=subscription_body(name="Other"), headers=auth(ADMIN_KEY)).json
    _episodes(notifier, mine["id"], 7)
    _episodes(notifier, other["id"], 2)
    seen, before, pages = [], None, 0
    while True:
        query = {"subscription_id": mine["id"], "limit": 3, **({"before": before} if before else {})}
        reply = notifier.http.get("/v1/alerts", query_string=query, headers=auth(ADMIN_KEY))
        assert reply.status_code == 200, reply.json
        seen += [episode["snapshot"]["n"] for episode in reply.json["episodes"]]
        before, pages = reply.json["next_before"], pages + 1
        if before is None:
            break
    assert seen == [6, 5, 4, 3, 2, 1, 0] and pages == 3  # newest first, each once, the last page says so
    exact = notifier.http.get("/v1/alerts", query_string={"subscription_id": mine["id"], "limit": 7},
                              headers=auth(ADMIN_KEY)).json
    assert len(exact["episodes"]) == 7 and exact["next_before"] is None  # a full last page is the last
    for bad in ("0", "-1", "x", str(2 ** 63)):
        assert notifier.http.get("/v1/alerts", query_string={"before": bad},
                                 headers=auth(ADMIN_KEY)).status_code == 422
