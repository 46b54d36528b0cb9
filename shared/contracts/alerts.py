"""Alert subscriptions, alert episodes and deliveries, test sends, and the notice a channel receives
(``/v1/subscriptions``, ``/v1/alerts`` on notifier)."""

from __future__ import annotations

from datetime import timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.channels import URL_ALERT_CHANNELS, AlertChannelType
from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import Duration, FiniteFloat, Id, JsonSafeDict, Offset, SingleLine, Timestamp, TimeZoneName
from shared.contracts.scores import ATTRIBUTE_GROUP, COMPARE_METRICS, METRICS, ScopeArgsSchema
from shared.statuses import values

SUBSCRIPTION_METRICS = COMPARE_METRICS  # a subscription watches what compare compares
RULE_KINDS = ("drop", "threshold", "low_score")
CHANNEL_TYPES = values(AlertChannelType)
LANGUAGES = ("en", "ko")
SCOPE_GROUPS = ("touchpoint", "survey", "channel")


def _check_group(name: str) -> None:
    if name not in SCOPE_GROUPS and not ATTRIBUTE_GROUP.match(name):
        raise ValidationError(f"unknown group {name!r}; use {', '.join(SCOPE_GROUPS)} or attr.<attribute>")


class SubscriptionScopeSchema(ScopeArgsSchema):
    """Which responses count: the filters of ``/v1/scores``; ``group_by`` gives one episode per group."""

    group_by = fields.List(fields.String(validate=_check_group), load_default=list,
                           validate=validate.Length(max=2))


class RuleSchema(StrictSchema):
    """When to alert.

    ``drop``: one one-sided test per aligned window (see the service README); ``threshold``: the
    interval's upper bound (one-sided level ``alpha``) is under ``target``; ``low_score``: each
    low-score response in scope, or a digest every ``digest_minutes``.
    """

    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    window = Duration(load_default=timedelta(days=7))
    baseline = fields.String(load_default="last_n", validate=validate.OneOf(["previous", "last_n"]))
    baseline_windows = fields.Integer(load_default=12, validate=validate.Range(1, 52))
    alpha = fields.Float(load_default=0.05, validate=validate.Range(0.001, 0.5),
                         metadata={"description": "stated false-alarm rate per window"})
    min_drop = fields.Float(load_default=5.0, validate=validate.Range(0, 200),
                            metadata={"description": "smallest decrease worth an alert, in the metric's units"})
    min_n = fields.Integer(load_default=30, validate=validate.Range(0, 1_000_000))
    target = fields.Float(allow_none=True, load_default=None)
    digest_minutes = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1, 1440))
    explain_by = fields.String(allow_none=True, load_default=None, validate=_check_group, metadata={
        "description": "the grouping a significant drop is explained by in its notice (top three segment "
                       "contributions and rising low-score keywords, from `GET /v1/scores/compare?explain=`); "
                       "null: the first of touchpoint, channel, survey that the scope does not fix"})

    @validates_schema
    def _consistent(self, data, **_kwargs) -> None:
        if data["kind"] == "threshold" and data.get("target") is None:
            raise ValidationError("a threshold rule needs a target", "target")
        if data["kind"] != "low_score" and data.get("digest_minutes") is not None:
            raise ValidationError("digests are for low_score rules", "digest_minutes")


MAX_CHANNELS = 10  # channels of one subscription

class ChannelSchema(StrictSchema):
    """Where notices go: an email address, a Slack incoming webhook, or a signed webhook."""

    id = fields.String(dump_only=True)
    type = fields.String(required=True, validate=validate.OneOf(CHANNEL_TYPES))
    address = fields.Email(allow_none=True, load_default=None)
    url = fields.Url(allow_none=True, load_default=None, schemes={"http", "https"}, require_tld=False)
    secret = fields.String(load_only=True, allow_none=True, load_default=None,
                           validate=validate.Length(min=16, max=200),
                           metadata={"description": "webhook: the signing secret (Standard Webhooks; a receiver's "
                                                    "library takes it as whsec_ + base64 of it); never returned"})
    previous_secret = fields.String(
        load_only=True, allow_none=True, load_default=None, validate=validate.Length(min=16, max=200),
        metadata={"description": "webhook, during a secret rotation: the old secret, which still signs each "
                                 "notice beside the new one (two v1 signatures) until the channel is saved "
                                 "without it; never returned"})

    @validates_schema
    def _target(self, data, **_kwargs) -> None:
        kind = data["type"]
        if kind == AlertChannelType.EMAIL and not data.get("address"):
            raise ValidationError("an email channel needs an address", "address")
        if kind in URL_ALERT_CHANNELS and not data.get("url"):
            raise ValidationError(f"a {kind} channel needs a url", "url")
        if kind == AlertChannelType.WEBHOOK and not data.get("secret"):
            raise ValidationError("a webhook channel needs a secret of 16+ characters", "secret")


class ChannelReplySchema(ReplySchema):
    """A channel as the API returns it: its id and where it sends (never a secret)."""

    id = fields.String(allow_none=True)
    type = fields.String(required=True)
    address = fields.String(allow_none=True)
    url = fields.String(allow_none=True)


class SubscriptionCreateSchema(StrictSchema):
    """``POST /v1/subscriptions``."""

    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    owner = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "admins only: the owning key's id; default: the caller's key id"})
    metric = fields.String(required=True, validate=validate.OneOf(SUBSCRIPTION_METRICS))
    volume_of = fields.String(load_default="nps", validate=validate.OneOf(METRICS),
                              metadata={"description": "volume counts the answers of this score question"})
    scope = fields.Nested(SubscriptionScopeSchema, load_default=dict)
    rule = fields.Nested(RuleSchema, required=True)
    channels = fields.List(fields.Nested(ChannelSchema), required=True, validate=validate.Length(1, MAX_CHANNELS))
    lang = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))
    time_zone = TimeZoneName(load_default="UTC", validate=validate.Length(max=64),
                             metadata={"description": "IANA zone of the dates and times in notices, e.g. Asia/Seoul"})
    cooldown_minutes = fields.Integer(load_default=24 * 60, validate=validate.Range(1, 60 * 24 * 90))
    muted_until = Timestamp(allow_none=True, load_default=None)
    active = fields.Boolean(load_default=True)

    @validates_schema
    def _metric_rule(self, data, **_kwargs) -> None:
        if data["metric"] == "volume" and data["rule"]["kind"] == "low_score":
            raise ValidationError("low_score rules watch nps, csat or ces", "metric")


class SubscriptionPatchSchema(StrictSchema):
    """``PATCH /v1/subscriptions/{id}``: any subset of the fields."""

    name = SingleLine(validate=validate.Length(min=1, max=200))
    scope = fields.Nested(SubscriptionScopeSchema)
    rule = fields.Nested(RuleSchema)
    channels = fields.List(fields.Nested(ChannelSchema), validate=validate.Length(1, MAX_CHANNELS))
    lang = fields.String(validate=validate.OneOf(LANGUAGES))
    time_zone = TimeZoneName(validate=validate.Length(max=64))
    cooldown_minutes = fields.Integer(validate=validate.Range(1, 60 * 24 * 90))
    muted_until = Timestamp(allow_none=True)
    active = fields.Boolean()


class SubscriptionQueryArgsSchema(StrictSchema):
    """``GET /v1/subscriptions``."""

    owner = fields.String(load_default=None, metadata={"description": "admins: only this owner's (a key id)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = Offset()


class SubscriptionSchema(ReplySchema):
    """A subscription as the API returns it (webhook secrets are never returned)."""

    id = fields.String(required=True)
    owner = fields.String(required=True)
    name = fields.String(required=True)
    metric = fields.String(required=True)
    volume_of = fields.String(required=True)
    scope = fields.Dict(required=True)
    rule = fields.Dict(required=True)
    channels = fields.List(fields.Nested(ChannelReplySchema), required=True)
    lang = fields.String(required=True)
    time_zone = fields.String(load_default="UTC")
    cooldown_minutes = fields.Integer(required=True)
    muted_until = fields.AwareDateTime(allow_none=True)
    active = fields.Boolean(required=True)
    next_evaluation_at = fields.AwareDateTime(allow_none=True)
    decided_window_end = fields.AwareDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class SubscriptionListSchema(ReplySchema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)


class DeliverySchema(ReplySchema):
    """A notice for one channel and its delivery state (from the outbox)."""

    id = fields.Integer(required=True)
    subscription_id = fields.String(required=True)
    episode_id = fields.Integer(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(
        ["firing", "repeat", "resolved", "low_score", "low_score_update", "digest", "test"]))
    channel_type = fields.String(required=True)
    target = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, delivered or dead"})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    delivered_at = fields.AwareDateTime(allow_none=True)


class EpisodeSchema(ReplySchema):
    """One alert episode: firing until the score recovers, then resolved."""

    id = fields.Integer(required=True)
    subscription_id = fields.String(required=True)
    scope_key = fields.String(required=True)
    group = fields.Dict(required=True)
    state = fields.String(required=True, validate=validate.OneOf(["firing", "resolved"]))
    opened_at = fields.AwareDateTime(required=True)
    notified_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    notices = fields.Integer(required=True)
    snapshot = JsonSafeDict(required=True)
    deliveries = fields.List(fields.Nested(DeliverySchema), required=True)


class AlertQueryArgsSchema(StrictSchema):
    """``GET /v1/alerts``."""

    subscription_id = fields.String(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(["firing", "resolved"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    before = Id(load_default=None, metadata={"description": "only episodes older than this one (its id): the "
                                                            "next page is the reply's next_before"})


class AlertListSchema(ReplySchema):
    """Episodes with their deliveries, and notices outside episodes (low-score, digest, test)."""

    episodes = fields.List(fields.Nested(EpisodeSchema), required=True)
    notices = fields.List(fields.Nested(DeliverySchema), required=True)
    next_before = fields.Integer(allow_none=True, metadata={
        "description": "the ``before`` of the next page of episodes; null on the last page"})


class TestSendResultSchema(ReplySchema):
    """``POST /v1/subscriptions/{id}/test``: one queued delivery per channel."""

    deliveries = fields.List(fields.Nested(DeliverySchema), required=True)


class NoticeEstimateSchema(ReplySchema):
    value = FiniteFloat(allow_none=True)
    ci_low = FiniteFloat(allow_none=True)
    ci_high = FiniteFloat(allow_none=True)
    n = fields.Integer(allow_none=True)


class NoticeSchema(ReplySchema):
    """The body a webhook receives, signed by Standard Webhooks (``webhook-id``, ``webhook-timestamp``,
    ``webhook-signature``; see shared/webhook_signing.py)."""

    kind = fields.String(required=True)
    subscription_id = fields.String(required=True)
    subscription_name = fields.String(required=True)
    metric = fields.String(allow_none=True)
    scope = fields.Dict(load_default=dict)
    group = fields.Dict(load_default=dict)
    window = fields.Dict(load_default=dict)
    current = fields.Nested(NoticeEstimateSchema, allow_none=True)
    baseline = fields.Nested(NoticeEstimateSchema, allow_none=True)
    difference = fields.Nested(NoticeEstimateSchema, allow_none=True)
    p_value = FiniteFloat(allow_none=True)
    reason = fields.String(allow_none=True)
    keywords = fields.List(fields.String(), load_default=list)
    trend = fields.List(fields.Dict(), load_default=list)
    explanation = fields.Dict(allow_none=True, load_default=None, metadata={
        "description": "firing and repeat notices of a significant drop: the top three segment contributions "
                       "(`grouping`, `change`, `contributions`) and rising low-score `keywords`, as "
                       "`GET /v1/scores/compare?explain=` gives them; null when there is nothing to explain"})
    signals = fields.List(fields.Dict(), load_default=list)
    link = fields.String(allow_none=True)
    sent_for = fields.String(allow_none=True)
