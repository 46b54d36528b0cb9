"""Survey design: drafts, validation, publishing immutable versions, touchpoints, roles."""

from __future__ import annotations

from tests.survey.conftest import survey_body


def test_touchpoints_are_seeded_and_managed(survey_app):
    keys = [t["key"] for t in survey_app.call("get", "/v1/touchpoints").json]
    assert {"awareness", "consideration", "purchase", "delivery", "onboarding", "usage", "support",
            "return_refund", "renewal"} <= set(keys)
    created = survey_app.call("post", "/v1/touchpoints", json={"key": "checkout", "name": "Checkout"})
    assert created.status_code == 201
    assert survey_app.call("post", "/v1/touchpoints", json={"key": "checkout", "name": "x"}).status_code == 409
    survey_app.call("post", "/v1/surveys", json=survey_body(touchpoint="checkout"))
    assert survey_app.call("delete", "/v1/touchpoints/checkout").status_code == 409
    assert survey_app.call("delete", "/v1/touchpoints/renewal").status_code == 204


def test_create_publish_edit_publish_keeps_versions_immutable(survey_app):
    created = survey_app.call("post", "/v1/surveys", json=survey_body())
    assert created.status_code == 201
    survey = created.json
    assert survey["status"] == "draft" and survey["live_version"] is None
    assert survey["draft"]["questions"][0]["dimension"] == "think"
    first = survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    assert first.status_code == 201 and first.json["version"] == 1
    live = survey_app.call("get", f"/v1/surveys/{survey['id']}").json
    assert live["status"] == "published" and live["live_version"] == 1 and live["draft"] is None
    edited = survey_app.call("patch", f"/v1/surveys/{survey['id']}",
                             json={"title": {"ko": "새 제목", "en": "New title"}})
    assert edited.status_code == 200
    assert edited.json["draft"]["title"]["en"] == "New title" and edited.json["live_version"] == 1
    v1 = survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/1").json
    assert v1["definition"]["title"]["en"] == "How was your delivery?"
    second = survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    assert second.json["version"] == 2 and second.json["definition"]["title"]["en"] == "New title"
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/1").json == v1
    assert survey_app.call("post", f"/v1/surveys/{survey['id']}/publish").status_code == 409
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/9").status_code == 404


def test_the_live_version_can_be_asked_for_without_knowing_its_number(survey_app):
    survey = survey_app.call("post", "/v1/surveys", json=survey_body()).json
    never = survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/live")
    assert never.status_code == 404 and "never published" in never.json["message"]
    assert survey_app.call("get", "/v1/surveys/999999/versions/live").status_code == 404
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"title": {"ko": "새 제목", "en": "New title"}})
    live = survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/live")
    assert live.status_code == 200 and live.json["version"] == 1  # the draft is not live
    assert live.json == survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/1").json
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/live").json["definition"]["title"]["en"] == \
        "New title"
    for role in ("finance", "team_lead", "ingest"):
        assert survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/live", role=role).status_code == 403


def test_the_editor_read_answers_what_the_four_reads_answer(survey_app):
    """The builder's one read: the survey, its live version, its history and the touchpoints, each as its own
    endpoint answers it."""
    survey = survey_app.call("post", "/v1/surveys", json=survey_body()).json
    path = f"/v1/surveys/{survey['id']}/editor"
    draft_only = survey_app.call("get", path)
    assert draft_only.status_code == 200, draft_only.json
    assert draft_only.json["live"] is None and draft_only.json["versions"] == []
    assert draft_only.json["survey"] == survey_app.call("get", f"/v1/surveys/{survey['id']}").json
    assert draft_only.json["touchpoints"] == survey_app.call("get", "/v1/touchpoints").json
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"title": {"ko": "새 제목", "en": "New title"}})
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"title": {"ko": "초안", "en": "Draft"}})
    reply = survey_app.call("get", path).json
    assert reply["survey"] == survey_app.call("get", f"/v1/surveys/{survey['id']}").json
    assert reply["survey"]["draft"]["title"]["en"] == "Draft" and reply["survey"]["live_version"] == 2
    assert reply["live"] == survey_app.call("get", f"/v1/surveys/{survey['id']}/versions/live").json
    assert reply["live"]["version"] == 2 and reply["live"]["definition"]["title"]["en"] == "New title"
    assert reply["versions"] == survey_app.call("get", f"/v1/surveys/{survey['id']}/versions").json
    assert [entry["version"] for entry in reply["versions"]] == [2, 1]
    assert survey_app.call("get", path, role="analyst").status_code == 200
    assert survey_app.call("get", "/v1/surveys/999999/editor").status_code == 404
    for role in ("finance", "team_lead", "ingest"):
        assert survey_app.call("get", path, role=role).status_code == 403


def test_definition_rules_give_422(survey_app):
    missing_default = survey_body(title={"en": "Only English"})
    reply = survey_app.call("post", "/v1/surveys", json=missing_default)
    assert reply.status_code == 422 and "title" in reply.json["errors"]
    duplicate = survey_body()
    duplicate["questions"][1]["key"] = "nps"
    assert survey_app.call("post", "/v1/surveys", json=duplicate).status_code == 422
    no_choices = survey_body(questions=[{"key": "q", "type": "single_choice", "text": {"ko": "?"}}])
    assert survey_app.call("post", "/v1/surveys", json=no_choices).status_code == 422
    bad_type = survey_body(questions=[{"key": "q", "type": "slider", "text": {"ko": "?"}}])
    assert survey_app.call("post", "/v1/surveys", json=bad_type).status_code == 422
    bad_tag = survey_body(questions=[{"key": "q", "type": "nps", "text": {"ko": "?"}, "driver": "price"}])
    assert survey_app.call("post", "/v1/surveys", json=bad_tag).status_code == 422
    unknown_field = {**survey_body(), "colour": "red"}
    assert survey_app.call("post", "/v1/surveys", json=unknown_field).status_code == 422
    assert survey_app.call("post", "/v1/surveys", json=survey_body(touchpoint="nowhere")).status_code == 404


def test_archive_and_listing_filters(survey_app):
    survey = survey_app.published_survey()
    survey_app.call("post", "/v1/surveys", json=survey_body(name="Draft only", touchpoint="support"))
    drafts = survey_app.call("get", "/v1/surveys", query_string={"status": "draft"}).json
    assert [s["name"] for s in drafts] == ["Draft only"]
    assert survey_app.call("post", f"/v1/surveys/{survey['id']}/archive").json["status"] == "archived"
    assert survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"name": "x"}).status_code == 409


def test_roles(survey_app):
    assert survey_app.call("get", "/v1/surveys", role="analyst").status_code == 200
    assert survey_app.call("post", "/v1/surveys", role="analyst", json=survey_body()).status_code == 403
    assert survey_app.call("post", "/v1/surveys", role="ingest", json=survey_body()).status_code == 403
    assert survey_app.call("get", "/v1/surveys", role="ingest").status_code == 403


def test_line_breaks_in_names_and_titles_are_refused_so_no_email_header_breaks(survey_app):
    title = {"ko": "배송\r\nBcc: victim@example.com", "en": "How was it?"}
    reply = survey_app.call("post", "/v1/surveys", json=survey_body(title=title))
    assert reply.status_code == 422 and "single line" in str(reply.json["errors"]["json"]["title"])
    reply = survey_app.call("post", "/v1/surveys", json=survey_body(name="two\nlines"))
    assert reply.status_code == 422 and "single line" in str(reply.json["errors"]["json"]["name"])
    created = survey_app.call("post", "/v1/surveys", json=survey_body())
    assert created.status_code == 201
    patched = survey_app.call("patch", f"/v1/surveys/{created.json['id']}", json={"title": {"ko": "a\u2028b"}})
    assert patched.status_code == 422
    intro = survey_body(intro={"ko": "첫 줄\n둘째 줄", "en": "line one\nline two"})  # bodies may have lines
    assert survey_app.call("post", "/v1/surveys", json=intro).status_code == 201
