"""`/settings/brand`: an admin sets the brand and uploads a logo through the console, against the real
survey service (SQLite and PostgreSQL); refusals are shown next to the field; other roles cannot."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.console.models import AuditEntry
from tests.console.support import PASSWORD, csrf_token, post_form, sign_in, text_of

BRAND = {"name": "하늘마켓", "primary_color": "#0b57d0", "sender_name": "하늘마켓 고객경험팀",
         "sender_address": "cx@haneul.example", "reply_to": "", "footer_ko": "서울시 중구 세종대로 1",
         "footer_en": "1 Sejong-daero, Seoul"}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 200), (11, 87, 208)).save(out, format="PNG")
    return out.getvalue()


def _service_brand(console) -> dict:
    survey = console.services["survey"]
    reply = survey.client().get("/v1/brand", headers={"Authorization": f"Bearer {survey.key_for('admin')}"})
    assert reply.status_code == 200
    return reply.json


def _admin(console):
    http = console.client()
    sign_in(http)
    return http


def test_an_admin_sets_the_brand_with_a_logo(console):
    http = _admin(console)
    page = text_of(http.get("/settings/brand"))
    assert "No brand has been set yet" in page and 'enctype="multipart/form-data"' in page
    token = csrf_token(page)
    reply = http.post("/settings/brand", data={"csrf_token": token, **BRAND, "logo": (io.BytesIO(_png()), "logo.png",
                                                                                     "image/png")},
                      content_type="multipart/form-data")
    assert reply.status_code == 302, text_of(reply)[:2000]
    stored = _service_brand(console)
    assert stored["configured"] and stored["name"] == "하늘마켓" and stored["footer"]["ko"] == "서울시 중구 세종대로 1"
    assert stored["logo_url"] and 0 < stored["logo_width"] <= 480  # re-encoded and scaled by the service
    page = text_of(http.get("/settings/brand"))
    assert "A logo is uploaded" in page and 'value="하늘마켓 고객경험팀"' in page
    assert post_form(http, "/settings/brand/logo/remove", {}, page="/settings/brand").status_code == 302
    assert _service_brand(console)["logo_url"] is None
    with Session(bind=console.connection, join_transaction_mode="create_savepoint") as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.target == "brand")))
    assert sorted(actions) == ["brand.changed", "brand.logo_removed"]


def test_a_light_colour_and_an_svg_logo_are_refused_next_to_their_fields(console):
    http = _admin(console)
    reply = post_form(http, "/settings/brand", {**BRAND, "primary_color": "#ffcc00"})
    page = text_of(reply)
    assert reply.status_code == 422 and 'id="primary_color-error"' in page and "1.51:1" in page  # the ratio reached
    assert 'value="하늘마켓"' in page  # what was typed is kept
    assert not _service_brand(console)["configured"]
    token = csrf_token(text_of(http.get("/settings/brand")))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    reply = http.post("/settings/brand", data={"csrf_token": token, **BRAND,
                                               "logo": (io.BytesIO(svg), "logo.svg", "image/svg+xml")},
                      content_type="multipart/form-data")
    page = text_of(reply)
    assert reply.status_code == 422 and 'id="logo-error"' in page and "<script>alert(1)" not in page
    assert _service_brand(console)["logo_url"] is None


@pytest.mark.parametrize("role", ["marketer", "analyst", "finance", "team_lead"])
def test_only_admins_change_the_brand(console, role):
    http = console.client()
    sign_in(http, f"{role}@example.com", PASSWORD)
    assert http.get("/settings/brand").status_code == 403
    token = csrf_token(text_of(http.get("/settings/preferences")))
    assert http.post("/settings/brand", data={"csrf_token": token, **BRAND}).status_code == 403
    assert not _service_brand(console)["configured"]
