"""The demo part of ``make run``'s tour: where to click and what to curl."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx

from shared.statuses import InvitationStatus


def unanswered(survey_url: str, key: str, links: list[dict]) -> list[dict]:
    """The demo's survey links whose invitation is still waiting for an answer (asked now, not at seeding:
    a link answered since drops out); all of them when survey cannot say."""
    waiting = []
    with httpx.Client(base_url=survey_url, headers={"Authorization": f"Bearer {key}"}, timeout=5) as client:
        for link in links:
            try:
                reply = client.get(f"/v1/invitations/{link['invitation_id']}")
            except httpx.HTTPError:
                return links
            if reply.status_code != 200 or reply.json().get("status") == InvitationStatus.SENT:
                waiting.append(link)
    return waiting


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
    links = unanswered(s, key, summary.get("survey_links") or [])
    lines = [
        "",
        f"Demo: 하늘마켓 (Haneul Market), {summary.get('customers', '?')} customers, {summary.get('responses', '?')} "
        f"responses, {summary.get('transactions', '?')} transactions (seeded {summary.get('seeded_at', '')[:10]}"
        f" in {summary.get('seconds', '?')}s; delete {var}/demo-seeded and the databases to reseed).",
        f"  Delivery CSAT dipped in {dip} when a new carrier took over; the delivery team lead is subscribed.",
        f"Demo invitations still unanswered ({len(links)}): open one in the browser and answer it:",
    ]
    languages = {"ko": "한국어", "en": "English"}
    lines += [f"  {link['link']}   ({languages.get(link.get('language'), link.get('language'))})" for link in links[:6]]
    if len(links) > 6:
        lines.append(f"  ... and {len(links) - 6} more: curl -s {auth} '{s}/v1/invitations?status=sent'")
    if not links:
        lines.append(f"  (none left: every demo invitation was answered; see {var}/mail/ or GET {s}/v1/invitations)")
    lines += [
        "Scores (CSAT by touchpoint and month, with intervals):",
        f"  curl -s {auth} '{m}/v1/scores?metric=csat&group_by=touchpoint,period&period=month&from={since}'",
        f"  curl -s {auth} '{m}/v1/scores?metric=csat&touchpoint=delivery&group_by=attr.carrier&from={since}'",
        f"The complaints that rose in {dip} against the month before (the \"rising\" list):",
        f"  curl -s {auth} '{m}/v1/voc/keywords?touchpoint=delivery&split=none&from={first}&to={end}'",
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
