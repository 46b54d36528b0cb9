"""Demo customers of 하늘마켓 (Haneul Market): Korean and English names, contact data, attributes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Family names with rough weights (김, 이, 박 cover almost half of Korea) and their romanization.
KOREAN_FAMILY = [("김", "kim", 21), ("이", "lee", 15), ("박", "park", 8), ("최", "choi", 5), ("정", "jung", 5),
                 ("강", "kang", 2), ("조", "cho", 2), ("윤", "yoon", 2), ("장", "jang", 2), ("임", "lim", 2),
                 ("한", "han", 1), ("오", "oh", 1), ("서", "seo", 1), ("신", "shin", 1), ("권", "kwon", 1),
                 ("황", "hwang", 1), ("안", "ahn", 1), ("송", "song", 1), ("류", "ryu", 1), ("홍", "hong", 1)]
KOREAN_GIVEN = {
    "F": [("서연", "seoyeon"), ("지우", "jiwoo"), ("하은", "haeun"), ("수빈", "subin"), ("예은", "yeeun"),
          ("지민", "jimin"), ("유진", "yujin"), ("민지", "minji"), ("소윤", "soyun"), ("채원", "chaewon"),
          ("다은", "daeun"), ("지현", "jihyun"), ("은지", "eunji"), ("혜진", "hyejin"), ("미경", "migyeong")],
    "M": [("민준", "minjun"), ("서준", "seojun"), ("도윤", "doyun"), ("현우", "hyunwoo"), ("지훈", "jihoon"),
          ("준호", "junho"), ("성민", "seongmin"), ("우진", "woojin"), ("동현", "donghyun"), ("재원", "jaewon"),
          ("태현", "taehyun"), ("상훈", "sanghoon"), ("영수", "youngsoo"), ("정우", "jungwoo"), ("건우", "gunwoo")],
}
ENGLISH_FAMILY = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Clark", "Walker", "Hall", "Young",
                  "King", "Wright", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Turner", "Cooper"]
ENGLISH_GIVEN = {
    "F": ["Emma", "Olivia", "Sophie", "Grace", "Chloe", "Hannah", "Emily", "Lucy", "Amelia", "Mia", "Sarah"],
    "M": ["James", "Oliver", "Daniel", "Liam", "Noah", "Ethan", "Lucas", "Jack", "Henry", "Samuel", "Ryan"],
}
KOREAN_REGIONS = [("Seoul", 34), ("Gyeonggi", 22), ("Busan", 10), ("Incheon", 8), ("Daegu", 7), ("Daejeon", 5),
                  ("Gwangju", 4), ("Ulsan", 3), ("Jeju", 2)]
# English-speaking customers: expats in Seoul and people abroad who order gifts home.
ENGLISH_REGIONS = [("Seoul", "Asia/Seoul", 40), ("London", "Europe/London", 15),
                   ("New York", "America/New_York", 15), ("Toronto", "America/Toronto", 10),
                   ("Sydney", "Australia/Sydney", 10), ("Singapore", "Asia/Singapore", 10)]
AGE_BANDS = [("18-24", 14), ("25-34", 30), ("35-44", 27), ("45-54", 17), ("55+", 12)]
PLANS = [("basic", 70), ("plus", 22), ("premium", 8)]


@dataclass
class Customer:
    """One demo customer, as the journey events carry it."""

    id: str
    name: str
    email: str
    phone: str
    locale: str
    time_zone: str
    attributes: dict = field(default_factory=dict)
    buyer: bool = True
    purchase_rate: float = 0.0  # expected orders per week while alive
    spend: float = 0.0  # typical basket, KRW
    dropout_week: float = 1e9  # BG/NBD-style: the week the customer stops buying

    @property
    def lang(self) -> str:
        return self.locale[:2]

    def as_event_customer(self) -> dict:
        """The ``customer`` object of a journey event."""
        return {"id": self.id, "email": self.email, "phone": self.phone, "locale": self.locale,
                "time_zone": self.time_zone, "attributes": {"name": self.name, **self.attributes}}


def _weighted(rng: random.Random, items: list[tuple]) -> tuple:
    return rng.choices(items, weights=[item[-1] for item in items])[0]


def _phone(zone: str, first: int, second: int) -> str:
    """A mobile number of the customer's country (fictional ranges for the US and the UK)."""
    if zone.startswith("America"):
        area = "416" if zone == "America/Toronto" else "212"
        return f"+1 {area}-555-{first % 100 + 100:04d}"  # 555-0100..0199: fictional
    if zone.startswith("Europe/London"):
        return f"+44 7700 900{second % 1000:03d}"  # 07700 900000..900999: Ofcom drama numbers
    if zone == "Australia/Sydney":
        return f"+61 491 570 {first % 1000:03d}"
    if zone == "Asia/Singapore":
        return f"+65 8{first % 1000:03d} {second}"
    return f"+82 10-{first}-{second}"


def make_customers(rng: random.Random, count: int, *, english_share: float = 0.2) -> list[Customer]:
    """``count`` customers; deterministic for a given ``rng`` state."""
    customers = []
    for number in range(1, count + 1):
        gender = rng.choices(["F", "M", "X"], weights=[50, 48, 2])[0]
        name_gender = gender if gender != "X" else rng.choice("FM")
        age_band = _weighted(rng, AGE_BANDS)[0]
        plan = _weighted(rng, PLANS)[0]
        if rng.random() < english_share:
            given = rng.choice(ENGLISH_GIVEN[name_gender])
            family = rng.choice(ENGLISH_FAMILY)
            region, zone, _ = _weighted(rng, ENGLISH_REGIONS)
            name, locale = f"{given} {family}", "en-US" if zone.startswith("America") else "en-GB"
            handle = f"{given}.{family}".lower()
        else:
            family, family_roman, _ = _weighted(rng, KOREAN_FAMILY)
            given, given_roman = rng.choice(KOREAN_GIVEN[name_gender])
            region, zone, locale = _weighted(rng, KOREAN_REGIONS)[0], "Asia/Seoul", "ko-KR"
            name, handle = family + given, f"{given_roman}.{family_roman}"
        customer = Customer(
            id=f"hm-{number:05d}", name=name, email=f"{handle}{number}@example.com",
            phone=_phone(zone, rng.randint(1000, 9999), rng.randint(1000, 9999)), locale=locale, time_zone=zone,
            attributes={"age_band": age_band, "gender": gender, "region": region, "plan": plan})
        customer.buyer = rng.random() < 0.78
        # Heterogeneous purchase rates (gamma) and spend; plus/premium members buy more often.
        boost = {"basic": 1.0, "plus": 1.6, "premium": 2.2}[plan]
        customer.purchase_rate = rng.gammavariate(0.9, 0.22) * boost
        customer.spend = rng.lognormvariate(10.6, 0.45)  # ~40,000 KRW median basket
        customer.dropout_week = rng.expovariate(1 / 70)
        customers.append(customer)
    return customers
