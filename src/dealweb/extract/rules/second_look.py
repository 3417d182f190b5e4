"""The pair model's second look at an article: the rules' candidates revised, its own added.

After the rules have read an article (:class:`~dealweb.extract.rules.RuleExtractor`), every
ordered pair of companies sharing a sentence is scored by the pair model
(:mod:`dealweb.extract.pairs`; distant supervision, Mintz et al., ACL 2009). The rules'
candidates the candidate filter (:mod:`dealweb.extract.confidence`; stacked generalization,
Wolpert 1992) or, without one, the model's veto finds unlikely are set aside, and the deals the
model sees that the rules did not read are added, each with the sentence's one unread amount
when there is one and no third company is named nearer to it. The model proposes nothing from a
sentence that does not state a transaction, or that describes a standing tie ("was closely
linked to"). The functions take the extractor as ``ex`` like the other stages of
:mod:`dealweb.extract.rules`; :meth:`RuleExtractor.second_look` is the entry point.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from spacy.tokens import Span

from dealweb.extract.base import Candidate
from dealweb.extract.confidence import (
    CandidateFilter,
    ScoredPairs,
    candidate_features,
    pair_rows,
)
from dealweb.extract.pairs import (
    NONE,
    PairMention,
    PairModel,
    kind_stated,
    standing_tie,
    transaction_stated,
)
from dealweb.extract.quantities import Money, find_money
from dealweb.extract.rules.amounts import _is_deal_amount, _round_total
from dealweb.extract.rules.clauses import _quote
from dealweb.extract.rules.kinds import SPEND_KINDS, _candidate, _status

if TYPE_CHECKING:
    from dealweb.extract.rules.extractor import RuleExtractor


def second_look(
    ex: RuleExtractor,
    text: str,
    date: dt.date | None,
    found: list[Candidate],
    model: PairModel | None = None,
    candidate_filter: CandidateFilter | None = None,
) -> list[Candidate]:
    """The rules' candidates ``found``, revised with the pair model: those unlikely to be
    right dropped (by the candidate filter, :mod:`dealweb.extract.confidence`, or without
    one by the model's veto, :attr:`PairModel.veto`), the deals the model sees that the
    rules did not read added (:func:`pair_candidates`). ``model`` and ``candidate_filter``
    override the extractor's own (training scores candidate models with them)."""
    model = model or ex.pair_model
    if not isinstance(model, PairModel):
        return list(found)
    scored = scored_pairs(ex, text, model)
    flt = candidate_filter or ex.candidate_filter
    if isinstance(flt, CandidateFilter):
        rows = [candidate_features(c, scored, model, ex.gazetteer) for c in found]
        kept = flt.keep(found, rows)
    else:
        kept = [c for c in found if not _vetoed(c, scored, model)]
    # what was dropped, for the reviewer (`dealweb extract` says so; --extractor rules
    # shows them)
    ex.set_aside = [c for c in found if c not in kept]
    return kept + pair_candidates(ex, text, date, kept, model, scored)


def scored_pairs(ex: RuleExtractor, text: str, model: PairModel) -> ScoredPairs:
    examples = ex.pair_examples(text)
    where = [(pair, payer_first, offset) for pair, payer_first, offset, _ in examples]
    return where, model.probabilities([feats for *_, feats in examples])


def pair_candidates(
    ex: RuleExtractor,
    text: str,
    date: dt.date | None,
    found: list[Candidate],
    model: PairModel | None = None,
    scored: ScoredPairs | None = None,
) -> list[Candidate]:
    """Deals the pair model sees that the rules did not read.

    Each ordered pair of companies sharing a sentence is scored; the best kind of the
    best-scoring sentence becomes a candidate without an amount when its probability passes
    the model's threshold and the rules found no deal from that payer to that payee (the
    rules are more precise where they speak: they read amounts and the model does not). Two
    companies often have deals both ways (a stake one way, a cloud contract the other: 40 %
    of the development set's labels), so a pair the rules read one way may get the model's
    deal the other way; one direction per pair from the model itself, unless the model is
    sure enough of a further deal (:attr:`PairModel.further`, :func:`proposals`).
    ``model`` overrides the extractor's own (training scores candidate models with it);
    ``scored`` is :func:`scored_pairs` when the caller has it.
    """
    model = model or ex.pair_model
    if not isinstance(model, PairModel):
        return []
    where, probs = scored or scored_pairs(ex, text, model)
    if not where:
        return []
    chosen = proposals(ex, (where, probs), model, found)
    out = []
    for prop in chosen:
        payer, payee, prob, kind, pair, s0 = prop
        sent = pair.sentence
        low = sent.text.lower()
        quote, qs, qe = _quote(sent.text, s0)
        cand = Candidate(
            payer=payer, payee=payee, kind=kind, status=_status(low),
            date=date, quote=quote, start=qs, end=qe, extractor="rules+pairs",
            notes=(f"pair model p={prob:.2f}; no amount read",),
        )  # fmt: skip
        free = _free_amounts(ex, sent, s0, found, date)
        money = _free_amount(free, kind, low)
        if money is not None and _stranger_nearer(pair, money):
            money = None
        how = "the sentence's one unread amount"
        here = [c for c in chosen if c.s0 == s0]
        if money is None and len(here) > 1:
            money = _own_amount(prop, here, free)
            if money is not None and kind == "equity_investment" and _round_total(low, money):
                money = None
            how = "the amount stated beside its company"
        elif (
            money is not None
            and len(here) > 1
            and [(c.payer, c.payee) for c in here if _holds(c.pair, money)] != [(payer, payee)]
        ):
            # two model deals in one sentence: the amount is the one pair's that holds it
            # ("OpenAI and Amazon sealed a US$38 billion agreement that grants … access to
            # … Nvidia AI chips": between OpenAI and Amazon, or right after them)
            money = None
        if money is not None:
            cand = _candidate(payer, payee, kind, money, [money], [], cand.status, date,
                              quote, qs, qe) or cand  # fmt: skip
            cand = cand.with_(extractor="rules+pairs",
                              notes=(f"pair model p={prob:.2f}; {how}",))  # fmt: skip
        out.append(cand)
    return out


def proposals(
    ex: RuleExtractor, scored: ScoredPairs, model: PairModel, found: list[Candidate]
) -> list[_Proposal]:
    """The deals the model proposes, from each scored sentence's best kind (``scored`` as
    :func:`scored_pairs`): for each ordered pair the rules read nothing for, the
    kind of its best-scoring sentence when it passes ``model.threshold``, one direction per
    pair (the likelier); and, when ``model.further`` is set and reached, also a pair's less
    likely direction and a deal of another family in a direction the rules read."""
    read: dict[tuple[str, str], set[str]] = {}
    for c in found:
        if c.payee:
            read.setdefault((c.payer, c.payee), set()).add(c.kind)
    where, probs = scored
    further = 2.0 if model.further is None else model.further  # 2.0: above any probability
    none = model.classes.index(NONE)
    best: dict[tuple[str, str], tuple[float, str, int]] = {}
    more: dict[tuple[str, str, str], tuple[float, int]] = {}
    for i, (pair, payer_first, _) in enumerate(where):
        p = probs[i].copy()
        p[none] = -1.0
        if ex.pair_gate:
            sentence = pair.sentence.text
            if not transaction_stated(sentence) or standing_tie(sentence):
                continue
            for j, kind in enumerate(model.classes):
                if j != none and not kind_stated(kind, sentence):
                    p[j] = -1.0
        k = int(p.argmax())
        prob, kind = float(p[k]), model.classes[k]
        key = (pair.first, pair.second) if payer_first else (pair.second, pair.first)
        if key in read:
            # the rules read a deal this way round, with its amount: the model may add only
            # a deal of another family
            if prob >= further and not any(_same_family(kind, r) for r in read[key]):
                if prob > more.get((*key, kind), (0.0, 0))[0]:
                    more[(*key, kind)] = (prob, i)
            continue
        if prob >= model.threshold and prob > best.get(key, (0.0, "", 0))[0]:
            best[key] = (prob, kind, i)
    chosen: list[_Proposal] = []
    for (payer, payee), (prob, kind, i) in best.items():
        rev = best.get((payee, payer), (0.0,))[0]
        if (rev > prob or (rev == prob and (payee, payer) < (payer, payee))) and prob < further:
            continue  # one direction per pair: the likelier one (ties: a fixed order)
        chosen.append(_proposal(where, payer, payee, prob, kind, i))
    for (payer, payee, kind), (prob, i) in more.items():
        chosen.append(_proposal(where, payer, payee, prob, kind, i))
    return chosen


def _vetoed(cand: Candidate, scored: ScoredPairs, model: PairModel) -> bool:
    """Whether the pair model is sure enough that ``cand``'s sentence holds no deal from its
    payer to its payee to drop it (``model.veto``; a candidate whose pair the model did not
    score, e.g. one whose payee is named in another sentence, is kept)."""
    if model.veto is None or not cand.payee:
        return False
    rows = pair_rows(cand, scored)
    # The candidate's evidence may cover two sentences: the likelier reading wins.
    return bool(rows) and scored[1][rows, model.classes.index(NONE)].min() >= model.veto


class _Proposal(NamedTuple):
    """A deal the pair model proposes: its best sentence ``pair`` starts at ``s0``."""

    payer: str
    payee: str
    prob: float
    kind: str
    pair: PairMention
    s0: int


def _same_family(a: str, b: str) -> bool:
    """Whether two kinds are one deal read two ways: the same kind, or two kinds of spending on
    compute (the same direction's deal stated as chips by one sentence and as capacity or cloud
    by another; the founding article's "up to one gigawatt of compute capacity" on Nvidia's
    systems is not also a purchase)."""
    return a == b or (a in SPEND_KINDS and b in SPEND_KINDS)


def _proposal(
    where: list[tuple[PairMention, bool, int]],
    payer: str,
    payee: str,
    prob: float,
    kind: str,
    i: int,
) -> _Proposal:
    """The proposal of ``payer`` -> ``payee`` from the ``i``-th scored sentence pair."""
    pair, _, offset = where[i]
    return _Proposal(payer, payee, prob, kind, pair, pair.sentence.start_char + offset)


def _holds(pair: PairMention, money: Money) -> bool:
    """Whether ``money`` (offsets in the pair's sentence) lies between the pair's two names or
    just after the second one."""
    sent, doc = pair.sentence, pair.sentence.doc
    first = doc[pair.first_span[0]].idx - sent.start_char
    second = doc[pair.second_span[0]].idx - sent.start_char
    last = doc[pair.second_span[1] - 1]
    second_end = last.idx + len(last) - sent.start_char
    return first < money.start < second or 0 <= money.start - second_end <= 40


def _stranger_nearer(pair: PairMention, money: Money) -> bool:
    """Whether a third company is named nearer to ``money`` than the farther of the pair's two
    names: then the figure is more likely that company's ("Broadcom's filing reveals a $21
    billion purchase from Anthropic, … on Google's cloud": not Anthropic -> Google's)."""
    base = pair.sentence.start_char

    def gap(e: Span) -> int:
        a, b = e.start_char - base, e.end_char - base
        return 0 if a <= money.start < b else min(abs(money.start - b), abs(a - money.end))

    nearest: dict[str, int] = {}
    for e in pair.sentence.ents:
        if e.label_ == "ORG" and e.ent_id_:
            nearest[e.ent_id_] = min(gap(e), nearest.get(e.ent_id_, 1 << 30))
    if pair.first not in nearest or pair.second not in nearest:
        return False
    reach = max(nearest[pair.first], nearest[pair.second])
    return any(d < reach for c, d in nearest.items() if c not in (pair.first, pair.second))


def _free_amounts(
    ex: RuleExtractor, sent: Span, s0: int, found: list[Candidate], date: dt.date | None
) -> list[Money]:
    """The deal amounts of ``sent`` that no candidate of the rules took."""
    low = sent.text.lower()
    monies = [m for m in find_money(sent.text, date) if _is_deal_amount(m, low, ex.min_usd)]
    s1 = s0 + len(sent.text)
    taken = {(c.amount_usd_low, c.amount_usd_high) for c in found
             if c.start < s1 and c.end > s0 and c.amount_usd_high is not None}  # fmt: skip
    return [m for m in monies if (m.usd_low, m.usd_high) not in taken and m.usd_high is not None]


def _free_amount(free: list[Money], kind: str, low: str) -> Money | None:
    """The one deal amount of a sentence (``low``, lower-cased) that no candidate of the rules
    took (``free``, :func:`_free_amounts`), if there is exactly one ("OpenAI and Amazon sealed a
    US$38 billion agreement that grants the ChatGPT creator access to AWS data centres": the
    model reads the pair, the sentence has one amount). None for a round's total when the deal
    is a stake (one investor's share is not stated)."""
    if len(free) != 1 or (kind == "equity_investment" and _round_total(low, free[0])):
        return None
    return free[0]


def _own_amount(prop: _Proposal, here: list[_Proposal], free: list[Money]) -> Money | None:
    """The amount stated next to the one company that sets ``prop`` apart from the sentence's
    other model deals, when each has its own ("NVIDIA will invest up to $10 billion, while
    Microsoft aims to contribute around $5 billion to Anthropic's growth"; "Anthropic will
    spend $30 billion on Azure and $10 billion with Nvidia").

    The deals must share one company; the other one's amount is the one free amount between
    it and the next company when the shared company comes after it, or between the company
    before it and it when the shared company comes first.
    """
    shared = set.intersection(*({p.payer, p.payee} for p in here))
    if len(here) < 2 or len(shared) != 1:
        return None
    pair, doc = prop.pair, prop.pair.sentence.doc
    own_first = pair.first not in shared
    own_span, shared_span = ((pair.first_span, pair.second_span) if own_first
                             else (pair.second_span, pair.first_span))  # fmt: skip
    base = pair.sentence.start_char
    starts = [doc[t].idx - base for t in pair.starts]
    own_start, own_last = doc[own_span[0]].idx - base, doc[own_span[1] - 1].idx - base
    if shared_span[0] > own_span[0]:  # "X … $A, while Y … $B to S"
        lo, hi = own_last, min([s for s in starts if s > own_last],
                               default=len(pair.sentence.text))  # fmt: skip
    else:  # "S will spend $A on X and $B with Y"
        lo, hi = max([s for s in starts if s < own_start], default=0), own_start
    inside = [m for m in free if lo < m.start < hi]
    return inside[0] if len(inside) == 1 else None
