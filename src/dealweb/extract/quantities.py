"""Money and power expressions in news prose.

Examples of what is read: "$38B", "between $20 billion and $25 billion", "up to $5 billion
(€4.3 billion)", "US$14.2bn", "three hundred billion dollars", "1 gigawatt", "30 GW".

The grammar follows how financial journalists write amounts (AP Stylebook, "dollars" and
"millions, billions"; Reuters Handbook of Journalism, "numbers"): a currency sign or code, a
figure, a scale word or abbreviation, optional range ("to", "and", "-") and hedges in front
("up to", "as much as", "about", "more than"). A parenthetical amount in a second currency right
after the first is the same amount restated, so it is folded into one :class:`Money`.

Regular expressions are used rather than token patterns because journalists glue units to
figures ("$38B", "9.7bn", "1-gigawatt"), which a tokenizer splits inconsistently.

Example
-------
>>> [m.usd_high for m in find_money("Microsoft is investing up to $5 billion (€4.3 billion).")]
[5000000000.0]
>>> find_power("at least 10 gigawatts of systems")[0].gigawatts
10.0
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_SCALES = {
    "trillion": 1e12, "tn": 1e12, "t": 1e12, "tr": 1e12,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "mil": 1e6,
    "thousand": 1e3, "k": 1e3,
}  # fmt: skip

_CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "jpy": "JPY", "c$": "CAD", "cad": "CAD", "a$": "AUD", "aud": "AUD",
    "chf": "CHF", "inr": "INR", "₹": "INR", "rs": "INR", "rs.": "INR",
}  # fmt: skip
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
    "yen": "JPY", "rupees": "INR",
}  # fmt: skip

_SMALL_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_WORDS_ALT = "|".join(sorted(_SMALL_NUMBERS | _TENS, key=len, reverse=True))
_NUMBER_WORD = rf"(?:(?:{_WORDS_ALT})(?:[\s-](?:hundred|{_WORDS_ALT}))*|a|an)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_DIGITS}|{_NUMBER_WORD})"
_SCALE = r"(?:trillion|billion|million|thousand|tn|bn|bln|mn|mln|mil|tr|[tbmk])"
_CUR = r"(?:US\$|C\$|A\$|\$|€|£|¥|₹|USD|EUR|GBP|JPY|CHF|CAD|AUD|INR|Rs\.?)"
_CUR_WORD = r"(?:dollars?|euros?|pounds|yen|rupees)"

# One figure: "$38B", "US$ 14.2 billion", "€4.3bn", "USD 5 billion", "5 billion dollars",
# "three hundred billion dollars". Either a currency sign in front or a currency word after.
_AMOUNT = (
    rf"(?:(?P<PFXcur>{_CUR})\s?(?P<PFXnum>{_DIGITS})(?:\s?-?\s?(?P<PFXscale>{_SCALE})\b)?"
    rf"|(?P<PFXnum2>{_NUM})\s?-?\s?(?P<PFXscale2>{_SCALE})\b\s+(?P<PFXcurw>{_CUR_WORD})\b)"
)

_MORE = r"a\s+further|an\s+additional|additional|another"
_HEDGE = (
    r"(?P<hedge>up\s+to|as\s+much\s+as|as\s+many\s+as|no\s+more\s+than|at\s+most|a\s+maximum\s+of"
    r"|about|around|approximately|roughly|nearly|almost|some|close\s+to|an\s+estimated|estimated"
    r"|more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|north\s+of|just\s+over"
    rf"|just\s+under|under|less\s+than|{_MORE})\s+"
    # "up to a further $30bn", "as much as an additional $2 billion": the ceiling still holds
    rf"(?:(?:{_MORE})\s+)?"
)
_UP_TO_HEDGES = {"up to", "as much as", "as many as", "no more than", "at most", "a maximum of"}

_BETWEEN_RE = re.compile(
    rf"(?:{_HEDGE})?between\s+"
    + _AMOUNT.replace("PFX", "a")
    + r"\s+and\s+(?:"
    + _AMOUNT.replace("PFX", "b")
    + rf"|(?P<cnum>{_DIGITS})\s?-?\s?(?P<cscale>{_SCALE})\b)",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(
    rf"(?:{_HEDGE})?"
    + _AMOUNT.replace("PFX", "a")
    + r"(?:\s*(?:-|–|—|to)\s*(?:"
    + _AMOUNT.replace("PFX", "b")
    + rf"|(?P<cnum>{_DIGITS})\s?-?\s?(?P<cscale>{_SCALE})\b))?",
    re.IGNORECASE,
)
# "$20-25 billion", "$300-400 million": a bare range sharing one scale.
_SHARED_RANGE_RE = re.compile(
    rf"(?:{_HEDGE})?(?:between\s+)?(?P<cur>{_CUR})\s?(?P<lo>{_DIGITS})\s?(?:-|–|to)\s?"
    rf"(?P<hi>{_DIGITS})\s?-?\s?(?P<scale>{_SCALE})\b",
    re.IGNORECASE,
)
_POWER_RE = re.compile(
    rf"(?:{_HEDGE})?(?P<num>{_NUM})(?:\s?(?:-|–|to)\s?(?P<num_hi>{_DIGITS}))?"
    r"\s?-?\s?(?P<unit>gigawatts?|GW|megawatts?|MW)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Money:
    """A money expression found in text, with its value in the stated currency and in USD."""

    start: int
    end: int
    text: str
    currency: str
    low: float | None
    high: float | None
    up_to: bool
    usd_low: float | None
    usd_high: float | None
    hedge: str | None = None

    @property
    def usd_max(self) -> float:
        return max(v for v in (self.usd_low, self.usd_high, 0.0) if v is not None)


@dataclass(frozen=True)
class Power:
    """A power expression ("1 gigawatt", "30 GW"); ``gigawatts`` is always in GW."""

    start: int
    end: int
    text: str
    gigawatts: float
    up_to: bool
    hedge: str | None = None


def words_to_number(text: str) -> float | None:
    """'three hundred' -> 300.0, 'twenty-five' -> 25.0, 'a' -> 1.0; digits with commas too."""
    t = text.strip().lower().replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    if t in {"a", "an"}:
        return 1.0
    total, current = 0, 0
    for word in re.split(r"[\s-]+", t):
        if word in _SMALL_NUMBERS:
            current += _SMALL_NUMBERS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            return None
    return float(total + current)


def _scale(word: str | None) -> float | None:
    if not word:
        return 1.0
    return _SCALES.get(word.lower())


def _currency(sign: str | None, word: str | None) -> str:
    if sign:
        return _CURRENCY_SYMBOLS.get(sign.lower().rstrip(), "USD")
    if word:
        return _CURRENCY_WORDS.get(word.lower(), "USD")
    return "USD"


@functools.lru_cache(maxsize=1)
def _converter():  # CurrencyConverter ships ECB rates; loading takes ~0.3 s, so do it once.
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def to_usd(value: float | None, currency: str, on: dt.date | None = None) -> float | None:
    """USD value of ``value`` in ``currency`` on a date (ECB reference rate; latest if None)."""
    if value is None or currency == "USD":
        return value
    try:
        return float(_converter().convert(value, currency, "USD", date=on))
    except (ValueError, KeyError, RuntimeError):
        return None


def _value(num: str | None, scale: str | None) -> float | None:
    if num is None:
        return None
    n, s = words_to_number(num), _scale(scale)
    if n is None or s is None:
        return None
    return n * s


def _normalize_hedge(h: str | None) -> str | None:
    return re.sub(r"\s+", " ", h.strip().lower()) if h else None


def _money_from_match(m: re.Match[str], on: dt.date | None) -> Money | None:
    g = m.groupdict()
    if g.get("anum") is not None:
        cur = _currency(g.get("acur"), None)
        lo = _value(g["anum"], g.get("ascale"))
        bare = g.get("ascale") is None
    else:
        cur = _currency(None, g.get("acurw"))
        lo = _value(g.get("anum2"), g.get("ascale2"))
        bare = False
    hi = None
    if g.get("bnum") is not None and g.get("bcur") is not None:
        hi = _value(g["bnum"], g.get("bscale"))
    elif g.get("bnum2") is not None:
        hi = _value(g["bnum2"], g.get("bscale2"))
    elif g.get("cnum") is not None:  # "$20 billion to 25 billion"
        hi = _value(g["cnum"], g.get("cscale"))
    b_scale = g.get("bscale") or g.get("bscale2") or g.get("cscale")
    if bare and hi is not None and b_scale:  # "between $20 and $25 billion": shared scale
        lo = _value(g["anum"], b_scale)
    if lo is None or (bare and hi is None and lo < 1000):
        return None  # "$0.01 per share", "$600" price targets: not deal sizes
    hedge = _normalize_hedge(g.get("hedge"))
    up_to = hedge in _UP_TO_HEDGES
    if hi is not None and hi < lo:
        hi = None
    if up_to and hi is None:
        low, high = None, lo
    elif hi is not None:
        low, high = lo, hi
    else:
        low = high = lo
    return Money(
        start=m.start(),
        end=m.end(),
        text=m.group(0),
        currency=cur,
        low=low,
        high=high,
        up_to=up_to,
        usd_low=to_usd(low, cur, on),
        usd_high=to_usd(high, cur, on),
        hedge=hedge,
    )


def _shared_range(m: re.Match[str], on: dt.date | None) -> Money | None:
    s = _scale(m.group("scale"))
    lo, hi = words_to_number(m.group("lo")), words_to_number(m.group("hi"))
    if s is None or lo is None or hi is None or hi < lo:
        return None
    cur = _currency(m.group("cur"), None)
    hedge = _normalize_hedge(m.group("hedge"))
    return Money(
        start=m.start(),
        end=m.end(),
        text=m.group(0),
        currency=cur,
        low=lo * s,
        high=hi * s,
        up_to=hedge in _UP_TO_HEDGES,
        usd_low=to_usd(lo * s, cur, on),
        usd_high=to_usd(hi * s, cur, on),
        hedge=hedge,
    )


# "$17.4 billion, up to $19.4 billion", "$17.4 billion with an option to spend up to $19.4 billion"
_CEILING_GAP = re.compile(
    r"\s*,?\s*(?:or|and|with an option (?:to (?:spend|expand|increase|go)|for)|"
    r"(?:which|that) could (?:rise|grow|increase|expand|reach)(?: to)?|expandable to|rising to|"
    r"potentially)?\s*",
    re.IGNORECASE,
)
_OPEN_PAREN = r"[(\[]\s*(?:about\s+|around\s+|approximately\s+|roughly\s+|~\s*)?"
_PAREN_RE = re.compile(r"\s*" + _OPEN_PAREN)
# The restatement a few words later, when the brackets say it is a conversion.
_PAREN_LATE_RE = re.compile(r"\s+(?:[\w'’.-]+\s+){1,5}" + _OPEN_PAREN)
_RATE_NOTE = re.compile(r"\s+at\s+[^()\[\]]{0,40}\b(?:exchange\s+)?rates?\s*[)\]]", re.I)


def find_money(text: str, on: dt.date | None = None) -> list[Money]:
    """All money expressions in ``text``, left to right, restatements folded in (cached).

    A restatement is an amount in another currency in brackets right after the first one
    ("$5 billion (€4.3 billion)"); it becomes part of the first :class:`Money` (whose currency is
    the one stated first; its USD value comes from the USD figure when one of the two is USD).
    """
    return list(_find_money(text, on))


@functools.lru_cache(maxsize=8192)
def _find_money(text: str, on: dt.date | None) -> tuple[Money, ...]:
    found: list[Money] = []
    taken: list[tuple[int, int]] = []
    for m in _SHARED_RANGE_RE.finditer(text):
        money = _shared_range(m, on)
        if money:
            found.append(money)
            taken.append((m.start(), m.end()))
    for regex in (_BETWEEN_RE, _MONEY_RE):
        for m in regex.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            money = _money_from_match(m, on)
            if money:
                found.append(money)
                taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    return tuple(_fold_restatements(text, found))


def _fold_restatements(text: str, found: list[Money]) -> list[Money]:
    out: list[Money] = []
    for money in found:
        if out:
            prev = out[-1]
            gap = text[prev.end : money.start]
            rate_note = _RATE_NOTE.match(text, money.end)
            if prev.currency != money.currency and (
                _PAREN_RE.fullmatch(gap) or (_PAREN_LATE_RE.fullmatch(gap) and rate_note)
            ):  # "€15 million in the startup ($16.3 million at today's exchange rate)"
                close = re.match(r"\s*[)\]]", text[money.end :])
                end = money.end + (close.end() if close else 0)
                if not _PAREN_RE.fullmatch(gap):
                    end = prev.end  # the words between stay outside the amount ("in the …")
                usd_from = money if money.currency == "USD" else prev
                out[-1] = Money(
                    start=prev.start,
                    end=end,
                    text=text[prev.start : end],
                    currency=prev.currency,
                    low=prev.low,
                    high=prev.high,
                    up_to=prev.up_to or money.up_to,
                    usd_low=usd_from.usd_low,
                    usd_high=usd_from.usd_high,
                    hedge=prev.hedge,
                )
                continue
            if (
                _CEILING_GAP.fullmatch(gap)
                and money.up_to
                and money.currency == prev.currency
                and prev.low is not None
                and money.high is not None
                and money.high > prev.low
            ):  # "$17.4 billion, up to $19.4 billion": a base figure and a ceiling
                out[-1] = Money(
                    start=prev.start,
                    end=money.end,
                    text=text[prev.start : money.end],
                    currency=prev.currency,
                    low=prev.low,
                    high=money.high,
                    up_to=False,
                    usd_low=prev.usd_low,
                    usd_high=money.usd_high,
                    hedge=prev.hedge,
                )
                continue
        out.append(money)
    return out


def find_power(text: str) -> list[Power]:
    """Gigawatt expressions ("1 gigawatt", "30 GW", "up to one gigawatt", "1-gigawatt")."""
    return list(_find_power(text))


@functools.lru_cache(maxsize=8192)
def _find_power(text: str) -> tuple[Power, ...]:
    out: list[Power] = []
    for m in _POWER_RE.finditer(text):
        n = words_to_number(m.group("num"))
        if n is None or n <= 0:
            continue
        if m.group("num_hi"):
            hi = words_to_number(m.group("num_hi"))
            n = hi if hi is not None and hi > n else n
        unit = m.group("unit").lower()
        gw = n / 1000.0 if unit.startswith("m") else n
        hedge = _normalize_hedge(m.group("hedge"))
        out.append(
            Power(
                start=m.start(),
                end=m.end(),
                text=m.group(0),
                gigawatts=gw,
                up_to=hedge in _UP_TO_HEDGES,
                hedge=hedge,
            )
        )
    return tuple(out)
