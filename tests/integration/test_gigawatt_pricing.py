"""Deals stated only in gigawatts carry dollar ranges into every analysis (compute economics).

The shipped dataset's Anthropic → Nvidia "up to 1 GW" deal has no dollar figure. It must appear
priced by :func:`dealweb.compute.price_gigawatts` in ``dealweb deals``, as a money flow in the
circularity network and as a payment obligation in the stress test, and the cost model that
priced it must be named.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import dealweb
from dealweb.circularity.network import build_network
from dealweb.cli import app
from dealweb.compute import price_gigawatts
from dealweb.stress.obligations import build_obligations

runner = CliRunner()
GW_DEAL = "anthropic-nvidia-1gw-2025"


@pytest.fixture()
def db(shipped_db: str) -> str:
    return shipped_db


def test_gw_only_deal_is_priced_in_deals_listing(db: str) -> None:
    result = runner.invoke(app, ["deals", "--company", "Anthropic", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout) if r["id"] == GW_DEAL)
    assert row["gigawatts"] == 1.0
    assert row["usd_basis"] == "gw_estimate"
    assert row["amount_usd_low"] is None  # "up to 1 GW" promises no floor
    assert row["amount_usd_high"] == pytest.approx(price_gigawatts(1.0, year=2025)[1])
    assert row["amount_usd_high"] >= 25e9  # the article's "$20-25B per GW" lies inside


def test_gw_only_deal_is_a_money_flow_in_circularity(db: str) -> None:
    frame = dealweb.open(db).deals_frame()
    assert frame.attrs["cost_model"]["cost_model"]  # the pricing model is recorded
    net = build_network(frame, basis="high")
    edge = net.edges[net.edges["deal_ids"].map(lambda ids: GW_DEAL in ids)]
    assert len(edge) == 1
    assert edge["amount"].iloc[0] >= price_gigawatts(1.0, year=2025)[1]
    assert GW_DEAL not in set(net.excluded["id"])


def test_gw_only_deal_is_a_stress_obligation(db: str) -> None:
    ledger = dealweb.open(db)
    frame = ledger.deals_frame()
    companies = list(ledger.companies_frame()["id"])
    ob = build_obligations(frame, companies, start_year=2026, horizon=5, basis="high")
    assert GW_DEAL in set(ob.deals["deal_id"])
    assert GW_DEAL not in set(ob.skipped["id"])


def test_cli_names_the_cost_model(db: str) -> None:
    result = runner.invoke(app, ["loops", "--company", "Anthropic", "--db", db])
    assert result.exit_code == 0, result.output
    assert "priced with the cost model" in result.output
