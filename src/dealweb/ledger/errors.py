"""Errors of the ledger that name the field, the bad value and what was expected."""

from __future__ import annotations

from pydantic import ValidationError


class FieldError(ValueError):
    """A bad value in one field of a record: carries the field, the value and what was expected."""

    def __init__(self, field: str, value: object, expected: str, entity_id: str | None = None):
        self.field, self.value, self.expected, self.entity_id = field, value, expected, entity_id
        where = f"{entity_id!r}: " if entity_id else ""
        super().__init__(f"{where}field {field!r}: got {value!r}; expected {expected}")


def validation_messages(exc: ValidationError) -> list[tuple[str, object, str]]:
    """(field, bad value, what was expected) for each error in a pydantic ValidationError."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(record)"
        msg = err["msg"]
        msg = msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg
        if err["type"] == "extra_forbidden":
            msg = "no such field (a typo?); see dealweb.ledger.models for the fields"
        out.append((loc, err.get("input"), msg[0].lower() + msg[1:] if msg else msg))
    return out
