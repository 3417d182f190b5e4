"""Merging the mentions of one deal in an article into one candidate.

Mentions with the same payer, payee and kind and compatible amounts (within 10 %) merge and keep
the clearest evidence; a deal stated both as computing capacity and as hardware from one seller
is one sale; parts of a deal whose total is also stated are dropped.
"""

from __future__ import annotations

import re

from dealweb.extract.base import Candidate


def _amount_close(a: Candidate, b: Candidate, tol: float = 0.10) -> bool:
    x = a.amount_usd_high if a.amount_usd_high is not None else a.amount_usd_low
    y = b.amount_usd_high if b.amount_usd_high is not None else b.amount_usd_low
    if x is None or y is None:
        return True
    return abs(x - y) <= tol * max(x, y)


def _evidence_score(c: Candidate, single: bool) -> tuple[int, bool, int]:
    has_amount = c.amount_usd_high is not None or c.amount_usd_low is not None
    sentence = bool(re.search(r"[.!?][\"'”’)]*$", c.quote))  # prose, not a headline
    return (2 * has_amount + int(single) + int(c.gigawatts is not None), sentence, -len(c.quote))


def merge_candidates(cands: list[Candidate], single: list[bool] | None = None) -> list[Candidate]:
    """One candidate per deal: same payer, payee and kind with compatible amounts merge.

    The merged candidate keeps the evidence with an amount and a single named payer (shortest
    quote on ties); ``up_to`` is kept if any mention said "up to" the same amount; ``mentions``
    counts the sentences that mention the deal.
    """
    single = single or [True] * len(cands)
    groups: list[list[tuple[Candidate, bool]]] = []
    for c, s in zip(cands, single, strict=True):
        for g in groups:
            if g[0][0].key == c.key and all(_amount_close(c, x) for x, _ in g):
                g.append((c, s))
                break
        else:
            groups.append([(c, s)])
    groups = _without_parts(_one_kind_per_seller(groups))
    out = []
    for g in groups:
        best, _ = max(g, key=lambda cs: _evidence_score(*cs))
        up_to = best.up_to or any(
            c.up_to and c.amount_usd_high == best.amount_usd_high for c, _ in g
        )
        if up_to and best.amount_high is not None and best.amount_low == best.amount_high:
            best = best.with_(amount_low=None, amount_usd_low=None)
        gw = best.gigawatts or next((c.gigawatts for c, _ in g if c.gigawatts), None)
        out.append(best.with_(up_to=up_to, mentions=len(g), gigawatts=gw))
    out.sort(key=lambda c: c.start)
    return out


_Groups = list[list[tuple[Candidate, bool]]]


# Two ways of stating what one buyer gets from one chipmaker: its computing capacity or the
# systems that provide it (README, "Deal kinds").
_SAME_SALE = frozenset({"hardware_purchase", "compute_capacity"})


def _one_kind_per_seller(groups: _Groups) -> _Groups:
    """Merge a deal stated both as computing capacity and as hardware from the same seller.

    "OpenAI to purchase up to 750 megawatts of computing power … from Cerebras. Deal valued at
    over $10 billion. Deploys Cerebras wafer-scale AI chips": one sale, not a capacity deal and
    a chip purchase. When groups of one payer and payee differ only by these two kinds and
    their amounts are compatible, they become one group; the capacity statement (the one the
    README rule names first) decides the kind.
    """
    out: _Groups = []
    for g in groups:
        c = g[0][0]
        twin = next(
            (h for h in out if c.kind in _SAME_SALE and h[0][0].kind in _SAME_SALE
             and h[0][0].kind != c.kind and (h[0][0].payer, h[0][0].payee) == (c.payer, c.payee)
             and all(_amount_close(x, y) for x, _ in h for y, _ in g)),
            None,
        )  # fmt: skip
        if twin is None:
            out.append(list(g))
            continue
        merged = twin + g
        kind = "compute_capacity" if any(
            x.kind == "compute_capacity" for x, _ in merged) else c.kind  # fmt: skip
        twin[:] = [(x.with_(kind=kind), s) for x, s in merged]
    return out


def _without_parts(groups: _Groups) -> _Groups:
    """Drop the parts of a deal whose total is also stated.

    "a $1.5 billion deal … split into two parts: a $1.3 billion agreement … a separate $200
    million agreement": when two or more deals of one payer, payee and kind add up (within 1 %)
    to another of the same key, they are its tranches, not further deals.
    """
    sized = [(i, g[0][0]) for i, g in enumerate(groups) if g[0][0].amount_usd_high]
    drop: set[int] = set()
    for i, total in sized:
        parts = [(j, c) for j, c in sized if j != i and c.key == total.key
                 and (c.amount_usd_high or 0) < (total.amount_usd_high or 0)]  # fmt: skip
        if len(parts) < 2:
            continue
        whole = sum(c.amount_usd_high or 0.0 for _, c in parts)
        if abs(whole - (total.amount_usd_high or 0)) <= 0.01 * (total.amount_usd_high or 1):
            drop.update(j for j, _ in parts)
    return [g for i, g in enumerate(groups) if i not in drop]
