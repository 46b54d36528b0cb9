"""A response as the console shows it: each answer with its question and choice labels in the person's
language, the notes with their authors' names, and a triage form read into the API's change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.console.models import User
from shared.actor import ACTOR_SUBJECT_PREFIX
from shared.statuses import ResponseStatus


def _tags(text: str | None) -> list[str]:
    return [" ".join(tag.split()) for tag in (text or "").split(",") if tag.strip()][:20]


def read_change(form: Mapping[str, Any]) -> dict[str, Any] | None:
    """The triage change a form asks for (``status``, ``add_tags``, ``remove_tags``, ``excluded``); None if none."""
    change: dict[str, Any] = {}
    if form.get("status") in set(ResponseStatus):
        change["status"] = form["status"]
    if tags := _tags(form.get("add_tags")):
        change["add_tags"] = tags
    removed = [tag for item in (form.getlist("remove_tags") if hasattr(form, "getlist") else [])
               for tag in _tags(item)]
    if removed:
        change["remove_tags"] = removed[:20]
    if form.get("excluded") in ("yes", "no"):
        change["excluded"] = form["excluded"] == "yes"
    return change or None


def _text(texts: Any, language: str, default: str | None = None) -> str:
    if not isinstance(texts, Mapping):
        return str(texts or "")
    return texts.get(language) or (texts.get(default) if default else None) or next(iter(texts.values()), "")


def answer_rows(response: Mapping[str, Any], definition: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    """Each answer with its question's text and, for choices, their labels (keys when the version is unknown)."""
    questions = {q["key"]: q for q in definition.get("questions") or []}
    default = definition.get("default_language")
    rows = []
    for answer in response.get("answers") or []:
        question = questions.get(answer["question_key"], {})
        labels = {c["key"]: _text(c.get("label"), language, default) for c in question.get("choices") or []}
        value = answer.get("value")
        shown = answer.get("text") if answer.get("text") is not None else \
            ", ".join(labels.get(choice, choice) for choice in answer.get("choices") or []) if answer.get("choices") \
            else value
        rows.append({"key": answer["question_key"], "type": answer["type"],
                     "question": _text(question.get("text"), language, default) or answer["question_key"],
                     "value": shown, "scale_max": answer.get("scale_max")})
    return rows


def triage_details(response: Mapping[str, Any], session: Session) -> list[dict[str, Any]]:
    """The response's notes, oldest first, each with its author's display name when the author is a person here."""
    notes = list((response.get("triage") or {}).get("notes") or [])
    ids = {int(n["author"][len(ACTOR_SUBJECT_PREFIX):]) for n in notes
           if n["author"].startswith(ACTOR_SUBJECT_PREFIX) and n["author"][len(ACTOR_SUBJECT_PREFIX):].isdigit()}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    for note in notes:
        suffix = note["author"][len(ACTOR_SUBJECT_PREFIX):]
        note["author_name"] = names.get(int(suffix)) if note["author"].startswith(ACTOR_SUBJECT_PREFIX) \
            and suffix.isdigit() else None
    return notes
