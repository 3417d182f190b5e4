"""Which amounts are deal sizes, and amounts that change a deal already read.

An amount is dropped when its context makes it a valuation, a holding's value, a new level, an
aggregate, a ceiling, a backlog or a figure below ``min_usd``; a round's total ("a $2 billion
round led by X") is kept only as evidence, without the amount, for one investor. A ceiling
("potentially expanding to $19.4B") or an option ("up to $15B more") raises the high bound of
the deal just stated, and a lone power figure ("could give OpenAI up to 750 MW") is added to it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from spacy.tokens import Span

from dealweb.extract.base import Candidate
from dealweb.extract.quantities import Money, find_money, find_power
from dealweb.extract.rules.clauses import _Found
from dealweb.extract.rules.mentions import _ents, _mention
from dealweb.extract.rules.vocab import (
    _AGGREGATE_LEFT,
    _BACKLOG_RIGHT,
    _CEILING_LEFT,
    _COMPANY_VALUED,
    _DEAL_AFTER_VALUE,
    _DEAL_VALUE_OF,
    _DEAL_VALUED,
    _DEAL_WITH_VALUED,
    _HOLDING_LEFT,
    _LEADING_VALUED,
    _LED_LEFT,
    _MORE_RIGHT,
    _NEW_LEVEL_LEFT,
    _NON_DEAL_LEFT,
    _NON_DEAL_RIGHT,
    _OPTION_MORE_LEFT,
    _POWER_CONTEXT,
    _RAISE_VERB,
    _ROUND_IN_RIGHT,
    _ROUND_RIGHT,
    _SITE_POWER_LEFT,
    _SITE_POWER_RIGHT,
    _SOLD,
    _STAKE_NEAR,
    _VALUATION_FROM_TO,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.extractor import RuleExtractor


def _ceiling(
    sent: Span, date: dt.date | None, recent: list[_Found], found: list[_Found]
) -> None:
    """Raise the high bound of a deal to the amount it "could expand to".

    "Nebius signed a $17.4 billion agreement with Microsoft. The deal—potentially expanding
    to $19.4 billion with options—…": a base and a ceiling (README: low 17.4, high 19.4).
    The deal is the last sized one of this sentence, else the single one of the sentence
    before when this one names no other company.
    """
    low = sent.text.lower()
    monies = find_money(sent.text, date)
    ceilings = [m for m in monies
                if _CEILING_LEFT.search(low[: m.start][-70:]) and m.usd_high]  # fmt: skip
    more = [m for m in monies if _option_more(low, m) and m.usd_high]
    if not ceilings and not more:
        return
    sized = [f for f in recent if f.cand.amount_usd_low is not None
             and f.cand.amount_usd_low == f.cand.amount_usd_high]  # fmt: skip
    named = {m.cid for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
             if not (m.non_party or m.brand)}  # fmt: skip
    if not sized or (sized[-1] not in recent[-1:] and len(sized) != 1):
        return
    target = sized[-1]
    if named - {target.cand.payer, target.cand.payee}:
        return
    c = target.cand
    if ceilings:
        top = ceilings[-1]
        high, usd_high = top.high, top.usd_high
    else:  # "… and an option to purchase up to $15 billion more": base plus option
        top = more[-1]
        high = (c.amount_high or 0) + (top.high or 0)
        usd_high = (c.amount_usd_high or 0) + (top.usd_high or 0)
    if top.currency != c.currency or not (c.amount_usd_high or 0) < (usd_high or 0) <= 10 * (
        c.amount_usd_high or 0
    ):
        return
    new = c.with_(amount_high=high, amount_usd_high=usd_high)
    for f in found + recent:
        if f.cand is c:
            f.cand = new


def _power_supplement(
    ex: RuleExtractor, sent: Span, found: list[_Found], last: list[_Found]
) -> bool:
    """Attach "The deal could give OpenAI up to 750 megawatts" to the deal just stated.

    A sentence with a power figure, no deal of its own and one company that is a party of
    the single deal found in the sentence before adds its gigawatts to that deal.
    """
    if len(last) != 1 or last[0].cand.gigawatts is not None:
        return False
    if last[0].cand.kind == "equity_investment":
        return False  # gigawatts never size a stake ("… investing $2B. … targets 5GW of chips")
    ids = {e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"}
    cand = last[0].cand
    low = sent.text.lower()
    powers = [p for p in find_power(sent.text)
              if not _SITE_POWER_LEFT.search(low[: p.start][-60:])
              and not _SITE_POWER_RIGHT.search(low[p.end : p.end + 20])]  # fmt: skip
    if len(powers) != 1 or find_money(sent.text) or not ids <= {cand.payer, cand.payee}:
        return False
    low = sent.text.lower()
    if not ids and not re.search(r"\b(deal|agreement|contract|it|pact)\b", low):
        return False
    kind = cand.kind
    if (kind == "hardware_purchase" and _POWER_CONTEXT.search(low)
            and ex.gazetteer.role(cand.payee or "") == "chipmaker"):  # fmt: skip
        kind = "compute_capacity"
    new = cand.with_(gigawatts=powers[0].gigawatts, kind=kind)
    for f in found:
        if f.cand is cand:
            f.cand = new
    last[0] = _Found(new, last[0].single_payer, last[0].family)
    return True


# A level moving by an amount: "RPO increased by $68 billion", "revenue jumped $2 billion".
_CHANGE_BY_LEFT = re.compile(
    r"\b(?:increas|ris|rose|grow|grew|jump|climb|surg|soar|fell|fall|drop|declin|slid|slip|"
    r"shrank|shrunk)\w*\s+(?:by\s+)?(?:about\s+|nearly\s+|some\s+|roughly\s+|more than\s+|"
    r"over\s+|almost\s+)?$"
)
# A stake sold, with words between the verb and the stake: "sold its full Nvidia stake worth".
_STAKE_SOLD_LEFT = re.compile(
    r"\b(?:" + _SOLD + r"|sell|dump\w*)\b[^$€£.;]{0,60}\bstakes?\b[^$€£.;]{0,25}$"
)


def _is_deal_amount(m: Money, clause_low: str, min_usd: float) -> bool:
    """Whether amount ``m`` of the clause (lower-cased ``clause_low``) states a deal's size.

    False below ``min_usd`` and when the words around it make it an estimate, an aggregate, a
    valuation, a holding's value, a new level, a ceiling or option (read by ``_ceiling``), a
    backlog, a tranche, revenue or the size of a firm, fund, project or site.
    """
    if m.usd_max < min_usd:
        return False
    left = clause_low[: m.start][-80:]
    if m.hedge and m.hedge in {"estimated", "an estimated"} and not re.search(
        r"\b(?:worth|valued at)\s*$", left
    ):  # "an estimated $40 billion in capex" is not a deal; "worth an estimated $20B" is
        return False
    if _AGGREGATE_LEFT.search(left) and not _DEAL_VALUE_OF.search(left):
        return False
    if re.search(r"\bvaluing\b[^$€£;]{0,40}$", left) or re.search(
        r"\bvalu(?:e|es|ed)\s+(?:the|it|its|them)\b[^$€£;]{0,40}\bat\s+"
        r"(?:about\s+|roughly\s+|around\s+|nearly\s+|more than\s+|over\s+)?$", left
    ):  # "a funding round that valued the ChatGPT maker at $730 billion"
        return False  # "valuing the AI firm at approximately $60 billion"
    holding = _HOLDING_LEFT.search(left)
    if holding and _STAKE_NEAR.search(left[holding.start() :] + clause_low[m.end : m.end + 25]):
        return False  # "would hold a stake of about $135 billion": a holding's value
    if _NEW_LEVEL_LEFT.search(left[-90:]) and not m.hedge:
        return False
    if _CHANGE_BY_LEFT.search(left[-40:]):
        return False  # "RPO increased by $68 billion": a level's change, not a deal
    if _STAKE_SOLD_LEFT.search(left):
        return False  # "the group sold its full Nvidia stake worth $5.8 billion"
    if _CEILING_LEFT.search(left[-70:]) or _option_more(clause_low, m):
        return False  # "the figure rising to as much as $40 billion": read by _ceiling
    if _BACKLOG_RIGHT.match(clause_low[m.end : m.end + 80]):
        return False  # "$600 billion in cloud commitments on its balance sheet"
    if _VALUATION_FROM_TO.search(left):
        return False
    hit = _NON_DEAL_LEFT.search(left)
    if (
        hit
        and hit.group(1) in {"first", "initial"}
        and re.search(r"\b(?:its|their|his|her)\s+(?:first|initial)\s*$", left)
        and re.match(r"\s*(?:investment|deal|contract|agreement|stake)", clause_low[m.end :])
    ):
        hit = None  # "its first $1 billion investment in OpenAI": a deal, not a tranche
    if hit and hit.group(1).startswith("value") and _DEAL_VALUE_OF.search(left):
        hit = None
    if hit and _LEADING_VALUED.search(left) and _DEAL_AFTER_VALUE.match(clause_low[m.end :]):
        hit = None  # "Valued at over $10 billion, the deal …": the deal's size, put first
    if hit and not (
        re.match(r"valu|worth|estimat", hit.group(1))
        and _DEAL_VALUED.search(left[-90:])
        and (not _COMPANY_VALUED.search(left[-40:]) or _DEAL_WITH_VALUED.search(left))
    ):
        return False
    # "US$500 billion (~RM2.33 trillion) data centre project": read past a converted amount
    right = re.sub(r"^\s*\([^()]{0,40}\)", "", clause_low[m.end : m.end + 80])
    return not _NON_DEAL_RIGHT.search(right[:40])


def _round_total(low: str, anchor: Money, equity: bool = True) -> bool:
    """Whether ``anchor`` is the total of a funding round rather than one investor's amount.

    An investor that leads or joins a round, or backs a company raising a round, puts in an
    unknown share of the stated total (README, batches 33-35: "X led a $2 billion investment",
    "raise about $20 billion in new financing, backed by X"). Leading or joining counts only for
    a stake (``equity``).

    >>> from dealweb.extract.quantities import find_money
    >>> low = "nvidia led a $2 billion investment in the startup."
    >>> _round_total(low, find_money(low)[0])
    True
    >>> low = "nvidia invested $2 billion in the startup."
    >>> _round_total(low, find_money(low)[0])
    False
    """
    after, before = low[anchor.end :], low[: anchor.start]
    return bool(
        _ROUND_RIGHT.match(after)
        or (_ROUND_IN_RIGHT.match(after) and _RAISE_VERB.search(before))
        or (equity and _LED_LEFT.search(before[-60:]))
    )


def _without_amount(c: Candidate) -> Candidate:
    """The candidate with its money figures removed (kept in ``amount_stated`` for review)."""
    return c.with_(
        currency=None,
        amount_low=None,
        amount_high=None,
        amount_usd_low=None,
        amount_usd_high=None,
        up_to=False,
        notes=(*c.notes, f"amount stated for the whole: {c.amount_stated}"),
    )


def _option_more(low: str, m: Money) -> bool:
    """ "an option to purchase up to $15 billion more", "the option to buy an additional $2
    billion": an amount added to a deal's firm base, not a deal of its own."""
    left = _OPTION_MORE_LEFT.search(low[: m.start][-90:])
    return bool(left and (left.group("more") or _MORE_RIGHT.match(low[m.end : m.end + 30])))
