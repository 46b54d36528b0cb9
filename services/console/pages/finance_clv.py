"""``/finance/clv``: the CLV fit in use (status, as-of day, customers, convergence) and a refit, segment
totals and means with intervals, the customers by value (sorted, paged, exported as CSV or XLSX), one
customer's value, and the form of the holdout check (``finance_holdout``). Metrics computes everything."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from services.console.clients import ConsoleServiceError, ServiceRefusedError, service_clients
from services.console.dashboards.charting import number
from services.console.exports import FORMATS, export_response
from services.console.finance.forms import HoldoutForm, RefitForm
from services.console.finance.spread_chart import spread_chart
from services.console.finance.values import EXPORT_COLUMNS, TEMPLATE_HELPERS, export_rows
from services.console.pages.support import apply_errors, now, service_problem

finance_clv_pages = Blueprint("finance_clv", __name__, url_prefix="/finance/clv")
PAGE_SIZE = 25
HOLDOUT_WEEKS = 39  # the default holdout: as long as FHL's (2005) calibration and holdout periods


def _listing_args() -> dict:
    order = request.args.get("order", "desc")
    return {"fit_id": (request.args.get("fit") or "")[:32] or None, "order": order if order in ("asc", "desc") else "desc",
            "cursor": (request.args.get("cursor") or "")[:400] or None}


def _today():
    return now().astimezone(get_timezone()).date()


def _read(reads: dict) -> dict[str, tuple[object, str | None, int | None]]:
    """Reads sent together: ``(value, problem, refusal status)``; a 403 or a 404/409 (no fit yet, a fit not
    done) is no problem to show: the page says what is missing instead."""
    person = current_user._get_current_object()
    outcomes = service_clients().read_together({name: functools.partial(read, person) for name, read in reads.items()})
    results: dict[str, tuple[object, str | None, int | None]] = {}
    for name, outcome in outcomes.items():
        if not isinstance(outcome, ConsoleServiceError):
            results[name] = (outcome, None, None)
        elif isinstance(outcome, ServiceRefusedError) and outcome.status in (403, 404, 409):
            results[name] = (None, None, outcome.status)
        else:
            results[name] = (None, service_problem(outcome), None)
    return results


@finance_clv_pages.get("")
@login_required
def index():
    """The fit, its segments, a page of its customers, the refit and holdout forms."""
    args = _listing_args()
    metrics = service_clients().metrics
    reads = {"segments": functools.partial(metrics.clv_segments, params={"fit_id": args["fit_id"]}),
             "customers": functools.partial(metrics.clv_customers, params={**args, "limit": PAGE_SIZE})}
    if args["fit_id"]:
        reads["fit"] = functools.partial(metrics.clv_fit, fit_id=args["fit_id"])
    outcomes = _read(reads)
    segments = outcomes["segments"][0]
    if "fit" not in outcomes and isinstance(segments, dict):
        outcomes.update(_read({"fit": functools.partial(metrics.clv_fit, fit_id=segments["fit_id"])}))
    fit = outcomes.get("fit", (None, None, None))[0]
    problems = sorted({problem for _value, problem, _status in outcomes.values() if problem})
    refused = all(status == 403 for _value, _problem, status in outcomes.values())
    refit = RefitForm(data={"as_of": _today() - timedelta(days=1)})
    as_of = fit["as_of"] if isinstance(fit, dict) else _today()
    holdout = HoldoutForm(data={"calibration_end": as_of - timedelta(weeks=HOLDOUT_WEEKS), "holdout_end": as_of,
                                "time_unit": fit["time_unit"] if isinstance(fit, dict) else "week"})
    return render_template("pages/finance/clv.html", fit=fit, segments=segments, customers=outcomes["customers"][0],
                           problems=problems, args=args, refit=refit, holdout=holdout, refused=refused)


@finance_clv_pages.post("/refit")
@login_required
def refit():
    """Ask metrics for a new fit; a small customer base is fitted at once, a large one by the worker."""
    form = RefitForm()
    if form.validate_on_submit():
        try:
            fit = service_clients().metrics.request_clv_fit(current_user, {
                "as_of": form.as_of.data.isoformat(), "time_unit": form.time_unit.data})
        except ConsoleServiceError as error:
            if isinstance(error, ServiceRefusedError) and error.status == 403:
                abort(403)
            apply_errors(form, error)
        else:
            if fit["status"] == "done":
                flash(_("Fitted on %(count)s customers.", count=number(fit["n_customers"] or 0, 0)), "success")
            else:
                flash(_("The fit is queued for the metrics worker; this page shows its status."), "success")
            return redirect(url_for("finance_clv.index", fit=fit["id"]))
    for message in [*form.form_errors, *(f"{f.label.text}: {' '.join(f.errors)}" for f in form if f.errors)]:
        flash(message, "error")
    return redirect(url_for("finance_clv.index"))


@finance_clv_pages.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """Every customer of the fit by value, as CSV (streamed) or XLSX; no row limit."""
    if fmt not in FORMATS:
        abort(404)
    args, person = _listing_args(), current_user._get_current_object()
    metrics = service_clients().metrics
    try:  # the first page before the reply starts: a refusal or a service down is a page, not a broken file
        first = metrics.clv_customers(person, {**args, "cursor": None, "limit": 1000})
    except ConsoleServiceError as error:
        if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
            abort(error.status)
        flash(service_problem(error), "error")
        return redirect(url_for("finance_clv.index"))

    def customers():
        yield from first["customers"]
        if first.get("next_cursor"):
            yield from metrics.every_clv_customer(person, {**args, "cursor": first["next_cursor"]})

    return export_response(fmt, EXPORT_COLUMNS, export_rows(customers()), "clv-customers")


@finance_clv_pages.get("/customers/<customer_id>")
@login_required
def customer(customer_id: str):
    """One customer's CLV with its parameter interval, probability alive, expected purchases and spend, and
    the predictive spread of their own future spend."""
    fit_id = (request.args.get("fit") or "")[:32] or None
    value, problem = None, None
    try:
        value = service_clients().metrics.clv_customer(current_user, customer_id[:64], params={"fit_id": fit_id})
    except ConsoleServiceError as error:
        if isinstance(error, ServiceRefusedError) and error.status in (403, 404):
            abort(error.status)
        problem = service_problem(error)
    return render_template("pages/finance/clv_customer.html", customer_id=customer_id[:64], value=value,
                           problem=problem, fit_id=fit_id, spread_chart=spread_chart((value or {}).get("predictive")))


@finance_clv_pages.context_processor
def _helpers() -> dict:
    return TEMPLATE_HELPERS
