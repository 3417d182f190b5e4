"""Multi-year stress test of the deal network: who fails, when, why, and for how much.

:func:`run_stress` runs a scenario once, on point amounts and mean revenue paths, with the model
the scenario names:

* ``eisenberg-noe`` (Eisenberg & Noe 2001, Management Science 47(2)) and ``rogers-veraart``
  (Rogers & Veraart 2013, Management Science 59(4), with default costs) clear each calendar year
  of the horizon in turn, carrying cash from one year into the next
  (:mod:`.yearly_clearing`);
* ``debtrank``, ``furfine`` and ``cross-holdings`` run once on the horizon's totals
  (:mod:`.single_period`).

The pieces, in the order a run uses them:

==========================  ====================================================================
:mod:`.system`              scenario + ledger frames -> :class:`StressSystem` (arrays, shocks)
:mod:`.yearly_clearing`     one clearing per year, ``S`` runs batched -> :class:`YearlyOutcome`
:mod:`.single_period`       models without a calendar, ``S`` runs batched -> :class:`NetworkOutcome`
:mod:`.cascade`             who fails, when, why, unpaid to whom
:mod:`.report`              one run as DataFrames -> :class:`StressResult`
:mod:`.montecarlo`          many sampled runs -> default probabilities and loss distributions
==========================  ====================================================================

A company that defaults keeps operating in later years (as in a court-supervised restructuring)
and keeps paying pro rata; its *first* default year and round are reported. This keeps the
system monotone: a larger shock never yields fewer defaults. A company the scenario makes
**fail** instead stops paying and its counterparties' commitments to it lapse. Equity stakes are
illiquid: an investor's loss when an investee's equity falls or fails is reported but does not
reduce the cash it pays with; the cross-holdings model feeds equity values back into solvency.

The names of the pieces above are importable from here as well.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> deals, companies = lab_and_cloud()  # an AI lab's $30B, 3-year cloud commitment
>>> result = run_stress(deals, companies, None, Scenario(horizon=3))
>>> result.cascade[["company_id", "year"]].to_dict("records")
[{'company_id': 'lab', 'year': 2026}]
"""

from __future__ import annotations

import pandas as pd

from dealweb.stress.cascade import CASCADE_COLUMNS, EXTERNAL
from dealweb.stress.report import StressResult, report, report_network
from dealweb.stress.scenario import Scenario
from dealweb.stress.single_period import NetworkOutcome, horizon_inputs, network_outcome
from dealweb.stress.system import NEVER, StressSystem, prepare, revenue_paths
from dealweb.stress.yearly_clearing import (
    CLEARING_MODELS,
    YearlyOutcome,
    clear_years,
    clearing_function,
    equity_losses,
)

__all__ = [
    "CASCADE_COLUMNS",
    "CLEARING_MODELS",
    "EXTERNAL",
    "NEVER",
    "NetworkOutcome",
    "StressResult",
    "StressSystem",
    "YearlyOutcome",
    "clear_years",
    "clearing_function",
    "equity_losses",
    "horizon_inputs",
    "network_outcome",
    "prepare",
    "report",
    "report_network",
    "revenue_paths",
    "run_stress",
]


def run_stress(
    deals: pd.DataFrame,
    companies: pd.DataFrame,
    figures: pd.DataFrame | None,
    scenario: Scenario | None = None,
) -> StressResult:
    """Run a scenario once on point amounts and mean revenue paths; return the report frames.

    Parameters
    ----------
    deals, companies, figures: the ledger's ``deals_frame``, ``companies_frame`` and
        ``figures_frame`` (``figures`` may be ``None``).
    scenario: companies named by id (:func:`.scenario.resolve_companies`); ``None``: no shocks.
    """
    system = prepare(deals, companies, figures, scenario)
    if system.scenario.model not in CLEARING_MODELS:
        return report_network(system, network_outcome(system))
    return report(system, clear_years(system, keep_deals=True))
