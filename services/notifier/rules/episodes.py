"""Alert episodes, Alertmanager style: open once, repeat after the cooldown, resolve once, mute.

One episode exists per subscription and scope key while its rule fires. ``next_step`` is the whole
state machine, as a pure function of the episode's state, the latest decision and the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Action = Literal["open", "keep", "resolve", "none"]
Notice = Literal["firing", "repeat", "resolved"]


@dataclass(frozen=True)
class OpenEpisode:
    """An episode that is firing; ``notified_at`` is None until a notice went out."""

    opened_at: datetime
    notified_at: datetime | None


@dataclass(frozen=True)
class Step:
    """What to do with the episode, and which notice to send (None: send nothing)."""

    action: Action
    notice: Notice | None


def next_step(episode: OpenEpisode | None, firing: bool | None, *, now: datetime,
              cooldown: timedelta, muted: bool) -> Step:
    """The next step of an episode.

    Parameters
    ----------
    episode : OpenEpisode or None
        The open episode of this subscription and scope key, if any.
    firing : bool or None
        The latest decision; None when no new window was decided (the episode keeps its state).
    now : datetime
        Evaluation time.
    cooldown : timedelta
        Minimum time between two notices of one open episode.
    muted : bool
        While muted, state still changes but nothing is sent.

    Returns
    -------
    Step
        ``open`` with a ``firing`` notice; ``keep`` with a ``firing`` notice if none went out yet
        (e.g. the episode opened while muted), a ``repeat`` once the cooldown passed, or nothing;
        ``resolve`` with one ``resolved`` notice, only if a firing notice had gone out.
    """
    if episode is None:
        if firing:
            return Step("open", None if muted else "firing")
        return Step("none", None)
    if firing is False:
        return Step("resolve", "resolved" if episode.notified_at is not None and not muted else None)
    if muted:
        return Step("keep", None)
    if episode.notified_at is None:
        return Step("keep", "firing")
    if now - episode.notified_at >= cooldown:
        return Step("keep", "repeat")
    return Step("keep", None)
