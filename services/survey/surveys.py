"""Survey use cases: draft, edit, publish (an immutable version), archive."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from services.common.reads_together import Read
from services.survey import touchpoints
from services.survey.exceptions import (
    SurveyNotFoundError,
    SurveyStateError,
    SurveyVersionNotFoundError,
    TouchpointNotFoundError,
)
from services.survey.models import Survey, SurveyVersion, Touchpoint, Trigger
from services.survey.survey_definition import DEFINITION_FIELDS, check_definition
from shared.statuses import SurveyStatus


def _definition_from(fields: dict[str, Any]) -> dict[str, Any]:
    definition = {name: copy.deepcopy(fields[name]) for name in DEFINITION_FIELDS if name in fields}
    definition.setdefault("intro", {})
    definition.setdefault("fallback_languages", [])
    return definition


def _require_touchpoint(session: Session, key: str) -> None:
    if session.get(Touchpoint, key) is None:
        raise TouchpointNotFoundError(f"no touchpoint '{key}'; see /v1/touchpoints")


def get_survey(session: Session, survey_id: int) -> Survey:
    """The survey (raises ``SurveyNotFoundError``)."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise SurveyNotFoundError(f"no survey {survey_id}")
    return survey


def list_surveys(session: Session, *, status: str | None = None, touchpoint: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[Survey]:
    """Surveys, newest first, optionally by status and touchpoint."""
    query = select(Survey).order_by(Survey.id.desc()).limit(limit).offset(offset)
    if status:
        query = query.where(Survey.status == status)
    if touchpoint:
        query = query.where(Survey.touchpoint == touchpoint)
    return list(session.scalars(query))


def create_survey(session: Session, *, fields: dict[str, Any], now: datetime) -> Survey:
    """Create a survey as a draft."""
    definition = _definition_from(fields)
    _require_touchpoint(session, definition["touchpoint"])
    check_definition(definition)
    survey = Survey(name=fields["name"], status=SurveyStatus.DRAFT, touchpoint=definition["touchpoint"],
                    recontact_days=fields.get("recontact_days", 30), live_version=None,
                    draft=definition, created_at=now, updated_at=now)
    session.add(survey)
    session.commit()
    return survey


def update_survey(session: Session, *, survey_id: int, changes: dict[str, Any], now: datetime) -> Survey:
    """Edit a survey: content changes go to its draft (a live version is never touched)."""
    survey = get_survey(session, survey_id)
    if survey.status == SurveyStatus.ARCHIVED:
        raise SurveyStateError("an archived survey cannot be edited")
    if "name" in changes:
        survey.name = changes["name"]
    if "recontact_days" in changes:
        survey.recontact_days = changes["recontact_days"]
    content_keys = set(changes) & set(DEFINITION_FIELDS)
    if content_keys:
        base = survey.draft or copy.deepcopy(live_definition(session, survey))
        merged = {**base, **{key: copy.deepcopy(changes[key]) for key in content_keys}}
        _require_touchpoint(session, merged["touchpoint"])
        check_definition(merged)
        survey.draft = merged
        survey.touchpoint = merged["touchpoint"]
    survey.updated_at = now
    session.commit()
    return survey


def live_definition(session: Session, survey: Survey) -> dict[str, Any]:
    """The definition of the survey's live version."""
    if survey.live_version is None:
        raise SurveyStateError(f"survey {survey.id} has never been published")
    return get_version(session, survey_id=survey.id, version=survey.live_version).definition


def get_version(session: Session, *, survey_id: int, version: int) -> SurveyVersion:
    """A published version (raises ``SurveyVersionNotFoundError``)."""
    found = session.get(SurveyVersion, (survey_id, version))
    if found is None:
        raise SurveyVersionNotFoundError(f"survey {survey_id} has no version {version}")
    return found


def get_live_version(session: Session, *, survey_id: int) -> SurveyVersion:
    """The version customers get now (raises ``SurveyNotFoundError``, or ``SurveyVersionNotFoundError``
    when the survey was never published)."""
    survey = get_survey(session, survey_id)
    if survey.live_version is None:
        raise SurveyVersionNotFoundError(f"survey {survey_id} has no live version: it was never published")
    return get_version(session, survey_id=survey_id, version=survey.live_version)


def list_versions(session: Session, survey_id: int) -> list[dict[str, Any]]:
    """The survey's published versions, newest first, with their question counts (the history)."""
    return [_history_entry(version) for version in _versions_of(session, get_survey(session, survey_id))]


def _versions_of(session: Session, survey: Survey) -> list[SurveyVersion]:
    return list(session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
                                .order_by(SurveyVersion.version.desc())))


def _history_entry(version: SurveyVersion) -> dict[str, Any]:
    return {"survey_id": version.survey_id, "version": version.version, "touchpoint": version.touchpoint,
            "published_at": version.published_at, "question_count": len(version.definition.get("questions") or [])}


def editor_view(session: Session, survey_id: int) -> dict[str, Any]:
    """What the survey builder shows, read together: the survey, its live version (None if never published),
    its history newest first, and the touchpoints (raises ``SurveyNotFoundError``)."""
    survey = get_survey(session, survey_id)
    versions = _versions_of(session, survey) if survey.live_version is not None else []
    live = next((version for version in versions if version.version == survey.live_version), None)
    return {"survey": survey, "live": live, "versions": [_history_entry(version) for version in versions],
            "touchpoints": touchpoints.list_touchpoints(session)}


_CHOICE_COLUMNS = (Survey.id, Survey.name, Survey.status, Survey.touchpoint, Survey.recontact_days)
_PUBLISHED_CHOICES = (select(*_CHOICE_COLUMNS).where(Survey.status == SurveyStatus.PUBLISHED)
                      .order_by(Survey.name, Survey.id))
_CHOICES_OF_TRIGGER = (select(*_CHOICE_COLUMNS)
                       .where(or_(Survey.status == SurveyStatus.PUBLISHED,
                                  Survey.id == select(Trigger.survey_id).where(Trigger.id == bindparam("trigger_id"))
                                  .scalar_subquery()))
                       .order_by(Survey.name, Survey.id))


def trigger_choices_read(trigger_id: int | None = None) -> Read:
    """The surveys a trigger can ask, by name: every published one, plus the trigger ``trigger_id``'s own
    survey whatever its status (read in the same statement). Rows of id, name, status, touchpoint and
    recontact days; the statement and its parameters, for ``rows_together``."""
    if trigger_id is None:
        return _PUBLISHED_CHOICES, None
    return _CHOICES_OF_TRIGGER, {"trigger_id": trigger_id}


def publish_survey(session: Session, *, survey_id: int, now: datetime) -> SurveyVersion:
    """Freeze the draft as the next version and make it live."""
    survey = get_survey(session, survey_id)
    if survey.draft is None:
        raise SurveyStateError("nothing to publish: the survey has no draft")
    check_definition(survey.draft)
    number = (session.scalar(select(func.max(SurveyVersion.version))
                             .where(SurveyVersion.survey_id == survey.id)) or 0) + 1
    version = SurveyVersion(survey_id=survey.id, version=number, touchpoint=survey.draft["touchpoint"],
                            definition=survey.draft, published_at=now)
    session.add(version)
    survey.live_version, survey.status, survey.draft, survey.updated_at = number, SurveyStatus.PUBLISHED, None, now
    session.commit()
    return version


def archive_survey(session: Session, *, survey_id: int, now: datetime) -> Survey:
    """Stop the survey: its triggers no longer fire; versions and invitations stay."""
    survey = get_survey(session, survey_id)
    survey.status, survey.updated_at = SurveyStatus.ARCHIVED, now
    session.commit()
    return survey


def get_trigger_context(session: Session, survey_id: int) -> tuple[Survey, dict[str, Any] | None]:
    """A survey and the definition of its live version (None when never published)."""
    survey = get_survey(session, survey_id)
    if survey.live_version is None:
        return survey, None
    return survey, get_version(session, survey_id=survey.id, version=survey.live_version).definition
