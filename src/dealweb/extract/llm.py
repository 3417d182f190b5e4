"""LLM-backed extractor through an OpenAI-compatible chat-completions endpoint (off by default).

Nothing here runs unless the user picks ``--extractor llm`` and configures an endpoint::

    export DEALWEB_LLM_BASE_URL=http://127.0.0.1:8080/v1     # any OpenAI-compatible server
    export DEALWEB_LLM_MODEL=my-model
    export DEALWEB_LLM_API_KEY=...                            # optional

The model is asked for JSON deals with a verbatim evidence quote. Its answer is *checked*, not
trusted: parties must resolve against the gazetteer, the kind must be a known deal kind,
amounts must be numbers, and the quote must occur in the article (its offsets are found there);
a deal whose quote is not in the text is dropped, since it has no provenance.

Only the standard library (``urllib``) is used, so no extra dependency is needed.

Example
-------
>>> LLMExtractor(Gazetteer.from_mapping({"OpenAI": []}), base_url="http://127.0.0.1:9/v1",
...              model="m").name
'llm'
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.error
import urllib.request
from typing import Any

from dealweb.extract.base import Candidate, register
from dealweb.extract.gazetteer import Gazetteer
from dealweb.extract.rules import merge_candidates

KINDS = (
    "equity_investment cloud_commitment hardware_purchase compute_capacity warrant loan "
    "revenue_share distribution acquisition other"
).split()
STATUSES = ("in_talks", "reported", "announced", "completed", "cancelled")
CHUNK_CHARS = 12_000

SYSTEM_PROMPT = """You extract deals between companies from news text about the AI industry.
Return JSON: {"deals": [{"payer": str, "payee": str|null, "kind": str,
"amount_usd_low": number|null, "amount_usd_high": number|null, "up_to": bool,
"gigawatts": number|null, "status": str, "quote": str}]}.
Money flows payer -> payee (investor -> investee, buyer -> seller, warrant issuer -> holder).
kind is one of: KINDS. status is one of: STATUSES.
"up to $5 billion" is up_to=true, amount_usd_high=5e9, amount_usd_low=null. Amounts in USD.
quote is one sentence copied verbatim from the text that states the deal.
Do not report valuations, market caps, revenues, losses, stock moves or industry estimates.
Report each deal once. Only use these companies (name them exactly): COMPANIES."""


class LLMError(ValueError):
    """The endpoint could not be reached or gave an answer that is not the requested JSON."""


@register("llm")
class LLMExtractor:
    """Ask an OpenAI-compatible endpoint for deals, then validate them against the text."""

    name = "llm"

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        **_: object,
    ) -> None:
        self.gazetteer = gazetteer
        self.base_url = (base_url or os.environ.get("DEALWEB_LLM_BASE_URL") or "").rstrip("/")
        self.model = model or os.environ.get("DEALWEB_LLM_MODEL") or ""
        self.api_key = api_key or os.environ.get("DEALWEB_LLM_API_KEY")
        self.timeout = timeout
        if not self.base_url or not self.model:
            raise LLMError(
                "the llm extractor is off until configured: set DEALWEB_LLM_BASE_URL (an "
                "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1) and DEALWEB_LLM_MODEL"
            )
        if not re.match(r"^https?://", self.base_url):
            raise LLMError(f"DEALWEB_LLM_BASE_URL must be an http(s) URL, got {self.base_url!r}")

    def extract(self, text: str, date: dt.date | None = None) -> list[Candidate]:
        cands: list[Candidate] = []
        for offset, chunk in _chunks(text, CHUNK_CHARS):
            for item in self._ask(chunk):
                cand = self._candidate(item, text, offset, date)
                if cand is not None:
                    cands.append(cand)
        cands.sort(key=lambda c: c.start)
        return merge_candidates(cands)

    # --- HTTP ---------------------------------------------------------------------------------
    def _ask(self, chunk: str) -> list[dict[str, Any]]:
        companies = ", ".join(e.name for e in self.gazetteer.entries)
        system = (
            SYSTEM_PROMPT.replace("KINDS", ", ".join(KINDS))
            .replace("STATUSES", ", ".join(STATUSES))
            .replace("COMPANIES", companies)
        )
        body = {
            "model": self.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": chunk},
            ],
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                payload = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise LLMError(f"LLM endpoint {self.base_url} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise LLMError(f"cannot reach LLM endpoint {self.base_url}: {exc}") from None
        except json.JSONDecodeError:
            raise LLMError(f"LLM endpoint {self.base_url} did not return JSON") from None
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMError("LLM answer has no choices[0].message.content") from None
        return parse_answer(content)

    # --- validation ---------------------------------------------------------------------------
    def _candidate(
        self, item: dict[str, Any], text: str, offset: int, date: dt.date | None
    ) -> Candidate | None:
        payer = self.gazetteer.resolve(str(item.get("payer") or ""))
        payee_raw = item.get("payee")
        payee = self.gazetteer.resolve(str(payee_raw)) if payee_raw else None
        kind = str(item.get("kind") or "")
        if payer is None or (payee_raw and payee is None) or kind not in KINDS:
            return None
        quote = str(item.get("quote") or "").strip()
        start = text.find(quote, offset) if quote else -1
        if start < 0:
            return None  # no verbatim evidence in the article: not a candidate
        status = str(item.get("status") or "announced")
        low, high = _number(item.get("amount_usd_low")), _number(item.get("amount_usd_high"))
        if low is not None and high is not None and low > high:
            low, high = high, low
        return Candidate(
            payer=payer,
            payee=payee,
            kind=kind,
            status=status if status in STATUSES else "announced",
            currency="USD" if (low or high) else None,
            amount_low=low,
            amount_high=high,
            amount_usd_low=low,
            amount_usd_high=high,
            up_to=bool(item.get("up_to")),
            gigawatts=_number(item.get("gigawatts")),
            date=date,
            quote=quote,
            start=start,
            end=start + len(quote),
            extractor="llm",
        )


def parse_answer(content: str) -> list[dict[str, Any]]:
    """The ``deals`` list from a model answer (JSON, possibly inside a ``` fence)."""
    m = re.search(r"```(?:json)?\s*(.*?)```", content, re.DOTALL)
    raw = m.group(1) if m else content
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise LLMError("LLM answer is not valid JSON") from None
    deals = data.get("deals") if isinstance(data, dict) else data
    if not isinstance(deals, list):
        raise LLMError("LLM answer has no 'deals' list")
    return [d for d in deals if isinstance(d, dict)]


def _number(v: object) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if x >= 0 and x == x else None


def _chunks(text: str, size: int) -> list[tuple[int, str]]:
    """Split at paragraph ends into pieces of at most ``size`` characters (with offsets)."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out
