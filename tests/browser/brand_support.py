"""Helpers of the brand browser tests: a brand with a logo, a real SMTP inbox, axe and screenshots."""

from __future__ import annotations

import contextlib
import email
import io
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from PIL import Image, ImageDraw

from services.survey.brand.logo import store_logo
from services.survey.brand.settings import store_brand
from tests.browser.axe_support import check_and_screenshot, serious_violations
from tests.support import free_port

BRAND = {"name": "Haneul Market", "primary_color": "#0f6e4f", "sender_name": "하늘마켓",
         "sender_address": "hello@haneul.example", "reply_to": "care@haneul.example",
         "footer": {"ko": "하늘마켓 · 서울시 중구 세종대로 1", "en": "Haneul Market · 1 Sejong-daero, Seoul"}}


def logo_png() -> bytes:
    """A 600x200 logo: a green rounded mark and a bar, on a transparent background."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 20, 170, 180), radius=36, fill=(15, 110, 79, 255))
    draw.ellipse((55, 65, 125, 135), fill=(255, 255, 255, 255))
    draw.rounded_rectangle((200, 70, 580, 130), radius=20, fill=(27, 31, 36, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def set_brand(live, **changes) -> None:
    """Store the test brand and its logo in the live survey app's database."""
    with live.session() as session:
        store_brand(session, {**BRAND, **changes}, by="test", now=live.clock.now())
        store_logo(session, logo_png(), by="test", now=live.clock.now())


@contextlib.contextmanager
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on 127.0.0.1: yields (port, list of received messages)."""
    received: list[EmailMessage] = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def check_page(page, artifacts, name: str, *, axe: bool = True) -> None:
    """axe on the page (no serious or critical violation), then a full-page screenshot in brand/ (axe needs
    JavaScript: pages opened without it are checked in a second context by ``check_html``)."""
    check_and_screenshot(page, artifacts / "brand", name, axe=axe)


def check_html(browser, base_url: str, html: str, artifacts, name: str) -> None:
    """axe on markup a no-JavaScript page showed, loaded in a context with JavaScript (no screenshot)."""
    context = browser.new_context()
    page = context.new_page()
    page.route(f"{base_url}/axe-probe", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(f"{base_url}/axe-probe")
    serious = serious_violations(page)
    context.close()
    assert serious == [], f"{name}: {serious}"
