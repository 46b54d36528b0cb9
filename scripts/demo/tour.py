"""The demo part of ``make run``'s tour: where to click and what to curl."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path


def demo_tour(urls: dict[str, str], key: str, var: Path, summary: dict) -> str:
    """A short tour of the seeded demo (or why there is none)."""
    s, m, n = urls["survey"], urls["metrics"], urls["notifier"]
    if summary.get("skipped"):
        return f"\nDemo data: not seeded ({summary['skipped']}).\n"
    auth = f"-H 'Authorization: Bearer {key}'"
    dip = summary.get("dip_month", "")
    first = date.fromisoformat(f"{dip}-01") if dip else date.today().replace(day=1)
    end = (first + timedelta(days=32)).replace(day=1)
    since = (first - timedelta(days=40)).replace(day=1)
    links = summary.get("survey_links") or []
    korean = next((l for l in links if l.get("language") == "ko"), links[0] if links else None)
    english = next((l for l in links if l.get("language") == "en"), None)
    lines = [
        "",
        f"Demo: 하늘마켓 (Haneul Market), {summary.get('customers', '?')} customers, {summary.get('responses', '?')} "
        f"responses, {summary.get('transactions', '?')} transactions (seeded {summary.get('seeded_at', '')[:10]}"
        f" in {summary.get('seconds', '?')}s; delete {var}/demo-seeded and the databases to reseed).",
        f"  Delivery CSAT dipped in {dip} when a new carrier took over; the delivery team lead is subscribed.",
        "Answer a survey in the browser:",
    ]
    if korean:
        lines.append(f"  {korean['link']}   (한국어)")
    if english:
        lines.append(f"  {english['link']}   (English)")
    if not links:
        lines.append(f"  (no invitation mailed yet; see {var}/mail/ or GET {s}/v1/invitations)")
    lines += [
        "Scores (CSAT by touchpoint and month, with intervals):",
        f"  curl -s {auth} '{m}/v1/scores?metric=csat&group_by=touchpoint,period&period=month&from={since}'",
        f"  curl -s {auth} '{m}/v1/scores?metric=csat&touchpoint=delivery&group_by=attr.carrier&from={since}'",
        "What delivery customers complained about that month:",
        f"  curl -s {auth} '{m}/v1/voc/keywords?touchpoint=delivery&split=csat&from={first}&to={end}'",
        "CLV (BG/NBD + Gamma-Gamma fit, then the top customers and the segments):",
        f"  curl -s {auth} '{m}/v1/clv/fits/{summary.get('clv_fit', {}).get('id', '<fit id>')}'",
        f"  curl -s {auth} '{m}/v1/clv/customers?limit=5'",
        f"  curl -s {auth} '{m}/v1/clv/segments'",
        "Alerts of the delivery team lead (their own key, role team_lead):",
        f"  curl -s -H 'Authorization: Bearer {summary.get('team_lead_key', key)}' '{n}/v1/alerts'",
    ]
    if summary.get("alert") != "delivered":
        lines.append(f"  (alert state after seeding: {summary.get('alert', 'none')}; the notifier worker delivers it)")
    lines.append(f"Demo mail (invitations and alerts, .eml files): {var}/mail/")
    return "\n".join(lines) + "\n"
