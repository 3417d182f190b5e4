"""Monte Carlo over the uncertain inputs of a stress scenario.

Two things are uncertain in the deal ledger and the scenario:

* **amounts** — a deal stated as a range is sampled within it, and an "up to X" deal between
  ``up_to_floor x X`` and ``X`` (``uncertainty.up_to_floor``), uniformly or triangularly around
  the point amount (``uncertainty.amount_distribution``);
* **revenue paths** — each company's annual external-revenue growth is drawn from a normal
  distribution with the scenario's mean (``revenue_growth``) and standard deviation
  (``uncertainty.revenue_growth_sd``), independently per company and year.

All runs are sampled at once with a seedable :class:`numpy.random.Generator` and cleared in
batches of runs through :func:`.yearly_clearing.clear_years` (one block-diagonal sparse
clearing per batch and year). Outputs are DataFrames: default probability per company, and the
loss distribution with Value-at-Risk and expected shortfall (the mean loss in the worst
``1 - level`` tail; Acerbi & Tasche 2002) per company and for the whole system.

Example
-------
>>> import pandas as pd
>>> from dealweb.stress.scenario import Scenario
>>> companies = pd.DataFrame({"id": ["lab", "cloud"], "name": ["Lab", "Cloud"],
...                           "role": ["ai_lab", "cloud"]})
>>> deals = pd.DataFrame({"id": ["c1"], "payer_id": ["lab"], "payee_id": ["cloud"],
...     "kind": ["cloud_commitment"], "amount_usd_low": [float("nan")],
...     "amount_usd_high": [12e9], "up_to": [True], "usd_basis": ["stated"],
...     "status": ["announced"], "announced": [pd.Timestamp("2026-01-01")],
...     "term_start": [pd.NaT], "term_years": [2.0], "stake_pct": [float("nan")]})
>>> mc = monte_carlo(deals, companies, None, Scenario(horizon=2), runs=2000, seed=1)
>>> bool(0.3 < mc.companies.set_index("company_id").loc["lab", "default_probability"] < 0.8)
True
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from dealweb.stress.scenario import Scenario
from dealweb.stress.single_period import network_outcome
from dealweb.stress.system import StressSystem, prepare, revenue_paths
from dealweb.stress.yearly_clearing import CLEARING_MODELS, clear_years, equity_losses

#: Nodes per batched clearing (runs x (companies + 1)): large enough to amortise Python
#: overhead, small enough that one batch's arrays stay in the tens of MB. Measured in
#: benchmarks/stress_system_bench.py: 60k nodes took 1.7x as long on the shipped data, 1M nodes
#: used 3x the memory for no gain.
BATCH_NODES = 250_000
#: Clearing algorithm: the exact fictitious-default algorithm of the model modules.
METHOD = "auto"


def sample_amounts(system: StressSystem, runs: int, rng: np.random.Generator) -> np.ndarray:
    """(runs x deals) amounts sampled within each deal's [low, high] range."""
    deals = system.obligations.deals
    low, high = deals["low"].to_numpy(float), deals["high"].to_numpy(float)
    low = np.where(np.isfinite(low), low, high)
    point = np.clip(deals["amount"].to_numpy(float), low, high)
    u = rng.random((runs, len(deals)))
    if system.scenario.uncertainty.amount_distribution == "uniform":
        return low + u * (high - low)
    # triangular(low, mode=point, high) by inverse CDF, vectorised; degenerate ranges stay put
    width = np.maximum(high - low, 1e-300)
    c = (point - low) / width
    left = low + np.sqrt(u * width * (point - low))
    right = high - np.sqrt((1.0 - u) * width * (high - point))
    return np.where(high > low, np.where(u < c, left, right), low)


def sample_growth(system: StressSystem, runs: int, rng: np.random.Generator) -> np.ndarray:
    """(runs x companies x years) annual revenue growth, normal(mean, sd) per company."""
    t = len(system.years)
    z = rng.standard_normal((runs, system.n, t))
    return system.growth_mean[None, :, None] + system.growth_sd[None, :, None] * z


def expected_shortfall(losses: np.ndarray, level: float = 0.95, axis: int = 0) -> np.ndarray:
    """Mean of the worst ``1 - level`` share of outcomes along ``axis`` (at least one outcome).

    >>> float(expected_shortfall(np.arange(100.0), 0.95))
    97.0
    """
    x = np.sort(np.asarray(losses, float), axis=axis)
    k = max(1, int(np.ceil(round((1.0 - level) * x.shape[axis], 9))))
    tail = np.take(x, np.arange(x.shape[axis] - k, x.shape[axis]), axis=axis)
    return tail.mean(axis=axis)


def value_at_risk(losses: np.ndarray, level: float = 0.95, axis: int = 0) -> np.ndarray:
    return np.quantile(np.asarray(losses, float), level, axis=axis)


@dataclass
class MonteCarloResult:
    """Frames summarising a Monte Carlo stress run, plus the raw per-run arrays."""

    scenario: Scenario
    runs: int
    seed: int | None
    level: float
    companies: pd.DataFrame  # per company: default probability, loss statistics
    system_losses: pd.DataFrame  # one row per statistic of the system-wide loss
    default_years: pd.DataFrame  # P(first default in year) per company
    first_default: np.ndarray = field(repr=False)  # (runs x companies) year index, -1 = none
    loss: np.ndarray = field(repr=False)  # (runs x companies)
    unpaid: np.ndarray = field(repr=False)  # (runs x companies)


def _progress(enabled: bool) -> Progress:
    from dealweb.clikit import err_console

    return Progress(
        TextColumn("[bold]Monte Carlo"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=err_console,
        disable=not enabled,
        transient=True,
    )


def monte_carlo(
    deals: pd.DataFrame,
    companies: pd.DataFrame,
    figures: pd.DataFrame | None,
    scenario: Scenario | None = None,
    *,
    runs: int = 10_000,
    seed: int | None = None,
    level: float = 0.95,
    progress: bool | None = None,
) -> MonteCarloResult:
    """Sample ``runs`` versions of the scenario's uncertain inputs and clear each over the horizon.

    Parameters
    ----------
    runs: number of runs (>= 1). seed: for :func:`numpy.random.default_rng`.
    level: confidence level of VaR and expected shortfall.
    progress: show a progress bar; default: only when stderr is a terminal.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    system = prepare(deals, companies, figures, scenario)
    rng = np.random.default_rng(seed)
    amounts = sample_amounts(system, runs, rng)
    growth = sample_growth(system, runs, rng)

    n, t_count = system.n, len(system.years)
    batch = max(1, BATCH_NODES // (n + 1))
    first_default = np.empty((runs, n), np.int64)
    loss = np.empty((runs, n))
    unpaid = np.empty((runs, n))
    enabled = sys.stderr.isatty() if progress is None else progress
    with _progress(enabled) as bar:
        task = bar.add_task("clearing", total=int(np.ceil(runs / batch)) * t_count)
        for start in range(0, runs, batch):
            sl = slice(start, min(runs, start + batch))
            if system.scenario.model in CLEARING_MODELS:
                out = clear_years(
                    system,
                    amounts[sl],
                    revenue_paths(system, growth[sl]),
                    on_year=lambda: bar.advance(task),
                    method=METHOD,
                )
                first_default[sl] = out.first_default
                credit = (out.due_in - out.received).sum(axis=2)
                loss[sl] = credit + equity_losses(system, out.first_default)
                unpaid[sl] = out.unpaid.sum(axis=2)
            else:  # single-period model on horizon totals
                net = network_outcome(
                    system, amounts[sl], revenue_paths(system, growth[sl], shocked=False)
                )
                first_default[sl] = net.first_default
                loss[sl] = net.loss
                unpaid[sl] = np.nan_to_num(net.unpaid)
                bar.advance(task, t_count)
    return summarise(system, first_default, loss, unpaid, runs=runs, seed=seed, level=level)


def summarise(
    system: StressSystem,
    first_default: np.ndarray,
    loss: np.ndarray,
    unpaid: np.ndarray,
    *,
    runs: int,
    seed: int | None,
    level: float,
) -> MonteCarloResult:
    """Per-company and system-wide statistics of the per-run outcomes."""
    pct = f"{round(level * 100):d}"
    defaulted = first_default >= 0
    per_company = pd.DataFrame(
        {
            "company_id": system.companies,
            "company": system.names,
            "default_probability": defaulted.mean(axis=0),
            "expected_loss_usd": loss.mean(axis=0),
            f"var{pct}_loss_usd": value_at_risk(loss, level),
            f"es{pct}_loss_usd": expected_shortfall(loss, level),
            "expected_unpaid_usd": unpaid.mean(axis=0),
            f"es{pct}_unpaid_usd": expected_shortfall(unpaid, level),
        }
    ).sort_values(["default_probability", "expected_loss_usd"], ascending=False, ignore_index=True)
    total = loss.sum(axis=1)
    n_defaults = defaulted.sum(axis=1)
    system_losses = pd.DataFrame(
        {
            "statistic": [
                "expected loss",
                f"VaR {pct}% loss",
                f"ES {pct}% loss",
                "P(at least one default)",
                "expected number of defaults",
                f"ES {pct}% number of defaults",
            ],
            "value": [
                total.mean(),
                float(value_at_risk(total, level)),
                float(expected_shortfall(total, level)),
                float(defaulted.any(axis=1).mean()),
                float(n_defaults.mean()),
                float(expected_shortfall(n_defaults, level)),
            ],
        }
    )
    years = system.years
    by_year = np.stack([(first_default == k).mean(axis=0) for k in range(len(years))], axis=1)
    default_years = pd.DataFrame(by_year, columns=[str(y) for y in years])
    default_years.insert(0, "company", system.names)
    default_years.insert(0, "company_id", system.companies)
    default_years = default_years.loc[by_year.sum(axis=1) > 0].reset_index(drop=True)
    return MonteCarloResult(
        scenario=system.scenario,
        runs=runs,
        seed=seed,
        level=level,
        companies=per_company,
        system_losses=system_losses,
        default_years=default_years,
        first_default=first_default,
        loss=loss,
        unpaid=unpaid,
    )
