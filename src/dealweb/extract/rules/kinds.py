"""Deal family, kind and status, and the candidate built from an anchor amount.

The family (equity, spend, warrant, loan, acquisition) comes from the cue word nearest the
amount; the kind refines a spending deal by the seller's role and the hardware, cloud, power
or licence words of the clause (a chipmaker sells chips or computing capacity, a cloud sells
capacity); the status (in talks, reported, completed, announced) from the sentence's wording.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from dealweb.extract.base import Candidate
from dealweb.extract.quantities import Money, Power, find_power
from dealweb.extract.rules.vocab import (
    _ACQUIRE_CUE,
    _CLOUD_WORDS,
    _COMPLETED,
    _EQUITY_CUE,
    _HARDWARE_WORDS,
    _IN_TALKS,
    _LICENCE_CUE,
    _LOAN_CUE,
    _POWER_CONTEXT,
    _REPORTED,
    _SPEND_CUE,
    _WARRANT_CUE,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.extractor import RuleExtractor


# The kinds _kind gives a deal of the "spend" family besides a licence ("other"): what a buyer
# spends on compute, as chips, as cloud or as capacity.
SPEND_KINDS = frozenset({"hardware_purchase", "cloud_commitment", "compute_capacity"})


def _kind(ex: RuleExtractor, family: str, payee: str, low: str, anchor: Money | Power) -> str:
    """The candidate's kind from its ``family`` and, for spending, the payee's role and the
    hardware, cloud, power and licence words of the clause ``low``."""
    if family == "equity":
        return "equity_investment"
    if family in {"warrant", "acquisition", "loan"}:
        return family
    role = ex.gazetteer.role(payee)
    hardware = bool(_HARDWARE_WORDS.search(low))
    cloud = bool(_CLOUD_WORDS.search(low))
    if _LICENCE_CUE.search(low) and not re.search(r"\b(buy\w*|bought|purchas\w*)\b", low):
        return "other"
    power = isinstance(anchor, Power) or bool(find_power(low))
    # "10 gigawatts of custom AI accelerators" is hardware even when called computing power
    # ("a chip supply agreement" names chips; "AI chip startup Cerebras" describes a seller)
    chips = re.search(
        r"\b(accelerators?|chips|chip (?:supply|purchase|order|sales?)|gpus?|processors|"
        r"tpus?)\b",
        low,
    )
    if power and _POWER_CONTEXT.search(low) and role == "chipmaker" and not chips:
        # "$10 billion … to secure 750 megawatts of computing power" from a chipmaker
        return "compute_capacity"
    if role == "chipmaker":
        return "hardware_purchase"
    if role in {"cloud", "neocloud"}:
        return "cloud_commitment"
    if hardware and not cloud:
        return "hardware_purchase"
    return "cloud_commitment" if cloud else "other"


def _candidate(
    payer: str,
    payee: str | None,
    kind: str,
    anchor: Money | Power,
    monies: list[Money],
    powers: list[Power],
    status: str,
    date: dt.date | None,
    quote: str,
    qs: int,
    qe: int,
) -> Candidate | None:
    """The candidate for one anchor amount (money, else the power figure); None when the payer
    would pay itself."""
    if payee is not None and payee == payer:
        return None
    money = anchor if isinstance(anchor, Money) else None
    power = anchor if isinstance(anchor, Power) else (powers[0] if powers else None)
    up_to = bool((money and money.up_to) or (money is None and power and power.up_to))
    return Candidate(
        payer=payer,
        payee=payee,
        kind=kind,
        status=status,
        currency=money.currency if money and (money.low, money.high) != (None, None) else None,
        amount_low=money.low if money else None,
        amount_high=money.high if money else None,
        amount_usd_low=money.usd_low if money else None,
        amount_usd_high=money.usd_high if money else None,
        up_to=up_to,
        amount_stated=(money.text if money else power.text if power else None),
        gigawatts=power.gigawatts if power else None,
        date=date,
        quote=quote,
        start=qs,
        end=qe,
    )


# "… to generate tens of billions in annual revenue", "$10 billion in deals": what follows "in"
# is a measure or the deals themselves, not an investee.
_NOT_INVESTEE = re.compile(
    r"\W*(?:in|into)\s+(?:(?:new|annual|yearly|quarterly|additional|total|incremental)\s+)*"
    r"(?:revenues?|sales|profits?|income|cash|costs?|capex|capital expenditures?|spending|debt|"
    r"value|backlog|bookings|savings|losses)\b"
    # "$10 billion in fresh neocloud deals with IREN and Lambda": the deals' total
    r"|\W*in\s+(?:[\w-]+\s+){0,3}(?:deals|contracts|agreements|commitments|orders)\b"
)


def _family(low: str, start: int, end: int) -> str | None:
    """Deal family from the cue word nearest the amount at [start, end) of the clause."""
    warrant = [start - w.end() if w.end() <= start else w.start() - end
               for w in _WARRANT_CUE.finditer(low)]  # fmt: skip
    equity_near = [start - q.end() if q.end() <= start else q.start() - end
                   for q in re.finditer(r"\b(?:equity|invest\w*|stakes?)\b", low)
                   if q.end() <= start or q.start() >= end]  # fmt: skip
    if warrant and not (equity_near and min(equity_near) < min(warrant)):
        # "… make a $1 billion equity investment and receive warrants …": the equity cue next
        # to the amount decides; the warrants are read by _warrant, without an amount.
        return "warrant"
    if re.match(r"\W*(?:worth )?(?:of|to (?:buy|purchase|acquire)) (?:[\w.&'’-]+ ){0,5}"
                r"(?:common )?(?:stock|shares|equity)\b", low[end:]):  # fmt: skip
        return "equity"  # "$5 billion of Intel stock", "spend $5 billion to buy Intel stock"
    if re.match(r"\W*to (?:buy|purchase|acquire|rent|lease) ", low[end:]):
        return "spend"  # "invest approximately $40 billion to purchase 400,000 Nvidia chips"
    best: tuple[int, str] | None = None
    cues = (("equity", _EQUITY_CUE), ("spend", _SPEND_CUE), ("loan", _LOAN_CUE),
            ("acquisition", _ACQUIRE_CUE))  # fmt: skip
    for family, regex in cues:
        for m in regex.finditer(low):
            if m.start() < end and m.end() > start:
                continue  # inside the amount itself ("at least")
            d = start - m.end() if m.end() <= start else m.start() - end
            if family == "acquisition" and re.search(r"stake|equity|shares", low):
                continue
            if best is None or d < best[0]:
                best = (d, family)
    committed_to = re.match(r"\W*to\s+\w", low[end:]) and re.search(
        r"\b(commit\w*|pledg\w*)\s+(?:\w+\s+){0,2}$", low[:start]
    )
    if (best is None or best[0] > 15) and committed_to:
        return "equity"  # "committed up to $15 billion to Anthropic"
    if best is None and re.match(r"\W*(?:in|into)\s+\w", low[end:]) and not _NOT_INVESTEE.match(
        low, end
    ):
        return "equity"  # "an existing commitment of $2 billion in Anthropic"
    return best[1] if best else None


def _status(low: str) -> str:
    """in_talks, reported, completed or announced, from the sentence's wording."""
    if _IN_TALKS.search(low):
        return "in_talks"
    if _REPORTED.search(low):
        return "reported"
    if _COMPLETED.search(low):
        return "completed"
    return "announced"
