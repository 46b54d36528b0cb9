"""``POST /v1/subscriptions/backtest``: what a rule would have done on past windows (read-only)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.disclosure import request_disclosure
from services.notifier.api.access import now
from services.notifier.backtest import DraftRule, run_backtest, window_ends
from services.notifier.clients.metrics import MetricsClient
from services.notifier.subscriptions import _check_personal_scope, rule_window
from shared.contracts.backtests import BacktestReplySchema, BacktestRequestSchema

backtests_blp = ApiBlueprint("backtests", __name__, url_prefix="/v1/subscriptions",
                             description="Backtest a score rule on past windows before saving it")


def metrics_api():
    """The metrics client of the API process (``app.extensions["notifier_metrics"]``; tests put a fake there)."""
    extensions = current_app.extensions
    if "notifier_metrics" not in extensions:
        config = current_app.config
        extensions["notifier_metrics"] = MetricsClient(
            config["METRICS_URL"], api_key=config["SERVICE_KEY"], timeout=config["METRICS_TIMEOUT_SECONDS"],
            attempts=config["METRICS_ATTEMPTS"])
    return extensions["notifier_metrics"]


@backtests_blp.route("/backtest")
class Backtest(MethodView):
    @require_roles("team_lead")
    @backtests_blp.arguments(BacktestRequestSchema)
    @backtests_blp.response(200, BacktestReplySchema)
    def post(self, body):
        """Decide the rule on each past window with the worker's own code; nothing is sent or stored.

        One metrics call per window; at most 120 windows (422 beyond). 503 when metrics does not answer.
        """
        _check_personal_scope(body.get("scope"), request_disclosure())
        config = current_app.config
        settle = timedelta(seconds=config["SETTLE_SECONDS"])
        ends = window_ends(now=now(), window=rule_window(body["rule"]), settle=settle, weeks=body.get("weeks"),
                           start=body.get("from_"), end=body.get("to"))
        draft = DraftRule(metric=body["metric"], volume_of=body.get("volume_of"), scope=body.get("scope") or {},
                          rule=body["rule"])
        return run_backtest(metrics_api(), draft, ends=ends, settle=settle,
                            cooldown=timedelta(minutes=body["cooldown_minutes"]),
                            data_link_base=config["DATA_LINK_BASE"])
