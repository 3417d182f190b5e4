"""Errors of the ledger that name the field, the bad value and what was expected."""

from __future__ import annotations

from pydantic import ValidationError


class _NotShown:
    """Stands for a value not worth printing: a missing field, or the whole record."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


#: The bad "value" of a field that is absent.
MISSING = _NotShown("nothing (the field is missing)")


class FieldError(ValueError):
    """A bad value in one field of a record: carries the field, the value and what was expected."""

    def __init__(self, field: str, value: object, expected: str, entity_id: str | None = None):
        self.field, self.value, self.expected, self.entity_id = field, value, expected, entity_id
        where = f"{entity_id!r}: " if entity_id else ""
        super().__init__(f"{where}field {field!r}: got {value!r}; expected {expected}")


def validation_messages(exc: ValidationError) -> list[tuple[str, object, str]]:
    """(field, bad value, what was expected) for each error in a pydantic ValidationError.

    The third item reads after "expected": "a value (required)", "an http(s) URL, got …".
    """
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(record)"
        value = err.get("input")
        msg = err["msg"]
        msg = msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg
        if err["type"] == "extra_forbidden":
            msg = "no such field (a typo?); see dealweb.ledger.models for the fields"
        elif err["type"] == "missing":
            value, msg = MISSING, "a value (this field is required)"
        elif msg.startswith("expected "):
            msg = msg[len("expected ") :]  # "expected expected an http(s) URL" otherwise
        elif err["type"] == "value_error":
            if not err["loc"]:  # a check across fields: the input is the whole record
                value = _NotShown("the record")
            msg = f"a consistent value, but {msg}"
        elif msg.startswith("Input should be "):
            msg = msg[len("Input should be ") :]  # "expected 'announced' or …", "expected >= 0"
        elif err["type"] == "too_short" and err["loc"] and err["loc"][0] == "sources":
            msg = "at least one source (a source_url column, or a sources list)"
        out.append((loc, value, msg[0].lower() + msg[1:] if msg else msg))
    return out
