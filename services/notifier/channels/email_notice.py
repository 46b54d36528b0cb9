"""The alert email: HTML built for mail clients (table layout, inline styles, the chart inline as the
only image) with a plain-text alternative, in the lead's language and zone, one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.notifier.channels.chart import notice_chart
from services.notifier.channels.render import NoticeView, body_lines, more_text, notice_view
from services.notifier.channels.wording import metric_name, words_for
from shared.contracts.brand import AA_TEXT, WHITE, contrast_ratio

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "email"
_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_P_VALUE = re.compile(r"\bp ([<=>]) ")
# "p < 0.001" kept on one line where the headline wraps (no-break spaces; the text part keeps plain ones)
_ENVIRONMENT.filters["p_together"] = lambda text: _P_VALUE.sub("p\u00a0\\1\u00a0", str(text))
#: accent colour and badge colours per kind of notice (each reaches WCAG AA with white text)
TONES = {"bad": ("#b3261e", "#fde7e5", "#8c1d18"), "good": ("#1b7a3d", "#e3f4e8", "#14572c"),
         "neutral": ("#1d4f91", "#e6eef9", "#163d70")}
KIND_TONES = {"firing": "bad", "repeat": "bad", "low_score": "bad", "low_score_update": "neutral",
              "resolved": "good", "digest": "bad", "test": "neutral"}


def mail_domain(sender: str) -> str:
    """The domain of the sender's address (``cxloop.invalid`` when it has none)."""
    return parseaddr(sender)[1].rpartition("@")[2] or "cxloop.invalid"


def brand_context(brand: dict[str, Any] | None, lang: str, accent: str) -> dict[str, Any]:
    """The brand's part of the email: its logo or name on top, its colour on the frame and buttons (its
    text colour on them), its footer line; the state's colour where the brand's is too light for text."""
    if not brand:
        return {"brand": None, "frame": accent, "button": accent, "button_ink": "#ffffff", "link_colour": accent,
                "footer": None}
    colour = brand.get("primary_color") or accent
    readable = contrast_ratio(colour, WHITE) >= AA_TEXT
    return {"brand": brand, "frame": colour, "button": colour, "button_ink": brand.get("text_on_primary") or "#ffffff",
            "link_colour": colour if readable else accent, "footer": (brand.get("footer") or {}).get(lang)}


def html_body(view: NoticeView, *, unsubscribe_url: str, chart_cid: str | None, metric: str | None,
              brand: dict[str, Any] | None = None) -> str:
    """The text/html part (inline styles only; mail clients drop style sheets)."""
    accent, badge_bg, badge_ink = TONES[KIND_TONES.get(view.kind, "neutral")]
    words = words_for(view.lang)
    return _ENVIRONMENT.get_template("alert.html").render(
        v=view, t=words, accent=accent, badge_bg=badge_bg, badge_ink=badge_ink,
        **brand_context(brand, view.lang, accent), unsubscribe_url=unsubscribe_url, chart_cid=chart_cid,
        more=more_text(view, len(view.signals)),
        chart_alt=words["chart_alt"].format(metric=metric_name(metric, view.lang)))


def email_message(notice: dict[str, Any], *, to: str, sender: str, lang: str, unsubscribe_url: str,
                  message_id: str | None = None, sent_at: datetime | None = None, tz: str | None = None,
                  console_url: str | None = None, brand: dict[str, Any] | None = None) -> EmailMessage:
    """The email of a notice: text and HTML parts, the trend chart inline, one-click unsubscribe headers.

    ``Date`` is ``sent_at`` (default now) and ``Message-ID`` is ``message_id`` (default a new one),
    as RFC 5322 asks of every message. ``brand``: survey's ``GET /v1/brand`` reply, or None.
    """
    view = notice_view(notice, lang=lang, tz=tz, console_url=console_url)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = view.subject, sender, to
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain=mail_domain(sender))
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    lines = body_lines(view, unsubscribe_url=unsubscribe_url)
    footer = brand_context(brand, view.lang, "")["footer"]
    if footer:  # the brand's line under the signature dashes, as in the HTML
        lines.insert(lines.index("--") + 1, footer)
    message.set_content("\n".join(lines), charset="utf-8")
    chart = notice_chart(notice, lang=view.lang, tz=tz)
    cid = make_msgid(domain="cxloop.invalid") if chart else None
    message.add_alternative(html_body(view, unsubscribe_url=unsubscribe_url, chart_cid=cid[1:-1] if cid else None,
                                      metric=notice.get("metric"), brand=brand), subtype="html", charset="utf-8")
    if chart and cid:
        message.get_payload()[1].add_related(chart, maintype="image", subtype="png", cid=cid, filename="trend.png")
    message["Content-Language"] = view.lang  # after the parts: set_content moves Content-* headers
    return message
