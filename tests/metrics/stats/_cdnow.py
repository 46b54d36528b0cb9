"""The CDNOW sample (Fader & Hardie) as transactions, summary and fitted models, loaded once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from services.metrics.stats.bgnbd import BGNBDFitter
from services.metrics.stats.gamma_gamma import GammaGammaFitter
from services.metrics.stats.rfm import RepeatPurchaseSummary, summarize_transactions

DATA = Path(__file__).resolve().parents[2] / "data" / "CDNOW_sample.txt"
CALIBRATION_END = "1997-09-30"  # 39 weeks after 1997-01-01, as in FHL (2005)


@lru_cache(maxsize=1)
def cdnow_transactions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer id within the sample, date as datetime64[D], dollar value) per transaction."""
    raw = np.loadtxt(DATA, dtype=np.int64, usecols=(1, 2))
    amounts = np.loadtxt(DATA, dtype=float, usecols=4)
    ymd = raw[:, 1]
    iso = [f"{d // 10000:04d}-{d // 100 % 100:02d}-{d % 100:02d}" for d in ymd]
    dates = np.array(iso, dtype="datetime64[D]")
    return raw[:, 0], dates, amounts


@lru_cache(maxsize=1)
def cdnow_summary() -> RepeatPurchaseSummary:
    """Repeat-purchase summary in weeks with the 39-week calibration period."""
    customers, dates, amounts = cdnow_transactions()
    return summarize_transactions(customers, dates, amounts, as_of=CALIBRATION_END, time_unit="week")


@lru_cache(maxsize=1)
def cdnow_fits() -> tuple[BGNBDFitter, GammaGammaFitter]:
    """BG/NBD and Gamma-Gamma fitted to the CDNOW summary."""
    s = cdnow_summary()
    return (BGNBDFitter().fit(s.frequency, s.recency, s.age),
            GammaGammaFitter().fit(s.frequency, s.monetary))
