"""Preview links: a signed, short-lived URL that shows a survey's draft or a version on the real
response page, for the people who design it. Nothing is recorded: no invitation, no response, no
outbox message; a submitted preview is checked with the same rules and shown back.

Token: ``<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`` under the link-token secret, payload
``{"s": survey id, "v": version or null (the current draft), "fa": origin allowed to frame it, "exp":
unix seconds}``. The framing origin is signed in, so only someone allowed to ask for a link chooses
which page may embed it (the console asks with its own origin).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.survey.exceptions import InvalidSurveyError
from services.survey.surveys import get_survey, get_version, live_definition

PREVIEW_LIFETIME = timedelta(minutes=30)
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


class PreviewLinkError(ValueError):
    """A preview token that is malformed, forged or expired."""


@dataclass(frozen=True)
class PreviewLink:
    """A signed preview link's token, what it shows, and until when it works."""

    token: str
    survey_id: int
    version: int | None
    expires_at: datetime
    frame_ancestor: str | None


@dataclass(frozen=True)
class PreviewTarget:
    """What a valid token points at."""

    survey_id: int
    version: int | None
    frame_ancestor: str | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), b"preview." + payload.encode("ascii"), hashlib.sha256).digest())


def make_preview_link(session: Session, *, survey_id: int, version: int | None, frame_ancestor: str | None,
                      secret: str, now: datetime) -> PreviewLink:
    """Sign a link to the survey's draft (``version`` None) or to one published version."""
    survey = get_survey(session, survey_id)
    if version is not None:
        get_version(session, survey_id=survey.id, version=version)  # raises when there is none
    if frame_ancestor is not None and not _ORIGIN.fullmatch(frame_ancestor):
        raise InvalidSurveyError("frame_ancestor must be an origin such as https://console.example.com",
                                 errors={"frame_ancestor": ["not an origin (scheme://host[:port])"]})
    expires = now + PREVIEW_LIFETIME
    payload = _b64(json.dumps({"s": survey.id, "v": version, "fa": frame_ancestor,
                               "exp": int(expires.timestamp())}, separators=(",", ":")).encode())
    return PreviewLink(token=f"{payload}.{_signature(secret, payload)}", survey_id=survey.id, version=version,
                       expires_at=expires, frame_ancestor=frame_ancestor)


def read_preview_token(token: str, *, secrets: tuple[str, ...], now: datetime) -> PreviewTarget:
    """The target of a preview token (raises ``PreviewLinkError``); any of the rotated secrets verifies."""
    payload, _, signature = token.partition(".")
    if not payload or not signature or len(token) > 600:
        raise PreviewLinkError("malformed preview token")
    if not any(hmac.compare_digest(_signature(secret, payload), signature) for secret in secrets):
        raise PreviewLinkError("preview token signature does not match")
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        target = PreviewTarget(survey_id=int(data["s"]), version=None if data["v"] is None else int(data["v"]),
                               frame_ancestor=data.get("fa"))
        expires = int(data["exp"])
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise PreviewLinkError("malformed preview token") from error
    if expires <= now.timestamp():
        raise PreviewLinkError("preview token expired")
    return target


def preview_definition(session: Session, target: PreviewTarget) -> dict[str, Any]:
    """The definition a preview shows: the version, or the current draft (else the live version)."""
    survey = get_survey(session, target.survey_id)
    if target.version is not None:
        return get_version(session, survey_id=survey.id, version=target.version).definition
    return survey.draft if survey.draft is not None else live_definition(session, survey)
