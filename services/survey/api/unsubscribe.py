"""Public one-click unsubscribe (RFC 8058): GET shows a confirmation form, only POST unsubscribes."""

from __future__ import annotations

import html

from flask import Response, request

from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.survey import customers
from services.survey.api.context import now
from services.survey.exceptions import InvitationNotFoundError

blp = ApiBlueprint("unsubscribe", __name__, description="Public unsubscribe links (no key)")

_PAGE = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family:sans-serif;max-width:480px;margin:3em auto">{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    response = Response(_PAGE.format(title=html.escape(title), body=body), status=status,
                        mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _unknown() -> Response:
    return _page("Unknown link", "<p>이 링크는 유효하지 않습니다. / This link is not valid.</p>", 404)


@blp.route("/unsubscribe/<string:token>", methods=["GET"])
def confirm(token: str) -> Response:
    """A confirmation page with a form; a GET never unsubscribes (link scanners follow GETs)."""
    if customers.find_customer_by_link(get_session(), token) is None:
        return _unknown()
    action = html.escape(request.path)
    return _page("Unsubscribe", f"""<h1>설문 수신 거부 / Unsubscribe</h1>
<p>더 이상 설문 요청을 받지 않으려면 아래 버튼을 누르세요.<br>
Press the button to stop receiving survey invitations.</p>
<form method="post" action="{action}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">수신 거부 / Unsubscribe</button></form>""")


@blp.route("/unsubscribe/<string:token>", methods=["POST"])
def unsubscribe(token: str) -> Response:
    """Unsubscribe (one-click POST from mail clients, or the confirmation form)."""
    try:
        customers.unsubscribe_by_link(get_session(), token=token, now=now())
    except InvitationNotFoundError:
        return _unknown()
    return _page("Unsubscribed", "<h1>수신 거부되었습니다 / You are unsubscribed</h1>"
                                 "<p>더 이상 설문 요청을 보내지 않습니다. / You will not receive more surveys.</p>")
