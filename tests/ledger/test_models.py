"""Validation of the domain model: bad values are rejected with the field and what was expected."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dealweb.ledger.models import Company, Deal, parse_partial_date

SRC = [{"url": "https://example.com/a"}]


def deal(**kw: object) -> Deal:
    base = {
        "id": "d",
        "announced": "2025-01-02",
        "payer": "a",
        "payee": "b",
        "kind": "loan",
        "sources": SRC,
    }
    return Deal.model_validate(base | kw)


def test_partial_dates_keep_their_precision() -> None:
    assert parse_partial_date("2025-05") == (dt.date(2025, 5, 1), "month")
    assert parse_partial_date(2025) == (dt.date(2025, 1, 1), "year")
    assert deal(announced="2025-05").date_precision == "month"
    assert deal(announced="2025-05").announced_text == "2025-05"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"announced": "2025-13-01"}, "announced"),
        ({"amount_low": -1.0}, "amount_low"),
        ({"currency": "euro"}, "currency"),
        ({"kind": "gift"}, "kind"),
        ({"sources": []}, "sources"),
        ({"payer": "Has Spaces"}, "payer"),
        ({"stake_pct": 150}, "stake_pct"),
    ],
)
def test_bad_fields_are_named(changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        deal(**changes)
    assert field in {str(e["loc"][0]) for e in info.value.errors()}


def test_low_above_high_and_self_deals_rejected() -> None:
    with pytest.raises(ValidationError, match="greater than"):
        deal(amount_low=2.0, amount_high=1.0)
    with pytest.raises(ValidationError, match="same company"):
        deal(payee="a")


def test_company_slug_and_stake_fraction() -> None:
    with pytest.raises(ValidationError):
        Company(id="Not A Slug", name="x")
    with pytest.raises(ValidationError, match="fraction"):
        Company.model_validate(
            {
                "id": "x",
                "name": "X",
                "figures": [{"name": "stake", "value_usd": 27, "as_of": "2025", "source": SRC[0]}],
            }
        )
