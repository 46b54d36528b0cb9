"""The responses inbox in headless Chromium at 360 and 1280 px, in Korean and English: the inbox and a
search, one response, a triage, "exclude as test" (the n on the survey summary's score card and metrics'
NPS n drop by one, then come back when counted again), a bulk change of a ticked selection, and CSV and
XLSX exports of the filtered rows read back with the csv module and openpyxl. axe-core on every page (0
serious or critical violations), no CSP error; screenshots under test-artifacts/console/."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from services.survey.clients.downstream import metrics_handler
from tests.browser.console_stack import TOKEN_SECRET, ConsoleStack, check_page, fits, people, signed_in
from tests.browser.survey_seed import ask_after_delivery, plan_and_send, relay, survey_outbox
from tests.support import ADMIN_KEY, auth

pytestmark = pytest.mark.browser
PEOPLE = {"ko": ("inbox-ko@example.com", "김분류"), "en": ("inbox-en@example.com", "Tia Triage")}
ANSWERS = {"cust-1": ("3", "상자가 찌그러져 왔어요. 배송도 늦었고요."), "cust-2": ("9", "Fast and friendly, thanks!"),
           "cust-3": ("7", "")}
WORDS = {
    "ko": {"nav": "응답", "search": "코멘트 검색", "show": "보기", "status": "상태", "read": "읽음", "save": "상태와 태그 저장", "saved": "저장했습니다.",
           "exclude": "테스트로 제외", "include": "점수에 다시 집계", "excluded": "테스트로 제외됨",
           "tags": "태그 추가 (쉼표로 구분)", "apply": "선택한 응답에 적용", "archived": "보관됨",
           "changed": "응답 1건을 변경했습니다.", "score_to": "최고 점수", "select": "응답 선택",
           "answers": "응답 %d건", "survey": "배송은 어떠셨나요?"},
    "en": {"nav": "Responses", "search": "Search in comments", "show": "Show", "status": "Status", "read": "Read",
           "save": "Save status and tags", "saved": "Saved.", "exclude": "Exclude as test",
           "include": "Count again in scores", "excluded": "Excluded as test", "tags": "Add tags (comma-separated)",
           "apply": "Apply to selected", "archived": "Archived", "changed": "1 response changed.",
           "score_to": "Score to", "select": "Select the response", "answers": "%d answers",
           "survey": "How was your delivery?"},
}


def _seed(app) -> None:
    """A published survey and trigger; three customers asked by email, each answering (one with no comment)."""
    client, admin, now = app.test_client(), auth(ADMIN_KEY), datetime.now(UTC)
    ask_after_delivery(client)
    for n, customer in enumerate(ANSWERS):
        reply = client.post("/v1/events", headers=admin, json={
            "id": f"d-{customer}", "type": "order.delivered",
            "occurred_at": (now - timedelta(hours=5 - n)).isoformat(),
            "customer": {"id": customer, "email": f"{customer}@example.com", "time_zone": "Asia/Seoul",
                         "attributes": {"tier": "gold" if n else "silver", "region": "서울"}},
            "attributes": {"order_id": f"o-{customer}", "carrier": "빠른택배 FastShip"}})
        assert reply.status_code == 201, reply.json
    for invitation in plan_and_send(app, now):
        score, comment = ANSWERS[invitation.customer_id]
        token = invitation.survey_url.rsplit("/", 1)[1]
        answered = client.post(f"/r/{token}", data={"q_nps": score, "q_csat": "3", "q_comment": comment})
        assert answered.status_code in (200, 303)


class LiveInbox(ConsoleStack):
    """The console on 127.0.0.1 calling the services in-process; ``deliver()`` runs survey's outbox into metrics."""

    def __init__(self, tmp_path) -> None:
        super().__init__(tmp_path, env=TOKEN_SECRET)
        _seed(self.apps["survey"])
        self.metrics = self.apps["metrics"]
        self.relay = survey_outbox(self.apps["survey"], to="metrics", topic="response", handler=metrics_handler,
                                   app=self.metrics)
        self.deliver()
        self.serve(people(PEOPLE, "marketer"))

    def deliver(self) -> None:
        """One outbox pass: every queued response version reaches metrics."""
        relay(self.relay)

    def nps_n(self) -> int:
        """The n of the NPS over the last week, as metrics reports it."""
        now = datetime.now(UTC)
        reply = self.metrics.test_client().get("/v1/scores", headers=auth(ADMIN_KEY), query_string={
            "metric": "nps", "from": (now - timedelta(days=7)).isoformat(), "to": (now + timedelta(hours=1)).isoformat()})
        assert reply.status_code == 200, reply.json
        return sum(cell["n"] for cell in reply.json["cells"])


@pytest.fixture(scope="module")
def live_inbox(tmp_path_factory):
    live = LiveInbox(tmp_path_factory.mktemp("console-inbox"))
    yield live
    live.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_inbox_detail_triage_exclusion_bulk_and_exports(live_inbox, browser, artifacts, language, width, tmp_path):
    words, prefix = WORDS[language], f"{language}-{width}"
    context, page, complaints = signed_in(browser, live_inbox.base_url, PEOPLE[language][0], language, width,
                                          accept_downloads=True)

    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)  # heading + three responses
    expect(table).to_contain_text("상자가 찌그러져 왔어요")
    fits(page, width)  # the table scrolls, not the page
    check_page(page, artifacts, f"{prefix}-responses")

    page.get_by_label(words["search"]).fill("찌그러져")
    page.get_by_role("button", name=words["show"], exact=True).click()
    expect(table.get_by_role("row")).to_have_count(2)
    assert "q=" in page.url
    table.get_by_role("link").first.click()  # the response's time opens it
    expect(page.get_by_text("상자가 찌그러져 왔어요. 배송도 늦었고요.")).to_be_visible()
    expect(page.get_by_role("link", name="cust-1")).to_be_visible()
    expect(page.get_by_text("order.delivered").first).to_be_visible()
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-response")

    page.get_by_label(words["status"]).select_option(label=words["read"])
    page.get_by_label(words["tags"]).fill("배송 지연")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()
    expect(page.locator(".tag", has_text="배송 지연").first).to_be_visible()

    detail_url = page.url
    assert live_inbox.nps_n() == 3
    page.get_by_role("link", name=words["survey"]).click()  # the survey summary: its score card and n
    expect(page.locator(".score__interval").first).to_contain_text(words["answers"] % 3)
    page.goto(detail_url)
    page.get_by_role("button", name=words["exclude"]).click()
    expect(page.get_by_text(words["excluded"]).first).to_be_visible()
    live_inbox.deliver()
    assert live_inbox.nps_n() == 2  # the test response left the score
    fits(page, width)
    check_page(page, artifacts, f"{prefix}-response-excluded")
    page.get_by_role("link", name=words["survey"]).click()
    expect(page.locator(".score__interval").first).to_contain_text(words["answers"] % 2)
    page.goto(detail_url)
    page.get_by_role("button", name=words["include"]).click()
    expect(page.get_by_role("button", name=words["exclude"])).to_be_visible()
    live_inbox.deliver()
    assert live_inbox.nps_n() == 3  # and came back
    page.get_by_role("link", name=words["survey"]).click()
    expect(page.locator(".score__interval").first).to_contain_text(words["answers"] % 3)

    page.get_by_role("navigation").get_by_role("link", name=words["nav"], exact=True).click()
    page.get_by_role("checkbox", name=words["select"]).first.check()
    page.get_by_label(words["status"]).nth(1).select_option(label=words["archived"])
    page.get_by_role("button", name=words["apply"]).click()
    expect(page.get_by_text(words["changed"])).to_be_visible()
    check_page(page, artifacts, f"{prefix}-responses-bulk")

    page.get_by_label(words["score_to"]).fill("5")
    page.get_by_role("button", name=words["show"], exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    path = tmp_path / "responses.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["customer_id"], r["score"]) for r in rows] == [("cust-1", "3")]
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX", exact=True).click()
    path = tmp_path / "responses.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    table_rows = list(sheet.iter_rows(values_only=True))
    header = table_rows[0]
    assert [(row[header.index("customer_id")], row[header.index("score")]) for row in table_rows[1:]] == [("cust-1", 3)]
    assert complaints == []
    context.close()
