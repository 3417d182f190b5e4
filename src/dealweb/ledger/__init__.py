"""The ledger: a sourced, versioned store of AI-industry companies and the deals between them.

:func:`dealweb.open` returns a :class:`Ledger`; see ``docs/ARCHITECTURE.md`` for the API.
The storage layer (SQLAlchemy, Alembic) is imported only when first used, so analyses that only
need :mod:`dealweb.ledger.frames` or :mod:`dealweb.ledger.models` stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealweb.ledger.store import Ledger, open_ledger

__all__ = ["Ledger", "open_ledger"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dealweb.ledger import store

        return getattr(store, name)
    raise AttributeError(f"module 'dealweb.ledger' has no attribute {name!r}")
