"""``yes_no``, the type added through the registry alone: created with a survey, answered on the
response page in Korean and English, sent in the response contract and stored by metrics as an answer
without a score metric."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.clock import ManualClock
from services.metrics.models.responses import ResponseRecord, ScoreAnswer
from services.survey.models import PLATFORM, Survey
from services.survey.survey_definition import first_score_question
from tests.support import ADMIN_KEY, auth
from tests.survey.conftest import survey_body
from tests.survey.response_support import T0, send_invitation

SECRET = "test-token-secret"
YES_NO = {"key": "again", "type": "yes_no", "required": True,
          "text": {"ko": "다시 이용하시겠습니까?", "en": "Would you order again?"}}


@pytest.fixture
def survey(make_service):
    service = make_service("survey", clock=ManualClock(T0 + timedelta(hours=1)),
                           env={"SURVEY_TOKEN_SECRET": SECRET})
    service.http = service.client()
    service.session = Session(bind=service.connection, join_transaction_mode="create_savepoint",
                              expire_on_commit=False)
    return service


def _create_and_publish(survey) -> dict:
    body = survey_body()
    body["questions"] = [YES_NO, *body["questions"]]
    created = survey.http.post("/v1/surveys", json=body, headers=auth(ADMIN_KEY))
    assert created.status_code == 201, created.json
    published = survey.http.post(f"/v1/surveys/{created.json['id']}/publish", headers=auth(ADMIN_KEY))
    assert published.status_code in (200, 201), published.json
    return created.json


def test_a_survey_with_a_yes_no_question_is_created_and_refuses_a_scale(survey):
    created = _create_and_publish(survey)
    assert created["draft"]["questions"][0]["type"] == "yes_no"
    body = survey_body()
    body["questions"] = [{**YES_NO, "scale_max": 3}]
    refused = survey.http.post("/v1/surveys", json=body, headers=auth(ADMIN_KEY))
    assert refused.status_code == 422 and "scale_max" in str(refused.json["errors"])


def test_yes_no_is_answered_on_the_page_and_reaches_metrics_without_a_score(survey, make_service):
    created = _create_and_publish(survey)
    stored_survey = survey.session.get(Survey, created["id"])
    _, token = send_invitation(survey.session, stored_survey, SECRET, language="ko")
    survey.session.commit()

    page = survey.http.get(f"/r/{token}").get_data(as_text=True)
    assert re.findall(r'name="q_again" value="(\d)"', page) == ["0", "1"]
    assert ">아니요<" in page and ">예<" in page
    assert ">Yes<" in survey.http.get(f"/r/{token}?lang=en").get_data(as_text=True)

    wrong = survey.http.post(f"/r/{token}", data={"q_again": "2", "q_nps": "9"})
    assert wrong.status_code == 422  # not a yes or a no: refused next to the field
    done = survey.http.post(f"/r/{token}", data={"q_again": "0", "q_nps": "9"})
    assert done.status_code == 200

    rows = survey.connection.execute(select(PLATFORM.outbox.c.destination, PLATFORM.outbox.c.payload)).all()
    records = [payload for destination, payload in rows if destination == "metrics"]
    final = max(records, key=lambda record: record["version"])
    assert {"question_key": "again", "type": "yes_no", "value": 0}.items() <= final["answers"][0].items()
    assert not any(destination == "notifier" for destination, _ in rows)  # a "no" is not a low score

    metrics = make_service("metrics", clock=ManualClock(T0 + timedelta(days=1)))
    reply = metrics.client().post("/v1/responses/batch", json={"responses": [final]},
                                  headers=auth(metrics.key_for("service")))
    assert reply.status_code == 200 and reply.json["results"][0]["status"] == "stored"
    kept = metrics.connection.execute(select(ResponseRecord.answers)).scalar_one()
    assert [a["value"] for a in kept if a["type"] == "yes_no"] == [0]
    assert metrics.connection.execute(select(ScoreAnswer.metric)).scalars().all() == ["nps"]


def test_yes_no_is_never_a_one_click_question():
    definition = {"questions": [YES_NO, {"key": "nps", "type": "nps", "text": {"en": "?"}}]}
    assert first_score_question(definition)["key"] == "nps"
