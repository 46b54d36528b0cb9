"""``/unsubscribe/<token>``: the link in every alert email (no key needed; the token is the key).

GET shows a confirmation button (link scanners must not unsubscribe people); POST unsubscribes,
which is also what mail clients send for RFC 8058 one-click unsubscribe.
"""

from __future__ import annotations

import html

from flask import Response
from flask.views import MethodView

from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.notifier.api.access import now
from services.notifier.subscriptions import find_by_unsubscribe_token, unsubscribe_email

unsubscribe_blp = ApiBlueprint("unsubscribe", __name__, url_prefix="/unsubscribe",
                               description="One-click unsubscribe from alert emails")


def _page(text: str, status: int = 200, form: bool = False) -> Response:
    button = ('<form method="post"><button type="submit">Unsubscribe / 수신 거부</button></form>'
              if form else "")
    return Response(f"<!doctype html><html><head><meta charset=\"utf-8\"><title>cxloop</title></head>"
                    f"<body><p>{html.escape(text)}</p>{button}</body></html>", status=status,
                    mimetype="text/html")


@unsubscribe_blp.route("/<token>")
class Unsubscribe(MethodView):
    def get(self, token):
        """A page with an unsubscribe button."""
        subscription = find_by_unsubscribe_token(get_session(), token)
        if subscription is None:
            return _page("This link is not valid.", 404)
        return _page(f"Stop alert emails of '{subscription.name}'?", form=True)

    def post(self, token):
        """Remove the email channels of the subscription."""
        if unsubscribe_email(get_session(), token, now=now()) is None:
            return _page("This link is not valid.", 404)
        return _page("You will receive no more alert emails from this subscription.")
