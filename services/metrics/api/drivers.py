"""Key drivers route: which drivers move an outcome (relative weights with intervals)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.db import get_session
from services.metrics.analytics.drivers import driver_report
from services.metrics.api.scores import READERS
from shared.contracts.drivers import DriverQueryArgsSchema, DriverReplySchema

drivers_blp = ApiBlueprint("drivers", __name__, url_prefix="/v1/drivers",
                           description="Key drivers: relative weights of what moves a score, with intervals")


@drivers_blp.route("")
class Drivers(MethodView):
    @require_roles(*READERS)
    @drivers_blp.arguments(DriverQueryArgsSchema, location="query")
    @drivers_blp.response(200, DriverReplySchema)
    def get(self, args):
        """Which drivers move an outcome: relative weights (Johnson 2000) with bootstrap intervals.

        `scope=survey`: the outcome is one question of `survey` (default its NPS question) and the drivers are
        the other score questions of the same responses (one case = one response). `scope=journey`: the
        outcome is each customer's latest answer to `survey` (a relationship survey) in [from, to), and the
        drivers are the same customer's `driver_metric` answers to other surveys in `lookback` before it, one
        driver per touchpoint, dimension or driver tag (`group_by`), a customer's value being the mean of
        their answers (one case = one customer).

        The weights split R-squared into shares that add up to it; each comes with a percentile bootstrap
        interval (`resamples` resamples of the cases, fixed seed) and the driver's current performance (mean
        on its scale with a Student t interval over the cases used) for an importance-versus-performance
        view. Missing drivers: see `missing_rule` in the reply. Fewer complete cases than `min_n` is
        refused with 422. Ratings and yes/no answers are not scores in metrics and are not drivers.
        Readers: marketer, analyst, team_lead, finance, service."""
        return driver_report(get_session(), args, now=current_app.extensions["clock"].now())
