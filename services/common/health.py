"""``/healthz`` (the process answers) and ``/readyz`` (its database answers)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

from shared.contracts.health import HealthSchema

log = logging.getLogger("cxloop.health")
health_blueprint = Blueprint("health", __name__)
_HEALTH = HealthSchema()


@health_blueprint.get("/healthz")
def healthz():
    """Alive: the process serves requests."""
    return jsonify(_HEALTH.dump({"status": "ok", "service": current_app.config["SERVICE_NAME"]}))


@health_blueprint.get("/readyz")
def readyz():
    """Ready: the database can be reached."""
    service = current_app.config["SERVICE_NAME"]
    try:
        current_app.extensions["db"].ping()
    except Exception as exc:  # any driver error means "not ready"
        log.warning("database not reachable: %s", exc)
        return jsonify(_HEALTH.dump({"status": "unavailable", "service": service,
                                     "checks": {"database": "unreachable"}})), 503
    return jsonify(_HEALTH.dump({"status": "ok", "service": service, "checks": {"database": "ok"}}))
