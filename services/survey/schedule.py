"""When an invitation may go out: delay, send window in the customer's time zone, sampling."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def customer_zone(time_zone: str | None, default: str) -> ZoneInfo:
    """The customer's zone, or the default one when unknown."""
    for name in (time_zone, default, "UTC"):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_window(moment: datetime, start: str | None, end: str | None, zone: ZoneInfo) -> bool:
    """Whether ``moment`` falls in the daily local window [start, end) (which may wrap midnight)."""
    if not start or not end:
        return True
    local = moment.astimezone(zone).time()
    begin, finish = _clock(start), _clock(end)
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish


def next_in_window(moment: datetime, start: str | None, end: str | None, zone: ZoneInfo) -> datetime:
    """``moment`` if it is inside the window, else the next opening of the window (UTC)."""
    if in_window(moment, start, end, zone):
        return moment
    assert start is not None
    local = moment.astimezone(zone)
    begin = _clock(start)
    for days in range(0, 3):
        day = local.date() + timedelta(days=days)
        opening = datetime.combine(day, begin, tzinfo=zone)
        if opening > local:
            return opening.astimezone(UTC)
    raise AssertionError("a daily window opens within two days")


def sampled_in(trigger_id: int, event_id: str, rate: float) -> bool:
    """Deterministic sampling: the same trigger and event always give the same answer."""
    if rate >= 1.0:
        return True
    if rate <= 0.0:
        return False
    digest = hashlib.sha256(f"{trigger_id}:{event_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64 < rate


def first_send_time(occurred_at: datetime, delay_minutes: int, now: datetime) -> datetime:
    """The event time plus the delay, but never in the past."""
    return max(occurred_at + timedelta(minutes=delay_minutes), now)
