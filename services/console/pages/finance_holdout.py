"""``/finance/clv/holdout``: the holdout check of the CLV purchase model. Metrics fits BG/NBD on the
calibration period and compares, per number of calibration repeat purchases, the mean purchases in the
holdout period with the model's conditional expectation; the page draws it and gives the summary errors."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.finance.charts import holdout_chart
from services.console.finance.forms import HoldoutForm
from services.console.finance.values import TEMPLATE_HELPERS
from services.console.pages.support import apply_errors

finance_holdout_pages = Blueprint("finance_holdout", __name__, url_prefix="/finance/clv")


@finance_holdout_pages.get("/holdout")
@login_required
def holdout():
    """The form; with both dates, the check's chart, its table and the summary errors."""
    form = HoldoutForm(request.args)
    check, status = None, 200
    if request.args and form.validate():
        try:
            check = service_clients().metrics.clv_holdout(current_user, {
                "calibration_end": form.calibration_end.data.isoformat(),
                "holdout_end": form.holdout_end.data.isoformat(), "time_unit": form.time_unit.data})
        except ConsoleServiceError as error:
            if isinstance(error, ServiceRefusedError) and error.status == 403:
                abort(403)
            apply_errors(form, error)
            status = 422 if isinstance(error, ServiceRefusedError) else 503
    elif request.args:
        status = 422
    return render_template("pages/finance/holdout.html", form=form, check=check,
                           chart=holdout_chart(check) if check else None), status


@finance_holdout_pages.context_processor
def _helpers() -> dict:
    return TEMPLATE_HELPERS
