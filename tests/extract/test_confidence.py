"""The candidate filter (dealweb.extract.confidence) and its training (train_filter)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from dealweb.extract.base import Candidate
from dealweb.extract.confidence import (
    FILTER_PATH,
    CandidateFilter,
    candidate_features,
    pair_rows,
)
from dealweb.extract.gazetteer import Gazetteer
from dealweb.extract.pairs import NONE, PairModel
from dealweb.extract.rules import RuleExtractor
from dealweb.extract.train_filter import load_blind_era, main

DEV = Path(__file__).resolve().parents[1] / "data" / "extraction"


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_probability_worked_example() -> None:
    # z = 2 a - 1 b - 0.5: {a: 1, b: 1} -> 0.5 -> 0.622459; {} -> -0.5 -> 0.377541
    f = CandidateFilter({"a": 0, "b": 1}, np.array([2.0, -1.0]), -0.5, cut=0.5)
    p = f.probability([{"a": 1.0, "b": 1.0, "unknown": 5.0}, {}])
    assert p == pytest.approx([0.622459, 0.377541], abs=1e-6)
    assert p == pytest.approx([_sigmoid(0.5), _sigmoid(-0.5)])
    cands = [Candidate("x", "y", "other"), Candidate("y", "x", "other")]
    assert f.keep(cands, [{"a": 1.0, "b": 1.0}, {}]) == cands[:1]
    assert f.keep([], []) == []


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    f = CandidateFilter({"a": 0, "b": 1}, np.array([0.25, -1.5]), 0.125, cut=0.4)
    f.save(tmp_path / "f.json", {"note": "test"})
    back = CandidateFilter.load(tmp_path / "f.json")
    assert back.vocabulary == f.vocabulary and back.cut == 0.4
    rows = [{"a": 1.0}, {"b": 2.0}]
    assert np.allclose(back.probability(rows), f.probability(rows))
    assert json.loads((tmp_path / "f.json").read_text())["meta"] == {"note": "test"}


def _always_none(veto: float | None = None) -> PairModel:
    # no features: every pair gets P(none) = e^3 / (1 + e^3) = 0.952574 both ways round
    return PairModel(["hardware_purchase", NONE], {}, np.zeros((2, 0)), np.array([0.0, 3.0]),
                     0.99, veto=veto)  # fmt: skip


def test_features_of_a_candidate(fixture_gazetteer: Gazetteer) -> None:
    ex = RuleExtractor(fixture_gazetteer)
    text = "Dell reported results. Dell placed a large chip order with Intel on Tuesday."
    start = text.index("Dell placed")
    cand = Candidate("dell", "intel", "hardware_purchase", start=start, end=len(text),
                     quote=text[start:], amount_usd_high=5e9, amount_usd_low=5e9)  # fmt: skip
    model = _always_none()
    scored = ex.scored_pairs(text, model)
    assert len(pair_rows(cand, scored)) == 1  # the second sentence, Dell -> Intel
    f = candidate_features(cand, scored, model, fixture_gazetteer)
    p_none = math.exp(3) / (1 + math.exp(3))
    assert f["p_none"] == pytest.approx(p_none) and f["p_none_high"] == 1.0
    assert f["p_kind"] == pytest.approx(1 - p_none)
    assert f["p_kind_reverse"] == pytest.approx(1 - p_none)
    assert f["scored"] == 1.0 and f["amount"] == 1.0 and f["up_to"] == 0.0
    assert f["transaction"] == 1.0 and f["kind_named"] == 1.0  # "order", "chip"
    assert f["kind=hardware_purchase"] == 1.0 and f["status=announced"] == 1.0
    # evidence in the first sentence only: the model has not read the pair there
    away = Candidate("dell", "intel", "hardware_purchase", start=0, end=start - 1,
                     quote=text[: start - 1])  # fmt: skip
    assert "scored" not in candidate_features(away, scored, model, fixture_gazetteer)


def test_the_filter_replaces_the_veto(fixture_gazetteer: Gazetteer) -> None:
    ex = RuleExtractor(fixture_gazetteer)
    text = "Microsoft is investing $5 billion in Anthropic."
    found = ex.extract(text)
    assert [(c.payer, c.payee) for c in found] == [("microsoft", "anthropic")]
    vetoing = _always_none(veto=0.9)
    assert ex.second_look(text, None, found, vetoing) == []  # the veto alone drops it
    keep_all = CandidateFilter({}, np.zeros(0), 10.0, cut=0.5)
    drop_all = CandidateFilter({}, np.zeros(0), -10.0, cut=0.5)
    assert ex.second_look(text, None, found, vetoing, keep_all) == found
    assert ex.second_look(text, None, found, vetoing, drop_all) == []
    own = RuleExtractor(fixture_gazetteer, pair_model=vetoing, candidate_filter=keep_all)
    assert own.extract(text) == found


def test_shipped_blind_era_candidates_belong_to_the_development_set() -> None:
    era = load_blind_era(DEV)
    names = {p.stem for p in DEV.glob("*.yaml")}
    assert len(era) >= 240 and set(era) <= names
    assert sum(map(len, era.values())) >= 440
    for path in sorted((DEV / "blind_era").glob("batch*.json")):
        data = json.loads(path.read_text())
        assert len(data["commit"]) == 7 and data["extractor"] == "rules", path
    if FILTER_PATH.exists():
        f = CandidateFilter.load(FILTER_PATH)
        assert 0 < f.cut < 1 and "p_none" in f.vocabulary


def _write(folder: Path, excerpts: list[tuple[str, list[dict]]]) -> None:
    for i, (text, deals) in enumerate(excerpts):
        doc = {"url": f"https://example.com/{i}", "outlet": "Example", "date": None,
               "text": text, "deals": deals}  # fmt: skip
        (folder / f"ex{i:02d}.yaml").write_text(yaml.safe_dump(doc))


def test_training_learns_which_rules_candidates_are_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    pairs = [("OpenAI", "Nvidia"), ("Oracle", "AMD"), ("Meta", "Broadcom"), ("Microsoft", "Nvidia"),
             ("Amazon", "AMD"), ("xAI", "Nvidia"), ("Anthropic", "Broadcom"), ("Meta", "AMD")]
    excerpts, era = [], {}
    for buyer, seller in pairs:
        for text, right in ((f"{buyer} placed a large chip order with {seller}.", True),
                            (f"{buyer} and {seller} both reported results on Tuesday.", False)):
            deal = {"payer": buyer, "payee": seller, "kind": "hardware_purchase",
                    "amount_usd_low": None, "amount_usd_high": None, "up_to": False}
            excerpts.append((text, [deal] if right else []))
            # blind-era rules that read both sentences as a purchase: half of them wrongly
            era[f"ex{len(excerpts) - 1:02d}.yaml"] = [{
                "payer": buyer.lower(), "payee": seller.lower(), "kind": "hardware_purchase",
                "start": 0, "end": len(text), "quote": text, "status": "announced"}]
    folder = tmp_path / "set"
    (folder / "blind_era").mkdir(parents=True)
    _write(folder, excerpts)
    (folder / "_gazetteer.yaml").write_text((DEV / "_gazetteer.yaml").read_text())
    (folder / "blind_era" / "batch01.json").write_text(json.dumps(
        {"batch": 1, "commit": "0000000", "extractor": "rules", "candidates": era}))
    out = tmp_path / "filter.json"
    assert main([str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "16 rules' candidates (8 right)" in printed and "filter 0.5" in printed
    flt = CandidateFilter.load(out)
    gaz = Gazetteer.from_yaml(folder / "_gazetteer.yaml")
    ex = RuleExtractor(gaz)
    model = PairModel.load()  # any pair model: the features are what the filter weighs
    probs = []
    for text in ("Dell placed a large chip order with Intel.",
                 "Dell and Intel both reported results on Tuesday."):
        cand = Candidate("dell", "intel", "hardware_purchase", start=0, end=len(text),
                         quote=text)  # fmt: skip
        scored = ex.scored_pairs(text, model)
        probs.append(flt.probability([candidate_features(cand, scored, model, gaz)])[0])
    assert probs[0] > probs[1]
