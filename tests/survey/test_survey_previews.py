"""Survey previews and the version history: the real response page for a draft or a version, marked
as a preview, framable only by the origin signed into the link, and never recording anything."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select

from services.survey.models import Invitation
from services.survey.models.responses import Response
from tests.survey.conftest import survey_body

CONSOLE = "http://console.example.com:8000"


def _link(survey_app, survey_id: int, **query) -> str:
    reply = survey_app.call("get", f"/v1/surveys/{survey_id}/preview-link", query_string=query)
    assert reply.status_code == 200, reply.json
    parts = urlsplit(reply.json["url"])
    assert parts.path.startswith("/r/preview/")
    return parts.path


def _recorded(survey_app) -> tuple[int, int]:
    with survey_app.session() as session:
        return (session.scalar(select(func.count()).select_from(Response)),
                session.scalar(select(func.count()).select_from(Invitation)))


def test_a_draft_preview_is_the_response_page_marked_as_preview_in_the_chosen_language(survey_app):
    survey = survey_app.call("post", "/v1/surveys", json=survey_body()).json
    path = _link(survey_app, survey["id"], frame_ancestor=CONSOLE)
    korean = survey_app.client().get(path + "?lang=ko")
    page = korean.get_data(as_text=True)
    assert korean.status_code == 200
    assert "미리보기" in page and "배송은 어떠셨나요?" in page and 'name="q_nps"' in page
    assert f"frame-ancestors {CONSOLE}" in korean.headers["Content-Security-Policy"]
    english = survey_app.client().get(path + "?lang=en").get_data(as_text=True)
    assert "Preview:" in english and "How was your delivery?" in english
    # an edited draft shows at once: the link names the draft, not a copy of it
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"title": {"ko": "새 제목", "en": "New title"}})
    assert "New title" in survey_app.client().get(path + "?lang=en").get_data(as_text=True)


def test_submitting_a_preview_checks_the_answers_and_never_records_them(survey_app):
    survey = survey_app.published_survey()
    path = _link(survey_app, survey["id"], version=1)
    before = _recorded(survey_app)
    missing = survey_app.client().post(path + "?lang=en", data={"q_csat": "4"})
    assert missing.status_code == 422 and "Please answer this question." in missing.get_data(as_text=True)
    assert 'value="4" checked' in missing.get_data(as_text=True)  # what was chosen stays chosen
    done = survey_app.client().post(path + "?lang=ko", data={"q_nps": "3", "q_why": "fast", "q_comment": "x"})
    assert done.status_code == 200 and "기록된 내용은 없습니다" in done.get_data(as_text=True)
    assert _recorded(survey_app) == before
    outbox = survey_app.app.extensions["cx_tables"].outbox  # nothing to send either (a 3 would signal)
    with survey_app.session() as session:
        assert session.scalar(select(func.count()).select_from(outbox)) == 0


def test_preview_links_are_signed_expire_and_are_not_framable_without_an_origin(survey_app):
    survey = survey_app.call("post", "/v1/surveys", json=survey_body()).json
    path = _link(survey_app, survey["id"])
    reply = survey_app.client().get(path)
    assert reply.status_code == 200 and "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert survey_app.client().get(forged).status_code == 404
    survey_app.clock.advance(minutes=31)
    assert survey_app.client().get(path).status_code == 404
    bad_origin = survey_app.call("get", f"/v1/surveys/{survey['id']}/preview-link",
                                 query_string={"frame_ancestor": "javascript:alert(1)"})
    assert bad_origin.status_code == 422 and "frame_ancestor" in bad_origin.json["errors"]
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/preview-link",
                           query_string={"version": 7}).status_code == 404


def test_version_history_lists_every_published_version_newest_first(survey_app):
    survey = survey_app.published_survey()
    survey_app.call("patch", f"/v1/surveys/{survey['id']}", json={"questions": survey_body()["questions"][:2]})
    survey_app.call("post", f"/v1/surveys/{survey['id']}/publish")
    history = survey_app.call("get", f"/v1/surveys/{survey['id']}/versions", role="analyst")
    assert history.status_code == 200
    assert [(v["version"], v["question_count"]) for v in history.json] == [(2, 2), (1, 4)]
    assert survey_app.call("get", "/v1/surveys/999/versions").status_code == 404
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/versions", role="finance").status_code == 403
    assert survey_app.call("get", f"/v1/surveys/{survey['id']}/preview-link", role="team_lead").status_code == 403


def test_preview_tokens_never_reach_the_logs():
    from services.common.log_redaction import redact_path

    assert redact_path("/r/preview/eyJzIjoxfQ.c2ln?lang=ko") == "/r/preview/[redacted]?lang=ko"
    assert redact_path("/r/abc123") == "/r/[redacted]"
