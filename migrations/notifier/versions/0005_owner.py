"""Subscriptions are owned by a key id, not by the key's free-text subject.

Existing rows hold the subject of the key that made them. Where exactly one unrevoked key carries
that subject, the row moves to that key's id; ambiguous or orphaned rows keep their old value, which
no key id matches, so only admins see them until an admin recreates them for the right key.

Revision ID: notifier_0005_owner
Revises: notifier_0004
Create Date: 2026-12-04
"""

from alembic import op

revision = "notifier_0005_owner"
down_revision = "notifier_0004"
branch_labels = None
depends_on = None

_HOLDERS = "FROM api_keys k WHERE k.subject = subscriptions.owner AND k.revoked_at IS NULL"


def upgrade() -> None:
    op.execute(
        f"UPDATE subscriptions SET owner = (SELECT k.key_id {_HOLDERS}) "
        "WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.key_id = subscriptions.owner) "
        f"AND (SELECT count(*) {_HOLDERS}) = 1")


def downgrade() -> None:
    op.execute(
        "UPDATE subscriptions SET owner = "
        "(SELECT k.subject FROM api_keys k WHERE k.key_id = subscriptions.owner) "
        "WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.key_id = subscriptions.owner)")
