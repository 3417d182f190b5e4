"""The examples in the system modules' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dealweb.stress.balance_sheets",
    "dealweb.stress.obligations",
    "dealweb.stress.scenario",
    "dealweb.stress.examples",
    "dealweb.stress.system",
    "dealweb.stress.yearly_clearing",
    "dealweb.stress.single_period",
    "dealweb.stress.cascade",
    "dealweb.stress.report",
    "dealweb.stress.multiyear",
    "dealweb.stress.montecarlo",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
