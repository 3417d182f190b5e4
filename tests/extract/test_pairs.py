"""The pair model (dealweb.extract.pairs) and its training (dealweb.extract.train)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from dealweb.extract.base import get_extractor
from dealweb.extract.gazetteer import Gazetteer
from dealweb.extract.pairs import (
    COMPANY,
    MODEL_PATH,
    NONE,
    PairModel,
    pair_features,
    sentence_pairs,
)
from dealweb.extract.rules import RuleExtractor
from dealweb.extract.train import (
    _load,
    cross_validate,
    cross_validate_on,
    fit,
    main,
    reach,
    score,
)


def _always(kind: str, further: float | None = None) -> PairModel:
    """A model that says ``kind`` for every ordered pair: no features, so P(kind) =
    e^5 / (1 + e^5) = 0.9933 (threshold 0.5)."""
    return PairModel([kind, NONE], {}, np.zeros((2, 0)), np.array([5.0, 0.0]), 0.5,
                     further=further)  # fmt: skip


def test_probabilities_worked_example() -> None:
    # Two features, three classes; by hand: z = W x + b.
    # row ["a"]: z = (1, 0, -1) + (0, 0.5, 0) = (1, 0.5, -1)
    # softmax = e^z / sum: e^1 = 2.718282, e^0.5 = 1.648721, e^-1 = 0.367879, sum 4.734882
    # -> 0.574097, 0.348207, 0.077696
    model = PairModel(
        classes=["x", NONE, "y"],
        vocabulary={"a": 0, "b": 1},
        coef=np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0]]),
        intercept=np.array([0.0, 0.5, 0.0]),
        threshold=0.5,
    )
    p = model.probabilities([["a", "unknown feature"], []])
    assert p[0] == pytest.approx([0.574097, 0.348207, 0.077696], abs=1e-6)
    # no known feature: only the intercepts speak
    e = math.exp(0.5)
    assert p[1] == pytest.approx([1 / (2 + e), e / (2 + e), 1 / (2 + e)])
    assert np.allclose(p.sum(axis=1), 1.0)
    # features are present or absent, as in training: a repeated one counts once
    assert model.probabilities([["a", "a", "a"]])[0] == pytest.approx(p[0])


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = PairModel(["x", NONE], {"f": 0, "g": 1}, np.array([[0.5, -1.0], [0.0, 0.25]]),
                      np.array([0.1, -0.1]), 0.6, veto=0.9, further=0.7)  # fmt: skip
    model.save(tmp_path / "m.json", {"note": "test"})
    back = PairModel.load(tmp_path / "m.json")
    assert back.classes == model.classes and back.vocabulary == model.vocabulary
    assert back.threshold == 0.6 and back.veto == 0.9 and back.further == 0.7
    assert np.allclose(back.probabilities([["f"], ["g"]]), model.probabilities([["f"], ["g"]]))


def test_features_of_a_pair(fixture_gazetteer: Gazetteer) -> None:
    ex = RuleExtractor(fixture_gazetteer)
    sent = next(iter(ex.nlp("Nvidia has invested in OpenAI and CoreWeave.").sents))
    pairs = sentence_pairs(sent)
    assert [(p.first, p.second) for p in pairs] == [
        ("nvidia", "openai"), ("nvidia", "coreweave"), ("openai", "coreweave")]  # fmt: skip
    forward = pair_features(pairs[0], True, fixture_gazetteer)
    assert {"order=pf", "btw=invested", "pf|btw=invested", "payee_prev=in", "payer_prev=other",
            "roles=chipmaker>ai_lab", "cue=invested"} <= set(forward)  # fmt: skip
    backward = pair_features(pairs[0], False, fixture_gazetteer)
    assert {"order=ef", "payer_prev=in", "roles=ai_lab>chipmaker"} <= set(backward)
    assert "has_money" not in forward
    assert {f"{COMPANY}payer=nvidia", f"{COMPANY}pair=nvidia>openai"} <= set(forward)
    assert f"{COMPANY}pair=openai>nvidia" in backward


def _write_set(folder: Path, excerpts: list[tuple[str, list[dict]]]) -> None:
    """A labelled set in ``folder``: one YAML file per excerpt, and the fixture gazetteer."""
    folder.mkdir()
    (folder / "_gazetteer.yaml").write_text((Path(__file__).resolve().parents[1] / "data"
                                             / "extraction" / "_gazetteer.yaml").read_text())
    for i, (text, deals) in enumerate(excerpts):
        doc = {"url": f"https://example.com/{i}", "outlet": "Example", "date": None,
               "text": text, "deals": deals}  # fmt: skip
        (folder / f"ex{i:02d}.yaml").write_text(yaml.safe_dump(doc))


def _deal(payer: str, payee: str, kind: str) -> dict:
    return {"payer": payer, "payee": payee, "kind": kind, "amount_usd_low": None,
            "amount_usd_high": None, "up_to": False}  # fmt: skip


CUSTOMERS = [("OpenAI", "Nvidia"), ("Oracle", "AMD"), ("Meta", "Broadcom"), ("Microsoft", "Nvidia"),
             ("Amazon", "AMD"), ("xAI", "Nvidia"), ("Anthropic", "Broadcom"), ("Meta", "AMD")]


@pytest.fixture()
def small_set(tmp_path: Path, fixture_gazetteer: Gazetteer) -> Path:
    """Excerpts where "X placed a large chip order with Y" is X buying from Y, plus excerpts
    where two companies only share a sentence."""
    excerpts = []
    for buyer, seller in CUSTOMERS:
        excerpts.append((f"{buyer} placed a large chip order with {seller}.",
                         [_deal(buyer, seller, "hardware_purchase")]))  # fmt: skip
        excerpts.append((f"{buyer} and {seller} both reported results on Tuesday.", []))
    folder = tmp_path / "set"
    _write_set(folder, excerpts)
    return folder


def test_trained_model_learns_a_phrasing_the_rules_do_not_read(
    small_set: Path, fixture_gazetteer: Gazetteer
) -> None:
    pytest.importorskip("sklearn")
    rules = RuleExtractor(fixture_gazetteer)
    excerpts = _load(small_set, fixture_gazetteer, rules)
    assert sum(t != NONE for e in excerpts for t in e.targets) == len(CUSTOMERS)
    model = fit(excerpts, c=10.0, threshold=0.5)
    assert set(model.classes) == {NONE, "hardware_purchase"}
    text = "Dell placed a large chip order with Intel."
    assert rules.extract(text) == []  # the rules alone do not read it
    found = RuleExtractor(fixture_gazetteer, pair_model=model).extract(text)
    assert [(c.payer, c.payee, c.kind, c.amount_usd_high) for c in found] == [
        ("dell", "intel", "hardware_purchase", None)]  # fmt: skip
    assert found[0].extractor == "rules+pairs" and "pair model" in found[0].notes[0]
    quiet = RuleExtractor(fixture_gazetteer, pair_model=model).extract(
        "Dell and Intel both reported results on Tuesday.")  # fmt: skip
    assert quiet == []
    # scored on its own training set the model adds what the rules miss
    assert score(excerpts, rules, model).recall > score(excerpts, rules, None).recall


def test_cross_validation_and_main(small_set: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    pytest.importorskip("sklearn")
    gaz = Gazetteer.from_yaml(small_set / "_gazetteer.yaml")
    rules = RuleExtractor(gaz)
    results = cross_validate(_load(small_set, gaz, rules), rules, folds=2)
    assert results[0][:2] == (0.0, 0.0)  # the rules alone first
    assert results[0][2].recall == 0.0  # they read none of these phrasings
    assert max(s.f1 for _, _, s in results[1:]) > 0.5  # held-out excerpts are read
    out = tmp_path / "model.json"
    assert main([str(small_set), "--out", str(out), "--cv", "--folds", "2"]) == 0
    printed = capsys.readouterr().out
    assert "rules alone" in printed and "features" in printed
    assert PairModel.load(out).classes
    names = tmp_path / "left_out.txt"
    names.write_text("# two excerpts left out\nex00\n\nex01\n")
    assert main([str(small_set), "--out", str(out), "--exclude-names", str(names)]) == 0
    assert capsys.readouterr().out.startswith(f"{2 * len(CUSTOMERS) - 2} excerpts")


def test_company_features_are_fitted_only_when_asked(
    small_set: Path, fixture_gazetteer: Gazetteer
) -> None:
    pytest.importorskip("sklearn")
    rules = RuleExtractor(fixture_gazetteer)
    excerpts = _load(small_set, fixture_gazetteer, rules)
    plain = fit(excerpts, c=10.0, threshold=0.5)
    named = fit(excerpts, c=10.0, threshold=0.5, company_features=True)
    assert not any(f.startswith(COMPANY) for f in plain.vocabulary)
    assert f"{COMPANY}pair=openai>nvidia" in named.vocabulary
    # a model without them ignores them: the plain model scores rows with and without alike
    rows = [r for e in excerpts for r in e.rows]
    bare = [[f for f in r if not f.startswith(COMPANY)] for r in rows]
    assert np.allclose(plain.probabilities(rows), plain.probabilities(bare))


def test_cross_validation_on_one_folder_scores_each_of_its_excerpts_once(
    small_set: Path, fixture_gazetteer: Gazetteer, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    rules = RuleExtractor(fixture_gazetteer)
    excerpts = _load(small_set, fixture_gazetteer, rules)
    fixed, folded = excerpts[:8], excerpts[8:]
    s = cross_validate_on(fixed, folded, rules, {"c": 10.0, "threshold": 0.5}, None, folds=2)
    assert s.tp + s.fn == sum(len(e.labels) for e in folded)  # every label of the folder, once
    assert s.recall > score(folded, rules, None).recall == 0.0  # the model reads them
    out = small_set.parent / "model.json"
    assert main([str(small_set), "--out", str(out), "--cv-on", str(small_set), "--folds", "2"]) == 0
    printed = capsys.readouterr().out
    assert f"cross-validated on {small_set} (16 excerpts, 2 folds, 0 always training)" in printed
    with pytest.raises(SystemExit, match="none of the training excerpts"):
        main([str(small_set), "--out", str(out), "--cv-on", str(small_set.parent)])


def test_reach_counts_the_labels_a_perfect_pair_model_could_find(
    tmp_path: Path, fixture_gazetteer: Gazetteer, capsys: pytest.CaptureFixture[str]
) -> None:
    far = " ".join(["word"] * 25)
    folder = tmp_path / "reach"
    _write_set(folder, [
        # in reach: both names in one sentence, close; the direction does not matter
        ("Nvidia placed an order with OpenAI.", [_deal("OpenAI", "Nvidia", "hardware_purchase")]),
        # out of reach: the two names never share a sentence
        ("Oracle signed a deal. It is with Meta.", [_deal("Meta", "Oracle", "cloud_commitment")]),
        # out of reach: more than MAX_GAP tokens apart in one sentence
        (f"Amazon {far} and Anthropic.", [_deal("Amazon", "Anthropic", "equity_investment")]),
        # out of reach: a party the gazetteer cannot resolve
        ("Acme bought chips from AMD.", [_deal("Acme", "AMD", "hardware_purchase")]),
    ])  # fmt: skip
    rules = RuleExtractor(fixture_gazetteer)
    assert reach(_load(folder, fixture_gazetteer, rules), fixture_gazetteer) == (4, 1)
    assert main([str(folder), "--reach", "--out", str(tmp_path / "unused.json")]) == 0
    assert "4 labelled deals; 1 (25.0%) within the pair model's reach" in capsys.readouterr().out
    assert not (tmp_path / "unused.json").exists()  # --reach fits nothing


def test_main_trains_on_several_folders_and_refuses_a_name_in_two(
    small_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    more = tmp_path / "more"
    more.mkdir()
    names = sorted(p.name for p in small_set.glob("ex*.yaml"))
    for name in names[:3]:  # three excerpts moved to a second folder
        (more / name).write_text((small_set / name).read_text())
    first = tmp_path / "first"
    first.mkdir()
    for name in names[3:] + ["_gazetteer.yaml"]:
        (first / name).write_text((small_set / name).read_text())
    out = tmp_path / "model.json"
    assert main([str(first), str(more), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"{len(names)} excerpts")
    (more / names[-1]).write_text((small_set / names[-1]).read_text())  # now in both
    with pytest.raises(SystemExit, match=names[-1].removesuffix(".yaml")):
        main([str(first), str(more), "--out", str(out)])

def test_shipped_model_and_opt_in_extractor(fixture_gazetteer: Gazetteer) -> None:
    assert MODEL_PATH.exists()
    model = PairModel.load(MODEL_PATH)
    assert NONE in model.classes and "equity_investment" in model.classes
    assert 0 < model.threshold < 1
    assert model.veto is None or 0.5 < model.veto <= 1
    assert RuleExtractor(fixture_gazetteer).pair_model is None  # off by default
    ex = get_extractor("rules+pairs", fixture_gazetteer)
    assert isinstance(ex.pair_model, PairModel)
    found = ex.extract("Microsoft is investing $5 billion in Anthropic.")
    assert [(c.payer, c.payee, c.kind) for c in found] == [
        ("microsoft", "anthropic", "equity_investment")]  # fmt: skip


def test_pairs_far_apart_or_across_companies_are_not_read(fixture_gazetteer: Gazetteer) -> None:
    ex = RuleExtractor(fixture_gazetteer)
    text = ("Nebius signed a contract with Microsoft, Oracle raised new debt from its banks, and "
            "Intel sold shares to SoftBank.")
    pairs = {(p.first, p.second) for p in sentence_pairs(next(iter(ex.nlp(text).sents)))}
    assert ("nebius", "microsoft") in pairs and ("microsoft", "oracle") in pairs
    assert ("nebius", "oracle") in pairs  # one company between: still a pair
    assert ("nebius", "intel") not in pairs  # two companies between
    assert ("nebius", "softbank") not in pairs  # and more than 20 tokens apart


def test_kind_is_proposed_only_from_a_sentence_that_names_it(fixture_gazetteer: Gazetteer) -> None:
    from dealweb.extract.pairs import kind_stated

    assert not kind_stated("equity_investment", "Amazon remains Anthropic's primary cloud partner.")
    assert kind_stated("cloud_commitment", "Amazon remains Anthropic's primary cloud partner.")
    assert kind_stated("equity_investment", "Amazon is also an investor in Anthropic.")
    # a model that always says "equity": the gate keeps it quiet where no stake is named
    always = _always("equity_investment")
    text = "Amazon remains Anthropic's primary cloud partner."
    gated = RuleExtractor(fixture_gazetteer, pair_model=always).extract(text)
    ungated = RuleExtractor(fixture_gazetteer, pair_model=always, pair_gate=False).extract(text)
    assert gated == [] and [c.kind for c in ungated] == ["equity_investment"]  # one direction


def test_a_deal_is_proposed_only_from_a_sentence_that_states_a_transaction(
    fixture_gazetteer: Gazetteer,
) -> None:
    from dealweb.extract.pairs import transaction_stated

    # a relationship is not a deal (the founding article's reading): no transaction, no candidate
    assert not transaction_stated("Amazon remains Anthropic's primary cloud partner.")
    assert not transaction_stated("CoreWeave, a cloud provider to OpenAI, runs Nvidia GPUs.")
    for stated in ("Nvidia also backs CoreWeave.", "OpenAI signed a deal for AMD chips.",
                   "Meta is in talks to rent Google TPUs.", "Amazon is an investor in Anthropic."):
        assert transaction_stated(stated), stated
    always = _always("cloud_commitment")
    ex = RuleExtractor(fixture_gazetteer, pair_model=always)
    assert ex.extract("Amazon remains Anthropic's primary cloud partner.") == []
    rented = ex.extract("Anthropic agreed to rent cloud capacity from Amazon.")
    # (this model has no features, so the direction is a tie: only the pair is checked)
    assert [({c.payer, c.payee}, c.kind) for c in rented] == [
        ({"anthropic", "amazon"}, "cloud_commitment")]


def test_a_pair_the_rules_read_one_way_can_get_the_models_deal_the_other_way(
    fixture_gazetteer: Gazetteer,
) -> None:
    always = _always("cloud_commitment")
    text = "Nvidia invested $2 billion in CoreWeave, which also rents cloud capacity to Nvidia."
    rules = RuleExtractor(fixture_gazetteer).extract(text)
    assert [(c.payer, c.payee, c.kind) for c in rules] == [
        ("nvidia", "coreweave", "equity_investment")]
    both = RuleExtractor(fixture_gazetteer, pair_model=always).extract(text)
    # the rules' reading keeps its amount; the model adds only the other direction
    assert sorted((c.payer, c.payee, c.kind, c.amount_usd_high) for c in both) == [
        ("coreweave", "nvidia", "cloud_commitment", None),
        ("nvidia", "coreweave", "equity_investment", 2e9)]


def test_the_models_deal_takes_the_sentences_one_unread_amount(
    fixture_gazetteer: Gazetteer,
) -> None:
    always = PairModel(["cloud_commitment", "equity_investment", NONE], {},
                       np.zeros((3, 0)), np.array([5.0, 0.0, 0.0]), 0.5)  # fmt: skip
    ex = RuleExtractor(fixture_gazetteer, pair_model=always)
    text = "xAI CEO Elon Musk reportedly canceled a potential $10 billion server deal with Oracle."
    assert RuleExtractor(fixture_gazetteer).extract(text) == []  # the rules do not read it
    (c,) = ex.extract(text)
    assert ({c.payer, c.payee}, c.amount_usd_low, c.amount_usd_high) == ({"xai", "oracle"}, 1e10,
                                                                         1e10)  # fmt: skip
    # two amounts in the sentence: which is the deal's is not known, so none
    (c,) = ex.extract("xAI CEO Elon Musk reportedly canceled a potential $10 billion server deal "
                      "with Oracle, then raised $6 billion.")  # fmt: skip
    assert c.amount_usd_high is None
    # a stake in a round: the round's total is not this investor's amount
    equity = _always("equity_investment")
    found = RuleExtractor(fixture_gazetteer, pair_model=equity).extract(
        "Reportedly, a $6 billion funding round for xAI drew backing that Nvidia had signalled.")
    assert found and all(c.amount_usd_high is None for c in found if c.extractor == "rules+pairs")


def _per_pair(gazetteer: Gazetteer, text: str, test) -> dict[tuple[str, str], bool]:
    """``test(pair, money)`` for each pair of the one-sentence ``text`` and its one amount."""
    from dealweb.extract.quantities import find_money

    sent = next(iter(RuleExtractor(gazetteer).nlp(text).sents))
    (money,) = find_money(text)
    return {(p.first, p.second): test(p, money) for p in sentence_pairs(sent)}


def test_two_model_deals_in_a_sentence_the_amount_goes_to_the_pair_that_holds_it(
    fixture_gazetteer: Gazetteer,
) -> None:
    from dealweb.extract.rules.second_look import _holds

    text = ("In a bold move, xAI and Oracle sealed a $9 billion agreement, while Meta is "
            "weighing cloud capacity with CoreWeave.")  # fmt: skip
    holds = _per_pair(fixture_gazetteer, text, _holds)
    # between xAI and Oracle; before Meta and CoreWeave (only proposals compete for it)
    assert holds[("xai", "oracle")] and not holds[("meta", "coreweave")]


def _sure_of_no_deal(veto: float | None) -> PairModel:
    # no features: every ordered pair gets P(none) = e^3 / (1 + e^3) = 0.952574
    return PairModel(["equity_investment", NONE], {}, np.zeros((2, 0)), np.array([0.0, 3.0]),
                     0.99, veto=veto)  # fmt: skip


def test_the_model_vetoes_a_rules_candidate_only_when_nearly_sure(
    fixture_gazetteer: Gazetteer,
) -> None:
    text = "Microsoft is investing $5 billion in Anthropic."
    rules = RuleExtractor(fixture_gazetteer).extract(text)
    assert [(c.payer, c.payee) for c in rules] == [("microsoft", "anthropic")]
    p_none = _sure_of_no_deal(None).probabilities([[]])[0, 1]
    assert p_none == pytest.approx(math.exp(3) / (1 + math.exp(3)))
    for veto, kept in ((None, True), (0.96, True), (0.95, False), (0.9, False)):
        ex = RuleExtractor(fixture_gazetteer, pair_model=_sure_of_no_deal(veto))
        assert (ex.extract(text) == rules) is kept, veto
        assert ex.extract(text) in ([], rules)  # nothing proposed in its place (threshold 0.99)


def test_the_veto_reads_the_candidates_own_sentence(fixture_gazetteer: Gazetteer) -> None:
    from dealweb.extract.base import Candidate

    text = "Microsoft will invest $5 billion. Microsoft and Anthropic spoke on Tuesday."
    first = text.index(".") + 1
    ex = RuleExtractor(fixture_gazetteer)
    # evidence in the first sentence, where the pair is not named: the model has not read it
    away = Candidate("microsoft", "anthropic", "equity_investment", start=0, end=first)
    here = Candidate("microsoft", "anthropic", "equity_investment", start=first + 1,
                     end=len(text))  # fmt: skip
    model = _sure_of_no_deal(0.9)
    assert ex.second_look(text, None, [away], model) == [away]
    assert ex.second_look(text, None, [here], model) == []
    assert ex.second_look(text, None, [here], _sure_of_no_deal(None)) == [here]


def test_the_shipped_model_vetoes_a_relationship_the_rules_read_as_a_purchase() -> None:
    from dealweb.extract.gazetteer import shipped_gazetteer

    g = shipped_gazetteer()
    assert g is not None
    rules, default = RuleExtractor(g), get_extractor("rules+pairs", g)
    veto_only = RuleExtractor(g, pair_model="shipped")  # no candidate filter: the veto decides
    # who Dell supplies is not said (the development set's label for the sentence this is
    # modelled on)
    dell = "The report says Dell is close to a deal worth over $3 billion to supply servers " \
           "equipped with Nvidia chips."  # fmt: skip
    fleet = "Backed by Nvidia, which holds a 5% stake, Lambda runs a cloud with more than " \
            "100,000 Nvidia GPUs."  # fmt: skip
    assert [(c.payer, c.payee) for c in rules.extract(dell)] == [("dell", "nvidia")]
    assert veto_only.extract(dell) == [] and default.extract(dell) == []
    assert [(c.payer, c.payee) for c in rules.extract(fleet)] == [("lambda", "nvidia")]
    # the fleet: with the features naming the companies (session 8) the model again vetoes the
    # rules' purchase (a fleet is a relationship, not an order) and adds the stake the rules do
    # not read, with or without the filter
    for ex in (veto_only, default):
        assert {(c.payer, c.payee, c.kind) for c in ex.extract(fleet)} == {
            ("nvidia", "lambda", "equity_investment")}


def test_model_deals_sharing_a_company_take_the_amount_beside_their_own(
    fixture_gazetteer: Gazetteer,
) -> None:
    text = ("In this venture, Nvidia will invest up to $10 billion, while Microsoft aims to "
            "contribute around $5 billion to Anthropic's growth.")  # fmt: skip
    assert RuleExtractor(fixture_gazetteer).extract(text) == []
    # a model that reads stakes from investors into the lab (Nvidia and Microsoft face Anthropic,
    # not each other)
    lab_backers = PairModel(["equity_investment", NONE], {"payee_role=ai_lab": 0},
                            np.array([[10.0], [0.0]]), np.array([-5.0, 0.0]), 0.5)  # fmt: skip
    got = RuleExtractor(fixture_gazetteer, pair_model=lab_backers).extract(text)
    assert sorted((c.payer, c.payee, c.amount_usd_low, c.amount_usd_high, c.up_to)
                  for c in got) == [("microsoft", "anthropic", 5e9, 5e9, False),
                                    ("nvidia", "anthropic", None, 10e9, True)]  # fmt: skip


def test_a_further_deal_of_another_family_joins_a_direction_the_rules_read(
    fixture_gazetteer: Gazetteer,
) -> None:
    text = "Nvidia invested $2 billion in CoreWeave and will lend CoreWeave money for chips."
    read = ("nvidia", "coreweave", "equity_investment", 2e9)

    def found(further: float | None) -> set[tuple]:
        ex = RuleExtractor(fixture_gazetteer, pair_model=_always("loan", further))
        return {(c.payer, c.payee, c.kind, c.amount_usd_high) for c in ex.extract(text)}

    # without `further` the model adds nothing the way the rules read (only the other way)
    assert found(None) == {read, ("coreweave", "nvidia", "loan", None)}
    # sure enough (0.9933 >= 0.5): the loan joins the stake, Nvidia -> CoreWeave
    assert found(0.5) == {read, ("coreweave", "nvidia", "loan", None),
                          ("nvidia", "coreweave", "loan", None)}  # fmt: skip
    assert found(0.999) == found(None)  # not sure enough


def test_a_further_deal_of_the_same_family_is_one_deal_read_twice(
    fixture_gazetteer: Gazetteer,
) -> None:
    # compute capacity and a chip purchase are one family: the founding article's "up to one
    # gigawatt of compute capacity" on Nvidia's systems must not also become a purchase
    text = "Anthropic committed to up to one gigawatt of compute capacity on Nvidia systems."
    ex = RuleExtractor(fixture_gazetteer, pair_model=_always("hardware_purchase", 0.5))
    got = {(c.payer, c.payee, c.kind) for c in ex.extract(text)}
    assert ("anthropic", "nvidia", "compute_capacity") in got
    assert ("anthropic", "nvidia", "hardware_purchase") not in got


def test_both_directions_of_a_pair_when_the_model_is_sure_of_both(
    fixture_gazetteer: Gazetteer,
) -> None:
    text = "Anthropic agreed to rent cloud capacity from Amazon."
    one = RuleExtractor(fixture_gazetteer, pair_model=_always("cloud_commitment", None))
    both = RuleExtractor(fixture_gazetteer, pair_model=_always("cloud_commitment", 0.5))
    assert len(one.extract(text)) == 1  # a tie: one direction, by a fixed order
    assert {(c.payer, c.payee) for c in both.extract(text)} == {
        ("anthropic", "amazon"), ("amazon", "anthropic")}


def test_the_shipped_model_adds_further_deals_from_its_setting() -> None:
    model = PairModel.load()
    assert model.further is not None and model.threshold <= model.further <= 1.0


def test_no_model_deal_from_a_standing_tie(fixture_gazetteer: Gazetteer) -> None:
    # the founding article: "For years, Microsoft was closely linked to ChatGPT creator OpenAI
    # through substantial investments" is background, not a deal being made
    tie = "For years, Microsoft was closely linked to ChatGPT creator OpenAI through investments."
    made = "Microsoft invested in OpenAI through substantial investments."
    ex = RuleExtractor(fixture_gazetteer, pair_model=_always("equity_investment"))
    assert ex.extract(tie) == []
    assert {(c.payer, c.payee) for c in ex.extract(made)} == {("microsoft", "openai")}


def test_a_model_deal_leaves_an_amount_nearer_a_third_company(
    fixture_gazetteer: Gazetteer,
) -> None:
    from dealweb.extract.rules.second_look import _stranger_nearer

    # the development set's aidailypost page: Broadcom owns the $21 billion, not Anthropic ->
    # Google (the figure is 30 characters from Broadcom, 60 from Google)
    text = ("Broadcom's latest filing reveals a $21 billion purchase from Anthropic, the AI "
            "startup that has been building its models on Google's cloud platform.")  # fmt: skip
    nearer = _per_pair(fixture_gazetteer, text, _stranger_nearer)
    # (Broadcom and Google are too far apart to be a pair)
    assert nearer == {("broadcom", "anthropic"): False, ("anthropic", "alphabet"): True}
    # the pair named on both sides of the figure, the third company farther: the pair's
    text = "Anthropic agreed a $21 billion deal with Google for cloud capacity, Broadcom said."
    nearer = _per_pair(fixture_gazetteer, text, _stranger_nearer)
    assert nearer[("anthropic", "alphabet")] is False
