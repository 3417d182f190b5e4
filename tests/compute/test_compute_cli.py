"""`dealweb compute ...` end to end: output, assumptions, directions, errors (exit 2)."""

from __future__ import annotations

import json

import pytest
import yaml
from compute_frames import reference_deals, reference_figures
from typer.testing import CliRunner

from dealweb.cli import app
from dealweb.compute.costmodel import DEFAULT_COST_MODEL_PATH

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["compute", *args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    d = tmp_path_factory.mktemp("frames")
    reference_deals().to_csv(d / "deals.csv", index=False)
    reference_figures().to_csv(d / "figures.csv", index=False)
    return ["--deals", str(d / "deals.csv"), "--figures", str(d / "figures.csv")]


def test_convert_one_gigawatt_shows_range_components_and_sources():
    res = run("convert", "1GW")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "$20.0B–$35.0B" in out  # contains the article's $20-25B
    for item in ("systems", "power equipment", "shell", "total capex", "energy per year"):
        assert item in out
    assert "source: https://wyomingstarnews.org/" in out
    assert "ASSUMPTION:" in out  # load factor is labelled as an assumption
    assert "cost model: dealweb-default" in out


def test_convert_with_generation():
    res = run("convert", "1GW", "--generation", "vera-rubin")
    assert res.exit_code == 0, res.output
    assert "$47.0B–$60.0B" in res.output
    assert "digitalcitizen.life" in res.output


def test_convert_dollars_against_gigawatts_shows_implied_next_to_model():
    res = run("convert", "1.4T", "--against", "30GW")
    assert res.exit_code == 0, res.output
    assert "$46.7B" in res.output and "inside" in res.output and "above" in res.output
    assert "$1.4T / 30 GW = $46.7B per GW" in res.output


def test_convert_json_records_the_cost_model():
    res = run("convert", "1.4T", "--gigawatts", "30", "-g", "blackwell", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["implied_usd_per_gw"] == pytest.approx(46.67e9, rel=1e-3)
    assert rows[0]["implied_vs_model"] == "inside"
    assert rows[0]["cost_model"] == "dealweb-default"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["convert", "1XW"], "unknown unit"),
        (["convert", "1GW", "-g", "pascal"], "unknown hardware generation"),
        (["convert", "1GW", "--against", "3GW"], "apply to a dollar amount"),
        (["convert", "1T", "--against", "3GW", "--gigawatts", "3"], "not both"),
        (["convert", "1T", "--against", "3B"], "expects power"),
        (["convert", "1T", "--against", "0GW"], "greater than 0"),
        (["convert", "1GW", "--cost-model", "/nonexistent.yaml"], "not found"),
        (["gap", "--deals", "/nonexistent.csv"], "file not found"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    res = run(*args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_bad_cost_model_file_names_file_line_and_field(tmp_path):
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["energy"]["pue"]["low"] = 0.5
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    res = run("convert", "1GW", "--cost-model", str(path))
    assert res.exit_code == 2
    assert f"{path}:" in res.output and "energy" in res.output
    assert "pue.low must be >= 1" in res.output


def test_model_lists_generations_and_sources():
    res = run("model")
    assert res.exit_code == 0, res.output
    for gen in ("hopper", "blackwell", "vera-rubin", "tpu", "amd-mi"):
        assert gen in res.output
    assert "cushwake.cld.bz" in res.output


def _steady(frames, *extra):
    res = run("gap", *frames, "--company", "openai", "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    row = next(r for r in rows if r["view"] == "steady_state" and r["company_id"] == "openai")
    return row["required_low"], row["required_high"], row


def test_gap_prints_required_revenue_gap_and_every_assumption(frames):
    res = run("gap", *frames, "--company", "OpenAI")
    assert res.exit_code == 0, res.output
    out = res.output
    for word in ("required", "revenue", "gap", "committed"):
        assert word in out
    for name in ("useful_life_accelerators_years", "useful_life_facility_years", "gross_margin",
                 "cost_of_capital", "deployment_years", "rent_term_years", "energy.pue"):
        assert name in out
    assert "sequoiacap.com" in out
    assert "double counting" in out  # the $1.4T aggregate overlaps OpenAI's other deals


def test_gap_directions_on_the_command_line(frames):
    base = _steady(frames)
    longer = _steady(frames, "--useful-life", "7")
    higher_margin = _steady(frames, "--gross-margin", "0.7")
    assert longer[0] < base[0] and longer[1] < base[1]
    assert higher_margin[0] > base[0] and higher_margin[1] > base[1]
    assert base[2]["cost_model"] == "dealweb-default"


def test_gap_rejects_bad_assumptions(frames):
    res = run("gap", *frames, "--gross-margin", "1.5")
    assert res.exit_code == 2 and "gross_margin must be in [0, 1)" in res.output
    res = run("gap", *frames, "--company", "nobody")
    assert res.exit_code == 2 and "no deals paid by nobody" in res.output
    res = run("gap", *frames, "--from", "2026")
    assert res.exit_code == 2 and "both --from and --to" in res.output


def _small_ledger(db: str) -> None:
    """A ledger built through the real Ledger API: one GW-only deal, one dollar deal."""
    import dealweb
    from dealweb.ledger.models import Company, Deal, Figure, Source

    src = Source(url="https://www.nasdaq.com/articles/openai-deploy-6-gigawatts-amd-gpus")
    with dealweb.open(db) as ledger:
        ledger.upsert_company(Company(id="lab", name="Lab", figures=[
            Figure(name="ai_revenue_run_rate", value_usd=10e9, as_of="2025-10", source=src)]))
        ledger.upsert_company(Company(id="chips", name="Chips"))
        ledger.upsert_deal(Deal(id="lab-chips-2gw", announced="2025-10-06", payer="lab",
                                payee="chips", kind="hardware_purchase", gigawatts=2.0,
                                amount_stated="2 gigawatts of systems", sources=[src]))
        ledger.upsert_deal(Deal(id="lab-chips-10b", announced="2025-10-06", payer="lab",
                                payee="chips", kind="cloud_commitment", amount_low=10e9,
                                amount_high=10e9, term_years=5, sources=[src]))


def test_gw_only_deal_gets_dollars_in_deals_frame_and_gap(tmp_path):
    db = f"sqlite:///{tmp_path / 'small.sqlite'}"
    _small_ledger(db)
    deals = runner.invoke(app, ["deals", "--db", db, "--format", "json"])
    assert deals.exit_code == 0, deals.output
    row = next(d for d in json.loads(deals.output) if d["id"] == "lab-chips-2gw")
    assert row["usd_basis"] == "gw_estimate"
    assert (row["amount_usd_low"], row["amount_usd_high"]) == (40e9, 70e9)  # 2 x $20-35B
    res = run("gap", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    steady = next(r for r in json.loads(res.output)
                  if r["view"] == "steady_state" and r["company_id"] == "lab")
    assert (steady["committed_low"], steady["committed_high"]) == (50e9, 80e9)
    assert steady["revenue_low"] == 10e9 and steady["revenue_basis"] == "ai_revenue_run_rate"
    assert steady["gap_low"] == pytest.approx(steady["required_low"] - 10e9)
    # a user cost model reprices the GW-only deal before the gap is computed
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["generations"]["industry-2025"]["capex_usd_per_gw"].update(low=50e9, high=50e9)
    path = tmp_path / "dear.yaml"
    path.write_text(yaml.safe_dump(data))
    res = run("gap", "--db", db, "--format", "json", "--cost-model", str(path))
    dear = next(r for r in json.loads(res.output)
                if r["view"] == "steady_state" and r["company_id"] == "lab")
    assert dear["committed_high"] == 110e9 and dear["required_low"] > steady["required_low"]


def test_gap_on_the_ledger_with_the_shipped_dataset(shipped_db):
    db = shipped_db
    res = run("gap", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    steady = {r["company_id"]: r for r in rows if r["view"] == "steady_state"}
    assert "openai" in steady and steady["openai"]["required_high"] > 0
    deals = runner.invoke(app, ["deals", "--db", db, "--format", "json"])
    assert deals.exit_code == 0, deals.output
    gw_only = [d for d in json.loads(deals.output) if d.get("usd_basis") == "gw_estimate"]
    assert gw_only and all(d["amount_usd_high"] > 0 for d in gw_only)


def test_year_uses_the_models_year_defaults(tmp_path):
    data = yaml.safe_load(DEFAULT_COST_MODEL_PATH.read_text())
    data["year_defaults"] = {2027: "vera-rubin"}
    path = tmp_path / "years.yaml"
    path.write_text(yaml.safe_dump(data))
    res = run("convert", "2GW", "--year", "2027", "--cost-model", str(path))
    assert res.exit_code == 0, res.output
    assert "$94.0B–$120.0B" in res.output  # 2 GW x Foxconn/Nvidia $47-60B
    res = run("convert", "2GW", "--year", "2025", "--cost-model", str(path))
    assert "$40.0B–$70.0B" in res.output  # not in year_defaults: the default generation
