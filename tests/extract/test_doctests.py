"""The examples in the extract modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "__init__", "quantities", "gazetteer", "textio", "rules", "rules.amounts", "review", "llm",
    "pairs", "train",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(
        "dealweb.extract" if name == "__init__" else f"dealweb.extract.{name}"
    )
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
