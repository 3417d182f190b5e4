"""Fit the candidate filter (:mod:`dealweb.extract.confidence`) and measure what it does.

Examples are the rules' candidates on the development set's batches as extracted by the commit
that first scored each batch blind (``tests/data/extraction/blind_era/batchNN.json``; how they were
made: the README there). A candidate is right when it matches a labelled deal of its excerpt
(payer, payee, kind; :func:`dealweb.extract.evaluate.score_excerpt`). Its pair-model features come
from a pair model fitted without the candidate's excerpt (grouped folds, as
:func:`dealweb.extract.train.cross_validate`), so they look the way they will on new text.

The effect is measured end to end on those excerpts: the blind-era rules' candidates, filtered,
plus the pair model's own candidates, scored against the labels — with the filter fitted without
the scored fold — next to the pair model's veto alone (``PairModel.veto``).

Run: ``python -m dealweb.extract.train_filter tests/data/extraction [--out FILE]`` (part of
``make train-extract``). scikit-learn is needed only here (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dealweb.extract.base import Candidate
from dealweb.extract.confidence import FILTER_PATH, CandidateFilter, candidate_features
from dealweb.extract.evaluate import Score, default_gazetteer
from dealweb.extract.evaluate import score_excerpt as _score
from dealweb.extract.pairs import PairModel
from dealweb.extract.rules import RuleExtractor
from dealweb.extract.train import Excerpt, _load, fit, grouped_folds

CUTS = (0.3, 0.4, 0.5, 0.6, 0.7)
FIELDS = ("payer", "payee", "kind", "amount_usd_low", "amount_usd_high", "up_to", "gigawatts",
          "status", "start", "end", "quote")  # fmt: skip


def load_blind_era(directory: str | Path) -> dict[str, list[Candidate]]:
    """The blind-era candidates by excerpt name (file stem), from ``directory/blind_era``."""
    out: dict[str, list[Candidate]] = {}
    for path in sorted((Path(directory) / "blind_era").glob("batch*.json")):
        data = json.loads(path.read_text())
        for name, cands in data["candidates"].items():
            out[Path(name).stem] = [Candidate(**{k: c[k] for k in FIELDS if k in c})
                                    for c in cands]  # fmt: skip
    return out


def _examples(
    excerpts: Sequence[Excerpt], era: dict[str, list[Candidate]], rules: RuleExtractor,
    models: list[PairModel], fold_of: dict[int, int],
) -> list[tuple[int, Candidate, dict[str, float], bool]]:
    """(excerpt index, candidate, features, right?) for every blind-era candidate."""
    out = []
    for i, e in enumerate(excerpts):
        if e.name not in era:
            continue
        model = models[fold_of[i]]
        scored = rules.scored_pairs(e.text, model)
        cands = era[e.name]
        # right = matches a label no earlier candidate took (as score_excerpt counts)
        hits = [_score(cands[:j], e.labels, rules.gazetteer).tp for j in range(len(cands) + 1)]
        for j, c in enumerate(cands):
            features = candidate_features(c, scored, model, rules.gazetteer)
            out.append((i, c, features, hits[j + 1] > hits[j]))
    return out


def fit_filter(rows: list[dict[str, float]], right: list[bool], c: float = 1.0,
               cut: float = 0.5) -> CandidateFilter:  # fmt: skip
    """Fit the filter's logistic regression (scikit-learn)."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise SystemExit("training needs scikit-learn: pip install -e '.[train]'") from err
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    clf = LogisticRegression(C=c, max_iter=3000).fit(x, right)
    names = list(vec.get_feature_names_out())
    return CandidateFilter({f: i for i, f in enumerate(names)}, clf.coef_[0],
                           float(clf.intercept_[0]), cut)  # fmt: skip


def cross_validate(
    excerpts: Sequence[Excerpt], era: dict[str, list[Candidate]], rules: RuleExtractor,
    models: list[PairModel], parts: list[np.ndarray],
    examples: list[tuple[int, Candidate, dict[str, float], bool]],
) -> dict[str, Score]:
    """End-to-end scores on the blind-era excerpts: the veto alone, and the filter (fitted
    without the scored fold) at each cut."""
    fold_of = {int(i): k for k, part in enumerate(parts) for i in part}
    results = {"veto": Score(), **{f"filter {cut}": Score() for cut in CUTS}}
    for k in range(len(parts)):
        train = [x for x in examples if fold_of[x[0]] != k]
        flt = fit_filter([x[2] for x in train], [x[3] for x in train])
        for i in (int(i) for i in parts[k]):
            e = excerpts[i]
            if e.name not in era:
                continue
            for label, cut in [("veto", None), *((f"filter {c}", c) for c in CUTS)]:
                if cut is not None:
                    flt.cut = cut
                cands = rules.second_look(e.text, e.date, list(era[e.name]), models[k],
                                          flt if cut is not None else None)  # fmt: skip
                results[label].add(_score(cands, e.labels, rules.gazetteer, e.name))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dealweb.extract.train_filter",
                                 description=__doc__)  # fmt: skip
    ap.add_argument("directory", help="labelled excerpts (*.yaml) with blind_era/ beside them")
    ap.add_argument("--out", default=str(FILTER_PATH), help="where to write the filter JSON")
    # 0.4: the highest cut of the cross-validation grid that keeps the development set at its
    # bars (0.5 scores best on the blind era but drops right in-sample candidates); shipped
    # after pre-registered tests on fresh batches and the held-out set (session 5)
    ap.add_argument("--cut", type=float, default=0.4, help="P(right) below which to drop")
    ap.add_argument("--model", default=None, help="pair model JSON for the settings "
                    "(threshold, veto, further) of the fold models; default: the shipped one")
    args = ap.parse_args(argv)
    shipped = PairModel.load(args.model) if args.model else PairModel.load()
    gazetteer = default_gazetteer(args.directory)
    rules = RuleExtractor(gazetteer, pair_model=None)
    excerpts = _load(args.directory, gazetteer, rules)
    era = load_blind_era(args.directory)
    parts = grouped_folds(len(excerpts))
    fold_of = {int(i): k for k, part in enumerate(parts) for i in part}
    # The fold models leave out the features naming the companies although the shipped model
    # has them. Measured in session 9: fitting them with those features changes the filter's
    # weights but not what it does (development 0.879 either way, amounts 90.2 -> 90.4 %;
    # extraction_blind 0.778 -> 0.777; held-out 0.639 -> 0.638), so the filter stays as fitted.
    models = [fit([excerpts[i] for j, p in enumerate(parts) if j != k for i in p], 1.0,
                  shipped.threshold, shipped.veto, shipped.further)
              for k in range(len(parts))]  # fmt: skip
    examples = _examples(excerpts, era, rules, models, fold_of)
    print(f"{sum(e.name in era for e in excerpts)} blind-era excerpts, {len(examples)} rules' "
          f"candidates ({sum(x[3] for x in examples)} right)")  # fmt: skip
    for label, s in cross_validate(excerpts, era, rules, models, parts, examples).items():
        print(f"{label:>12}: P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
    flt = fit_filter([x[2] for x in examples], [x[3] for x in examples], cut=args.cut)
    flt.save(args.out, {"trained_on": len(examples), "cut": args.cut,
                        "date": str(dt.date.today())})  # fmt: skip
    print(f"{len(flt.vocabulary)} features written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
