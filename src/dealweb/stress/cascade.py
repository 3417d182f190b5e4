"""The cascade of a stress run: who fails, when, why, and what went unpaid to whom.

One record per failed company, in the order of failure. For the yearly clearing
(:mod:`.yearly_clearing`) the record is taken in the company's *first* default year: the
clearing round it defaulted in (0 = it cannot pay even when everyone pays it; ``k`` = only
because of the defaults of rounds ``< k``, the fictitious-default algorithm of Eisenberg & Noe
2001), what it owed that year and left unpaid, to whom (the largest creditors, with the external
creditors as one), and whose missed payments it lacked. For the single-period models
(:mod:`.single_period`) the record lists the claims others hold on the failed company and its
claims on other failed companies over the whole horizon.

Example
-------
>>> from dealweb.stress.examples import lab_and_cloud
>>> from dealweb.stress.scenario import Scenario
>>> from dealweb.stress.system import prepare
>>> from dealweb.stress.yearly_clearing import clear_years
>>> deals, companies = lab_and_cloud()
>>> system = prepare(deals, companies, None, Scenario(horizon=3))
>>> records = yearly_cascade(system, clear_years(system, keep_deals=True))
>>> records[["company", "year", "round", "cause"]].to_dict("records")
[{'company': 'Lab', 'year': 2026, 'round': 0, 'cause': 'cannot pay obligations'}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dealweb.stress.system import NEVER, StressSystem

if TYPE_CHECKING:
    from dealweb.stress.single_period import NetworkOutcome
    from dealweb.stress.yearly_clearing import YearlyOutcome

#: Label of the sink node standing for creditors outside the network.
EXTERNAL = "(external creditors)"

#: Columns of :attr:`.report.StressResult.cascade`: who fails, when, why, and what went unpaid.
CASCADE_COLUMNS = [
    "company_id",
    "company",
    "year",
    "round",
    "cause",
    "due_usd",
    "unpaid_usd",
    "unpaid_total_usd",
    "unpaid_to",
    "missed_receipts_from",
]


def _money_list(pairs: list[tuple[str, float]], limit: int = 3) -> str:
    """'A $3.0B; B $1.0B; +2 more': the largest amounts (above 50 cents), largest first."""
    from dealweb.clikit import format_usd  # model modules do not load the CLI (typer) on import

    pairs = sorted((p for p in pairs if p[1] > 0.5), key=lambda p: -p[1])
    text = "; ".join(f"{who} {format_usd(v)}" for who, v in pairs[:limit])
    return text + (f"; +{len(pairs) - limit} more" if len(pairs) > limit else "")


def _merge(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Sum the amounts of the same counterparty (several deals with one company)."""
    total: dict[str, float] = {}
    for who, v in pairs:
        total[who] = total.get(who, 0.0) + float(v)
    return list(total.items())


def yearly_cascade(system: StressSystem, outcome: YearlyOutcome) -> pd.DataFrame:
    """Cascade of a single-run yearly clearing kept with per-deal detail (``keep_deals``).

    Ordered by year, clearing round, then the largest unpaid amount first.
    """
    names = system.names
    node_names = names + [EXTERNAL]
    deals = system.obligations.deals
    payer, payee = deals["payer"].to_numpy(), deals["payee"].to_numpy()
    unpaid_deal = np.maximum(outcome.deal_due - outcome.deal_paid, 0.0)  # (D, T)
    rows = []
    for i in np.nonzero(outcome.first_default[0] >= 0)[0]:
        t = int(outcome.first_default[0, i])
        from_i, to_i = payer == i, payee == i
        owed = [
            (node_names[j], v)
            for j, v in zip(deals["payee"][from_i], unpaid_deal[from_i, t], strict=True)
        ]
        debt_unpaid = system.debt_service[i, t] - (
            outcome.paid[0, i, t] - outcome.deal_paid[from_i, t].sum()
        )
        owed.append((EXTERNAL, debt_unpaid))
        missed = [
            (node_names[j], v)
            for j, v in zip(deals["payer"][to_i], unpaid_deal[to_i, t], strict=True)
        ]
        exo = bool(outcome.failed_by_scenario[0, i, t])
        rows.append(
            {
                "company_id": system.companies[i],
                "company": names[i],
                "year": system.years[t],
                "round": int(outcome.first_round[0, i]),
                "cause": "fails (scenario)" if exo else "cannot pay obligations",
                "due_usd": outcome.due_out[0, i, t],
                "unpaid_usd": outcome.unpaid[0, i, t],
                "unpaid_total_usd": outcome.unpaid[0, i].sum(),
                "unpaid_to": _money_list(_merge(owed)),
                "missed_receipts_from": _money_list(_merge(missed)),
            }
        )
    cascade = pd.DataFrame(rows, columns=CASCADE_COLUMNS)
    return cascade.sort_values(
        ["year", "round", "unpaid_usd"], ascending=[True, True, False], ignore_index=True
    )


def network_cascade(system: StressSystem, out: NetworkOutcome) -> pd.DataFrame:
    """Cascade of a single-run single-period model.

    ``year`` is the whole horizon, ``due_usd``/``unpaid_to`` list the *claims* others hold on the
    failed company (obligations and stakes) and ``missed_receipts_from`` its claims on other
    failed companies; ``round`` is -1 where the model does not order failures (listed last).
    """
    names = system.names
    period = f"{system.years[0]}-{system.years[-1]}"
    claims = out.claims[0]
    failed = np.nonzero(out.failed[0])[0]
    rows = []
    for i in failed:
        failed_debtors = [(names[j], claims[i, j]) for j in failed if j != i and claims[i, j] > 0]
        owed = [(names[k], claims[k, i]) for k in range(system.n) if claims[k, i] > 0]
        rows.append(
            {
                "company_id": system.companies[i],
                "company": names[i],
                "year": period,
                "round": int(out.failure_round[0, i]),
                "cause": _network_cause(system, out, i),
                "due_usd": float(sum(v for _, v in owed)),
                "unpaid_usd": float(out.unpaid[0, i]),
                "unpaid_total_usd": float(out.unpaid[0, i]),
                "unpaid_to": _money_list(owed),
                "missed_receipts_from": _money_list(failed_debtors),
            }
        )
    cascade = pd.DataFrame(rows, columns=CASCADE_COLUMNS)
    # rounds where the model has them (Furfine), failures it does not order (-1) last
    order = cascade["round"].where(cascade["round"] >= 0, np.iinfo(np.int64).max)
    cascade = cascade.iloc[np.lexsort((-cascade["due_usd"].to_numpy(float), order.to_numpy()))]
    return cascade.reset_index(drop=True)


def _network_cause(system: StressSystem, out: NetworkOutcome, i: int) -> str:
    if system.fail_year[i] < NEVER:
        return "fails (scenario)"
    if out.initial_distress[0, i] >= 1.0:
        return "initial shock exceeds equity"
    return "losses on claims"
