"""Routes every service has under ``/v1``: who am I, and for operators the outbox dead letters and the
work items the worker set aside."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import current_principal, require_roles
from services.common.blueprint import ApiBlueprint as Blueprint
from services.common.clock import SystemClock
from services.common.db import get_session
from services.common.outbox import list_messages, replay_dead
from services.common.set_aside import list_set_aside, release
from shared.contracts.health import WhoAmISchema
from shared.contracts.outbox import (
    OutboxMessageSchema,
    OutboxQueryArgsSchema,
    OutboxReplySchema,
    SetAsideItemSchema,
    SetAsideQueryArgsSchema,
    SetAsideReleaseReplySchema,
    SetAsideReleaseSchema,
)

ops_blueprint = Blueprint("ops", __name__, url_prefix="/v1", description="Identity and operations")


@ops_blueprint.route("/whoami")
class WhoAmI(MethodView):
    @ops_blueprint.response(200, WhoAmISchema)
    def get(self):
        """The caller, as its key says (any role)."""
        principal = current_principal()
        return {"key_id": principal.key_id, "role": principal.role, "subject": principal.subject,
                "service": current_app.config["SERVICE_NAME"]}


@ops_blueprint.route("/outbox")
class OutboxMessages(MethodView):
    @require_roles()
    @ops_blueprint.arguments(OutboxQueryArgsSchema, location="query")
    @ops_blueprint.response(200, OutboxMessageSchema(many=True))
    def get(self, args):
        """Outbox messages in a state, dead letters by default (admin)."""
        return list_messages(get_session(), current_app.extensions["cx_tables"], **args)


@ops_blueprint.route("/outbox/replay")
class OutboxReplay(MethodView):
    @require_roles()
    @ops_blueprint.response(200, OutboxReplySchema)
    def post(self):
        """Put every dead letter back in the delivery queue (admin)."""
        clock = current_app.extensions.get("clock", SystemClock())
        session = get_session()
        replayed = replay_dead(session, current_app.extensions["cx_tables"], now=clock.now())
        session.commit()
        return {"replayed": replayed}


@ops_blueprint.route("/set-aside")
class SetAsideItems(MethodView):
    @require_roles()
    @ops_blueprint.arguments(SetAsideQueryArgsSchema, location="query")
    @ops_blueprint.response(200, SetAsideItemSchema(many=True))
    def get(self, args):
        """Work items the worker set aside after they failed, with the reason (admin)."""
        return list_set_aside(get_session(), current_app.extensions["cx_tables"], **args)


@ops_blueprint.route("/set-aside/release")
class SetAsideRelease(MethodView):
    @require_roles()
    @ops_blueprint.arguments(SetAsideReleaseSchema)
    @ops_blueprint.response(200, SetAsideReleaseReplySchema)
    def post(self, body):
        """Give set-aside items (the given ids, or all) back to their jobs' next pass (admin)."""
        clock = current_app.extensions.get("clock", SystemClock())
        session = get_session()
        released = release(session, current_app.extensions["cx_tables"], now=clock.now(), ids=body["ids"])
        session.commit()
        return {"released": released}
