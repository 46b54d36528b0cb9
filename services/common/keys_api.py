"""``/v1/keys``: admins create, list and revoke API keys over HTTP (the console's key settings use it).

One key works on every service: the caller creates it on one service (which mints it and shows it
once) and registers the same key on the others by sending it back in ``key``. Only its hash is stored.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.clock import SystemClock
from services.common.db import get_session
from services.common.exceptions import ConflictError, NotFoundError
from services.common.keys import list_keys, mark_revoked, store_key
from shared.auth import NewKey, hash_key, mint_key, parse_key_id
from shared.contracts.keys import KeyCreatedSchema, KeyCreateSchema, KeyListSchema, KeySchema

keys_blueprint = ApiBlueprint("keys", __name__, url_prefix="/v1/keys",
                              description="API keys of this service (admin)")


def _now():
    return current_app.extensions.get("clock", SystemClock()).now()


def _record(session, tables, key_id: str):
    row = session.execute(select(tables.api_keys).where(tables.api_keys.c.key_id == key_id)).first()
    if row is None:
        raise NotFoundError(f"no key {key_id}")
    return {"key_id": row.key_id, "role": row.role, "subject": row.subject, "created_at": row.created_at,
            "revoked_at": row.revoked_at}


@keys_blueprint.route("")
class Keys(MethodView):
    @require_roles()
    @keys_blueprint.response(200, KeyListSchema)
    def get(self):
        """Every key of this service, newest first, without secrets (admin)."""
        return {"items": list_keys(get_session(), tables=current_app.extensions["cx_tables"])}

    @require_roles()
    @keys_blueprint.arguments(KeyCreateSchema)
    @keys_blueprint.response(201, KeyCreatedSchema)
    def post(self, body):
        """Create a key, or register one minted by another service; the key is in this reply only (admin)."""
        session, tables = get_session(), current_app.extensions["cx_tables"]
        plaintext = body.get("key")
        if plaintext:
            new_key = NewKey(key_id=parse_key_id(plaintext) or "", plaintext=plaintext, key_hash=hash_key(plaintext))
            exists = session.execute(select(tables.api_keys.c.key_id)
                                     .where(tables.api_keys.c.key_id == new_key.key_id)).first()
            if exists is not None:
                raise ConflictError(f"key {new_key.key_id} is already registered here")
        else:
            new_key = mint_key()
        store_key(session, new_key, role=body["role"], subject=body["subject"], now=_now(), tables=tables)
        session.commit()
        return {**_record(session, tables, new_key.key_id), "key": new_key.plaintext}


@keys_blueprint.route("/<key_id>")
class KeyItem(MethodView):
    @require_roles()
    @keys_blueprint.response(200, KeySchema)
    def get(self, key_id):
        """One key, without its secret (admin)."""
        return _record(get_session(), current_app.extensions["cx_tables"], key_id)

    @require_roles()
    @keys_blueprint.response(200, KeySchema)
    def delete(self, key_id):
        """Revoke a key on this service (admin); revoking a revoked key changes nothing."""
        session, tables = get_session(), current_app.extensions["cx_tables"]
        record = _record(session, tables, key_id)
        if record["revoked_at"] is None:
            mark_revoked(session, key_id=key_id, now=_now(), tables=tables)
            session.commit()
            record = _record(session, tables, key_id)
        return record
