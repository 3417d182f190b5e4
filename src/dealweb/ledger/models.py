"""Domain model of the ledger: companies, their sourced figures, and deals.

Everything that enters the ledger passes through these pydantic models, so a bad value is
rejected with the field name and what was expected before anything is written.

Conventions
-----------
* Money flows **payer → payee**: investor → investee for equity, buyer → seller for commitments
  and purchases, issuer → holder for a warrant.
* Amounts are ranges. ``amount_low``/``amount_high`` are in the currency *as stated*;
  ``amount_usd_low``/``amount_usd_high`` are their USD value at the announcement date.
  An "up to $5B" deal has ``up_to=True``, ``amount_high=5e9`` and ``amount_low=None`` unless a
  floor was stated. A deal with no dollar figure (e.g. "1 GW of systems") has both ``None``.
* Dates may be known only to the month or the year: ``announced`` is the first day of the
  period and ``date_precision`` says which.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Role(StrEnum):
    ai_lab = "ai_lab"
    cloud = "cloud"
    chipmaker = "chipmaker"
    neocloud = "neocloud"
    investor = "investor"
    other = "other"


class DealKind(StrEnum):
    equity_investment = "equity_investment"
    cloud_commitment = "cloud_commitment"
    hardware_purchase = "hardware_purchase"
    compute_capacity = "compute_capacity"
    warrant = "warrant"
    loan = "loan"
    revenue_share = "revenue_share"
    distribution = "distribution"
    acquisition = "acquisition"
    other = "other"


class DealStatus(StrEnum):
    in_talks = "in_talks"
    reported = "reported"  # press report, not confirmed by the parties
    announced = "announced"
    completed = "completed"
    cancelled = "cancelled"


#: Deal kinds whose amount is a commitment to pay the payee for goods or services over time.
SPENDING_KINDS = frozenset(
    {
        DealKind.cloud_commitment,
        DealKind.hardware_purchase,
        DealKind.compute_capacity,
        DealKind.revenue_share,
    }
)
#: Deal kinds whose amount buys ownership of the payee.
EQUITY_KINDS = frozenset({DealKind.equity_investment, DealKind.acquisition})

DatePrecision = Literal["day", "month", "year"]
FigureName = Literal[
    "revenue",
    "ai_revenue_run_rate",
    "cash",
    "debt",
    "market_value",
    "valuation",
    "capex",
    "operating_cash_flow",
    "stake",
    "other",
]

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=SLUG_RE.pattern)]


def parse_partial_date(value: object) -> tuple[dt.date, DatePrecision]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or a date) into (first day, precision)."""
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, int) and 1900 <= value <= 2200:
        return dt.date(value, 1, 1), "year"
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not m:
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), "day"
        if month:
            return dt.date(int(year), int(month), 1), "month"
        return dt.date(int(year), 1, 1), "year"
    except ValueError as exc:
        raise ValueError(f"expected a real calendar date, got {text!r} ({exc})") from None


def format_partial_date(date: dt.date, precision: DatePrecision) -> str:
    """Inverse of :func:`parse_partial_date`."""
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


#: A URL worth citing: a host of dot-separated, non-empty labels ("https://..." is a placeholder).
#: Only sources written from now on must pass it (see :meth:`Ledger.upsert_deal`): a stricter rule
#: in the model itself would make ledgers that already store such a source unreadable.
REAL_URL_RE = re.compile(r"^https?://[^\s/.]+(?:\.[^\s/.]+)+(?:[/?#:]\S*)?$")


class Source(_Model):
    """Where a fact was read. ``url`` is required; prefer primary sources."""

    url: str = Field(min_length=8)
    publisher: str | None = None
    date: dt.date | None = None
    quote: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", v):
            raise ValueError(f"expected an http(s) URL, got {v!r}")
        return v


class Figure(_Model):
    """A dated, sourced figure about a company (revenue, cash, valuation …), in USD.

    ``stake`` figures are fractions (0.27 = 27 %) of ``counterparty``'s equity.
    """

    name: FigureName
    value_usd: float
    as_of: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD")
    period: str | None = Field(None, description="e.g. FY2025, 2025-Q2, annualized")
    counterparty: str | None = Field(None, description="company id, for stakes")
    label: str | None = Field(None, description="free-text label, e.g. 'revenue_2025_projected'")
    source: Source
    note: str | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: object) -> str:
        date, precision = parse_partial_date(v)
        return format_partial_date(date, precision)

    @model_validator(mode="after")
    def _check(self) -> Figure:
        if self.name == "stake" and not 0.0 <= self.value_usd <= 1.0:
            raise ValueError(f"a stake is a fraction in [0, 1], got {self.value_usd}")
        if self.name in {"revenue", "cash", "market_value", "valuation", "capex", "debt"} and (
            self.value_usd < 0
        ):
            raise ValueError(f"{self.name} cannot be negative, got {self.value_usd}")
        return self


class Company(_Model):
    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    role: Role = Role.other
    ticker: str | None = None
    country: str | None = None
    figures: list[Figure] = Field(default_factory=list)
    notes: str | None = None


class Deal(_Model):
    id: Slug
    announced: dt.date
    date_precision: DatePrecision = "day"
    payer: Slug
    payee: Slug | None = Field(None, description="None when there is no single counterparty")
    kind: DealKind
    # Bounds catch typos (an exponent too many), not real deals: 1e16 of any currency is above
    # the largest plausible amount even in won or yen; 1e14 USD is above world GDP.
    amount_low: float | None = Field(None, ge=0, le=1e16, description="in `currency`")
    amount_high: float | None = Field(None, ge=0, le=1e16, description="in `currency`")
    up_to: bool = False
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    amount_usd_low: float | None = Field(None, ge=0, le=1e14)
    amount_usd_high: float | None = Field(None, ge=0, le=1e14)
    amount_stated: str | None = None
    gigawatts: float | None = Field(None, gt=0)
    term_start: dt.date | None = None
    term_years: float | None = Field(None, gt=0, le=50)
    schedule: dict[int, float] | None = Field(
        None, description="year → share of the amount paid that year (shares sum to 1)"
    )
    stake_pct: float | None = Field(None, gt=0, le=100)
    status: DealStatus = DealStatus.announced
    sources: list[Source] = Field(min_length=1)
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("announced", mode="before")
    @classmethod
    def _announced(cls, v: object) -> dt.date:
        return parse_partial_date(v)[0]

    @model_validator(mode="before")
    @classmethod
    def _precision_from_text(cls, data: object) -> object:
        # "2025-05" means May 2025, not 1 May: keep that precision unless given explicitly.
        if isinstance(data, dict) and "announced" in data and "date_precision" not in data:
            raw = data["announced"]
            if not isinstance(raw, dt.date):
                try:
                    data = {**data, "date_precision": parse_partial_date(raw)[1]}
                except ValueError:
                    pass  # the field validator reports it
        return data

    @model_validator(mode="after")
    def _check(self) -> Deal:
        if self.payee is not None and self.payee == self.payer:
            raise ValueError(f"payer and payee are the same company ({self.payer!r})")
        for lo, hi, what in (
            (self.amount_low, self.amount_high, "amount"),
            (self.amount_usd_low, self.amount_usd_high, "amount_usd"),
        ):
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{what}_low ({lo:g}) is greater than {what}_high ({hi:g})")
        if self.schedule:
            total = sum(self.schedule.values())
            if any(v < 0 for v in self.schedule.values()) or abs(total - 1.0) > 1e-6:
                raise ValueError(f"schedule shares must be non-negative and sum to 1, got {total}")
        return self

    @property
    def announced_text(self) -> str:
        return format_partial_date(self.announced, self.date_precision)


class Revision(_Model):
    """One change to a company or a deal, kept forever (edits never overwrite history)."""

    entity: Literal["company", "deal"]
    entity_id: str
    version: int
    changed_at: dt.datetime
    action: Literal["create", "update", "delete", "restore"]
    reason: str | None = None
    source_url: str | None = None
    changes: dict[str, list[object]] = Field(default_factory=dict, description="field → [old, new]")
    snapshot: dict[str, object]
