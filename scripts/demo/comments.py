"""Free-text comments of the demo responses, by touchpoint, language and mood."""

from __future__ import annotations

import random

GOOD, MIXED, BAD = "good", "mixed", "bad"

COMMENTS = {
    "delivery": {
        "ko": {GOOD: ["배송이 빨라서 좋았어요", "새벽배송 최고예요", "포장이 꼼꼼했어요", "기사님이 친절하셨어요",
                      "주문한 다음 날 바로 왔어요", "신선식품 상태가 좋았어요"],
               MIXED: ["배송은 괜찮았는데 포장이 과해요", "하루 늦었지만 괜찮아요", "배송 시간 안내가 있으면 좋겠어요"],
               BAD: ["배송이 하루 늦었어요", "문 앞이 아니라 경비실에 두고 갔어요", "아이스팩이 다 녹았어요"]},
        "en": {GOOD: ["Fast delivery, thank you", "Arrived the next morning, great", "Well packed and on time",
                      "The driver was very friendly"],
               MIXED: ["Delivery was fine but too much plastic", "A day late but okay"],
               BAD: ["Left at the wrong door", "The ice packs had melted"]},
    },
    # The month the new carrier took over: late parcels and crushed boxes.
    "delivery_dip": {
        "ko": ["배송이 너무 늦었어요", "포장이 엉망이었어요", "배송이 너무 늦고 포장이 엉망이에요",
               "박스가 찌그러져서 왔어요", "배송 지연 안내도 없었어요", "배송이 사흘이나 늦었어요",
               "택배 상자가 파손되어 왔어요", "배송 조회가 안 돼요. 너무 늦었어요"],
        "en": ["Late delivery again", "Damaged box, the jar was broken", "Very late delivery and no update",
               "The box arrived damaged", "Late delivery, three days after the promised date"],
    },
    "purchase": {
        "ko": {GOOD: ["결제가 간편해요", "쿠폰 적용이 쉬웠어요", "주문 과정이 빨라요"],
               MIXED: ["결제 단계가 조금 많아요", "쿠폰 찾기가 어려웠어요"],
               BAD: ["결제 오류가 났어요", "카드 결제가 계속 실패했어요"]},
        "en": {GOOD: ["Checkout was quick", "Easy payment with my card"],
               MIXED: ["Too many steps at checkout"],
               BAD: ["Payment failed twice", "Coupon code did not work"]},
    },
    "support": {
        "ko": {GOOD: ["상담원이 친절했어요", "문제를 빨리 해결해 주셨어요", "답변이 정확했어요"],
               MIXED: ["해결은 됐는데 연결이 오래 걸렸어요"],
               BAD: ["상담 연결이 너무 오래 걸려요", "같은 설명을 여러 번 했어요"]},
        "en": {GOOD: ["Helpful and friendly agent", "Solved in one call"],
               MIXED: ["Solved, but the wait was long"],
               BAD: ["Waited an hour for a reply", "Had to explain my issue three times"]},
    },
    "return_refund": {
        "ko": {GOOD: ["환불이 빨랐어요", "반품 수거가 편했어요"], MIXED: ["환불까지 일주일 걸렸어요"],
               BAD: ["환불이 너무 느려요", "반품 수거 기사님이 안 오셨어요"]},
        "en": {GOOD: ["Quick refund", "Easy return pickup"], MIXED: ["Refund took a week"],
               BAD: ["Still waiting for my refund", "Nobody came to pick up the return"]},
    },
    "onboarding": {
        "ko": {GOOD: ["가입이 간단했어요", "카카오 로그인이 편해요"], MIXED: ["인증 문자가 늦게 왔어요"],
               BAD: ["본인인증이 계속 실패해요"]},
        "en": {GOOD: ["Simple sign-up"], MIXED: ["Verification text came late"],
               BAD: ["Could not verify my phone number abroad"]},
    },
    "consideration": {
        "ko": {GOOD: ["상품이 다양해요", "구경하기 편해요"], MIXED: ["배송비가 아까워요", "조금 더 고민해 볼게요"],
               BAD: ["가격이 비싸요", "검색이 잘 안 돼요"]},
        "en": {GOOD: ["Great selection"], MIXED: ["Shipping fee is a bit high"],
               BAD: ["Prices are too high", "Search did not find anything"]},
    },
}


def comment_for(rng: random.Random, touchpoint: str, lang: str, mood: str, *, dip: bool = False) -> str | None:
    """A comment or None (about half the respondents leave one, unhappy ones more often)."""
    if rng.random() > {GOOD: 0.4, MIXED: 0.5, BAD: 0.75}[mood]:
        return None
    if dip and touchpoint == "delivery" and mood != GOOD:
        return rng.choice(COMMENTS["delivery_dip"][lang])
    return rng.choice(COMMENTS[touchpoint][lang][mood])
