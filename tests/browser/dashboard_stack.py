"""The dashboards' browser stack: the console on 127.0.0.1 calling the three services in-process, with the
demo-like delivery-CSAT dip (tests/console/dashboard_support.py) dated from the real clock, and a helper to
read a drawn chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.survey.models.responses import Response
from shared.contracts.responses import ResponseBatchSchema
from tests.browser.console_stack import ConsoleStack, Person
from tests.console.dashboard_support import dip_responses, survey_body
from tests.support import ADMIN_KEY, auth

WORDS = {
    "ko": {"drop": "유의한 하락", "apply": "적용", "segment": "세그먼트", "by_month": "월별", "period": "기간", "numbers": "이 차트의 수치",
           "scores": "점수 탐색", "metric": "지표", "group": "묶음 기준", "dropoff": "질문별 이탈", "interval": "95% 구간",
           "rising": "급증", "examples": "댓글 예시"},
    "en": {"drop": "Significant drop", "apply": "Apply", "segment": "Segment", "by_month": "By month", "period": "Period",
           "numbers": "The numbers of this chart", "scores": "Scores explorer", "metric": "Metric",
           "group": "Group by", "dropoff": "Drop-off per question", "interval": "95% interval", "rising": "Rising",
           "examples": "Example comments"},
}


class LiveDashboards(ConsoleStack):
    """Survey, metrics and notifier in-process; one published delivery survey whose CSAT dips in the last
    30 days (240 answers in each window); the console served by werkzeug in a thread."""

    def __init__(self, tmp_path, persons: list[Person]) -> None:
        super().__init__(tmp_path)
        self.now = datetime.now(UTC)
        self.metrics = self.apps["metrics"].test_client()
        self.survey_id = self._seed(self.apps["survey"].test_client(), self.metrics)
        self.serve(persons)

    def _seed(self, survey, metrics) -> int:
        admin = auth(ADMIN_KEY)
        assert survey.post("/v1/touchpoints", json={"key": "delivery", "name": "Delivery"},
                           headers=admin).status_code in (201, 409)
        created = survey.post("/v1/surveys", json=survey_body(), headers=admin)
        assert created.status_code == 201, created.json
        survey_id = created.json["id"]
        assert survey.post(f"/v1/surveys/{survey_id}/publish", headers=admin).status_code == 201
        self._opened(survey.application, survey_id)
        wire = ResponseBatchSchema().dump({"responses": dip_responses(survey_id, now=self.now)})
        reply = metrics.post("/v1/responses/batch", json=wire, headers=admin)
        assert reply.status_code == 200, reply.json
        return survey_id

    def _opened(self, app, survey_id: int) -> None:
        """Responses opened on the survey page this week: four submitted, three left at the comment, two
        before answering (the drop-off table's numbers)."""
        plan = [({"csat": 4, "comment": "빨라요"}, True)] * 4 + [({"csat": 2}, False)] * 3 + [({}, False)] * 2
        with app.extensions["db"].session_factory() as session:
            for number, (answers, completed) in enumerate(plan):
                at = self.now - timedelta(days=2, minutes=number)
                session.add(Response(
                    id=f"opened-{number}", invitation_id=None, survey_id=survey_id, survey_version=1,
                    customer_id=None, touchpoint="delivery", channel="link", event_type=None, event_at=None,
                    lang="ko", attributes={}, answers=answers, version=1, completed=completed, opened_at=at,
                    first_answer_at=at if answers else None, completed_at=at if completed else None,
                    created_at=at, updated_at=at, shown_questions=None))
            session.commit()

    def api(self, path: str, **params) -> dict:
        """What the metrics API says (as the admin) for these parameters."""
        reply = self.metrics.get(path, query_string=params, headers=auth(ADMIN_KEY))
        assert reply.status_code == 200, reply.json
        return reply.json


def drawn_marks(figure) -> int:
    """How many marks (paths, lines, circles, rects) the drawn chart in ``figure`` holds; waits for it."""
    figure.locator("[data-chart-canvas] svg").first.wait_for(state="attached")
    return figure.locator("[data-chart-canvas] svg g.mark-line path, [data-chart-canvas] svg g.mark-area path, "
                          "[data-chart-canvas] svg g.mark-symbol path, [data-chart-canvas] svg g.mark-rect path, "
                          "[data-chart-canvas] svg g.mark-rule line").count()
