"""The survey pages on both databases with the real survey service: list, builder, validation errors
next to their fields with input kept, reordering without JavaScript, publish, version history, the
preview that records nothing, and what each role may see and do."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from services.console.models import AuditEntry
from services.survey.models.responses import Response
from tests.console.support import PASSWORD, csrf_token, sign_in, text_of


def builder_form(**overrides) -> dict:
    """A bilingual survey as the builder posts it: NPS, CES and a text question."""
    form = {"action": "save", "name": "After delivery", "touchpoint": "delivery", "default_language": "ko",
            "fallback_languages": ["en"], "recontact_days": "30",
            "title-ko": "배송은 어떠셨나요?", "title-en": "How was your delivery?", "intro-ko": "", "intro-en": "",
            "q-0-key": "nps", "q-0-type": "nps", "q-0-text-ko": "추천하시겠어요?", "q-0-text-en": "Would you recommend us?",
            "q-0-required": "yes", "q-0-dimension": "think", "q-0-driver": "process",
            "q-1-key": "ces", "q-1-type": "ces", "q-1-text-ko": "쉬웠나요?", "q-1-text-en": "",
            "q-2-key": "comment", "q-2-type": "text", "q-2-text-ko": "의견", "q-2-text-en": "Comments"}
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def _signed_in(console, role: str = "marketer"):
    http = console.client()
    sign_in(http, f"{role}@example.com", PASSWORD)
    return http


def _post(http, path: str, form: dict, **kwargs):
    token = csrf_token(text_of(http.get(path if "/new" in path or "/edit" in path else "/surveys")))
    return http.post(path, data={"csrf_token": token, **form}, **kwargs)


def _create(http, **overrides) -> int:
    reply = _post(http, "/surveys/new", builder_form(**overrides))
    assert reply.status_code == 302, text_of(reply)
    return int(re.search(r"/surveys/(\d+)/edit", reply.headers["Location"]).group(1))


def _audit(console, action: str) -> list[AuditEntry]:
    with console.app.app_context():
        from services.common.db import get_session
        return list(get_session().scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_marketer_builds_a_bilingual_survey_and_sees_it_listed(console):
    http = _signed_in(console)
    new = text_of(http.get("/surveys/new"))
    for type_name in ("nps", "csat", "ces", "rating", "yes_no", "single_choice", "multi_choice", "text"):
        assert f'value="{type_name}"' in new  # every registry type can be added
    survey_id = _create(http)
    page = text_of(http.get(f"/surveys/{survey_id}/edit"))
    assert 'value="How was your delivery?"' in page and "Would you recommend us?" in page
    # the English CES text is missing: marked, with the language customers see instead
    assert 'id="q-1-text-en-missing"' in page and "Customers reading English see the Korean text." in page
    listed = text_of(http.get("/surveys?status=draft&touchpoint=delivery"))
    assert "After delivery" in listed and "Draft" in listed and "Not published" in listed
    assert "After delivery" not in text_of(http.get("/surveys?status=published"))
    assert [entry.target for entry in _audit(console, "survey.created")] == [f"survey:{survey_id}"]


def test_api_validation_errors_appear_next_to_their_fields_and_nothing_typed_is_lost(console):
    http = _signed_in(console)
    form = builder_form(**{"title-ko": "", "title-en": "Only English <script>x</script>",
                           "q-1-type": "single_choice", "q-1-c-0-key": "fast", "q-1-c-0-label-ko": "빠름",
                           "recontact_days": "soon"})
    reply = _post(http, "/surveys/new", form)
    page = text_of(reply)
    assert reply.status_code == 422
    assert 'id="recontact_days-error"' in page and 'value="soon"' in page
    assert 'href="#recontact_days"' in page  # the summary links to the field
    assert 'value="Only English &lt;script&gt;x&lt;/script&gt;"' in page and "<script>x" not in page
    assert 'id="q-1-choices-error"' in page and 'value="fast"' in page and 'value="빠름"' in page
    assert "Would you recommend us?" in page
    fixed = _post(http, "/surveys/new", {**form, "recontact_days": "14", "q-1-c-1-key": "kind",
                                           "q-1-c-1-label-ko": "친절"})
    page = text_of(fixed)
    assert fixed.status_code == 422 and 'id="title-error"' in page  # the survey service's own rule
    assert 'id="title-ko-missing"' in page and "The default language needs this text." in page
    assert console.services["survey"].app.test_client() and _audit(console, "survey.created") == []


def test_reordering_and_adding_work_without_javascript_and_save_nothing(console):
    http = _signed_in(console)
    moved = _post(http, "/surveys/new", builder_form(action="down-0"))
    page = text_of(moved)
    assert moved.status_code == 200 and "Not saved yet" in page
    assert 'name="q-0-key" value="ces"' in page and 'name="q-1-key" value="nps"' in page  # NPS is now second
    assert 'name="q-1-text-en" value="Would you recommend us?"' not in page  # a question's texts move with it
    assert ">Would you recommend us?</textarea>" in page
    added = _post(http, "/surveys/new", builder_form(action="add", new_type="multi_choice"))
    page = text_of(added)
    assert 'name="q-3-type"' in page and 'name="q-3-c-1-key"' in page  # a choice question comes with two choices
    assert "After delivery" not in text_of(http.get("/surveys"))


def test_publish_makes_a_version_and_the_edit_page_shows_the_history(console):
    http = _signed_in(console)
    survey_id = _create(http)
    published = _post(http, f"/surveys/{survey_id}/publish", {}, follow_redirects=True)
    assert "Version 1 is published" in text_of(published)
    changed = _post(http, f"/surveys/{survey_id}/edit", builder_form(**{"title-en": "How did it go?"}),
                    follow_redirects=True)
    page = text_of(changed)
    assert "Unpublished changes" in page and 'value="How did it go?"' in page
    _post(http, f"/surveys/{survey_id}/publish", {})
    page = text_of(http.get(f"/surveys/{survey_id}/edit"))
    history = page[page.index("Version history"):]
    assert re.search(r"<strong>Version 2</strong> <span class=\"badge badge--good\">Live</span>", history)
    assert f"/surveys/{survey_id}/preview?version=1" in history
    assert [e.details["version"] for e in _audit(console, "survey.published")] == [1, 2]
    assert len(_audit(console, "survey.changed")) == 1


def test_the_preview_is_the_response_page_in_a_frame_and_never_records(console):
    http = _signed_in(console)
    survey_id = _create(http)
    reply = http.get(f"/surveys/{survey_id}/preview?width=desktop")
    page = text_of(reply)
    frames = re.findall(r'<iframe class="preview-frame__window" src="([^"]+)"', page)
    assert len(frames) == 2 and frames[0].endswith("?lang=ko") and frames[1].endswith("?lang=en")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(frames[0]))
    assert f"frame-src {origin}" in reply.headers["Content-Security-Policy"]
    survey = console.services["survey"].app.test_client()
    path = urlsplit(frames[0]).path
    shown = survey.get(path + "?lang=ko")
    assert shown.status_code == 200 and "미리보기" in text_of(shown) and "frame-ancestors http://localhost" in \
        shown.headers["Content-Security-Policy"]
    answered = survey.post(path + "?lang=en", data={"q_nps": "2", "q_ces": "5", "q_comment": "fine"})
    assert answered.status_code == 200 and "Nothing was recorded." in text_of(answered)
    with console.services["survey"].app.app_context():
        from services.common.db import get_session
        assert get_session().scalar(select(func.count()).select_from(Response)) == 0


def test_roles_marketers_and_admins_change_surveys_analysts_read_others_are_refused(console):
    survey_id = _create(_signed_in(console))
    analyst = _signed_in(console, "analyst")
    listed = text_of(analyst.get("/surveys"))
    assert "After delivery" in listed and "New survey" not in listed
    page = text_of(analyst.get(f"/surveys/{survey_id}/edit"))
    assert '<fieldset class="builder__lock" disabled>' in page and "Save draft" not in page
    assert ">Publish</button>" not in page
    # a tampered form still reaches the survey service, which refuses the analyst's role
    refused = _post(analyst, f"/surveys/{survey_id}/edit", builder_form(name="Renamed"))
    assert refused.status_code == 403 and "does not allow your role" in text_of(refused)
    assert "Renamed" in text_of(refused)  # what was typed is still there
    assert _post(analyst, f"/surveys/{survey_id}/publish", {}, follow_redirects=False).status_code == 403
    assert analyst.get("/surveys/new").status_code == 403  # nothing to offer a role that cannot create
    for role in ("finance", "team_lead"):
        person = _signed_in(console, role)
        assert person.get("/surveys/new").status_code == 403
        assert person.get("/surveys").status_code == 403
        assert person.get(f"/surveys/{survey_id}/edit").status_code == 403
        assert "/surveys" not in text_of(person.get("/")).split("<main")[0]  # not in their menu
    admin = console.client()
    sign_in(admin)  # the bootstrap admin
    assert "New survey" in text_of(admin.get("/surveys"))


def test_a_survey_service_that_is_down_keeps_what_was_typed(console_stack):
    stack = console_stack(services_up=False)
    stack.person("marketer")
    http = stack.client()
    sign_in(http, "marketer@example.com", PASSWORD)
    assert http.get("/surveys").status_code == 503
    token = csrf_token(text_of(http.get("/settings/preferences")))
    reply = http.post("/surveys/new", data={"csrf_token": token, **builder_form()})
    page = text_of(reply)
    assert reply.status_code == 503 and "The survey service is not answering" in page
    assert 'value="How was your delivery?"' in page
