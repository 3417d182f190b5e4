"""Scenario files: validation messages name file, line, key, value and expectation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dealweb.stress.scenario import (
    Scenario,
    ScenarioError,
    find_scenario,
    list_scenarios,
    load_scenario,
    parse_scenario,
    resolve_companies,
    shipped_names,
)

COMPANIES = pd.DataFrame(
    {
        "id": ["openai", "oracle"],
        "name": ["OpenAI", "Oracle"],
        "role": ["ai_lab", "cloud"],
        "aliases": ["ChatGPT maker", "OCI"],
    }
)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path, "name: x\nhorizon: 3\nshocks:\n  revenu:\n    - {target: all, change: 0}\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert str(path) in msg and "line 4" in msg and "shocks: unknown key 'revenu'" in msg


def test_wrong_type_names_key_and_value(tmp_path: Path) -> None:
    path = write(
        tmp_path, "horizon: 3\nshocks:\n  revenue:\n    - target: ai_lab\n      change: lots\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert "line 5" in msg and "shocks.revenue[0].change" in msg and "'lots'" in msg
    assert "number" in msg


def test_negative_horizon_says_what_is_expected(tmp_path: Path) -> None:
    path = write(tmp_path, "horizon: -2\n")
    with pytest.raises(ScenarioError, match=r"line 1, horizon: expected a number >= 1, got -2"):
        load_scenario(path)


def test_shock_below_minus_100_percent_is_rejected() -> None:
    with pytest.raises(ScenarioError, match=r"shocks.revenue\[0\].change: expected a number >= -1"):
        parse_scenario("shocks: {revenue: [{target: all, change: -1.5}]}")


def test_unknown_model_lists_the_models() -> None:
    with pytest.raises(ScenarioError, match="model: expected one of .*eisenberg-noe"):
        parse_scenario("model: black-scholes")


def test_parameter_for_the_wrong_model() -> None:
    with pytest.raises(ScenarioError, match="unknown parameter 'alpha' for model eisenberg-noe"):
        parse_scenario("model: eisenberg-noe\nparameters: {alpha: 0.5}")
    s = parse_scenario("model: rogers-veraart\nparameters: {alpha: 0.3}")
    assert s.model_parameters() == {"alpha": 0.3, "beta": 0.9}


def test_unknown_company_suggests_a_close_one() -> None:
    s = parse_scenario("shocks:\n  fail:\n    - company: OpenAl\n")
    with pytest.raises(ScenarioError) as err:
        resolve_companies(s, COMPANIES, source="f.yaml")
    msg = str(err.value)
    assert "f.yaml, shocks.fail[0].company: unknown company 'OpenAl'" in msg
    assert "did you mean openai" in msg


def test_names_and_aliases_resolve_to_ids_roles_stay() -> None:
    s = parse_scenario(
        "shocks:\n  fail: [{company: ChatGPT maker}]\n"
        "  revenue: [{target: AI_LAB, change: -0.5}, {target: OCI, change: -0.1}]\n"
    )
    r = resolve_companies(s, COMPANIES)
    assert r.shocks.fail[0].company == "openai"
    assert [x.target for x in r.shocks.revenue] == ["ai_lab", "oracle"]


def test_role_is_not_accepted_where_a_company_is_needed() -> None:
    s = parse_scenario("shocks:\n  fail: [{company: ai_lab}]\n")
    with pytest.raises(ScenarioError, match="expected a company id/name in the ledger$"):
        resolve_companies(s, COMPANIES)


def test_not_a_mapping_and_bad_yaml() -> None:
    with pytest.raises(ScenarioError, match="a scenario is a mapping"):
        parse_scenario("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        parse_scenario("horizon: [3\n")


def test_extends_merges_mappings_and_reports_errors_in_the_child(tmp_path: Path) -> None:
    write(
        tmp_path, "name: base\nhorizon: 4\nrevenue_growth: {ai_lab: 0.5, all: 0.1}\n", "base.yaml"
    )
    child = write(tmp_path, "extends: base.yaml\nname: child\nrevenue_growth: {all: 0.0}\n")
    s = load_scenario(child)
    assert (s.name, s.horizon, s.revenue_growth) == ("child", 4, {"ai_lab": 0.5, "all": 0.0})
    bad = write(tmp_path, "extends: base.yaml\nhorizon: 0\n", "bad.yaml")
    with pytest.raises(ScenarioError, match=r"bad.yaml, line 2, horizon"):
        load_scenario(bad)
    loop = write(tmp_path, "extends: loop.yaml\n", "loop.yaml")
    with pytest.raises(ScenarioError, match="circular"):
        load_scenario(loop)


def test_shipped_scenarios_exist_validate_and_are_found_by_name() -> None:
    assert {"baseline", "ai-revenue-shortfall", "openai-fails", "compute-price-collapse"} <= set(
        shipped_names()
    )
    listing = list_scenarios()
    assert set(listing["name"]) == set(shipped_names())
    assert find_scenario("baseline").name == "baseline.yaml"
    with pytest.raises(ScenarioError, match="did you mean baseline"):
        find_scenario("baseline2")
    s = load_scenario("ai-revenue-shortfall")
    assert s.shocks.revenue[0].target == "ai_lab" and s.shocks.revenue[0].change == -0.5
    assert s.horizon == load_scenario("baseline").horizon  # inherited


def test_default_scenario_has_no_shock() -> None:
    s = Scenario()
    assert not (s.shocks.revenue or s.shocks.fail or s.shocks.equity or s.shocks.compute_price)


def test_failure_outside_the_horizon_is_rejected() -> None:
    with pytest.raises(
        ScenarioError,
        match=r"shocks.fail\[0\].year 2040 is outside the horizon "
        r"2026-2030",
    ):
        parse_scenario("horizon: 5\nshocks: {fail: [{company: openai, year: 2040}]}")


# ---------------------------------------------------------------- QA pass 2026-11-25


def test_empty_scenario_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"empty.yaml: empty scenario"):
        load_scenario(write(tmp_path, "\n# nothing yet\n", "empty.yaml"))


def test_revenue_shock_years_must_be_in_order_and_inside_the_horizon() -> None:
    with pytest.raises(ScenarioError, match="until_year 2020 is before from_year 2028"):
        parse_scenario(
            "shocks: {revenue: [{target: all, change: -0.1, from_year: 2028, until_year: 2020}]}"
        )
    with pytest.raises(ScenarioError, match=r"outside the horizon 2026-2030: it would have no"):
        parse_scenario("shocks: {revenue: [{target: all, change: -0.1, from_year: 2035}]}")
    with pytest.raises(ScenarioError, match=r"compute_price.from_year 2031 is after the horizon"):
        parse_scenario("shocks: {compute_price: {change: -0.5, from_year: 2031}}")


def test_unknown_company_in_a_file_names_its_line_and_suggests_a_role(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: t\nshocks:\n  revenue:\n    - target: ai-lab\n      change: -0.5\n"
        "  fail:\n    - company: Theranos\n",
    )
    with pytest.raises(ScenarioError) as err:
        resolve_companies(load_scenario(path), COMPANIES, source=str(path))
    first, second = str(err.value).splitlines()
    assert first.startswith(f"{path}, line 4, shocks.revenue[0].target: unknown company 'ai-lab'")
    assert "did you mean ai_lab?" in first
    assert second.startswith(f"{path}, line 7, shocks.fail[0].company: unknown company")


def test_child_with_its_own_name_does_not_pass_off_the_parent_description(tmp_path) -> None:
    child = write(tmp_path, "extends: baseline\nname: mine\nshocks: {fail: [{company: x}]}\n")
    s = load_scenario(child)
    assert s.description.startswith("baseline with changes: ")
    assert load_scenario("ai-revenue-shortfall").description.startswith("AI labs'")


def test_funding_targets_resolve_and_bad_amounts_are_named(tmp_path: Path) -> None:
    s = parse_scenario("funding:\n  - {target: ChatGPT maker, usd_per_year: 4.0e+10}\n")
    assert resolve_companies(s, COMPANIES).funding[0].target == "openai"
    path = write(tmp_path, "funding:\n  - target: OpenAI\n    usd_per_year: -5\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert f"{path}, line 3, funding[0].usd_per_year: expected a number >= 0.0, got -5" in msg
    s = parse_scenario("funding:\n  - {target: OpenAl, usd_per_year: 1}\n")
    with pytest.raises(ScenarioError, match=r"funding\[0\].target: unknown company 'OpenAl'"):
        resolve_companies(s, COMPANIES)


def test_binary_scenario_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match=r"junk.yaml: not UTF-8 text"):
        load_scenario(path)


def test_role_suggestion_only_for_near_misses() -> None:
    s = parse_scenario("revenue_growth: {theranos: 0.1}\n")
    with pytest.raises(ScenarioError) as err:
        resolve_companies(s, COMPANIES)
    assert "did you mean" not in str(err.value)  # not "other"
