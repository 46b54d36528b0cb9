"""Benchmark: BG/NBD + Gamma-Gamma fit and per-customer CLV with intervals, against lifetimes.

Simulates N customers from known BG/NBD and Gamma-Gamma parameters (fixed seed; CDNOW-like:
weekly units, first purchases spread over 12 weeks, a 39-week calibration period, recency on
whole days, spend in cents), then times, each in a fresh subprocess:

- ours: ``BGNBDFitter`` + ``GammaGammaFitter`` (with Hessian standard errors), and the
  discounted 52-week CLV of every customer with percentile intervals over parameter draws;
- lifetimes 0.11.3 (only with ``--lifetimes-python``, a Python that has lifetimes installed,
  e.g. ``.bench-venv/bin/python``): ``BetaGeoFitter`` + ``GammaGammaFitter`` on the same data,
  and its point-estimate ``customer_lifetime_value`` (12 monthly steps, no intervals).

Fit times are the best of ``--repeat`` runs (default 3) in the same worker. Peak memory is the
worker process's peak resident set size (``VmHWM``): interpreter, libraries and the loaded data
included; the simulation runs in its own subprocess.

Both workers run with one BLAS thread by default (``--blas-threads``). On a busy two-core
machine a multi-threaded OpenBLAS made every call of scipy's L-BFGS-B step (``setulb``) take
about 2 ms instead of 9 us (it waits for worker threads to be scheduled); one thread per
process is also what a multi-process server should run with.

Usage::

    .venv/bin/python bench/bench_clv.py --sizes 100000 1000000 \\
        --lifetimes-python .bench-venv/bin/python

``run()`` returns the same figures as rows for ``bench/run_all.py`` (``make bench``), which
passes the lifetimes Python in ``CX_LIFETIMES_PYTHON``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TRUE_PURCHASE = (0.243, 4.414, 0.793, 2.426)  # r, alpha, a, b: FHL (2005) CDNOW estimates
TRUE_SPEND = (6.25, 3.74, 15.44)  # p, q, gamma: Fader & Hardie (2013)
HORIZON_WEEKS = 52
DEFAULT_SEED = 20240501
ANNUAL_DISCOUNT = 0.10
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def simulate(n: int, seed: int, path: Path) -> None:
    """Write a simulated repeat-purchase summary of ``n`` customers to ``path`` (.npz)."""
    sys.path.insert(0, str(ROOT))
    from services.metrics.stats.bgnbd import BGNBDParameters
    from services.metrics.stats.customer_simulation import simulate_bgnbd, simulate_mean_spend
    from services.metrics.stats.gamma_gamma import GammaGammaParameters

    rng = np.random.default_rng(seed)
    age_days = 273 - rng.integers(0, 84, n)
    sim = simulate_bgnbd(BGNBDParameters(*TRUE_PURCHASE), age_days / 7.0, rng)
    x = sim["frequency"]
    recency = np.floor(sim["recency"] * 7.0) / 7.0
    spend = simulate_mean_spend(GammaGammaParameters(*TRUE_SPEND), x, rng)
    monetary = np.where(x > 0, np.maximum(np.round(spend, 2), 0.01), 0.0)
    np.savez(path, frequency=x, recency=recency, age=age_days / 7.0, monetary=monetary)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    Linux's ``VmHWM`` belongs to the current program image; ``ru_maxrss`` (the fallback) also
    keeps the parent's size at fork, which would hide a small worker behind a big parent.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def best_of(repeat: int, run):
    """Shortest wall time of ``repeat`` calls of ``run`` and the last result."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def worker_ours(data: Path, n_draws: int, seed: int, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from services.metrics.stats.bgnbd import BGNBDFitter
    from services.metrics.stats.clv import customer_lifetime_value, draw_parameters, expected_lifetime_value
    from services.metrics.stats.gamma_gamma import GammaGammaFitter

    d = np.load(data)
    x, rec, age, m = d["frequency"], d["recency"], d["age"], d["monetary"]
    rss_loaded = peak_rss_mb()
    bg_s, bg = best_of(repeat, lambda: BGNBDFitter().fit(x, rec, age))
    gg_s, gg = best_of(repeat, lambda: GammaGammaFitter().fit(x, m))
    settings = dict(horizon=HORIZON_WEEKS, annual_discount_rate=ANNUAL_DISCOUNT, time_unit="week")
    t2 = time.perf_counter()
    draws = draw_parameters(bg, gg, n_draws=n_draws, rng=np.random.default_rng(seed))
    values = customer_lifetime_value(draws, x, rec, age, m, **settings)
    t3 = time.perf_counter()
    point = expected_lifetime_value(bg.params_, gg.params_, x, rec, age, m, **settings)
    t4 = time.perf_counter()
    return {
        "fit_bgnbd_s": bg_s, "fit_gg_s": gg_s, "clv_intervals_s": t3 - t2, "clv_point_s": t4 - t3,
        "params": list(bg.params_.as_array()) + list(gg.params_.as_array()),
        "converged": bool(bg.converged_ and gg.converged_), "n_unique_rows": bg.n_unique_,
        "total_clv": float(values.value.sum()),
        "max_abs_point_diff": float(np.abs(point - values.value).max()),
        "rss_loaded_mb": rss_loaded, "peak_rss_mb": peak_rss_mb(),
    }


def worker_lifetimes(data: Path, repeat: int) -> dict:
    import warnings

    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    warnings.simplefilter("ignore")
    d = np.load(data)
    x, rec, age, m = (pd.Series(d[k]) for k in ("frequency", "recency", "age", "monetary"))
    rss_loaded = peak_rss_mb()
    bg_s, bgf = best_of(repeat, lambda: BetaGeoFitter(penalizer_coef=0.0).fit(x, rec, age))
    buyers = x > 0
    gg_s, ggf = best_of(repeat, lambda: GammaGammaFitter(penalizer_coef=0.0).fit(x[buyers], m[buyers]))
    t2 = time.perf_counter()
    ggf.customer_lifetime_value(bgf, x, rec, age, m, time=12, discount_rate=0.01, freq="W")
    t3 = time.perf_counter()
    bp, gp = bgf.params_, ggf.params_
    return {
        "fit_bgnbd_s": bg_s, "fit_gg_s": gg_s, "clv_point_s": t3 - t2,
        "params": [bp["r"], bp["alpha"], bp["a"], bp["b"], gp["p"], gp["q"], gp["v"]],
        "rss_loaded_mb": rss_loaded, "peak_rss_mb": peak_rss_mb(),
    }


def run_worker(python: str, kind: str, data: Path, args: argparse.Namespace, n: int = 0) -> dict:
    cmd = [python, str(Path(__file__).resolve()), "--worker", kind, "--data", str(data), "--n", str(n),
           "--n-draws", str(args.n_draws), "--seed", str(args.seed), "--repeat", str(args.repeat)]
    env = dict(os.environ)
    if args.blas_threads:
        env.update({name: str(args.blas_threads) for name in BLAS_THREAD_VARIABLES})
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def figures(n: int, ours: dict, base: dict | None, n_draws: int) -> list[dict]:
    """Rows ``figure, value, baseline, ratio, goal`` (ratio = lifetimes / ours) for one size."""
    def row(figure: str, value: float, baseline: float | None, goal: str = "", ratio: bool = True,
            fmt: str = "{:.2f}") -> dict:
        return {"figure": f"{figure}, N={n:,}", "value": fmt.format(value),
                "baseline": "-" if baseline is None else fmt.format(baseline),
                "ratio": f"{baseline / value:.1f}x" if ratio and baseline is not None else "-", "goal": goal}

    fit_ours = ours["fit_bgnbd_s"] + ours["fit_gg_s"]
    rows = [
        row("CLV: BG/NBD fit (s)", ours["fit_bgnbd_s"], base and base["fit_bgnbd_s"]),
        row("CLV: Gamma-Gamma fit (s)", ours["fit_gg_s"], base and base["fit_gg_s"]),
        row("CLV: fit, both models (s)", fit_ours, base and base["fit_bgnbd_s"] + base["fit_gg_s"],
            ">= 10x faster than lifetimes"),
        row(f"CLV: per-customer CLV + {n_draws}-draw intervals (s)", ours["clv_intervals_s"], None,
            "lifetimes has no intervals", ratio=False),
        row("CLV: per-customer CLV, point only (s)", ours["clv_point_s"], base and base["clv_point_s"],
            "info: ours 52 weekly steps, lifetimes 12 monthly"),
        row("CLV: RSS after imports + data (MiB)", ours["rss_loaded_mb"], base and base["rss_loaded_mb"],
            ratio=False, fmt="{:.0f}"),
        row("CLV: peak RSS (MiB)", ours["peak_rss_mb"], base and base["peak_rss_mb"], "< 1024", fmt="{:.0f}"),
    ]
    if base:
        rel = float(np.max(np.abs(np.array(ours["params"]) / np.array(base["params"]) - 1)))
        rows.append(row("CLV: max relative parameter difference", rel, None, "<= 1e-3", ratio=False,
                        fmt="{:.1e}"))
    return rows


def print_table(n: int, ours: dict, base: dict | None, n_draws: int) -> None:
    rows = figures(n, ours, base, n_draws)
    print(f"\nN = {n:,} customers ({ours['n_unique_rows']:,} distinct (x, t_x, T) rows); "
          f"converged: {ours['converged']}")
    print(f"{'figure':58} {'ours':>8} {'lifetimes':>10} {'lt/ours':>8}  goal")
    for r in rows:
        print(f"{r['figure']:58} {r['value']:>8} {r['baseline']:>10} {r['ratio']:>8}  {r['goal']}")
    names = ("r", "alpha", "a", "b", "p", "q", "gamma")
    print("parameters (ours):      " + "  ".join(f"{k}={v:.5g}" for k, v in zip(names, ours["params"], strict=False)))
    if base:
        print("parameters (lifetimes): " + "  ".join(f"{k}={v:.5g}" for k, v in zip(names, base["params"], strict=False)))
    print(f"true: r, alpha, a, b = {TRUE_PURCHASE}; p, q, gamma = {TRUE_SPEND}")


def measure(n: int, args: argparse.Namespace, tmp: Path) -> tuple[dict, dict | None]:
    """Simulate ``n`` customers, then run our worker and (if configured) the lifetimes worker."""
    path = tmp / f"customers_{n}.npz"
    run_worker(sys.executable, "simulate", path, args, n=n)  # keeps this process small
    ours = run_worker(sys.executable, "ours", path, args)
    base = run_worker(args.lifetimes_python, "lifetimes", path, args) if args.lifetimes_python else None
    return ours, base


def run(pg_url: str | None = None, sizes: tuple[int, ...] = (100_000, 1_000_000)) -> list[dict]:
    """Figures for ``bench/run_all.py``; lifetimes comes from ``CX_LIFETIMES_PYTHON`` if set."""
    args = argparse.Namespace(n_draws=200, seed=DEFAULT_SEED, repeat=3, timeout=3600.0, blas_threads=1,
                              lifetimes_python=os.environ.get("CX_LIFETIMES_PYTHON"))
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            rows.extend(figures(n, *measure(n, args, Path(tmp)), args.n_draws))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lifetimes-python", help="Python executable with lifetimes 0.11.3 installed")
    parser.add_argument("--n-draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="fits timed this many times; best reported")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads in both workers (0: leave the environment alone); default 1")
    parser.add_argument("--worker", choices=("simulate", "ours", "lifetimes"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "simulate":
        simulate(args.n, args.seed, args.data)
        print(json.dumps({"simulated": args.n}))
        return
    if args.worker == "ours":
        print(json.dumps(worker_ours(args.data, args.n_draws, args.seed, args.repeat)))
        return
    if args.worker == "lifetimes":
        print(json.dumps(worker_lifetimes(args.data, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print_table(n, *measure(n, args, Path(tmp)), args.n_draws)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
