"""The one retry backoff: exponential growth to a cap, with jitter so that retries spread out.

Used by the HTTP client between services (short in-request retries, full jitter), the outbox relay
and invitation delivery (retries over minutes to hours, jitter in the upper half).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """Wait before retry ``n`` (1-based): ``min(cap, base * 2**(n-1))`` times a random factor.

    The factor is drawn from [0.5, 1] by default, or from [0, 1] with ``full_jitter`` (for many
    clients retrying at once against one server).
    """

    base_seconds: float = 2.0
    cap_seconds: float = 3600.0
    full_jitter: bool = False

    def seconds(self, attempts: int, rng: random.Random) -> float:
        """Seconds to wait after ``attempts`` failed attempts."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return ceiling * rng.uniform(0.0 if self.full_jitter else 0.5, 1.0)

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """The same wait as a ``timedelta``."""
        return timedelta(seconds=self.seconds(attempts, rng))
