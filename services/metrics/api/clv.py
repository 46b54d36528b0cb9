"""Customer lifetime value: fits, per-customer values (JSON or CSV), segment values."""

from __future__ import annotations

from flask import Response, current_app, url_for
from flask.views import MethodView

from services.common.auth import require_roles
from services.common.blueprint import ApiBlueprint
from services.common.csv_reply import csv_alternative, csv_response, wants_csv
from services.common.db import get_session
from services.metrics.finance.clv_contract_sets import list_contract_values, segment_values
from services.metrics.finance.clv_contracts import customer_clv
from services.metrics.finance.clv_customers import list_customer_values
from services.metrics.finance.clv_fits import fit_reply, get_fit, request_fit
from services.metrics.finance.clv_nps import nps_group_values
from services.metrics.finance.export import segment_table
from shared.contracts.clv import (
    ClvCustomerArgsSchema,
    ClvCustomerListArgsSchema,
    ClvCustomerPageSchema,
    ClvFitCreateSchema,
    ClvFitSchema,
    ClvSegmentArgsSchema,
    ClvSegmentsReplySchema,
)
from shared.contracts.clv_predictive import ClvCustomerDetailSchema
from shared.contracts.nps_value import NPS_GROUPING

READERS = ("finance", "analyst")

clv_blueprint = ApiBlueprint("clv", __name__, url_prefix="/v1/clv",
                             description="Customer lifetime value (BG/NBD + Gamma-Gamma, sBG for contracts)")


@clv_blueprint.route("/fits")
class ClvFits(MethodView):
    @require_roles("finance")
    @clv_blueprint.arguments(ClvFitCreateSchema)
    @clv_blueprint.response(201, ClvFitSchema, description="fitted at once (small customer base)")
    @clv_blueprint.alt_response(202, schema=ClvFitSchema, description="queued for the worker")
    def post(self, args):
        """Fit BG/NBD and Gamma-Gamma up to ``as_of``; large fits run in the worker (finance)."""
        config = current_app.config
        fit = request_fit(get_session(), now=current_app.extensions["clock"].now(),
                          inline_max_customers=config["CLV_INLINE_MAX_CUSTOMERS"], n_draws=config["CLV_DRAWS"],
                          **args)
        headers = {"Location": url_for("clv.ClvFitById", fit_id=fit.id)}
        return fit_reply(fit), 202 if fit.status == "pending" else 201, headers


@clv_blueprint.route("/fits/<string:fit_id>")
class ClvFitById(MethodView):
    @require_roles(*READERS)
    @clv_blueprint.response(200, ClvFitSchema)
    def get(self, fit_id):
        """A fit: status, parameters with standard errors, diagnostics, calibration check."""
        return fit_reply(get_fit(get_session(), fit_id))


def _csv_page(page: dict) -> Response:
    quantities = ("clv", "probability_alive", "expected_purchases", "expected_spend")
    columns = (["customer_id", "segment", "frequency", "recency", "age", "monetary"]
               + [f"{q}{suffix}" for q in quantities for suffix in ("", "_ci_low", "_ci_high")])
    rows = ([c["customer_id"], c["segment"], c["frequency"], c["recency"], c["age"], c["monetary"]]
            + [c[q][key] for q in quantities for key in ("value", "ci_low", "ci_high")] for c in page["customers"])
    response = csv_response(columns, rows, "clv-customers.csv")
    response.headers["X-Fit-Id"] = page["fit_id"]
    if page["next_cursor"]:
        response.headers["X-Next-Cursor"] = page["next_cursor"]
    return response


def _csv_contract_page(page: dict) -> Response:
    columns = ["customer_id", "segment", "recurring_value", "renewals", "expected_residual_lifetime",
               "clv", "clv_ci_low", "clv_ci_high"]
    rows = ([c["customer_id"], c["segment"], c["recurring_value"], c["renewals"],
             c["expected_residual_lifetime"]["value"], c["clv"]["value"], c["clv"]["ci_low"], c["clv"]["ci_high"]]
            for c in page["customers"])
    response = csv_response(columns, rows, "clv-contract-customers.csv")
    if page["next_cursor"]:
        response.headers["X-Next-Cursor"] = page["next_cursor"]
    return response


@clv_blueprint.route("/customers")
class ClvCustomers(MethodView):
    @require_roles(*READERS)
    @clv_blueprint.arguments(ClvCustomerListArgsSchema, location="query")
    @clv_blueprint.response(200, ClvCustomerPageSchema)
    @clv_blueprint.doc(**csv_alternative("with Accept: text/csv; the next cursor in the X-Next-Cursor header"))
    def get(self, args):
        """Customers by CLV with intervals, in cursor pages: of a fit, or with ``kind=contractual`` those with an
        active contract; ``Accept: text/csv`` for CSV."""
        if args.pop("kind") == "contractual":
            del args["fit_id"]  # refused with this kind by the schema
            page = list_contract_values(get_session(), now=current_app.extensions["clock"].now(), **args)
            return _csv_contract_page(page) if wants_csv() else page
        page = list_customer_values(get_session(), n_draws=current_app.config["CLV_DRAWS"], **args)
        return _csv_page(page) if wants_csv() else page


@clv_blueprint.route("/customers/<string:customer_id>")
class ClvCustomer(MethodView):
    @require_roles(*READERS)
    @clv_blueprint.arguments(ClvCustomerArgsSchema, location="query")
    @clv_blueprint.response(200, ClvCustomerDetailSchema)
    def get(self, args, customer_id):
        """One customer's P(alive), expected purchases and spend, and discounted CLV, with intervals.

        The intervals of those quantities cover uncertainty in the model's parameters: how sure the model
        is of the average for customers with this history, not the spread of this customer's own future.
        `predictive` gives that spread: the customer's own future purchases and spend over the horizon
        (mean, probability of none, quantiles, central interval at `confidence`), simulated from the
        fitted models' posterior predictive with 10,000 futures over the same parameter draws, so it
        includes parameter uncertainty; the same reply on every call. Null for contract customers."""
        return customer_clv(get_session(), customer_id=customer_id, now=current_app.extensions["clock"].now(),
                            n_draws=current_app.config["CLV_DRAWS"], predictive=True, **args)


@clv_blueprint.route("/segments")
class ClvSegments(MethodView):
    @require_roles(*READERS)
    @clv_blueprint.arguments(ClvSegmentArgsSchema, location="query")
    @clv_blueprint.response(200, ClvSegmentsReplySchema)
    @clv_blueprint.doc(**csv_alternative("one line per segment, the fit's (model bgnbd_gamma_gamma) then the "
                                         "contracts' (model sbg); the fit's id in the X-Fit-Id header"))
    def get(self, args):
        """Sum and mean CLV per segment with intervals, from the fit's parameter draws; contract customers
        separately (``contractual``), valued with the sBG model of all contracts.

        Send `Accept: text/csv` for one CSV line per segment (the fit's segments only).

        `group_by=nps_group&survey=<relationship survey>` adds `nps_groups`: the fit's customers (of
        `segment`, if given) split by their latest answer to that survey's NPS question up to the fit's
        `as_of` (promoter, passive, detractor, and `not_asked`), each group's mean CLV (Student t over
        customers) and repeat-purchase rate (Wilson), and promoters minus detractors (Welch; Newcombe)."""
        group_by, survey, question = args.pop("group_by"), args.pop("survey"), args.pop("question")
        segment, confidence = args.pop("segment"), args.pop("confidence")
        report = segment_values(get_session(), now=current_app.extensions["clock"].now(), **args)
        report["nps_groups"] = None
        if group_by == NPS_GROUPING:
            report["nps_groups"] = nps_group_values(get_session(), fit_id=report["fit_id"], survey=survey,
                                                    question=question, segment=segment, confidence=confidence)
        if not wants_csv():
            return report
        response = csv_response(*segment_table(report), "clv-segments.csv")
        response.headers["X-Fit-Id"] = report["fit_id"]
        return response
