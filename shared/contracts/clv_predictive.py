"""The predictive spread of one customer's own future purchases and spend (``GET /v1/clv/customers/{id}``).

The intervals of ``clv``, ``expected_purchases`` ... cover the uncertainty in the model's parameters:
how sure the model is of the average for customers with this history. ``predictive`` covers where
this one customer's purchases and spend over the horizon may land (simulated from the model's
posterior predictive, parameter draws included), which is far wider.
"""

from __future__ import annotations

from marshmallow import fields

from shared.contracts.base import ReplySchema
from shared.contracts.clv import ClvCustomerSchema

PREDICTIVE_COVERS = ("the spread of this customer's own future purchases and spend over the horizon, "
                     "including parameter uncertainty")
#: What the parameter interval of each quantity covers, said the same way wherever it is documented.
PARAMETER_INTERVAL_COVERS = ("uncertainty in the model's parameters (how sure the model is of the average "
                             "for customers with this history), not the spread of one customer's future spend")


class PredictiveQuantileSchema(ReplySchema):
    """One quantile of a simulated future quantity."""

    level = fields.Float(required=True, metadata={"description": "for example 0.05, 0.5, 0.95"})
    value = fields.Float(required=True)


class PredictiveSpreadSchema(ReplySchema):
    """Mean, probability of zero, quantiles and a central interval of one future quantity."""

    mean = fields.Float(required=True)
    probability_zero = fields.Float(required=True, metadata={"description": "share of futures with none"})
    quantiles = fields.List(fields.Nested(PredictiveQuantileSchema), required=True,
                            metadata={"description": "5, 10, 25, 50, 75, 90 and 95 %"})
    ci_low = fields.Float(required=True)
    ci_high = fields.Float(required=True)
    confidence = fields.Float(required=True, metadata={
        "description": "central interval level; with a mass at zero it holds at least this share"})


class ClvPredictiveSchema(ReplySchema):
    """Where this customer's own future may land: """ + PREDICTIVE_COVERS + "."

    purchases = fields.Nested(PredictiveSpreadSchema, required=True,
                              metadata={"description": "number of purchases over the horizon"})
    value = fields.Nested(PredictiveSpreadSchema, required=True,
                          metadata={"description": "spend over the horizon, discounted as ``clv`` is"})
    paths = fields.Integer(required=True, metadata={"description": "simulated futures"})
    parameter_draws = fields.Integer(required=True, metadata={
        "description": "parameter draws the futures pick from (those of the parameter intervals)"})
    horizon = fields.Integer(required=True)
    method = fields.String(required=True)


class ClvCustomerDetailSchema(ClvCustomerSchema):
    """CLV of one customer, with ``predictive``: the spread of their own future purchases and spend."""

    predictive = fields.Nested(ClvPredictiveSchema, allow_none=True, metadata={"description": (
        f"{PREDICTIVE_COVERS[0].upper()}{PREDICTIVE_COVERS[1:]} (the other intervals cover "
        f"{PARAMETER_INTERVAL_COVERS}). Null for contract customers: their value is the recurring value "
        "times the sBG expected remaining lifetime, and no per-customer spread is offered for it.")})
