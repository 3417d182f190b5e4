"""How likely a rules' candidate is right, learned from the rules' mistakes on unseen text.

The rules of :mod:`dealweb.extract.rules` read the development set they were written from with
about nine candidates in ten right, and text they have not seen with about seven in ten. A model
of their mistakes must therefore learn from their output on text they had not seen: the
development set's batches as extracted by the commit that first scored each batch blind, before
any rule was written from it (``tests/data/extraction/blind_era/``). This is stacked
generalization (Wolpert, "Stacked generalization", *Neural Networks* 5(2), 1992): a second-level
model is fitted on first-level outputs for examples the first level was not fitted on — here the
rules' candidates, with the pair model's probabilities (:mod:`dealweb.extract.pairs`) from a model
fitted without that excerpt.

A candidate's features: its kind, whether it has an amount ("up to" or not), its status, the
roles of its two companies, whether its sentence states a transaction and names its kind, whether
the pair model scored its payer and payee in its sentence, and if so the model's probabilities
for no deal and for the candidate's kind, both ways round. Logistic regression (fitted with
scikit-learn by :mod:`dealweb.extract.train_filter`); the weights ship as JSON
(``candidate_filter.json``) and are applied here with numpy. A candidate whose probability is
below the filter's ``cut`` is dropped.

Example
-------
>>> import numpy as np
>>> f = CandidateFilter({"amount": 0}, np.array([2.0]), -1.0, cut=0.5)
>>> [round(float(p), 3) for p in f.probability([{"amount": 1.0}, {}])]
[0.731, 0.269]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from dealweb.extract.base import Candidate
from dealweb.extract.gazetteer import Gazetteer
from dealweb.extract.pairs import NONE, PairMention, PairModel, kind_stated, transaction_stated

FILTER_PATH = Path(__file__).with_name("candidate_filter.json")

# Where each ordered pair of a text sits (pair, payer first?, paragraph offset) and the pair
# model's class probabilities for it, row by row (RuleExtractor.scored_pairs).
ScoredPairs = tuple[list[tuple[PairMention, bool, int]], np.ndarray]


def pair_rows(cand: Candidate, scored: ScoredPairs, reverse: bool = False) -> list[int]:
    """Rows of ``scored`` for ``cand``'s payer → payee (payee → payer with ``reverse``) in a
    sentence its evidence overlaps."""
    want = (cand.payee, cand.payer) if reverse else (cand.payer, cand.payee)
    rows = []
    for i, (pair, payer_first, offset) in enumerate(scored[0]):
        ordered = (pair.first, pair.second) if payer_first else (pair.second, pair.first)
        start = offset + pair.sentence.start_char
        end = offset + pair.sentence.end_char
        if ordered == want and (start <= cand.start < end or cand.start <= start < cand.end):
            rows.append(i)
    return rows


def candidate_features(
    cand: Candidate, scored: ScoredPairs, model: PairModel, gazetteer: Gazetteer
) -> dict[str, float]:
    """The filter's features for one rules' candidate (see the module docstring)."""
    f = {
        f"kind={cand.kind}": 1.0,
        f"status={cand.status}": 1.0,
        f"roles={gazetteer.role(cand.payer)}>{gazetteer.role(cand.payee or '')}": 1.0,
        "amount": float(cand.amount_usd_high is not None),
        "up_to": float(cand.up_to),
        "transaction": float(transaction_stated(cand.quote)),
        "kind_named": float(kind_stated(cand.kind, cand.quote)),
    }
    probs = scored[1]
    kind = model.classes.index(cand.kind) if cand.kind in model.classes else None
    if rows := pair_rows(cand, scored):
        f["scored"] = 1.0
        # the candidate's evidence may cover two sentences: the likelier reading counts
        p_none = float(probs[rows, model.classes.index(NONE)].min())
        f["p_none"] = p_none
        f["p_none_high"] = float(p_none >= 0.9)
        f["p_kind"] = float(probs[rows, kind].max()) if kind is not None else 0.0
    if (rows := pair_rows(cand, scored, reverse=True)) and kind is not None:
        f["p_kind_reverse"] = float(probs[rows, kind].max())
    return f


@dataclass
class CandidateFilter:
    """Logistic regression over :func:`candidate_features` (weights from JSON)."""

    vocabulary: dict[str, int]
    coef: np.ndarray  # one weight per feature
    intercept: float
    cut: float  # a candidate less likely than this to be right is dropped

    @classmethod
    def load(cls, path: str | Path = FILTER_PATH) -> CandidateFilter:
        data = json.loads(Path(path).read_text())
        return cls(
            vocabulary={f: i for i, f in enumerate(data["features"])},
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),
            cut=float(data["cut"]),
        )

    def save(self, path: str | Path, meta: dict | None = None) -> None:
        data = {
            "features": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "coef": [round(float(x), 6) for x in self.coef],
            "intercept": round(float(self.intercept), 6),
            "cut": self.cut,
            "meta": meta or {},
        }
        Path(path).write_text(json.dumps(data, indent=1) + "\n")

    def probability(self, rows: list[dict[str, float]]) -> np.ndarray:
        """P(right) for each feature dict (features not in the vocabulary are ignored)."""
        x = np.zeros((len(rows), len(self.vocabulary)))
        for i, feats in enumerate(rows):
            for name, value in feats.items():
                j = self.vocabulary.get(name)
                if j is not None:
                    x[i, j] = value
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def keep(self, cands: list[Candidate], rows: list[dict[str, float]]) -> list[Candidate]:
        """The candidates at least ``cut`` likely to be right, in their order."""
        if not cands:
            return []
        return [c for c, p in zip(cands, self.probability(rows), strict=True) if p >= self.cut]


@cache
def shipped_filter() -> CandidateFilter | None:
    """The filter shipped with dealweb, or None when the file is absent."""
    return CandidateFilter.load(FILTER_PATH) if FILTER_PATH.exists() else None
