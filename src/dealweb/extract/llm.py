"""LLM-backed extractor through an OpenAI-compatible chat-completions endpoint (off by default).

Nothing here runs unless the user picks ``--extractor llm`` and configures an endpoint::

    export DEALWEB_LLM_BASE_URL=http://127.0.0.1:8080/v1     # any OpenAI-compatible server
    export DEALWEB_LLM_MODEL=my-model
    export DEALWEB_LLM_API_KEY=...                            # optional

The model is asked for JSON deals with a verbatim evidence quote. Its answer is *checked*, not
trusted: parties must resolve against the gazetteer, the kind must be a known deal kind,
amounts must be numbers, and the quote must occur in the article (its offsets are found there);
a deal whose quote is not in the text is dropped, since it has no provenance.

The system prompt states the labelled sets' written conventions (which way money flows for each
kind, what each kind covers, what is not a deal, rounds, amounts), so that a capable model reads
deals the way the labels do. Measured in session 8 on 189 held-out excerpts, with answers
recorded from a capable model and replayed through this class over HTTP: F1 0.915 (P 0.913,
R 0.918), amounts right 96.6 %; the previous, shorter prompt gave 0.675 on the same excerpts, the
default ``rules+pairs`` extractor 0.659, and two independent labellers agree at 0.936
(``tests/data/extraction_heldout_relabelled/README.md``). On 191 further passages collected
after the prompt was fixed: 0.951 and 0.833 on two rounds where the default scores 0.633 and
0.477 (``tests/data/extraction_heldout_llm/README.md``; ``tests/extract/test_llm_recorded.py``
replays the recorded answers). A different model will score
differently: measure yours with ``python -m dealweb.extract.evaluate
tests/data/extraction_heldout --extractor llm``.

Answers are cached on disk (``platformdirs.user_cache_dir("dealweb")/llm``, or
``$DEALWEB_LLM_CACHE``; ``DEALWEB_LLM_CACHE=off`` turns it off), keyed by endpoint, model, prompt
and text: the requests are deterministic (temperature 0), and re-reading an article, or
re-scoring a labelled set, then costs nothing and gives the same deals. Rate limits and
transient server errors (HTTP 429, 500, 502, 503, 504, connection resets) are retried with
exponential back-off.

Only the standard library (``urllib``) is used, so no extra dependency is needed.

Example
-------
>>> LLMExtractor(Gazetteer.from_mapping({"OpenAI": []}), base_url="http://127.0.0.1:9/v1",
...              model="m").name
'llm'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
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
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

SYSTEM_PROMPT = """You extract deals between companies from news text about the AI industry.
Return JSON: {"deals": [{"payer": str, "payee": str|null, "kind": str,
"amount_usd_low": number|null, "amount_usd_high": number|null, "up_to": bool,
"gigawatts": number|null, "status": str, "quote": str}]}.
kind is one of: KINDS. status is one of: STATUSES.

Direction: money flows payer -> payee: investor -> investee, buyer -> seller, renter -> cloud,
lender -> borrower, warrant issuer -> holder, model maker -> platform for distribution.
Kinds follow what the text says is bought, not who the seller usually is:
- equity_investment: money for shares or a stake; a stake stated without an amount is a deal with
  null amounts.
- acquisition: buying a whole company.
- warrant: a right to buy shares, issuer -> holder, also when the word is not used ("OpenAI may
  acquire up to 160 million AMD shares" is AMD -> OpenAI).
- cloud_commitment: capacity rented from a cloud or a neocloud (cloud services, GPU or compute
  capacity, servers or data-centre capacity leased from a provider).
- hardware_purchase: chips, GPUs, accelerators, TPUs, processors, systems, servers or racks bought
  from their maker or an OEM, also when sized in gigawatts.
- compute_capacity: computing power bought from a chipmaker stated only as capacity, with no chips
  named ("up to 1 gigawatt of compute capacity with Nvidia's systems").
- distribution: a model or product offered on another company's platform ("Claude on Azure AI
  Foundry" is Anthropic -> Microsoft).
- loan: a loan or credit; revenue_share: a share of revenue; other: a licence fee and the like.

Report every transaction or agreement between two of the companies below that the text states:
signed, announced, in talks, planned or past, and ongoing ties stated as fact ("Amazon remains
Anthropic's primary cloud partner": Anthropic -> Amazon cloud_commitment, no amount).
Not deals: valuations, the value of a stake held, market caps, revenues, losses, stock moves, one
company's capex plan, running totals ("bringing the total to $22 billion"), per-year rates,
per-gigawatt cost estimates, industry or market-wide estimates.
A funding round's total is not one investor's amount: each investor named in a round gets a deal
with null amounts unless its own share is stated.
Report each (payer, payee, kind) once: a deal stated twice, or in tranches, is one deal.

Amounts in USD: "up to $5 billion" / "as much as $5 billion" is up_to=true, amount_usd_high=5e9,
amount_usd_low=null; "about", "more than" or "at least" $5 billion is low=high=5e9; a base and a
ceiling ("$17.4 billion, up to $19.4 billion") is low and high; no amount stated is both null.
Convert other currencies to USD, or use the USD figure the text gives beside them.
gigawatts: the deal's stated power in GW (megawatts / 1000), else null.
quote is one sentence copied verbatim from the text that states the deal.
Only use these companies (name them exactly): COMPANIES."""


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
        retries: int = 3,
        backoff: float = 2.0,
        cache_dir: str | Path | None = None,
        **_: object,
    ) -> None:
        self.gazetteer = gazetteer
        self.base_url = (base_url or os.environ.get("DEALWEB_LLM_BASE_URL") or "").rstrip("/")
        self.model = model or os.environ.get("DEALWEB_LLM_MODEL") or ""
        self.api_key = api_key or os.environ.get("DEALWEB_LLM_API_KEY")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.cache_dir = _cache_dir(cache_dir)
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
        key = hashlib.sha256(json.dumps([self.base_url, body], sort_keys=True).encode()).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            return parse_answer(cached)
        content = self._post(body)
        deals = parse_answer(content)  # only a well-formed answer is kept
        self._store(key, content)
        return deals

    def _post(self, body: dict[str, Any]) -> str:
        """The answer's content, retrying rate limits and transient failures."""
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(body).encode("utf-8")
        url = f"{self.base_url}/chat/completions"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            req = urllib.request.Request(url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                    payload = json.loads(resp.read().decode("utf-8"))
                break
            except urllib.error.HTTPError as exc:
                if last or exc.code not in RETRY_STATUSES:
                    tries = f" after {attempt + 1} tries" if attempt else ""
                    raise LLMError(
                        f"LLM endpoint {self.base_url} answered HTTP {exc.code}{tries}"
                    ) from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                refused = isinstance(getattr(exc, "reason", None), ConnectionRefusedError)
                if last or refused:  # nothing listens there: waiting will not help
                    raise LLMError(f"cannot reach LLM endpoint {self.base_url}: {exc}") from None
            except json.JSONDecodeError:
                raise LLMError(f"LLM endpoint {self.base_url} did not return JSON") from None
            time.sleep(self.backoff * 2**attempt)
        try:
            return str(payload["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError):
            raise LLMError("LLM answer has no choices[0].message.content") from None

    def _cached(self, key: str) -> str | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}.json"
        try:
            return str(json.loads(path.read_text(encoding="utf-8"))["content"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged: ask again

    def _store(self, key: str, content: str) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps({"model": self.model, "content": content}), "utf-8")
            tmp.replace(self.cache_dir / f"{key}.json")  # atomic: no half-written entry
        except OSError:
            pass  # a cache that cannot be written only costs a repeated request

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


def _cache_dir(given: str | Path | None) -> Path | None:
    """Where answers are cached: ``given``, else ``$DEALWEB_LLM_CACHE``, else the user cache
    directory; None when the setting is ``off`` (or ``0``, ``false``, ``no``)."""
    setting = str(given) if given is not None else os.environ.get("DEALWEB_LLM_CACHE", "")
    if setting.strip().lower() in {"off", "0", "false", "no"}:
        return None
    if setting.strip():
        return Path(setting).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("dealweb")) / "llm"


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
