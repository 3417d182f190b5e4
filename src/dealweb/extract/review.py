"""From candidate deals to ledger deals: review (accept / edit / reject) and acceptance.

A candidate that matches a deal already in the ledger — same payer, payee and kind, USD amount
within 10 % (or not stated on either side) and announced within 90 days — is *linked*: the
article becomes one more source of that deal. Otherwise a new deal is created with the article
as its source and the evidence sentence as the quote. Accepting the same article twice
therefore changes nothing the second time.

The ledger's :class:`~dealweb.ledger.models.Source` requires an http(s) URL, so acceptance needs
the article's URL (``--source-url``); a local file path is not accepted as a source.

Example
-------
>>> deal_id_for(Candidate("microsoft", "anthropic", "equity_investment",
...                       amount_usd_high=5e9, up_to=True), dt.date(2025, 11, 18))
'microsoft-anthropic-equity-5b-2025-11'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from dealweb.extract.base import Candidate

if TYPE_CHECKING:
    from dealweb.ledger.models import Deal
    from dealweb.ledger.store import Ledger

MATCH_AMOUNT_TOLERANCE = 0.10
MATCH_WINDOW_DAYS = 90
_KIND_SHORT = {
    "equity_investment": "equity",
    "cloud_commitment": "cloud",
    "hardware_purchase": "hardware",
    "compute_capacity": "compute",
}

Action = Literal["created", "linked", "unchanged"]


@dataclass(frozen=True)
class Accepted:
    action: Action
    deal_id: str


def _amount_tag(c: Candidate) -> str:
    v = c.amount_usd_high if c.amount_usd_high is not None else c.amount_usd_low
    if v is None:
        return f"{c.gigawatts:g}gw".replace(".", "p") if c.gigawatts else ""
    for scale, suffix in ((1e12, "t"), (1e9, "b"), (1e6, "m")):
        if v >= scale:
            return f"{v / scale:.4g}{suffix}".replace(".", "p")
    return f"{v:.0f}"


def deal_id_for(c: Candidate, announced: dt.date) -> str:
    """A readable slug: payer-payee-kind-amount-yyyy-mm."""
    parts = [c.payer, c.payee or "various", _KIND_SHORT.get(c.kind, c.kind.replace("_", "-")),
             _amount_tag(c), f"{announced:%Y-%m}"]  # fmt: skip
    slug = "-".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9._-]+", "-", slug.lower()).strip("-")[:80]


def _usd(d: Any) -> float | None:
    hi = getattr(d, "amount_usd_high", None)
    return hi if hi is not None else getattr(d, "amount_usd_low", None)


def amounts_match(a: float | None, b: float | None, tol: float = MATCH_AMOUNT_TOLERANCE) -> bool:
    """Within ``tol`` of the larger amount; an unstated amount matches anything."""
    if a is None or b is None:
        return True
    return abs(a - b) <= tol * max(abs(a), abs(b))


def find_matching_deal(ledger: Ledger, c: Candidate, announced: dt.date) -> Deal | None:
    """The ledger deal this candidate restates, if any (see module docstring)."""
    window = dt.timedelta(days=MATCH_WINDOW_DAYS)
    for d in ledger.deals(company=c.payer, kind=c.kind):
        if d.payer != c.payer or d.payee != c.payee:
            continue
        if abs(d.announced - announced) > window:
            continue
        if amounts_match(_usd(d), _usd(c)):
            return d
    return None


def candidate_to_deal(
    c: Candidate, source_url: str, announced: dt.date, publisher: str | None = None
) -> Deal:
    """A ledger :class:`Deal` for a candidate, sourced to the article and its quote."""
    from dealweb.ledger.models import Deal, Source

    source = Source(url=source_url, publisher=publisher, date=c.date, quote=c.quote[:2000] or None)
    return Deal(
        id=deal_id_for(c, announced),
        announced=announced,
        date_precision="day",
        payer=c.payer,
        payee=c.payee,
        kind=c.kind,
        amount_low=c.amount_low,
        amount_high=c.amount_high,
        up_to=c.up_to,
        currency=c.currency or "USD",
        amount_usd_low=c.amount_usd_low,
        amount_usd_high=c.amount_usd_high,
        amount_stated=c.amount_stated,
        gigawatts=c.gigawatts,
        status=c.status,
        sources=[source],
        # the extractor's own notes go along ("pair model p=0.91; no amount read")
        notes="; ".join(["extracted by dealweb extract", c.extractor, *c.notes,
                         "review before analysis"]),  # fmt: skip
        tags=["extracted"],
    )


def accept_candidate(
    ledger: Ledger,
    c: Candidate,
    source_url: str,
    *,
    default_date: dt.date | None = None,
    publisher: str | None = None,
) -> Accepted:
    """Put one candidate in the ledger: link to a matching deal or create a new one."""
    from dealweb.ledger.models import Source

    Source(url=source_url)  # a clear error for a non-http(s) URL before anything is written
    announced = c.date or default_date or dt.date.today()
    match = find_matching_deal(ledger, c, announced)
    if match is not None:
        if any(s.url == source_url for s in match.sources):
            return Accepted("unchanged", match.id)
        new_source = Source(url=source_url, publisher=publisher, date=c.date,
                            quote=c.quote[:2000] or None)  # fmt: skip
        ledger.edit_deal(
            match.id,
            {"sources": [*match.sources, new_source]},
            reason="dealweb extract: another article reports this deal",
        )
        return Accepted("linked", match.id)
    deal = candidate_to_deal(c, source_url, announced, publisher)
    existing = {d.id for d in ledger.deals(include_deleted=True, company=c.payer)}
    base, n = deal.id, 2
    while deal.id in existing:
        deal = deal.model_copy(update={"id": f"{base[:76]}-{n}"})
        n += 1
    ledger.upsert_deal(deal, reason="dealweb extract: accepted candidate", source_url=source_url)
    return Accepted("created", deal.id)
