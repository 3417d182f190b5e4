"""Deals read without an amount: investor lists, stated stakes, distribution and warrants.

The investors listed for a round ("joined by Nvidia, Dell and Nokia") invest in the company
raising it (tracked across sentences); "X is an investor in Y" and "X holds stakes in Y and Z"
give stakes without a figure; "Microsoft gives Azure customers access to Claude" a distribution
deal; warrants, stated or not ("may acquire up to 160 million AMD shares"), go from the company
whose shares they are to the holder.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from spacy.tokens import Span

from dealweb.extract.base import Candidate
from dealweb.extract.rules.clauses import _Found, _quote
from dealweb.extract.rules.kinds import _status
from dealweb.extract.rules.mentions import _dedupe, _ents, _listed_from, _mention
from dealweb.extract.rules.vocab import (
    _DESCRIPTOR,
    _DESCRIPTOR_ROLES,
    _DISTRIBUTION_CUE,
    _INVESTOR_APPOSITION,
    _INVESTOR_OF,
    _MODELS_OF,
    _NON_PARTY_AFTER,
    _NOT_LISTED,
    _PARTICIPANT_CUE,
    _PREPOSITIONS,
    _ROUND_CUE,
    _SHARE_OPTION,
    _STAKE_WITHOUT_AMOUNT,
    _WARRANT_CUE,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.extractor import RuleExtractor
    from dealweb.extract.rules.mentions import _Mention


# "Lambda has raised $1.5 billion from investors, including Nvidia": a round, though unnamed
_RAISED_FROM = re.compile(r"\brais(?:ed|es|ing)\b(?:[^.;]|\.(?=\d)){0,40}\bfrom\b")


def _track_raiser(ex: RuleExtractor, sent: Span, got: list[_Found]) -> None:
    """Remember which company is raising money, for the investor lists that follow."""
    cid, age = ex._raiser
    low = sent.text.lower()
    equity = [f.cand.payee for f in got if f.cand.kind == "equity_investment" and f.cand.payee]
    named = [m for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
             if not (m.brand or m.non_party) and m.prev not in _PREPOSITIONS]  # fmt: skip
    if equity:
        ex._raiser = (equity[-1], 0)
    elif (_ROUND_CUE.search(low) or _RAISED_FROM.search(low)) and (verbs := list(re.finditer(
        r"\b(rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|clos(?:e|es|ed|ing)|land\w*|"
        r"increased its funding|seek\w*|"
        r"announc\w+ (?:\w+ ){0,2}?(?:a|an|its|the) (?:[\w$.-]+ ){0,4}?"
        r"(?:funding|financing|investment) round)\b", low
    ))):  # fmt: skip
        # The raiser is the company named last before the last such verb ("Google is adding
        # to its stake in Anthropic, as the firm is seeking a round"; "xAI raised …", not
        # "… raised the funds from investors, MGX").
        before = [m for m in named if m.end - sent.start_char <= verbs[-1].start()]
        ex._raiser = (before[-1].cid, 0) if before else (cid, 0 if cid else 99)
    else:
        ex._raiser = (cid, age + 1)


def _participants(
    ex: RuleExtractor, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
) -> list[_Found]:
    """Investors listed for the round just reported, as deals without an amount.

    "Aker led the round. It was joined by Nvidia, Dell and Nokia": each listed company that
    is not the one raising invests in it; their shares are not stated.
    """
    low = sent.text.lower()
    stake = (
        _stated_investor(ex, sent, offset, date, got)
        or _stakes_without_amount(ex, sent, offset, date, got)
        or _supplies_without_amount(ex, sent, offset, date, got)
    )
    if stake:
        return stake
    raiser, age = ex._raiser
    cue = _PARTICIPANT_CUE.search(low)
    if not cue:
        return []
    # "OpenAI, whose last valuation reached $852 billion in the round completed in March with
    # participation from Nvidia, Amazon, and SoftBank": the round named is that company's.
    orgs = [e for e in _ents(sent) if e.label_ == "ORG"]
    owners = [
        e.ent_id_ for e in orgs
        if e.end_char - sent.start_char < cue.start()
        and re.match(r"(?:\s*,\s*whose|'s|’s)\b[^.;]{0,120}\bround\b",
                     low[e.end_char - sent.start_char : cue.start()])
        and not any(e.end <= o.start and o.end_char - sent.start_char <= cue.start()
                    for o in orgs)  # no other company between it and the round
    ]  # fmt: skip
    after_cue = -1
    if owners:
        raiser, age, after_cue = owners[-1], 0, cue.start()
    elif invested_in := [
        e.ent_id_ for e in orgs
        if re.search(r"\binvest\w*\b[^.;]{0,80}\b(?:in|into)\s+$",
                     low[: e.start_char - sent.start_char])
    ]:  # fmt: skip
        # "Microsoft and Nvidia, which plan to invest up to $15bn in Anthropic, have yet to
        # confirm whether they will join this round": the round is the one of the company they
        # invest in, whichever round the sentences before spoke of.
        raiser, age = invested_in[-1], 0
    if not raiser or age > 5:
        # "Nscale … Bold words for a company founded in 2024, but with $1.7 billion already
        # raised from Aker, Nokia, Nvidia, and others": the company talked about raises.
        listed = {e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"}
        earlier = [c for c in ex._seen if c not in listed]
        if not (re.search(r"\b(raised|backing)\b", low) and earlier):
            return []
        # labs and neoclouds raise; hyperscalers and chipmakers named nearby rarely do
        raising = [c for c in earlier if not ex._roles_known
                   or ex.gazetteer.role(c) in {"ai_lab", "neocloud"}]  # fmt: skip
        raiser = (raising or earlier)[-1]
    payers = {f.cand.payer for f in got}
    s0 = sent.start_char + offset
    quote, qs, qe = _quote(sent.text, s0)
    status = _status(low)
    out: list[_Found] = []
    for e in _ents(sent):
        if e.label_ != "ORG" or e.ent_id_ in payers or e.ent_id_ == raiser:
            continue
        if e.start_char - sent.start_char < after_cue:
            continue  # the investors are the ones listed after "with participation from"
        m = _mention(e, 0)
        nxt = sent.doc[e.end].lower_ if e.end < len(sent.doc) else ""
        before = sent.doc[e.start - 1].lower_ if e.start > sent.start else ""
        if m.brand or nxt in _NON_PARTY_AFTER or {m.prev, before} & _NOT_LISTED:
            continue  # "… also joining, despite being a major backer of rival OpenAI"
        payers.add(e.ent_id_)
        cand = Candidate(payer=e.ent_id_, payee=raiser, kind="equity_investment",
                         status=status, date=date, quote=quote, start=qs, end=qe)  # fmt: skip
        out.append(_Found(cand, single_payer=False, family="equity"))
    return out


def _stated_investor(
    ex: RuleExtractor, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
) -> list[_Found]:
    """ "X is also an investor in Y" / "X is among Y's investors": X→Y without an amount."""
    low = sent.text.lower()
    hit = _INVESTOR_OF.search(low) or _INVESTOR_APPOSITION.search(low)
    if hit is None:
        return []
    ms = [_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG"]
    ms = [m for m in ms if not m.brand]
    investors = [m for m in ms if m.end - sent.start_char <= hit.start() and not m.possessive]
    if not investors:
        return []
    investor = investors[-1].cid
    inside = [m for m in ms if hit.start() <= m.start - sent.start_char < hit.end()
              and m.possessive]  # fmt: skip
    after = [m for m in ms if m.start - sent.start_char == hit.end()]
    if inside or after:
        investee = (inside or after)[0].cid
    elif _DESCRIPTOR.match(low, hit.end()):
        fits = [c for c in ex._seen if c != investor]
        investee = ex._raiser[0] if ex._raiser[0] not in ("", investor) else (
            fits[-1] if fits else "")  # fmt: skip
    else:
        return []
    if not investee or investee == investor or any(
        (f.cand.payer, f.cand.payee) == (investor, investee) for f in got
    ):
        return []
    quote, qs, qe = _quote(sent.text, sent.start_char + offset)
    cand = Candidate(payer=investor, payee=investee, kind="equity_investment",
                     status=_status(low), date=date, quote=quote, start=qs, end=qe)  # fmt: skip
    return [_Found(cand, single_payer=True, family="equity")]


# A figure in a sentence: then the clause reading has its amount, and the readers below stay out
_FIGURE = re.compile(r"[$€£]|\d\s*(?:bn|billion|million)\b")


def _around_cue(
    sent: Span, low: str, hit: re.Match[str], brands: bool
) -> tuple[list[_Mention], list[str]]:
    """The companies around a cue in a sentence: those named before it that can be its subject
    (not after a preposition, not possessive), and those named after it up to the end of the
    clause, in order. ``brands`` keeps companies named as a brand."""
    ms = [m for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
          if not m.non_party and (brands or not m.brand)]  # fmt: skip
    rel = [(m, m.start - sent.start_char) for m in ms]
    before = [m for m, at in rel if at < hit.start() and m.prev not in _PREPOSITIONS
              and not m.possessive]  # fmt: skip
    end = re.search(r"[;.]|\b(?:while|but|whereas|although)\b", low[hit.end() :])
    stop = hit.end() + (end.start() if end else len(low))
    after = list(dict.fromkeys(m.cid for m, at in rel if hit.end() <= at < stop))
    return before, after


def _stakes_without_amount(
    ex: RuleExtractor, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
) -> list[_Found]:
    """Stakes stated without a figure: "Nvidia has invested in OpenAI and in CoreWeave",
    "Nvidia also holds smaller stakes in Arm, Nebius Group and Recursion", "took a minority
    position in Intel". Each known company after the verb gets a deal without an amount;
    the investor is the company named before it, or the one "the company" refers to."""
    low = sent.text.lower()
    hit = None if got or _FIGURE.search(low) else _STAKE_WITHOUT_AMOUNT.search(low)
    if hit is None:
        return []
    before, after = _around_cue(sent, low, hit, brands=False)
    if before:
        investor = before[-1].cid
    elif _DESCRIPTOR.search(low, 0, hit.start()) and ex._topic:
        investor = ex._topic  # "the chipmaker has invested in …"
    else:
        return []
    quote, qs, qe = _quote(sent.text, sent.start_char + offset)
    status = _status(low)
    return [
        _Found(Candidate(payer=investor, payee=c, kind="equity_investment", status=status,
                         date=date, quote=quote, start=qs, end=qe),  # fmt: skip
               single_payer=True, family="equity")
        for c in after if c != investor
    ]


# "AMD announced chip supply arrangements with OpenAI and Oracle": sales stated without a figure
_SUPPLY_WITHOUT_AMOUNT = re.compile(
    r"\b(?:(?:chip|gpu|hardware|processor)\s+)?supply\s+(?:arrangements?|agreements?|deals?|"
    r"contracts?|partnerships?)\s+with\b"
)


def _supplies_without_amount(
    ex: RuleExtractor, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
) -> list[_Found]:
    """Supply deals stated without a figure ("AMD announced chip supply arrangements with OpenAI
    and Oracle"): the company named before sells to each company named after, no amount."""
    low = sent.text.lower()
    hit = None if got or _FIGURE.search(low) else _SUPPLY_WITHOUT_AMOUNT.search(low)
    if hit is None:
        return []
    # (a brand test would drop "AMD announced chip supply …": the seller names the goods)
    sellers, buyers = _around_cue(sent, low, hit, brands=True)
    if not sellers:
        return []
    seller = sellers[-1].cid
    role = ex.gazetteer.role(seller)
    hardware = role in {"chipmaker", "other"} or bool(re.search(r"\b(?:chip|gpu|hardware)", low))
    kind = "hardware_purchase" if hardware and role not in {"cloud", "neocloud"} else (
        "cloud_commitment")  # fmt: skip
    quote, qs, qe = _quote(sent.text, sent.start_char + offset)
    return [
        _Found(Candidate(payer=b, payee=seller, kind=kind, status=_status(low), date=date,
                         quote=quote, start=qs, end=qe), single_payer=True)  # fmt: skip
        for b in buyers if b != seller
    ]


def _distribution(
    ex: RuleExtractor, sent: Span, s0: int, status: str, date: dt.date | None
) -> list[_Found]:
    """A model owner → platform deal ("Microsoft gives Azure AI Foundry customers access to Claude
    models"): payer the owner of the product or models named, payee the single other company
    named (a cloud or neocloud, when roles are known). No amount."""
    low = sent.text.lower()
    listed = _models_from(ex, sent, s0, status, date)
    if listed:
        return listed
    if not _DISTRIBUTION_CUE.search(low):
        return []
    products = [e for e in _ents(sent) if e.label_ == "PRODUCT"
                and sent.doc[e.start - 1].lower_ not in _NOT_LISTED | {"as"}]  # fmt: skip
    orgs = [_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG"]
    models = [m for m in orgs if m.possessive and _MODELS_OF.match(
        sent.doc[m.tok_end : m.tok_end + 5].text.lower())]  # fmt: skip
    if not products and not models:
        return []  # "models like ChatGPT": an example, not the product distributed
    # "making Mistral's AI models available on Azure": the owner of the models named
    owner = products[0].ent_id_ if products else models[0].cid
    platforms = [
        m for m in _dedupe([o for o in orgs if not o.non_party])
        if m.cid != owner
        and (not ex._roles_known or ex.gazetteer.role(m.cid) in {"cloud", "neocloud"})
    ]  # fmt: skip
    if len(platforms) != 1:
        return []
    quote, qs, qe = _quote(sent.text, s0)
    cand = Candidate(
        payer=owner,
        payee=platforms[0].cid,
        kind="distribution",
        status=status,
        date=date,
        quote=quote,
        start=qs,
        end=qe,
    )
    return [_Found(cand, family="distribution")]


def _models_from(
    ex: RuleExtractor, sent: Span, s0: int, status: str, date: dt.date | None
) -> list[_Found]:
    """ "Microsoft's GitHub Copilot supports models from Anthropic and Google", "Bedrock offers
    models by Anthropic, Meta and Mistral": each company listed after "models from" is an owner
    distributing on the one other company named (the platform's owner). No amount."""
    low = sent.text.lower()
    cue = _MODELS_FROM.search(low)
    if cue is None or not _PLATFORM_VERB.search(low[: cue.start()]):
        return []
    orgs = [m for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
            if not m.non_party]  # fmt: skip
    base = sent.start_char
    first = next((i for i, m in enumerate(orgs) if m.start - base == cue.end()), None)
    owners = [] if first is None else [m.cid for m in _listed_from(orgs, first, low, base)]
    platforms = {m.cid for m in orgs if m.start - base < cue.start()} - set(owners)
    if not owners or len(platforms) != 1:
        return []
    platform = platforms.pop()
    quote, qs, qe = _quote(sent.text, s0)
    return [
        _Found(Candidate(payer=owner, payee=platform, kind="distribution", status=status,
                         date=date, quote=quote, start=qs, end=qe), family="distribution")
        for owner in dict.fromkeys(owners)
    ]  # fmt: skip


_MODELS_FROM = re.compile(r"\bmodels\s+(?:from|by|built by|developed by)\s+")
_PLATFORM_VERB = re.compile(
    r"\b(?:support\w*|offer\w*|host\w*|add\w*|includ\w*|integrat\w*|bring\w*|provid\w*|"
    r"featur\w*|serv\w*|access to|available)\b"
)


def _share_option(
    ex: RuleExtractor, sent: Span, s0: int, status: str, date: dt.date | None
) -> list[_Found]:
    """A warrant stated without the word (README, "Deal kinds"), issuer → holder.

    "OpenAI may acquire up to 160 million AMD shares", "… potentially involving up to 160
    million AMD shares", "an option to acquire a stake in the chipmaker": the company whose
    shares they are (named before "shares", after "stake in", or described, "the
    chipmaker") issues; the other company named before the option holds it. No amount.
    """
    low = sent.text.lower()
    cue = _SHARE_OPTION.search(low)
    if cue is None:
        return []
    base = sent.start_char
    ms = [m for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
          if not m.non_party or m.brand]  # fmt: skip
    issuer: str | None = None
    for m in ms:  # "160 million AMD shares", "stake in AMD"
        if cue.start() <= m.start - base and (
            re.match(r"\s*(?:'s|’s)?\s*(?:common\s+)?(?:shares|stock)\b", low[m.end - base:])
            or re.search(r"\b(?:stake|ownership|equity|shares) (?:in|of) $",
                         low[cue.start() : m.start - base])
        ):  # fmt: skip
            issuer = m.cid
            break
    if issuer is None:
        d = _DESCRIPTOR.match(low, cue.end() + 1)
        roles = _DESCRIPTOR_ROLES.get(d.group(1)) if d else None
        before = [m.cid for m in ms if m.end - base <= cue.start()]
        fits = [c for c in (ex._seen + before)
                if roles and ex.gazetteer.role(c) in roles]  # fmt: skip
        issuer = fits[-1] if fits else None
    holders = [m.cid for m in ms if m.end - base <= cue.start() and m.cid != issuer
               and not m.brand]  # fmt: skip
    if issuer is None or not holders:
        return []
    quote, qs, qe = _quote(sent.text, s0)
    cand = Candidate(payer=issuer, payee=holders[0], kind="warrant", status=status,
                     date=date, quote=quote, start=qs, end=qe)  # fmt: skip
    return [_Found(cand, family="warrant")]


def _warrant(
    ex: RuleExtractor, sent: Span, s0: int, status: str, date: dt.date | None
) -> list[_Found]:
    low = sent.text.lower()
    if not _WARRANT_CUE.search(low):
        return []
    orgs = _dedupe(
        [m for m in (_mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
         if not m.non_party or m.possessive]
    )  # fmt: skip
    if len(orgs) != 2:
        return []
    a, b = orgs
    issuer, holder = a, b
    s = sent.start_char  # mentions carry paragraph offsets, ``low`` is the sentence

    def span(m: _Mention) -> tuple[int, int]:
        return m.start - s, m.end - s

    # "warrants for … AMD shares" / "shares of AMD" / "additional equity in OpenAI": the
    # company whose shares they are issues them.
    owned = [m for m in (a, b) if re.match(
        r"\W*(?:'s|’s)?\s*(?:common\s+)?(?:shares|stock)", low[span(m)[1] : span(m)[1] + 12])
        or re.search(r"(?:shares|stock|equity|stake|ownership) (?:of|in) (?:its )?$",
                     low[max(0, span(m)[0] - 24) : span(m)[0]])]  # fmt: skip
    if not owned:
        # "… acquiring up to 10% ownership in the chipmaker through stock warrants": the
        # company the description fits issues them.
        d = re.search(r"\b(?:shares|stock|equity|stake|ownership) (?:of|in) "
                      + _DESCRIPTOR.pattern[2:], low)  # fmt: skip
        roles = _DESCRIPTOR_ROLES.get(d.group(1)) if d else None
        owned = [m for m in (a, b) if roles and ex.gazetteer.role(m.cid) in roles]
    # "Disney will invest $1 billion in OpenAI and will receive warrants": the subject of
    # "receive" holds them, whichever company is named between.
    recv = re.search(r"\b(?:receiv\w*|gets?|got|obtain\w*)\s+(?:[\w-]+\s+){0,3}?warrants?\b",
                     low)  # fmt: skip
    subjects = [m for m in (a, b) if recv and span(m)[1] <= recv.start()
                and m.prev not in _PREPOSITIONS and not m.possessive]  # fmt: skip
    if owned:
        issuer, holder = owned[0], (b if owned[0] is a else a)
    elif subjects:
        holder = subjects[-1]
        issuer = b if holder is a else a
    elif re.search(r"\b(receiv\w+|gets|got|obtain\w*)\b", low[span(a)[1] : span(b)[0]]):
        issuer, holder = b, a  # "Disney will receive warrants … from OpenAI"
    quote, qs, qe = _quote(sent.text, s0)
    cand = Candidate(
        payer=issuer.cid,
        payee=holder.cid,
        kind="warrant",
        status=status,
        date=date,
        quote=quote,
        start=qs,
        end=qe,
    )
    return [_Found(cand, family="warrant")]
