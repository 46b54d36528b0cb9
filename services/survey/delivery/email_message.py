"""The invitation email: HTML and plain text in the customer's language, one-click score links,
RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from services.survey.delivery import OutgoingInvitation
from shared.contracts.fields import one_line
from shared.question_types import REGISTRY

UI_TEXT = {
    "en": {"reminder": "Reminder", "open": "Open the survey", "unsubscribe": "Unsubscribe from surveys",
           "click": "Click a score to answer:", "low": "not at all", "high": "very much"},
    "ko": {"reminder": "다시 알림", "open": "설문 열기", "unsubscribe": "설문 수신 거부",
           "click": "점수를 눌러 답해 주세요:", "low": "전혀 아니다", "high": "매우 그렇다"},
}


def ui(language: str) -> dict[str, str]:
    """Interface texts in the language (English when not translated)."""
    return UI_TEXT.get(language.split("-")[0], UI_TEXT["en"])


def scale_words(outgoing: OutgoingInvitation) -> tuple[str, str]:
    """The words at the two ends of the one-click scale: the question type's own, else generic ones."""
    kind = REGISTRY.get(outgoing.question_type or "")
    ends = kind.scale_labels(outgoing.language) if kind is not None else None
    words = ui(outgoing.language)
    return ends or (words["low"], words["high"])


def subject_of(outgoing: OutgoingInvitation) -> str:
    """The subject line (a title stored before line breaks were refused still makes a valid header)."""
    title = one_line(outgoing.title)
    return f"[{ui(outgoing.language)['reminder']}] {title}" if outgoing.reminder else title


def plain_body(outgoing: OutgoingInvitation) -> str:
    """The text/plain part."""
    words = ui(outgoing.language)
    lines = [outgoing.title, ""]
    if outgoing.intro:
        lines += [outgoing.intro, ""]
    if outgoing.score_links:
        lines += [outgoing.question_text or "", words["click"]]
        lines += [f"  {link.score}: {link.url}" for link in outgoing.score_links]
        lines.append("")
    lines += [f"{words['open']}: {outgoing.survey_url}", "", f"{words['unsubscribe']}: {outgoing.unsubscribe_url}"]
    return "\n".join(lines) + "\n"


def html_body(outgoing: OutgoingInvitation) -> str:
    """The text/html part (inline styles only; mail clients drop style sheets)."""
    words, esc = ui(outgoing.language), html.escape
    parts = [f'<!DOCTYPE html><html lang="{esc(outgoing.language)}"><head><meta charset="utf-8">'
             f"<title>{esc(outgoing.title)}</title></head>"
             '<body style="font-family:sans-serif;max-width:640px;margin:auto">',
             f"<h1 style=\"font-size:20px\">{esc(outgoing.title)}</h1>"]
    if outgoing.intro:
        parts.append(f"<p>{esc(outgoing.intro)}</p>")
    if outgoing.score_links:
        parts.append(f"<p><strong>{esc(outgoing.question_text or '')}</strong><br>{esc(words['click'])}</p><p>")
        for link in outgoing.score_links:
            parts.append(f'<a href="{esc(link.url)}" style="display:inline-block;min-width:28px;padding:6px;'
                         f'margin:2px;border:1px solid #888;border-radius:4px;text-align:center;'
                         f'text-decoration:none">{link.score}</a>')
        low, high = scale_words(outgoing)
        parts.append(f"</p><p style=\"font-size:12px;color:#666\">{outgoing.score_links[0].score} = "
                     f"{esc(low)}, {outgoing.score_links[-1].score} = {esc(high)}</p>")
    parts.append(f'<p><a href="{esc(outgoing.survey_url)}">{esc(words["open"])}</a></p>')
    parts.append(f'<p style="font-size:12px;color:#666"><a href="{esc(outgoing.unsubscribe_url)}">'
                 f"{esc(words['unsubscribe'])}</a></p></body></html>")
    return "".join(parts)


def build_email(outgoing: OutgoingInvitation, *, sender: str) -> EmailMessage:
    """The complete MIME message (multipart/alternative)."""
    if not outgoing.email:
        raise ValueError("no recipient address")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.email
    message["Subject"] = subject_of(outgoing)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"inv{outgoing.invitation_id}", domain="cxloop.invalid")
    message["X-Cx-Invitation"] = str(outgoing.invitation_id)
    message["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(plain_body(outgoing), charset="utf-8")
    message.add_alternative(html_body(outgoing), subtype="html", charset="utf-8")
    message["Content-Language"] = outgoing.language  # after the parts: set_content moves Content-* headers
    return message
