"""Score an extractor on a labelled set of news excerpts.

Each ``*.yaml`` file in the directory (files starting with ``_`` are skipped) holds one excerpt::

    url: https://…
    outlet: Reuters
    date: 2025-11-03          # or null
    text: "…"
    deals:
      - {payer: Microsoft, payee: IREN, kind: cloud_commitment,
         amount_usd_low: 9.7e9, amount_usd_high: 9.7e9, up_to: false, gigawatts: null}

Deals are matched one-to-one on (payer, payee, kind) with company names resolved through the
gazetteer (so "AWS" and "Amazon" are the same party). With ``match="pair"`` (``--match pair``)
the kind is ignored and deals match on (payer, payee) only: the gap between the two scores is
the share of errors that are a right pair with the wrong kind.
Precision, recall and F1 are micro-averaged over all excerpts (the usual relation-extraction
scoring, e.g. the ACE/TAC slot-filling scorers). Amounts are scored separately on the matched
deals: an amount is right when the USD low and high both equal the label within 0.5 % (a
missing bound must be missing in both).

A label may carry ``relationship_only: true``: an ongoing relationship stated without a
transaction ("Amazon remains Anthropic's primary cloud partner"), which the set's labelling rule
counts as a deal and a stricter reader would not. ``labels="strict"`` (``--labels strict``)
leaves those labels out.

Two labellers can be compared the same way: ``--against OTHER_DIR`` scores the labels of a second
folder (excerpts matched to this folder's by their text) as if they were an extractor's
candidates (:func:`agreement`). Its F1 is the labellers' agreement, the ceiling against which an
extractor's score on one labeller's set is read.

Run: ``python -m dealweb.extract.evaluate tests/data/extraction [--gazetteer companies.yaml]
[--match pair] [--labels strict] [--against OTHER_DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dealweb.extract.base import DEFAULT_EXTRACTOR, Candidate, get_extractor
from dealweb.extract.gazetteer import Gazetteer, shipped_gazetteer
from dealweb.ledger.models import DealKind


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    amounts_right: int = 0
    gw_right: int = 0
    gw_labelled: int = 0
    errors: list[str] = field(default_factory=list)
    # per kind: [found, extra, missed] (a candidate's kind for an extra, the label's otherwise)
    kinds: dict[str, list[int]] = field(default_factory=dict)

    def _count(self, kind: str, column: int) -> None:
        self.kinds.setdefault(kind, [0, 0, 0])[column] += 1

    def add(self, other: Score) -> None:
        """Pool ``other`` into this score (counts, errors and the per-kind counts)."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.amounts_right += other.amounts_right
        self.gw_right += other.gw_right
        self.gw_labelled += other.gw_labelled
        self.errors.extend(other.errors)
        for kind, counts in other.kinds.items():
            mine = self.kinds.setdefault(kind, [0, 0, 0])
            mine[:] = [a + b for a, b in zip(mine, counts, strict=True)]

    def by_kind(self) -> dict[str, dict[str, float]]:
        """Precision, recall and F1 of each kind, with its counts, the most labelled first."""
        out = {}
        for kind, (tp, fp, fn) in sorted(self.kinds.items(), key=lambda kv: -(kv[1][0] + kv[1][2])):
            s = Score(tp, fp, fn)
            out[kind] = {"found": tp, "extra": fp, "missed": fn, "precision": round(s.precision, 4),
                         "recall": round(s.recall, 4), "f1": round(s.f1, 4)}  # fmt: skip
        return out

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def amount_accuracy(self) -> float:
        return self.amounts_right / self.tp if self.tp else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "true_positives": self.tp,
            "false_positives": self.fp,
            "false_negatives": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "amounts_right": round(self.amount_accuracy, 4),
            "gigawatts_right": f"{self.gw_right}/{self.gw_labelled}",
        }


def _same(a: float | None, b: float | None, rel: float = 0.005) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=rel)


def _num(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


_KINDS = {k.value for k in DealKind}
_NUMBERS = ("amount_usd_low", "amount_usd_high", "gigawatts")


def _check_label(path: Path, i: int, deal: Any) -> None:
    """Raise a ValueError naming the file, the deal and the field when a label is malformed;
    numbers written as text are made numbers (PyYAML reads ``9.7e9``, without a dot and sign
    in the exponent, as a string)."""
    where = f"{path}: deal #{i + 1}"
    if not isinstance(deal, dict):
        raise ValueError(f"{where}: expected a mapping with payer, payee and kind")
    for key in ("payer", "payee", "kind"):
        if key not in deal:
            raise ValueError(f"{where} has no {key!r}")
    if deal["kind"] not in _KINDS:
        raise ValueError(f"{where}: kind {deal['kind']!r} is not one of {sorted(_KINDS)}")
    for key in _NUMBERS:
        value = deal.get(key)
        if isinstance(value, str):
            try:
                deal[key] = float(value)
            except ValueError:
                raise ValueError(f"{where}: {key} {value!r} is not a number") from None
        elif value is not None and not isinstance(value, int | float):
            raise ValueError(f"{where}: {key} {value!r} is not a number")
    low, high = deal.get("amount_usd_low"), deal.get("amount_usd_high")
    if low is not None and high is not None and low > high:
        raise ValueError(f"{where}: amount_usd_low {low} is above amount_usd_high {high}")


def load_labelled(directory: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """All excerpt files in ``directory`` (sorted), validated for the fields scoring needs."""
    d = Path(directory)
    if not d.is_dir():
        raise ValueError(f"{d}: not a directory of labelled excerpts")
    out = []
    for path in sorted(d.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError(f"{path}: expected a mapping with a 'text' string")
        for i, deal in enumerate(data.get("deals") or []):
            _check_label(path, i, deal)
        out.append((path, data))
    if not out:
        raise ValueError(f"{d}: no *.yaml excerpts found")
    return out


MATCH_MODES = ("kind", "pair")


def score_excerpt(
    cands: list[Candidate],
    labels: list[dict[str, Any]],
    gazetteer: Gazetteer,
    name: str = "",
    match: str = "kind",
) -> Score:
    """Match candidates to labelled deals and count hits, misses and right amounts.

    ``match="kind"`` matches on (payer, payee, kind); ``match="pair"`` on (payer, payee) only,
    the kind shown in the error lines as ``*``.
    """
    if match not in MATCH_MODES:
        raise ValueError(f"match: expected one of {', '.join(MATCH_MODES)}, got {match!r}")

    def key(payer: object, payee: object, kind: object) -> tuple[str, str, str]:
        def rid(x: object) -> str:
            if x is None:
                return ""
            return gazetteer.resolve(str(x)) or str(x).casefold()

        return rid(payer), rid(payee), str(kind) if match == "kind" else "*"

    s = Score()
    remaining = list(labels)
    for c in cands:
        k = key(c.payer, c.payee, c.kind)
        hits = [lab for lab in remaining if key(lab["payer"], lab["payee"], lab["kind"]) == k]
        hit = hits[0] if hits else None
        if hit is None:
            s.fp += 1
            s._count(str(c.kind), 1)
            s.errors.append(f"{name}: extra {k} {c.amount_usd_low}..{c.amount_usd_high}")
            continue
        remaining.remove(hit)
        s.tp += 1
        s._count(str(hit["kind"]), 0)
        if _same(c.amount_usd_low, _num(hit.get("amount_usd_low"))) and _same(
            c.amount_usd_high, _num(hit.get("amount_usd_high"))
        ):
            s.amounts_right += 1
        else:
            s.errors.append(
                f"{name}: amount of {k}: got {c.amount_usd_low}..{c.amount_usd_high}, "
                f"expected {hit.get('amount_usd_low')}..{hit.get('amount_usd_high')}"
            )
        if hit.get("gigawatts") is not None:
            s.gw_labelled += 1
            s.gw_right += int(_same(c.gigawatts, _num(hit["gigawatts"])))
    for lab in remaining:
        s.fn += 1
        s._count(str(lab["kind"]), 2)
        s.errors.append(f"{name}: missed {key(lab['payer'], lab['payee'], lab['kind'])}")
    return s


def excerpt_date(data: dict[str, Any]) -> dt.date | None:
    """The article date of a labelled excerpt (ISO string, date or null)."""
    date = data.get("date")
    return dt.date.fromisoformat(date) if isinstance(date, str) else date


LABEL_SETS = ("all", "strict")


def evaluate(
    directory: str | Path,
    gazetteer: Gazetteer | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    match: str = "kind",
    labels: str = "all",
    progress: bool = False,
) -> Score:
    """Run ``extractor`` over every excerpt in ``directory`` and return the pooled score.

    ``match`` is ``"kind"`` (payer, payee, kind) or ``"pair"`` (payer, payee; kind ignored);
    ``labels`` is ``"all"`` or ``"strict"`` (without the labels marked ``relationship_only``);
    ``progress`` shows a bar on stderr (an LLM extractor may take seconds per excerpt).
    """
    from rich.progress import Progress

    from dealweb.clikit import err_console

    _check_label_set(labels)
    items = load_labelled(directory)
    if gazetteer is None:
        gazetteer = default_gazetteer(directory)
    ex = get_extractor(extractor, gazetteer)
    total = Score()
    with Progress(console=err_console, transient=True, disable=not progress) as bar:
        for path, data in bar.track(items, description=f"scoring {Path(directory).name}"):
            total.add(_score_one(ex, path, data, gazetteer, match, labels))
    return total


def _score_one(
    ex: Any, path: Path, data: dict[str, Any], gazetteer: Gazetteer, match: str, labels: str
) -> Score:
    cands = ex.extract(data["text"], excerpt_date(data))
    return score_excerpt(cands, _kept(data.get("deals") or [], labels), gazetteer, path.stem, match)


def _check_label_set(labels: str) -> None:
    if labels not in LABEL_SETS:
        raise ValueError(f"labels must be one of {', '.join(LABEL_SETS)}, not {labels!r}")


def _kept(deals: list[dict[str, Any]], labels: str) -> list[dict[str, Any]]:
    """The labelled deals scored under ``labels``: all, or without ``relationship_only``."""
    return [d for d in deals if labels == "all" or not d.get("relationship_only")]


def label_candidates(deals: list[dict[str, Any]]) -> list[Candidate]:
    """Labelled deals as candidates, so that one labeller can be scored against another."""
    return [
        Candidate(payer=str(d["payer"]), payee=None if d.get("payee") is None else str(d["payee"]),
                  kind=str(d["kind"]), amount_usd_low=_num(d.get("amount_usd_low")),
                  amount_usd_high=_num(d.get("amount_usd_high")), up_to=bool(d.get("up_to")),
                  gigawatts=_num(d.get("gigawatts")))
        for d in deals
    ]  # fmt: skip


def agreement(
    directory: str | Path,
    other: str | Path,
    gazetteer: Gazetteer | None = None,
    match: str = "kind",
    labels: str = "all",
) -> tuple[Score, int]:
    """Score the labels of ``other`` against those of ``directory``, excerpt by excerpt.

    Excerpts are paired by their text (file names may differ between labellers); excerpts of
    ``directory`` that ``other`` does not label are left out, and so are ``other``'s excerpts
    that ``directory`` lacks. Returns the pooled score and the number of excerpts compared.
    With ``labels="strict"`` the ``relationship_only`` labels of both sides are left out.

    Example: ``agreement("tests/data/extraction", "tests/data/extraction")`` scores 1.0 (a
    labeller agrees with itself).
    """
    _check_label_set(labels)
    theirs: dict[str, list[dict[str, Any]]] = {}
    for path, data in load_labelled(other):
        if data["text"].strip() in theirs:
            raise ValueError(f"{path}: the same excerpt text is labelled twice in {other}")
        theirs[data["text"].strip()] = data.get("deals") or []
    if gazetteer is None:
        gazetteer = default_gazetteer(directory)
    total, n = Score(), 0
    for path, data in load_labelled(directory):
        second = theirs.get(data["text"].strip())
        if second is None:
            continue
        n += 1
        cands = label_candidates(_kept(second, labels))
        mine = _kept(data.get("deals") or [], labels)
        total.add(score_excerpt(cands, mine, gazetteer, path.stem, match))
    if n == 0:
        raise ValueError(f"{other}: no excerpt with the same text as one in {directory}")
    return total, n


def default_gazetteer(directory: str | Path) -> Gazetteer:
    """The shipped companies.yaml when present, else ``_gazetteer.yaml`` next to the excerpts."""
    shipped = shipped_gazetteer()
    if shipped is not None:
        return shipped
    local = Path(directory) / "_gazetteer.yaml"
    if local.exists():
        return Gazetteer.from_yaml(local)
    raise ValueError("no gazetteer: ship src/dealweb/data/companies.yaml or pass --gazetteer")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("directory")
    ap.add_argument("--gazetteer", help="companies YAML (default: shipped companies.yaml)")
    ap.add_argument("--extractor", default=DEFAULT_EXTRACTOR,
                    help=f"rules, rules+pairs or llm [default: {DEFAULT_EXTRACTOR}]")
    ap.add_argument(
        "--match",
        choices=MATCH_MODES,
        default="kind",
        help="match deals on (payer, payee, kind) [default] or on (payer, payee) only",
    )
    ap.add_argument(
        "--labels",
        choices=LABEL_SETS,
        default="all",
        help="all labels [default], or strict: without ongoing relationships (relationship_only)",
    )
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--quiet", action="store_true", help="do not list the errors")
    ap.add_argument("--by-kind", action="store_true",
                    help="also score each deal kind (a candidate's kind for an extra deal)")
    ap.add_argument("--against", metavar="OTHER_DIR",
                    help="score the labels of OTHER_DIR (a second labeller; excerpts paired by "
                         "text) instead of an extractor")  # fmt: skip
    args = ap.parse_args(argv)
    try:
        gaz = Gazetteer.from_yaml(args.gazetteer) if args.gazetteer else None
        if args.against:
            score, n = agreement(args.directory, args.against, gaz, args.match, args.labels)
        else:
            n = len(load_labelled(args.directory))
            score = evaluate(args.directory, gaz, args.extractor, args.match, args.labels,
                             progress=sys.stderr.isatty())  # fmt: skip
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        _report(score, n, args)
    except BrokenPipeError:  # "… | head": the reader has gone; nothing left to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit flush quiet
    return 0


def _report(score: Score, n: int, args: argparse.Namespace) -> None:
    if args.json:
        doc = {"excerpts": n, "match": args.match, **score.as_dict()}
        if args.by_kind:
            doc["by_kind"] = score.by_kind()
        print(json.dumps(doc, indent=2))
        return
    if not args.quiet:
        for e in score.errors:
            print("  " + e)
    print(f"excerpts:      {n}")
    print(f"matched on:    {'payer, payee, kind' if args.match == 'kind' else 'payer, payee'}")
    print(f"deals:         {score.tp} found, {score.fp} extra, {score.fn} missed")
    print(f"precision:     {score.precision:.3f}")
    print(f"recall:        {score.recall:.3f}")
    print(f"F1:            {score.f1:.3f}")
    print(f"amounts right: {score.amount_accuracy:.1%} of matched deals")
    print(f"gigawatts:     {score.gw_right}/{score.gw_labelled} labelled GW figures right")
    if args.by_kind:
        print(f"{'kind':<18} {'found':>5} {'extra':>5} {'missed':>6} {'P':>6} {'R':>6} {'F1':>6}")
        for kind, k in score.by_kind().items():
            print(f"{kind:<18} {k['found']:>5} {k['extra']:>5} {k['missed']:>6} "
                  f"{k['precision']:>6.3f} {k['recall']:>6.3f} {k['f1']:>6.3f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
