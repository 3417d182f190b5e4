"""Who pays whom: the payer and payee of each amount in a clause.

Direction comes, in order, from the deal stated just before (investors named with "from"), the
company the amount comes "from", the amount's owner (possessive, gapped verb, bracket), the
preposition governing each counterparty ("in"/"into" the investee, "from" the seller), seller
and buyer verbs, and finally the companies' roles (a neocloud or cloud sells capacity, a
chipmaker sells chips; investors back labs). Also "respectively" lists and the pair of
companies a sentence names a deal between, which later sentences may borrow.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from spacy.tokens import Span

from dealweb.extract.quantities import Money, Power
from dealweb.extract.rules.clauses import _Found
from dealweb.extract.rules.kinds import _candidate, _family, _kind
from dealweb.extract.rules.mentions import _ents, _Mention, _mention, _nearest_after, _subject_group
from dealweb.extract.rules.vocab import (
    _BUYER_VERB,
    _CLAUSE_OPENERS,
    _CLOUD_WORDS,
    _DEAL_WITH_FOR,
    _DEAL_WORD,
    _EQUITY_VERB,
    _HARDWARE_WORDS,
    _INVESTOR_RANK,
    _MAKER_OF,
    _ORDER_BEFORE,
    _PREPOSITIONS,
    _PRODUCT_NOUN,
    _RAISE_VERB,
    _REPORTING,
    _ROUND_CUE,
    _SELLER_VERB,
    _SIZE_LINK,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.clauses import _Clause
    from dealweb.extract.rules.extractor import RuleExtractor


def _role_rank(role: str, hardware: bool, cloud: bool) -> int:
    """How strongly a company of this role is the *seller* in a spending deal."""
    capacity = {"neocloud": 3, "cloud": 2, "chipmaker": 1}.get(role, 0)
    if hardware and not cloud:  # clouds and labs buy hardware; chipmakers and OEMs sell it
        # ... and between a neocloud and a hyperscaler, the neocloud deploys GPUs for the other
        return 10 * {"chipmaker": 3, "other": 1}.get(role, 0) + capacity
    return capacity


_COMPOUND_DEAL_NOUN = re.compile(
    r"\W*(?:[\w-]+\s+)?(deals?|investments?|stakes?|contracts?|agreements?|orders?|pacts?|"
    r"partnerships?|commitments?)\b"
)


def _compound_party(
    clause: _Clause, anchor: Money | Power, base: int
) -> tuple[_Mention, str] | None:
    """The company named between an amount and a deal noun, with the noun: "$27B Meta Deal",
    "$2B Nvidia Investment" (the noun says the kind, the company the counterparty)."""
    low = clause.text.lower()
    for m in clause.mentions:
        if m.label == "ORG" and 0 <= m.start - (base + anchor.end) <= 1:
            noun = _COMPOUND_DEAL_NOUN.match(low, m.end - base)
            if noun:
                return m, noun.group(1)
    return None


def _deal_pair(sent: Span, known: str | None = None) -> tuple[str, ...]:
    """The two companies of a sentence that speaks of a deal between exactly two companies.

    Brands ("Nvidia GPUs") and non-parties ("Microsoft CEO") do not count. With ``known``,
    the sentence must name one company other than ``known`` outside a possessive ("at
    IREN's facility"), which is then paired with ``known``.
    """
    ents = [e for e in _ents(sent) if e.label_ == "ORG"]
    ms = [_mention(e, 0) for e in ents]
    # "GPU clusters running Nvidia's Vera Rubin chips": the maker of the product named, not
    # a party of the deal the sentence speaks of.
    made = {m.cid for m, e in zip(ms, ents, strict=True) if m.possessive
            and _MAKER_OF.match(sent.doc[e.end : e.end + 7].text.lower())}  # fmt: skip
    ms = [m for m in ms if not m.non_party and not m.brand and m.cid not in made]
    ids = list(dict.fromkeys(m.cid for m in ms))
    if known is not None:
        plain = {m.cid for m in ms if m.cid != known and not m.possessive}
        ids = [known, *plain] if len(plain) == 1 else []
    if len(ids) == 2 and re.search(
        r"\b(deals?|contracts?|agreements?|pacts?|partnership|signed|inked|struck|"
        r"arrangement|relationship|alliance|collaboration|talks|discussions|negotiat\w+|"
        r"licen[cs]\w*|"
        r"investments?|(?:build|deploy|deliver|suppl|provid)\w*\b[^.;]{0,80}\bfor)\b",
        sent.text.lower(),
    ):  # "Nscale is set to build four new AI data centers for Microsoft"
        return tuple(ids)
    return ()


_GIVES = re.compile(r"\s+(?:\w+\s+)?(?:gives?|gave|giving|grant(?:s|ed|ing)?|issu(?:es|ed|ing)|"
                    r"offer(?:s|ed|ing)?|award(?:s|ed|ing)?|hand(?:s|ed|ing)?)\s+$")
_RECEIVES = re.compile(
    r"\s+(?:\w+\s+)?(?:receives?|received|receiving|gets?|got|obtain(?:s|ed)?)\b"
)


def _warrant_given(parties: list[_Mention], clause: _Clause) -> tuple[str, str] | None:
    """Issuer and holder of warrants said to be given: "AMD gives OpenAI equity warrants" (the
    giver issues, the one given to holds), "OpenAI receives warrants from AMD"."""
    text = clause.text
    for a, b in zip(parties, parties[1:], strict=False):
        between = text[a.end - clause.start : b.start - clause.start]
        if _GIVES.fullmatch(between):
            return a.cid, b.cid
        if _RECEIVES.match(between) and re.search(r"\bfrom\s+$", between):
            return b.cid, a.cid
    return None


def _parties(
    ex: RuleExtractor,
    family: str,
    parties: list[_Mention],
    clause: _Clause,
    anchor: Money | Power,
    base: int,
    prev: _Found | None,
    anchors: list[Money | Power] | None = None,
) -> tuple[str, str, bool] | None:
    """(payer, payee, single payer) of ``anchor`` in ``clause``, or None when no one deal is
    stated (a consortium, a list of counterparties, an investee not named). ``base`` is the
    clause's offset; ``prev`` the deal of the parallel clause before; ``anchors`` all amounts
    of the clause."""
    if family == "warrant" and (given := _warrant_given(parties, clause)):
        return (*given, True)
    subject_group = lead_group = _subject_group(parties, clause, None)
    anchor_abs = base + anchor.start
    low_clause = clause.text.lower()
    subject = parties[0]
    governing = {"in", "into", "to", "with", "from", "on", "for"}
    if (
        family == "equity"
        and all(p.prev in {"from", "by"} for p in parties)
        and ex._last_age <= 2
        and ex._last_pair[1]
    ):
        # "The investment—$10 billion from Nvidia and $5 billion from Microsoft—…": the
        # investors are named, the investee is the one of the deal just reported.
        mine = [p for p in parties if p.start >= anchor_abs]
        if mine and mine[0].cid != ex._last_pair[1]:
            return mine[0].cid, ex._last_pair[1], True
    if family == "equity":
        # "… flowing into Anthropic: $10 billion from chipmaking giant Nvidia and $5 billion
        # from Microsoft": the company the amount comes from invests it.
        source = [m for m in parties if m.prev == "from" and m.start > anchor_abs
                  and re.fullmatch(r"\s*(?:in [\w\s-]{0,30}?)?from\s+[^$€£,;:]{0,40}",
                                   low_clause[anchor.end : m.start - base])]  # fmt: skip
        if source:
            targets = [p for p in parties
                       if p.prev in {"in", "into"} and p.cid != source[0].cid]  # fmt: skip
            if targets:
                return source[0].cid, targets[0].cid, True
            raiser, age = ex._raiser
            if raiser and age <= 2 and raiser != source[0].cid and _ROUND_CUE.search(low_clause):
                # "The round includes $30 billion from SoftBank, $30 billion from chip giant
                # Nvidia and $50 billion from Amazon": each investor's share of the round
                # of the company raising it.
                return source[0].cid, raiser, True
    if family == "spend":
        # every mention, not only each party's first: "… deal with Meta …, a massive
        # commitment from Meta"
        for m in [x for x in clause.mentions if x.label == "ORG" and not x.non_party]:
            # "an order worth $6.3 billion from Nvidia": the one the order comes from buys.
            if m.prev == "from" and _ORDER_BEFORE.search(low_clause[: max(0, m.start - base)]):
                sellers = [p for p in parties if p.cid != m.cid]
                if sellers:
                    return m.cid, sellers[0].cid, True
    possessive_owner = any(
        m.label == "ORG" and m.possessive and 0 <= anchor_abs - m.end <= 20
        for m in clause.mentions
    )
    if subject.prev in governing and not possessive_owner:
        # "… stakes, including a $5 billion investment in Intel": Intel is not the investor;
        # the investor is unnamed here ("the company").
        free = [p for p in parties if p.prev not in governing and p.start < anchor_abs]
        if not free and not ex._context:
            return None
        if free:
            subject = free[0]
    # "OpenAI's reported $300 billion contract with Oracle" (owner of the amount), and
    # "Microsoft is investing $5 billion and Nvidia $10 billion" (gapped verb): the company
    # right before the amount is its subject, not the clause's first company.
    owner = [
        m for m in clause.mentions
        if m.label == "ORG" and not m.non_party and (
            (m.possessive and 0 <= anchor_abs - m.end <= 20)
            or (0 <= anchor_abs - m.end <= 2 and m.prev not in _PREPOSITIONS)
            # "…, with Amazon investing some $8 billion in the company"
            or (0 <= anchor_abs - m.end <= 40 and m.prev == "with" and re.fullmatch(
                r"\s+(?:invest|contribut|putt|committ|pledg|pay|spend|add|buy|pour)ing\s+"
                r"(?:(?:some|about|around|nearly|more than|over|up to)\s+)?",
                clause.text[m.end - base : anchor.start].lower()))
            or (0 <= anchor_abs - m.end <= 12 and m is not parties[0]
                and re.fullmatch(r"\s*(?:up to|as much as|about|nearly)\s*",
                                 clause.text[m.end - base : anchor.start]))
            # "… requires Oracle to buy $40 billion in Nvidia chips"
            or (0 <= anchor_abs - m.end <= 30 and not m.possessive and re.fullmatch(
                r"\s+to\s+(?:buy|purchase|spend|pay|acquire|invest)\s+"
                r"(?:(?:some|about|around|roughly|nearly|more than|over|up to)\s+)?",
                clause.text[m.end - base : anchor.start].lower()))
        )
    ]  # fmt: skip
    # "investments from NVIDIA (up to $10 billion) and Microsoft (up to $5 billion)": the
    # amount in brackets right after a company is that company's.
    bracketed = [
        m for m in clause.mentions
        if m.label == "ORG" and not m.non_party and 0 <= anchor_abs - m.end <= 14
        and re.fullmatch(r"\s*\(\s*(?:up to|as much as|about|nearly|some)?\s*",
                         clause.text[m.end - base : anchor.start].lower())
    ]  # fmt: skip
    if bracketed and family == "equity" and bracketed[-1].prev in {"from", "and", ","}:
        investor = bracketed[-1]
        targets = [p for p in parties if p.cid != investor.cid and p.prev != "from"
                   and not (p.prev == "and" and p.start > investor.start)]  # fmt: skip
        if targets:
            return investor.cid, targets[0].cid, True
    if owner:
        subject = owner[-1]
        subject_group = [subject]
    elif relative := [
        m for m in clause.mentions
        if m.label == "ORG" and not m.non_party and m.end <= anchor_abs
        and re.match(r"\s*,\s*(?:which|that|who)\b", clause.text[m.end - base :])
    ]:  # fmt: skip
        # "… closer to Microsoft, which has poured over $13 billion into OpenAI"
        subject = relative[-1]
        subject_group = [subject]
    elif len(lead_group) <= 1 and (
        closest := [
            m for m in clause.mentions
            if m.label == "ORG" and not (m.non_party or m.brand or m.possessive)
            and m.prev in _CLAUSE_OPENERS and m.end <= anchor_abs
            and m.start > subject.start
        ]
    ):  # fmt: skip
        # "Shares of CoreWeave popped after Nvidia announced it has invested $2 billion":
        # the company named last before the amount is the subject of its verb.
        subject = closest[-1]
        subject_group = [subject]
    elif _REPORTING.match(clause.text[subject.end - base :]):
        # "CoreWeave said Nvidia is obligated to purchase …": the reported clause's subject
        reported = [p for p in parties[1:] if p.start < anchor_abs
                    and p.prev not in _PREPOSITIONS]  # fmt: skip
        if reported:
            subject = reported[0]
            subject_group = [subject]
    others = [p for p in parties if p.cid != subject.cid]
    # "Nebius $27B Meta Deal, $2B Nvidia Investment": a company named between an amount and a
    # deal noun is that amount's counterparty
    compound = _compound_party(clause, anchor, base)
    named = [p for p in others if compound is not None and p.start == compound[0].start]
    if named:
        others = named
    if family == "equity" and anchors and len(anchors) > 1:
        # "Nvidia will invest up to $10 billion and Microsoft up to $5 billion": Microsoft is
        # the subject of the other amount, not this one's investee.
        gapped = {
            m.cid for m in clause.mentions for a in anchors
            if a is not anchor and 0 <= base + a.start - m.end <= 12
            and m.prev not in _PREPOSITIONS and not m.possessive
        }  # fmt: skip
        gapped |= {m.cid for m in lead_group if m.cid != subject.cid}
        others = [p for p in others if p.cid not in gapped] or others
    # A company after a later amount belongs to that amount ("$20 billion, including up
    # to $2 billion from Nvidia": Nvidia is not the source of the $20 billion).
    later = [base + a.start for a in (anchors or []) if a.start > anchor.start]
    if later and all(m.start > later[0] for m in others if m.prev in {"from", "by"}):
        others = [p for p in others if not (p.prev in {"from", "by"} and p.start > later[0])]
    if len(others) > 1:
        # "… up to one gigawatt of compute using Nvidia's Grace Blackwell systems": the
        # maker of the hardware a power figure is built with sells it.
        maker = [
            p for p in others
            if isinstance(anchor, Power) and p.possessive and p.start > base + anchor.end
            and re.match(r"(?:'s|’s)\s+(?:[\w-]+\s+){0,6}?(?:systems|" + _PRODUCT_NOUN.pattern
                         + r")\b", low_clause[p.end - base :])
            and not re.search(r"[$€£]", low_clause[anchor.end : p.start - base])
        ]  # fmt: skip
        plain = [p for p in others if not p.possessive]
        others = maker or plain or others
    low = clause.text.lower()
    if not others:
        if prev is not None and prev.cand.payee and prev.cand.payee != subject.cid:
            # "…, while Nvidia is committing up to $10 billion": the parallel clause's payee
            return subject.cid, prev.cand.payee, True
        if ex._context and subject.cid in ex._context:
            # "OpenAI signed a contract with Oracle. The creator of ChatGPT is buying … $300
            # billion": the counterpart named in the sentence just before.
            other_id = next(c for c in ex._context if c != subject.cid)
            others = [_Mention(other_id, "ORG", 1 << 60, 1 << 60, 0, 0)]
        elif ex._last_age <= 1 and ex._last_pair[0] not in ("", subject.cid):
            # "- It will spend $30 billion on Azure, - And contract up to 1 gigawatt … using
            # Nvidia's systems": the same buyer goes on listing its commitments.
            others = [_Mention(ex._last_pair[0], "ORG", -1, -1, 0, 0)]
        else:
            return None
    # Counterparts of this amount come first from its own stretch of text, up to the next
    # amount ("$100bn in OpenAI and … $5bn investment in Intel"), then after it, then before.
    nxt = min(later) if later else 1 << 62

    def place(m: _Mention) -> tuple[int, int]:
        if anchor_abs <= m.start < nxt:
            return (0, m.start)
        if 0 <= anchor_abs - m.end <= 40 and _SIZE_LINK.fullmatch(
            clause.text[m.end - base : anchor.start].lower()
        ):
            return (0, m.start)  # "an agreement with Meta worth over $10 billion"
        return (1, m.start) if m.start >= nxt else (2, m.start)

    others.sort(key=place)
    own = [p for p in others if place(p)[0] == 0]
    listed = any(
        re.fullmatch(r"\s*(?:,|and|, and|&)\s*", clause.text[a.end - base : b.start - base])
        for a, b in zip(own, own[1:], strict=False)
    )
    if len(others) >= 3 and (listed or not own):
        return None  # a list of counterparties: an aggregate, not one deal
    by_prep: dict[str, _Mention] = {}
    for p in others:
        by_prep.setdefault(p.prev, p)
    other_ids = {p.cid for p in others}
    for m in sorted(clause.mentions, key=place):  # later mentions: "… investment in Intel"
        if m.label == "ORG" and m.cid in other_ids and not m.non_party:
            by_prep.setdefault(m.prev, m)
    single = len(subject_group) <= 1
    ahead = low[max(0, subject.end - base) : max(0, anchor.start)]  # subject → amount
    if family == "equity":
        for m in others:
            # "$350 million worth of CoreWeave stock": whose stock it is, is the investee.
            if 0 <= m.start - (base + anchor.end) <= 30 and re.match(
                r"\s*(?:'s\s+|’s\s+)?(?:[\w.]+\s+){0,2}(?:stock|shares|equity)\b",
                low_clause[m.end - base :],
            ):
                return subject.cid, m.cid, single
            # "receiving $350 million worth of shares on CoreWeave": the shares' issuer
            if 0 <= m.start - (base + anchor.end) <= 40 and re.search(
                r"\b(?:stock|shares|equity|stake)\s+(?:in|on|of)\s+$",
                low_clause[anchor.end : m.start - base],
            ):
                return subject.cid, m.cid, single
        raising = [m for m in others if m.prev == "for" and 0 <= m.start - (base + anchor.end)
                   and re.fullmatch(r"\s+(?:[\w-]+\s+){0,3}(?:round|raise|financing)\s+for\s+"
                                    r"(?:[\w.-]+\s+){0,3}",
                                    low_clause[anchor.end : m.start - base])]  # fmt: skip
        if raising:
            return subject.cid, raising[0].cid, single  # "a $2 billion round for … Nscale"
        if "in" in by_prep or "into" in by_prep:
            # the one in this amount's own stretch ("$5 billion into Intel, … $670 million
            # in Nscale")
            payee = min((by_prep[k] for k in ("in", "into") if k in by_prep), key=place)
            return subject.cid, payee.cid, single
        to = by_prep.get("to")
        if to is not None and to.start > anchor_abs and place(to)[0] == 0:
            return subject.cid, to.cid, single  # "committed up to $15 billion to Anthropic"
        for prep in ("from", "by"):
            if prep in by_prep:
                return by_prep[prep].cid, subject.cid, single
        between = [p for p in others if subject.end <= p.start < anchor_abs]
        other = between[0] if between else _nearest_after(others, anchor_abs)
        if len(lead_group) > 1 and any(m.cid == other.cid for m in lead_group):
            return None  # "OpenAI, SoftBank and Oracle plan to invest $500B": in what?
        if _RAISE_VERB.search(low[: max(0, anchor.start)]):
            return other.cid, subject.cid, single
        if ex._roles_known and not _EQUITY_VERB.search(ahead):
            # No verb or preposition says who invests: investors and hyperscalers back
            # labs and neoclouds, rarely the other way round.
            rs = _INVESTOR_RANK.get(ex.gazetteer.role(subject.cid), 2)
            ro = _INVESTOR_RANK.get(ex.gazetteer.role(other.cid), 2)
            if ro > rs:
                return other.cid, subject.cid, single
        return subject.cid, other.cid, single
    # spending deals: who sells?
    if len(subject_group) > 2 and all(any(m.cid == o.cid for m in subject_group)
                                      for o in others):  # fmt: skip
        return None  # a consortium: no single counterparty
    if "from" in by_prep and anchor_abs < by_prep["from"].start < nxt:
        # (only in this amount's own stretch: "a $30 billion purchase of Azure capacity
        # and … a $15 billion infusion of capital from Microsoft")
        seller = by_prep["from"]
        before = low[: max(0, seller.start - base)]
        if re.search(r"\b(won|wins|land\w*|secur\w+|receiv\w+|got|gets|obtain\w*)\b", before):
            return seller.cid, subject.cid, single  # "won a contract from Meta"
        return subject.cid, seller.cid, single
    lessor = by_prep.get("from")
    if (
        lessor is not None and lessor.cid != subject.cid and subject.prev not in governing
        and re.search(r"\b(?:leas|rent)\w*\b[^.;]{0,80}$", low[: max(0, lessor.start - base)])
    ):  # fmt: skip
        return subject.cid, lessor.cid, single  # "agreed to lease 10,000 servers … from Lambda"
    other = by_prep.get("with") or by_prep.get("to") or _nearest_after(others, anchor_abs)
    if (
        other.prev == "with" and subject.prev not in governing
        and re.match(r"\W*to\s+(?:leas|rent)\w*\b", low[max(0, other.end - base) :])
    ):  # fmt: skip
        return subject.cid, other.cid, single  # "an agreement with Lambda to lease servers"
    if (
        other.prev == "with" and subject.prev not in governing and other.start > subject.end
        and _DEAL_WITH_FOR.match(low[max(0, other.end - base) :])
        and re.search(r"\b(?:deals?|agreements?|contracts?|partnership|pacts?)\s+with\s+$",
                      low[: max(0, other.start - base)])
        and not _SELLER_VERB.search(low[max(0, subject.end - base) : other.start - base])
    ):  # fmt: skip
        # "Meta signs a deal with Nebius for AI hardware": what the deal is "for" is what
        # the subject gets from the company it is signed with.
        return subject.cid, other.cid, single
    if other.start < anchor_abs:  # "… with Nebius to provide …": the infinitive is ambiguous
        ahead = low[max(0, subject.end - base) : max(0, other.start - base)]
    # A verb after "a contract with OpenAI to supply …" is not OpenAI's: skip it then.
    if subject.prev not in governing and _SELLER_VERB.search(ahead):
        return other.cid, subject.cid, single  # "Nebius will provide … capacity to …"
    if subject.prev not in governing and _BUYER_VERB.search(ahead):
        return subject.cid, other.cid, single  # "Oracle plans to spend $40B on Nvidia …"
    hardware = bool(_HARDWARE_WORDS.search(low))
    # "deploy 50,000 AMD GPUs": units of hardware are bought from whoever makes them
    cloud = bool(_CLOUD_WORDS.search(low)) and getattr(anchor, "currency", "") != "UNITS"
    if ex._roles_known:
        rs = _role_rank(ex.gazetteer.role(subject.cid), hardware, cloud)
        ro = _role_rank(ex.gazetteer.role(other.cid), hardware, cloud)
        if rs != ro:
            return (other.cid, subject.cid, single) if rs > ro else (
                subject.cid, other.cid, single)  # fmt: skip
    # "IREN signed a contract with Microsoft to provide …": the subject supplies.
    if _SELLER_VERB.search(low) and not _BUYER_VERB.search(low):
        return other.cid, subject.cid, single
    return subject.cid, other.cid, single


def _respectively(
    ex: RuleExtractor,
    payers: list[_Mention],
    parties: list[_Mention],
    monies: list[Money],
    powers: list[Power],
    clause: _Clause,
    quote: str,
    qs: int,
    qe: int,
    status: str,
    date: dt.date | None,
) -> list[_Found]:
    """ "X and Y … $A and $B respectively": the n-th payer pays the n-th amount to the company
    named after "in", "into", "with" or "from" (else the first other company)."""
    payer_ids = {p.cid for p in payers}
    rest = [p for p in parties if p.cid not in payer_ids]
    if not rest:
        return []
    low = clause.text.lower()
    family = _family(low, monies[0].start, monies[-1].end) or "spend"
    payee = next((p for p in rest if p.prev in {"in", "into", "with", "from"}), rest[0])
    out = []
    for payer, money in zip(payers, monies, strict=True):
        kind = _kind(ex, family, payee.cid, low, money)
        cand = _candidate(payer.cid, payee.cid, kind, money, monies, [], status, date,
                               quote, qs, qe)  # fmt: skip
        if cand:
            out.append(_Found(cand, single_payer=True, family=family))
    return out


def _single_party_amount(sent: Span) -> str | None:
    """The one company of a sentence that states a deal amount but names no counterpart."""
    ids = list(dict.fromkeys(e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"))
    low = sent.text.lower()
    if (
        len(ids) == 1
        and _DEAL_WORD.search(low)
        and re.search(
            r"[$€£¥₹]\s?\d|\d\s*(?:bn|billion|million|trillion)\b|gigawatt|megawatt|\b[gm]w\b", low
        )
    ):
        return ids[0]
    return None
