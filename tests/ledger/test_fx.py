"""Currency conversion against published ECB euro reference rates.

Independent figures (ECB Data Portal, series EXR.D.USD.EUR.SP00.A): the first euro reference
rate, 4 January 1999, was 1 EUR = 1.1789 USD; the highest ever fixing was 1.5990 USD on
15 July 2008.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dealweb.ledger import fx


def test_ecb_launch_rate() -> None:
    q = fx.usd_quote("EUR", dt.date(1999, 1, 4))
    assert q.rate == pytest.approx(1.1789)
    assert fx.to_usd(1_000_000, "EUR", dt.date(1999, 1, 4)) == 1_178_900.0


def test_ecb_record_high() -> None:
    assert fx.usd_quote("eur", dt.date(2008, 7, 15)).rate == pytest.approx(1.5990)


def test_weekend_uses_nearest_publication_day() -> None:
    # Saturday 12 July 2008: Friday the 11th is one day away, Monday the 14th two.
    q = fx.usd_quote("EUR", dt.date(2008, 7, 12))
    assert q.rate_date == dt.date(2008, 7, 11)
    assert q.rate == fx.usd_quote("EUR", dt.date(2008, 7, 11)).rate


def test_dates_outside_the_file_use_the_nearest_end() -> None:
    conv = fx.converter()
    last = conv.bounds["EUR"].last_date if "EUR" in conv.bounds else conv.bounds["USD"].last_date
    q = fx.usd_quote("EUR", dt.date(2100, 1, 1))
    assert q.rate_date == last
    early = fx.usd_quote("EUR", dt.date(1990, 1, 1))
    assert early.rate == pytest.approx(1.1789)


def test_cross_rate_through_the_euro() -> None:
    day = dt.date(2008, 7, 15)
    gbp = fx.usd_quote("GBP", day).rate
    eur_usd = fx.converter().convert(1, "EUR", "USD", date=day)
    eur_gbp = fx.converter().convert(1, "EUR", "GBP", date=day)
    assert gbp == pytest.approx(eur_usd / eur_gbp)


def test_usd_is_identity_and_unknown_code_is_named() -> None:
    assert fx.to_usd(5e9, "USD", dt.date(2025, 1, 1)) == 5e9
    with pytest.raises(fx.UnknownCurrencyError, match=r"'XYZ'.*EUR"):
        fx.usd_quote("XYZ", dt.date(2025, 1, 1))
    with pytest.raises(ValueError, match="non-negative"):
        fx.to_usd(-1, "EUR", dt.date(2025, 1, 1))
