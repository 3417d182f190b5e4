"""Money and power expressions, checked against how news outlets actually write them.

The worked examples are the figures of the project's founding article
(/work/shared/data/articles/microsoft-nvidia-anthropic-2025-11.txt) and of the labelled excerpts
(Reuters, Bloomberg, FT wording): "$5 billion (€4.3 billion)", "$38B", "US$14.2 billion",
"$17.4 billion, up to $19.4 billion", "between $20 billion and $25 billion".
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.extract.quantities import find_money, find_power, to_usd, words_to_number


def one(text: str):
    found = find_money(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "low", "high", "up_to"),
    [
        ("$38B", 38e9, 38e9, False),
        ("$1.4 trillion", 1.4e12, 1.4e12, False),
        ("US$14.2 billion", 14.2e9, 14.2e9, False),
        ("$9.7bn", 9.7e9, 9.7e9, False),
        ("up to $5 billion", None, 5e9, True),
        ("as much as $100 billion", None, 100e9, True),
        ("between $20 billion and $25 billion", 20e9, 25e9, False),
        ("$20 billion to $25 billion", 20e9, 25e9, False),
        ("$300-400 million", 300e6, 400e6, False),
        ("three hundred billion dollars", 300e9, 300e9, False),
        ("$17.4 billion, up to $19.4 billion", 17.4e9, 19.4e9, False),
        ("$17.4 billion with an option to spend up to $19.4 billion", 17.4e9, 19.4e9, False),
        ("$ 100 billion", 100e9, 100e9, False),
        ("up to a further $30bn", None, 30e9, True),
        ("as much as an additional $2 billion", None, 2e9, True),
        ("a further $2bn", 2e9, 2e9, False),
    ],
)
def test_money_expressions(text: str, low: float | None, high: float, up_to: bool) -> None:
    m = one(text)
    assert m.usd_low == low
    assert m.usd_high == pytest.approx(high)
    assert m.up_to is up_to


def test_dual_currency_statement_is_one_amount_in_dollars() -> None:
    # Founding article: "investing $5 billion (€4.3 billion) and $10 billion (€8.6 billion)".
    found = find_money("investing $5 billion (€4.3 billion) and $10 billion (€8.6 billion)")
    assert [(m.currency, m.usd_high) for m in found] == [("USD", 5e9), ("USD", 10e9)]


def test_euro_first_takes_usd_value_from_the_restatement() -> None:
    m = one("€4.3 billion ($5 billion)")
    assert (m.currency, m.low, m.usd_low) == ("EUR", 4.3e9, 5e9)


def test_euro_only_amount_is_converted_at_the_ecb_rate() -> None:
    # ECB reference rate on 2025-11-18 was 1.1590 USD per EUR (ecb.europa.eu, eurofxref).
    m = find_money("€1 billion", on=dt.date(2025, 11, 18))[0]
    assert m.usd_low == pytest.approx(1.159e9, rel=1e-3)
    assert to_usd(None, "EUR") is None


def test_and_without_between_is_two_amounts() -> None:
    assert len(find_money("$5 billion and $10 billion")) == 2


def test_share_prices_are_not_amounts() -> None:
    assert find_money("warrants at $0.01 per share with a $600 price target") == []


@pytest.mark.parametrize(
    ("text", "gw", "up_to"),
    [("up to 1 gigawatt", 1.0, True), ("30 GW", 30.0, False), ("at least 10 gigawatts", 10, False),
     ("a 1-gigawatt site", 1.0, False), ("up to one gigawatt", 1.0, True),
     ("750-megawatt campus", 0.75, False)],
)  # fmt: skip
def test_power_expressions(text: str, gw: float, up_to: bool) -> None:
    (p,) = find_power(text)
    assert p.gigawatts == pytest.approx(gw)
    assert p.up_to is up_to


def test_number_words() -> None:
    assert words_to_number("three hundred") == 300
    assert words_to_number("twenty-five") == 25
    assert words_to_number("1,250") == 1250
    assert words_to_number("zillion") is None


@given(
    st.decimals(min_value="0.1", max_value="999.9", places=1),
    st.sampled_from([("billion", 1e9), ("million", 1e6), ("trillion", 1e12), ("B", 1e9)]),
    st.booleans(),
)
def test_any_written_amount_round_trips(value, scale, up_to) -> None:
    word, factor = scale
    sep = "" if word == "B" else " "
    text = f"{'up to ' if up_to else ''}${value}{sep}{word}"
    m = one(f"The company agreed to pay {text} for capacity.")
    assert m.usd_high == pytest.approx(float(value) * factor)
    assert m.up_to is up_to
    assert (m.usd_low is None) is up_to


def test_a_conversion_in_brackets_a_few_words_later_is_the_same_amount() -> None:
    m = one("Microsoft is investing €15 million in the startup ($16.3 million at today's "
            "exchange rate).")  # fmt: skip
    assert (m.text, m.usd_high) == ("€15 million", 16.3e6)
    # brackets that do not say they convert: two amounts
    assert len(find_money("It paid €2 billion to the group ($3 billion in total).")) == 2
