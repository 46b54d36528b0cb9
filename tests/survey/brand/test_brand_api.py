"""The brand API: admins set name, colour (checked against WCAG AA), sender and footer; the logo is
re-encoded PNG or JPEG, never SVG, and served publicly."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shared.contracts.brand import LOGO_MAX_BYTES, colour_problem, contrast_ratio, ink_on

BRAND = {"name": "Haneul Market", "primary_color": "#0B57D0", "sender_name": "하늘마켓",
         "sender_address": "hello@haneul.example", "reply_to": "care@haneul.example",
         "footer": {"ko": "서울시 중구 세종대로 1 · 하늘마켓", "en": "1 Sejong-daero, Seoul · Haneul Market"}}


def image_bytes(kind: str, size=(900, 300), colour=(11, 87, 208, 255)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA", size, colour)
    (image.convert("RGB") if kind == "JPEG" else image).save(out, format=kind)
    return out.getvalue()


def test_wcag_contrast_reference_values():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast_ratio("#0b57d0", "#ffffff") == pytest.approx(6.38, abs=0.02)
    assert ink_on("#0b57d0") == "#ffffff" and ink_on("#ffcc00") == "#000000"
    assert colour_problem("#0b57d0") is None
    assert "1.5" in colour_problem("#ffcc00") or "1.6" in colour_problem("#ffcc00")


def test_defaults_before_an_admin_sets_the_brand(survey_app):
    reply = survey_app.call("get", "/v1/brand")
    assert reply.status_code == 200, reply.json
    assert reply.json["configured"] is False and reply.json["logo_url"] is None
    assert reply.json["sender_address"] == "surveys@cxloop.invalid"


def test_admin_sets_the_brand_and_others_may_not(survey_app):
    refused = survey_app.call("put", "/v1/brand", role="marketer", json=BRAND)
    assert refused.status_code == 403
    reply = survey_app.call("put", "/v1/brand", role="admin", json=BRAND)
    assert reply.status_code == 200, reply.json
    assert reply.json["configured"] and reply.json["primary_color"] == "#0b57d0"
    assert reply.json["text_on_primary"] == "#ffffff"
    assert survey_app.call("get", "/v1/brand", role="analyst").json["footer"]["ko"].startswith("서울시")


@pytest.mark.parametrize("colour", ["#ffcc00", "#8ab4f8", "#ffffff"])
def test_a_colour_below_aa_is_refused_with_the_ratio(survey_app, colour):
    reply = survey_app.call("put", "/v1/brand", role="admin", json={**BRAND, "primary_color": colour})
    assert reply.status_code == 422
    message = reply.json["errors"]["json"]["primary_color"][0]
    assert f"{contrast_ratio(colour, '#ffffff'):.2f}:1" in message and "WCAG AA" in message


def test_bad_fields_are_422(survey_app):
    for change in ({"primary_color": "blue"}, {"sender_address": "not an address"},
                   {"sender_name": "a\nBcc: x@y"}, {"unknown": 1}):
        reply = survey_app.call("put", "/v1/brand", role="admin", json={**BRAND, **change})
        assert reply.status_code == 422, change


def test_logo_is_reencoded_scaled_and_served_publicly(survey_app):
    assert survey_app.call("put", "/v1/brand/logo", role="admin", data=image_bytes("PNG"),
                           content_type="image/png").status_code == 404  # no brand yet
    survey_app.call("put", "/v1/brand", role="admin", json=BRAND)
    upload = image_bytes("PNG") + b"<script>alert(1)</script>"  # trailing bytes never survive
    reply = survey_app.call("put", "/v1/brand/logo", role="admin", data=upload, content_type="image/png")
    assert reply.status_code == 200, reply.json
    assert (reply.json["logo_width"], reply.json["logo_height"]) == (480, 160)
    url = reply.json["logo_url"]
    assert url.startswith("https://cx.example.com/brand/logo?v=")
    served = survey_app.client().get(url.removeprefix("https://cx.example.com"))  # no key needed
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert b"script" not in served.data and Image.open(io.BytesIO(served.data)).size == (480, 160)
    again = survey_app.client().get("/brand/logo", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    jpeg = survey_app.call("put", "/v1/brand/logo", role="admin", data=image_bytes("JPEG", (200, 100)),
                           content_type="image/jpeg")
    assert jpeg.status_code == 200 and survey_app.client().get("/brand/logo").mimetype == "image/jpeg"
    assert survey_app.call("delete", "/v1/brand/logo", role="admin").json["logo_url"] is None
    assert survey_app.client().get("/brand/logo").status_code == 404


@pytest.mark.parametrize("body", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", b"\x89PNG\r\n\x1a\n truncated", b""])
def test_other_formats_are_refused(survey_app, body):
    survey_app.call("put", "/v1/brand", role="admin", json=BRAND)
    reply = survey_app.call("put", "/v1/brand/logo", role="admin", data=body, content_type="image/svg+xml")
    assert reply.status_code == 422 and "PNG or JPEG" in reply.json["message"]


def test_an_oversized_logo_is_413(survey_app):
    survey_app.call("put", "/v1/brand", role="admin", json=BRAND)
    reply = survey_app.call("put", "/v1/brand/logo", role="admin", data=b"\x89PNG" + b"0" * LOGO_MAX_BYTES,
                            content_type="image/png")
    assert reply.status_code == 413
