"""The demo's customers look like real ones: phone numbers of their own country, accepted by the API."""

from __future__ import annotations

import random

from scripts.demo.people import make_customers
from shared.contracts.events import PHONE

PREFIXES = {"Asia/Seoul": "+82 10-", "Europe/London": "+44 7700 900", "America/New_York": "+1 212-555-01",
            "America/Toronto": "+1 416-555-01", "Australia/Sydney": "+61 ", "Asia/Singapore": "+65 "}


def test_phone_numbers_follow_the_customers_zone():
    customers = make_customers(random.Random(11), 600)
    zones = {customer.time_zone for customer in customers}
    assert zones == set(PREFIXES)
    for customer in customers:
        assert customer.phone.startswith(PREFIXES[customer.time_zone]), (customer.time_zone, customer.phone)
        assert PHONE(customer.phone) == customer.phone
