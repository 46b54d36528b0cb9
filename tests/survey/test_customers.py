"""Unsubscribe (API and RFC 8058 one-click link) and erasure of personal data."""

from __future__ import annotations

from sqlalchemy import select

from services.survey.models import JourneyEvent


def sent_token(survey_app) -> str:
    survey = survey_app.published_survey()
    survey_app.trigger(survey["id"])
    survey_app.post_event("e1")
    survey_app.match()
    survey_app.dispatch()
    return survey_app.sent[0].survey_url.rsplit("/", 1)[1]


def test_get_shows_a_form_and_never_unsubscribes(survey_app):
    token = sent_token(survey_app)
    client = survey_app.client()
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'method="post"' in page.get_data(as_text=True)
    assert survey_app.call("get", "/v1/customers/c1").json["unsubscribed_at"] is None
    assert client.get("/unsubscribe/not-a-token").status_code == 404


def test_one_click_post_unsubscribes_and_cancels_pending(survey_app):
    token = sent_token(survey_app)
    other = survey_app.published_survey(name="later")
    survey_app.trigger(other["id"], delay_minutes=600)
    survey_app.post_event("e2", attributes={"order_id": "2"})
    survey_app.match()
    reply = survey_app.client().post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                                     content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 200 and "unsubscribed" in reply.get_data(as_text=True)
    assert survey_app.call("get", "/v1/customers/c1").json["unsubscribed_at"] is not None
    assert [i["status"] for i in survey_app.invitations(survey_id=other["id"])] == ["unsubscribed"]
    assert survey_app.client().post(f"/unsubscribe/{token}").status_code == 200  # repeating is harmless
    assert survey_app.client().post("/unsubscribe/unknown").status_code == 404


def test_erase_keeps_ids_and_drops_personal_data(survey_app):
    sent_token(survey_app)
    survey_app.post_event("e9", attributes={"address": "Seoul"})
    assert survey_app.call("delete", "/v1/customers/c1", role="marketer").status_code == 403
    admin = survey_app.service.app.config["ADMIN_KEY"]
    reply = survey_app.client().delete("/v1/customers/c1", headers={"Authorization": f"Bearer {admin}"})
    assert reply.status_code == 204
    customer = survey_app.call("get", "/v1/customers/c1").json
    assert customer["email"] is None and customer["attributes"] == {} and customer["erased_at"]
    with survey_app.session() as session:
        assert all(a == {} for a in session.scalars(select(JourneyEvent.attributes)
                                                    .where(JourneyEvent.customer_id == "c1")))
    assert len(survey_app.invitations(customer_id="c1")) == 1  # the invitation (and its answers) stay
    survey_app.post_event("e10", attributes={"order_id": "z"})  # a later event brings no contact data back
    assert survey_app.call("get", "/v1/customers/c1").json["email"] is None
    assert survey_app.client().delete("/v1/customers/nobody",
                                      headers={"Authorization": f"Bearer {admin}"}).status_code == 404
