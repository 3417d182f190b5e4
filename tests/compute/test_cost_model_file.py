"""The shipped cost-model file: every numeric default is sourced or a labelled assumption."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dealweb.compute.costmodel import (
    DEFAULT_COST_MODEL_PATH,
    load_cost_model,
    parse_cost_model,
)

SHIPPED = DEFAULT_COST_MODEL_PATH.read_text(encoding="utf-8")
# shared/ lies beside the repository (in CI too).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SHARED_CSV = SHARED / "company_figures_reference.csv"
DEALS_CSV = SHARED / "ai_deals_reference.csv"
NOT_FIGURES = {"years", "version", "as_of"}  # identifiers, not estimates


def _numeric_mappings(node: object, path: str = "") -> list[tuple[str, dict]]:
    """Every mapping that directly holds a number (an estimate that needs provenance)."""
    found = []
    if isinstance(node, dict):
        if any(isinstance(v, int | float) and not isinstance(v, bool) and k not in NOT_FIGURES
               for k, v in node.items()):
            found.append((path, node))
        for key, value in node.items():
            if key not in NOT_FIGURES:
                found += _numeric_mappings(value, f"{path}.{key}" if path else str(key))
    return found


def test_every_numeric_default_has_a_source_or_a_reasoned_assumption():
    data = yaml.safe_load(SHIPPED)
    mappings = _numeric_mappings(data)
    # 6 generations, 4 splits, facility, 3 energy figures, 9 revenue-gap defaults
    assert len(mappings) >= 23
    for path, node in mappings:
        sources = node.get("sources") or []
        assumption = (node.get("assumption") or "").strip()
        assert sources or len(assumption) >= 20, f"{path}: no source and no reasoned assumption"
        for s in sources:
            assert re.match(r"^https?://[^\s/]+\.\S+$", s["url"]), f"{path}: bad url {s['url']}"
            assert len(s.get("says", "")) >= 10, f"{path}: source {s['url']} does not say what"


def test_numbers_are_yaml_numbers_not_strings():
    # PyYAML reads "20.0e9" (no exponent sign) as a string; the file must use 20.0e+9.
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, str):
            assert not re.fullmatch(r"[-+]?[0-9.]+e[0-9]+", node), f"{path}: {node!r}"

    walk(yaml.safe_load(SHIPPED), "")


def test_urls_taken_from_the_shared_reference_files_are_copied_verbatim():
    shared = set(pd.read_csv(SHARED_CSV)["source_url"]) | set(pd.read_csv(DEALS_CSV)["source_url"])
    shared_domains = {re.sub(r"^https?://(www\.)?", "", u).split("/")[0] for u in shared}
    data = yaml.safe_load(SHIPPED)
    urls = re.findall(r"url: (\S+)", SHIPPED)
    assert urls
    for url in urls:
        domain = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
        if domain in shared_domains:
            assert url in shared, f"{url} differs from the shared reference file's URL"
    assert data["default_generation"] in data["generations"]


def test_shipped_model_loads_and_identifies_itself():
    model = load_cost_model()
    info = model.info()
    assert info["cost_model"] == "dealweb-default"
    assert info["cost_model_version"]
    assert len(info["cost_model_sha256"]) == 12
    assert set(model.generations) >= {"hopper", "blackwell", "vera-rubin", "tpu", "amd-mi"}


def _broken(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


def test_missing_provenance_is_reported_with_file_line_and_field():
    text = _broken(
        '    assumption: "off by default, as in Sequoia\'s method; pass --cost-of-capital to '
        'charge a return on capital (annuity instead of straight-line)"\n',
        "",
    )
    with pytest.raises(ValueError) as err:
        parse_cost_model(text, source="mine.yaml")
    msg = str(err.value)
    assert "revenue_gap.cost_of_capital" in msg
    assert "sources" in msg and "assumption" in msg
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "cost_of_capital:" in ln)
    assert f"mine.yaml:{line}" in msg


def test_low_above_high_is_reported_with_value_and_line():
    text = _broken(
        "      low: 47.0e+9\n      high: 60.0e+9", "      low: 70.0e+9\n      high: 60.0e+9"
    )
    with pytest.raises(ValueError, match=r"mine.yaml:\d+: generations.vera-rubin.capex_usd_per_gw"):
        parse_cost_model(text, source="mine.yaml")


def test_split_must_sum_to_one():
    text = _broken("    systems: 0.576\n", "    systems: 0.9\n")
    with pytest.raises(ValueError, match="splits.bernstein-gb200.*sum to 1"):
        parse_cost_model(text, source="mine.yaml")


def test_wrong_type_names_the_value():
    text = _broken("    value: 5\n", "    value: five\n")
    with pytest.raises(ValueError, match=r"useful_life_accelerators_years.value.*'five'"):
        parse_cost_model(text, source="mine.yaml")


def test_invalid_yaml_names_the_line():
    with pytest.raises(ValueError, match=r"bad.yaml:2: not valid YAML"):
        parse_cost_model("name: x\n  version: [1\n", source="bad.yaml")


def test_unknown_split_reference():
    text = _broken("    split: foxconn-vera-rubin", "    split: nowhere")
    with pytest.raises(ValueError, match="nowhere"):
        parse_cost_model(text, source="mine.yaml")


def test_missing_file():
    with pytest.raises(ValueError, match="not found"):
        load_cost_model("/nonexistent/cost.yaml")
