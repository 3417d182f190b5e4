"""Umbrella totals and stake values are left out of totals, networks and obligations."""

import pandas as pd

from dealweb.circularity.network import build_network
from dealweb.ledger.frames import DEAL_COLUMNS, double_counted


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = {c: None for c in DEAL_COLUMNS}
    base.update(announced=pd.Timestamp("2025-01-01"), date_precision="day", up_to=False,
                usd_basis="stated", currency="USD", status="announced", n_sources=1)
    return pd.DataFrame([{**base, **r} for r in rows], columns=DEAL_COLUMNS)


ROWS = [
    dict(id="a-b", payer_id="a", payee_id="b", payer="A", payee="B", kind="cloud_commitment",
         amount_usd_low=10.0, amount_usd_high=10.0, tags="overlaps"),
    dict(id="umbrella", payer_id="c", payee_id="a", payer="C", payee="A", kind="other",
         amount_usd_low=500.0, amount_usd_high=500.0, tags="aggregate,overlaps"),
    dict(id="stake", payer_id="b", payee_id="a", payer="B", payee="A", kind="other",
         amount_usd_low=99.0, amount_usd_high=99.0, tags="reference,not-new-money"),
    dict(id="tranches", payer_id="c", payee_id="b", payer="C", payee="B",
         kind="equity_investment", amount_usd_low=3.0, amount_usd_high=3.0, tags="aggregate"),
]


def test_double_counted_marks_umbrellas_and_stake_values_only() -> None:
    flags = double_counted(_frame(ROWS))
    assert flags.tolist() == [False, True, True, False]


def test_network_leaves_them_out_unless_asked() -> None:
    frame = _frame(ROWS)
    net = build_network(frame)
    assert net.gross() == 13.0
    assert set(net.excluded["id"]) == {"umbrella", "stake"}
    assert build_network(frame, include_double_counted=True).gross() == 612.0
