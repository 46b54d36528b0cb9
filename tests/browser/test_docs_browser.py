"""The API docs page works offline under its Content-Security-Policy (only its own inline script)."""

from __future__ import annotations


def test_docs_render_under_the_policy_without_violations(live_survey, page):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    reply = page.goto(f"{live_survey.base_url}/docs")
    assert "script-src 'self' 'sha256-" in reply.headers["content-security-policy"]
    page.get_by_text("/v1/surveys", exact=True).first.wait_for(timeout=15000)
    assert violations == []
