"""The demo company's journey: touchpoints, bilingual surveys and the triggers that send them."""

from __future__ import annotations

# The journey stages the survey service ships with; created here only if someone deleted one.
TOUCHPOINTS = [
    ("consideration", "Consideration", "Visitors who looked or filled a cart but did not buy"),
    ("onboarding", "Onboarding", "The first days after creating an account"),
    ("purchase", "Purchase", "Placing an order and paying"),
    ("delivery", "Delivery", "The parcel arriving at the door"),
    ("support", "Support", "A support ticket being closed"),
    ("return_refund", "Return / refund", "A return or refund being completed"),
]

_NPS = {"key": "nps", "type": "nps", "required": True, "dimension": "think", "driver": "product",
        "text": {"ko": "하늘마켓을 친구나 동료에게 추천하실 가능성은 얼마나 되나요?",
                 "en": "How likely are you to recommend Haneul Market to a friend or colleague?"}}
_COMMENT = {"key": "comment", "type": "text",
            "text": {"ko": "더 하고 싶은 말씀이 있으신가요?", "en": "Anything you would like to tell us?"}}


def _csat(ko: str, en: str, driver: str) -> dict:
    return {"key": "csat", "type": "csat", "required": True, "dimension": "feel", "driver": driver,
            "text": {"ko": ko, "en": en}}


def _survey(name: str, touchpoint: str, title: tuple[str, str], questions: list[dict], recontact: int = 30) -> dict:
    return {"name": name, "touchpoint": touchpoint, "default_language": "ko", "fallback_languages": ["en"],
            "recontact_days": recontact, "title": {"ko": title[0], "en": title[1]},
            "intro": {"ko": "1분이면 충분해요. 여러분의 의견으로 서비스를 개선합니다.",
                      "en": "It takes a minute, and it helps us get better."},
            "questions": questions}


SURVEYS = {
    "consideration": _survey("Browse exit (in-app)", "consideration", ("찾으시는 상품이 있으셨나요?", "Did you find what you were looking for?"), [
        _csat("오늘 쇼핑 경험에 만족하셨나요?", "How satisfied are you with shopping with us today?", "product"),
        {"key": "why_not", "type": "single_choice", "text": {"ko": "구매하지 않으신 이유는요?", "en": "What stopped you from buying?"},
         "choices": [{"key": "price", "label": {"ko": "가격", "en": "Price"}},
                     {"key": "shipping_fee", "label": {"ko": "배송비", "en": "Shipping fee"}},
                     {"key": "just_looking", "label": {"ko": "구경만 했어요", "en": "Just looking"}}]},
        _COMMENT], recontact=60),
    "onboarding": _survey("Welcome survey", "onboarding", ("하늘마켓에 오신 것을 환영합니다", "Welcome to Haneul Market"), [
        {"key": "ces", "type": "ces", "required": True, "dimension": "act", "driver": "process",
         "text": {"ko": "가입 과정이 얼마나 쉬웠나요?", "en": "How easy was it to sign up?"}}, _NPS, _COMMENT], recontact=365),
    "purchase": _survey("Checkout CSAT", "purchase", ("주문은 편리하셨나요?", "How was checking out?"), [
        _csat("주문과 결제 과정에 만족하셨나요?", "How satisfied are you with ordering and paying?", "process"),
        _NPS, _COMMENT]),
    "delivery": _survey("Delivery CSAT", "delivery", ("배송은 어떠셨나요?", "How was your delivery?"), [
        _csat("배송에 만족하셨나요?", "How satisfied are you with the delivery?", "process"),
        _NPS,
        {"key": "issues", "type": "multi_choice", "text": {"ko": "문제가 있었나요?", "en": "Was anything wrong?"},
         "choices": [{"key": "late", "label": {"ko": "늦은 배송", "en": "Late"}},
                     {"key": "damaged", "label": {"ko": "파손", "en": "Damaged"}},
                     {"key": "missing", "label": {"ko": "누락", "en": "Missing item"}},
                     {"key": "none", "label": {"ko": "없음", "en": "Nothing"}}]},
        _COMMENT]),
    "support": _survey("Support CES", "support", ("상담은 도움이 되셨나요?", "Did we solve your problem?"), [
        {"key": "ces", "type": "ces", "required": True, "dimension": "act", "driver": "people",
         "text": {"ko": "문제를 해결하기가 얼마나 쉬웠나요?", "en": "How easy was it to get your issue solved?"}},
        _csat("상담원에게 만족하셨나요?", "How satisfied are you with the agent?", "people"), _COMMENT]),
    "return_refund": _survey("Returns & refunds", "return_refund", ("반품·환불은 어떠셨나요?", "How was your return?"), [
        _csat("반품·환불 과정에 만족하셨나요?", "How satisfied are you with the return and refund?", "process"),
        _NPS, _COMMENT], recontact=14),
}

# touchpoint -> (trigger fields); the event types the history generator emits.
TRIGGERS = {
    "consideration": {"name": "Cart abandoned: ask in the app", "event_type": "cart.abandoned", "channel": "in_app",
               "sampling_rate": 0.2, "delay_minutes": 30, "expires_after_minutes": 2 * 24 * 60,
               "cancel_on": ["order.placed"]},
    "onboarding": {"name": "One day after sign-up", "event_type": "account.signed_up", "channel": "email",
               "delay_minutes": 24 * 60, "window_start": "09:00", "window_end": "21:00"},
    "purchase": {"name": "Right after checkout (30%)", "event_type": "order.placed", "channel": "in_app",
                 "sampling_rate": 0.3, "delay_minutes": 5},
    "delivery": {"name": "Two hours after delivery", "event_type": "order.delivered", "channel": "email",
                 "sampling_rate": 0.6, "delay_minutes": 120, "reminder_after_minutes": 3 * 24 * 60,
                 "cancel_on": ["return.requested"], "cancel_match_attribute": "order_id", "priority": 10},
    "support": {"name": "Ticket closed", "event_type": "support.ticket_closed", "channel": "email",
                "delay_minutes": 60, "conditions": [{"field": "event.resolution", "op": "ne", "value": "spam"}],
                "priority": 20},
    "return_refund": {"name": "Refund issued", "event_type": "refund.issued", "channel": "email", "delay_minutes": 60},
}
