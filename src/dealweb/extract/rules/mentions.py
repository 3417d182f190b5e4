"""Company mentions: what each company name in a sentence is, and who descriptions refer to.

A mention (:class:`_Mention`) records whether a name is possessive, a brand ("Nvidia GPUs"),
a non-party (a title, a rival, a ticker aside, an example) and which preposition governs it,
looking through a description put before the name ("into former rival Intel"). Also: the
sentence's subject company (centering: Grosz, Joshi & Weinstein 1995), descriptions resolved
to companies by role and recency ("the startup", "the ChatGPT maker"), and the company group
coordinated at the start of a clause ("Microsoft and Nvidia are …").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from dealweb.extract.rules.vocab import (
    _APPOSITION_HEAD,
    _APPOSITION_STOP,
    _ATTRIBUTIVE,
    _DEAL_NOUN,
    _DESCRIPTOR,
    _DESCRIPTOR_ROLES,
    _NON_PARTY_AFTER,
    _NON_PARTY_BEFORE,
    _NOT_PERSON,
    _PREPOSITIONS,
    _PRODUCT_NOUN,
    _PRODUCT_OWNER_NOUN,
    _SPEAKS_FOR,
    _STOP_BRAND,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.clauses import _Clause
    from dealweb.extract.rules.extractor import RuleExtractor


@dataclass
class _Mention:
    """A company (ORG) or model (PRODUCT) name in a sentence, as the stages see it."""
    cid: str
    label: str  # ORG or PRODUCT
    start: int  # char offsets in the article
    end: int
    tok: int  # token index of the first token
    tok_end: int
    possessive: bool = False
    non_party: bool = False
    brand: bool = False  # "Nvidia GPUs": names a product line; a party only if none other
    prev: str = ""  # lower-case word before


def _ents(sent: Span) -> list[Span]:
    """The entities of a sentence, like ``sent.ents`` but without its cost.

    spaCy's ``Span.ents`` rebuilds the document's whole entity list on every call, which made
    extraction quadratic in the length of a paragraph (a 1,000,000-character input took minutes).
    The list is built once per document and each sentence takes its slice by binary search.
    """
    doc = sent.doc
    index = doc.user_data.get("dealweb_ents")
    if index is None:
        ents = doc.ents
        index = doc.user_data["dealweb_ents"] = ([e.start for e in ents], ents)
    starts, ents = index
    lo, hi = bisect.bisect_left(starts, sent.start), bisect.bisect_left(starts, sent.end)
    return [e for e in ents[lo:hi] if e.end <= sent.end]


# A sentence-initial "It" that stands for a company, not an expletive ("It is expected that …")
_IT_SUBJECT = re.compile(
    r"\s*(it)\s+(?!(?:is|was|'s|’s|remains|seems|appears|means|would|could|may|might|"
    r"takes|took|costs?|depends|matters|helps|comes|came|shows|showed|makes|made)\b)\w+\b"
)


def _governing_preposition(doc: Doc, start: int, reach: int = 6) -> str:
    """The preposition before a description that ends right before a company's name.

    "into former rival Intel" → "into"; "with U.K.-based neocloud provider Fluidstack" →
    "with"; "" when the word before the name is not a description's head noun or no preposition
    comes first ("its rival Intel said …").
    """
    if start < 2 or doc[start - 1].lower_ not in _APPOSITION_HEAD:
        return ""
    for k in range(start - 2, max(-1, start - 2 - reach), -1):
        t = doc[k]
        w = t.lower_
        if w in _PREPOSITIONS:
            return w
        if t.ent_type_ == "ORG" and all(doc[j].ent_type_ == "ORG" for j in range(k, start - 1)):
            continue  # "in Nebius competitor CoreWeave": a company naming the description
        if w in _APPOSITION_STOP or t.is_punct or t.ent_type_ or t.like_num or "$" in w:
            return ""
    return ""


def _sentence_subject(sent: Span) -> str:
    """The company a sentence is about: its first company not governed by a preposition.

    "Nvidia has announced a $100 billion investment into OpenAI" → Nvidia; "Alphabet's Google
    will provide …" → Alphabet; "" when the first company is an object, a brand or a title.
    Descriptions in the next sentences ("the company") refer to it first (the subject of
    the sentence before is the likeliest referent: Grosz, Joshi & Weinstein, "Centering: a
    framework for modeling the local coherence of discourse", Computational Linguistics 1995).
    """
    for e in _ents(sent):
        if e.label_ != "ORG":
            continue
        m = _mention(e, 0)
        if m.prev in _PREPOSITIONS or m.brand or m.non_party:
            continue
        if m.possessive and e.start - sent.start > 2:
            continue
        return m.cid
    return ""


def _mention(ent: Span, offset: int) -> _Mention:
    """The mention of entity ``ent``, its character offsets shifted by ``offset``.

    Flags a possessive ("Nvidia's"), a non-party (a title, rival, example, ticker aside, a person's
    affiliation, a company naming a deal) and a brand ("Nvidia GPUs"); ``prev`` is the word before,
    or the preposition governing a description put before the name.
    """
    doc = ent.doc
    nxt = doc[ent.end] if ent.end < len(doc) else None
    nxt2 = doc[ent.end + 1] if ent.end + 1 < len(doc) else None
    prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    prev2 = " ".join(t.lower_ for t in doc[max(0, ent.start - 4) : ent.start])
    governor = _governing_preposition(doc, ent.start)
    if governor:
        # "invested $5 billion into former rival Intel", "$670 million in U.K.-based cloud
        # provider Nscale": the preposition before the description governs the company.
        prev = prev2 = governor
    possessive = nxt is not None and nxt.lower_ in {"'s", "’s", "'", "’"}
    non_party = (
        (nxt is not None and nxt.lower_ in _NON_PARTY_AFTER)
        or (nxt is not None and nxt.text in {"-", "–"} and nxt2 is not None
            and nxt2.lower_ in _ATTRIBUTIVE)
        or prev in _NON_PARTY_BEFORE
        or "dependence on" in prev2
        or bool(
            re.search(
                r"\b(rivals?|competitors?|competing with|challengers?) "
                r"(?:to|of|like|such as|including)$",
                prev2,
            )
        )
        or "participation from" in prev2
        or "away from" in prev2
        or "such as" in prev2
        # "large AI models like those from OpenAI and Meta": examples, not parties
        or bool(re.search(r"\blike (?:those|that|the ones) (?:from|of|by)$", prev2))
    )  # fmt: skip
    if possessive and nxt2 is not None and nxt2.lower_ in _NON_PARTY_AFTER:
        non_party = True
    if non_party and _SPEAKS_FOR.match(doc[ent.end : ent.end + 8].text):
        non_party = False  # "Nvidia CEO Jensen Huang announced a £500 million investment"
    if prev in {"this", "that", "the"} and nxt is not None and nxt.lower_ in _DEAL_NOUN:
        non_party = True  # "This Meta deal is Nebius' second …": names a deal, not a party
    if prev == "(" and nxt is not None and nxt.text == ")":
        non_party = True  # "Nvidia’s (NVDA)": a ticker aside repeats the mention before it
    if prev == "of" and ent.start >= 2:
        name = doc[ent.start - 2]
        if name.text[:1].isupper() and name.is_alpha and name.lower_ not in _NOT_PERSON:
            non_party = True  # "Sam Altman of OpenAI": a person's affiliation
    # "hundreds of thousands of Nvidia processors", "Nvidia GB300 GPUs": a brand, not a
    # party — unless bought "on"/"from" it ("spend $40 billion on Nvidia chips").
    brand = False
    # ("$40 billion in Nvidia chips" names what the money buys and from whom)
    after_amount = prev == "in" and ent.start >= 2 and doc[ent.start - 2].lower_ in {
        "billion", "million", "trillion", "bn", "b"}  # fmt: skip
    if not possessive and prev not in {"on", "from", "for"} and not after_amount:
        follow = [t.lower_ for t in doc[ent.end : ent.end + 3]]
        for i, w in enumerate(follow):
            if _PRODUCT_NOUN.fullmatch(w):
                brand = all(
                    re.fullmatch(r"[a-z]*\d[\w-]*|ai|[a-z]+", x) and x not in _STOP_BRAND
                    for x in follow[:i]
                )
                break
    return _Mention(
        cid=ent.ent_id_,
        label=ent.label_,
        start=ent.start_char + offset,
        end=ent.end_char + offset,
        tok=ent.start,
        tok_end=ent.end,
        possessive=possessive,
        non_party=non_party,
        brand=brand,
        prev=prev,
    )


def _with_described(
    ex: RuleExtractor, parties: list[_Mention], clause: _Clause, sent: Span, offset: int
) -> list[_Mention]:
    """Add the companies that descriptions in ``clause`` refer to ("… in the company").

    "the ChatGPT maker" is the owner of the product. Other descriptions are resolved by
    recency: the last company named before the description (in earlier sentences or earlier
    in this sentence) that is not already a party and whose role fits the description ("the
    startup" skips a hyperscaler). Descriptions inside a company name ("The Walt Disney
    Company") are not descriptions. At most two parties come out.
    """
    low = clause.text.lower()
    parties = list(parties)
    taken = {m.cid for m in parties}
    refs: list[tuple[int, int, str | None, set[str] | None]] = []  # start, end, owner, roles
    for e in _ents(sent):
        a = e.start_char + offset
        if e.label_ != "PRODUCT" or not clause.start <= a < clause.end:
            continue
        rel_start, rel_end = a - clause.start, e.end_char + offset - clause.start
        noun = _PRODUCT_OWNER_NOUN.match(low, rel_end)
        if noun and re.search(r"\bthe\s+$", low[:rel_start]):
            refs.append((rel_start - 4, noun.end(), e.ent_id_, None))
    for d in _DESCRIPTOR.finditer(low):
        if not any(r[0] <= d.start() < r[1] for r in refs):
            refs.append((d.start(), d.end(), None, _DESCRIPTOR_ROLES[d.group(1)]))
    it = _IT_SUBJECT.match(low)
    if it and clause.start == sent.start_char + offset:
        # "It struck a deal with Broadcom to develop custom chips": a sentence whose subject is
        # "it" goes on about the company the sentence before was about
        refs.append((it.start(1), it.end(1), None, None))
    here = [_mention(e, offset) for e in _ents(sent) if e.label_ == "ORG"]
    for rel_start, rel_end, owner, roles in sorted(refs):
        if len(parties) >= 2:
            break
        start = clause.start + rel_start
        if any(m.start <= start < m.end for m in clause.mentions):
            continue
        if owner is None:
            named_here = [m.cid for m in here if m.end <= start
                          and not (m.brand or m.non_party)]  # fmt: skip
            earlier = ex._seen + named_here
            fits = [c for c in earlier if c not in taken
                    and (roles is None or not ex._roles_known
                         or ex.gazetteer.role(c) in roles)]  # fmt: skip
            if not fits:
                continue
            owner = fits[-1]
            topic = ex._topic
            if not named_here and topic and topic in fits:
                owner = topic  # the subject of the sentence before, not its object
        if owner in taken:
            continue
        words = low[:rel_start].split()
        prev = words[-1] if words else ""
        parties.append(_Mention(owner, "ORG", start, clause.start + rel_end, 0, 0, prev=prev))
        taken.add(owner)
    return sorted(parties, key=lambda m: m.start)


def _dedupe(mentions: list[_Mention]) -> list[_Mention]:
    """One mention per company, in text order; a plain mention is preferred to a possessive one
    (keeping the first position)."""
    seen: dict[str, _Mention] = {}
    for m in mentions:
        if m.cid not in seen:
            seen[m.cid] = m
        elif seen[m.cid].possessive and not m.possessive:
            seen[m.cid] = _Mention(**{**m.__dict__, "start": seen[m.cid].start})
    return sorted(seen.values(), key=lambda m: m.start)


_LIST_GLUE = frozenset({"and", ",", "&", ", and", "as well as"})


def _listed_from(
    mentions: list[_Mention], i: int, text: str, base: int, glue: frozenset[str] = _LIST_GLUE
) -> list[_Mention]:
    """``mentions[i]`` and the companies listed right after it ("Microsoft, Meta and Nvidia");
    ``text`` is the clause or sentence the mentions' offsets, less ``base``, point into."""
    run = [mentions[i]]
    for m in mentions[i + 1 :]:
        if text[run[-1].end - base : m.start - base].strip().lower() not in glue:
            break
        run.append(m)
    return run


def _subject_group(parties: list[_Mention], clause: _Clause, sent: Span | None) -> list[_Mention]:
    """Companies coordinated at the start of the clause: 'Microsoft and Nvidia are …'."""
    return _listed_from(parties, 0, clause.text, clause.start, _LIST_GLUE | {"together with"})


def _nearest_after(mentions: list[_Mention], pos: int) -> _Mention:
    """The first company after the amount, else the first one before it (the verb's object)."""
    after = [m for m in mentions if m.start >= pos]
    return after[0] if after else mentions[0]
