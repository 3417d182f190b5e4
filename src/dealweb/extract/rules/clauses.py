"""Text units: paragraphs worth parsing, a sentence cut into clauses, and quotes.

A sentence is cut at "while", "whereas", "but" and semicolons, before a company that starts a
new listed deal with its own verb, after a leading "After …," clause, before each item of a
list of deals ("…, and a partnership with Nvidia involving up to $100B") and before a relative
clause with its own amount ("…, who plans to spend $40B on Nvidia chips"); items and relative
clauses carry the company the list belongs to. Also the records the stages pass on
(:class:`_Clause`, :class:`_Found`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Span

from dealweb.extract.base import Candidate
from dealweb.extract.quantities import find_money, find_power
from dealweb.extract.rules.mentions import _ents, _mention
from dealweb.extract.rules.vocab import _BUYER_VERB, _CLAUSE_BREAK, _FINITE_VERB, _UNITS

if TYPE_CHECKING:
    from dealweb.extract.rules.mentions import _Mention


@dataclass
class _Clause:
    """A stretch of a sentence read as one statement, with the companies named in it."""
    start: int
    end: int
    text: str
    mentions: list[_Mention] = field(default_factory=list)
    item: bool = False  # an item of a list of deals ("…, and a partnership with Nvidia …")
    head: str = ""  # the company the listed deals belong to, when the item does not name it


@dataclass
class _Found:
    """A candidate read from a clause, with how it was read.

    ``single_payer`` is False when the payer shares the amount with others ("X and Y will
    invest …"); ``family`` is the cue family it was read under, which a parallel clause inherits.
    """
    cand: Candidate
    single_payer: bool = True
    family: str = "spend"


def _clauses(sent: Span, offset: int) -> list[_Clause]:
    """The clauses of ``sent`` (offsets shifted by ``offset``; see the module docstring for the
    cuts). List items are flagged; a relative clause with its own amount gets its antecedent as
    ``head``."""
    cuts = [sent.start]
    for tok in sent:
        w = tok.lower_
        if tok.i == sent.start:
            continue
        if w in _CLAUSE_BREAK and not (w == "but" and tok.nbor(-1).lower_ == "not"):
            cuts.append(tok.i)
    # "…, Oracle inked a $300 billion deal …, and OpenAI has a $22.4 billion deal with
    # CoreWeave": a comma before a company and its verb starts the next listed deal.
    starts = {e.start: e for e in _ents(sent) if e.label_ == "ORG"}
    for tok in sent:
        if tok.text != "," or tok.i + 1 >= sent.end:
            continue
        i = tok.i + 1 + (sent.doc[tok.i + 1].lower_ == "and")
        ent = starts.get(i)
        if ent is not None and ent.end < sent.end and _FINITE_VERB.fullmatch(
            sent.doc[ent.end].lower_
        ):
            cuts.append(tok.i)
    # "After striking a landmark agreement with OpenAI, Oracle is now in talks with Meta for a
    # deal worth $20 billion": a leading "after …," clause tells an earlier event.
    first = sent[0].lower_ if len(sent) else ""
    if first in {"after", "following", "having", "since"}:
        comma = next((t.i for t in sent[1:14] if t.text == ","), None)
        if comma is not None:
            cuts.append(comma)
    items = _list_items(sent)
    # "…, OpenAI struck a $300 billion deal with Oracle, who plans to spend $40 billion on
    # Nvidia chips": a relative clause after a company tells that company's own deal.
    heads: dict[int, str] = {}
    for e in _ents(sent):
        k = e.end
        if (e.label_ == "ORG" and k + 2 < sent.end and sent.doc[k].text == ","
                and sent.doc[k + 1].lower_ in {"who", "which"}
                and _BUYER_VERB.match(sent.doc[k + 2 : k + 6].text.lower())
                or (k + 3 < sent.end and sent.doc[k].text == ","
                    and sent.doc[k + 1].lower_ in {"who", "which"}
                    and re.match(r"(?:plans|agreed|will|is|has|also)\b",
                                 sent.doc[k + 2].lower_)
                    and _BUYER_VERB.search(sent.doc[k + 2 : k + 6].text.lower()))):
            before, after = sent.doc[sent.start : k].text, sent.doc[k : sent.end].text
            if (find_money(before) or find_power(before)) and (
                find_money(after) or find_power(after) or _UNITS.search(after.lower())
            ):  # both state a deal's size: two deals, not one described at length
                heads[k] = e.ent_id_
    items = items + list(heads)
    cuts = sorted(set(cuts) | set(items))
    cuts.append(sent.end)
    doc = sent.doc
    clauses = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b <= a:
            continue
        span = doc[a:b]
        c = _Clause(
            span.start_char + offset, span.end_char + offset, span.text, item=a in items,
            head=heads.get(a, ""),
        )
        for ent in _ents(sent):
            if ent.start >= a and ent.end <= b:
                c.mentions.append(_mention(ent, offset))
        clauses.append(c)
    return clauses


_ITEM_NOUN = re.compile(
    r"deals?|agreements?|contracts?|partnerships?|pacts?|commitments?|investments?|orders?|"
    r"stakes?|tie-ups?|arrangements?"
)


_ITEM_PREP = {"with", "from", "in", "into", "to", "involving"}


_ITEM_DET = {"a", "an", "the", "its", "their", "another"}


def _item_noun_before(sent: Span, ent: Span, reach: int = 10) -> int | None:
    """Token index of the comma or semicolon that opens the deal phrase governing ``ent``.

    ``ent`` must follow a preposition ("a supply agreement with AMD"); the deal noun and the
    punctuation must lie within ``reach`` tokens before it. None when ``ent`` heads no such phrase.
    """
    doc = sent.doc
    if ent.start - 1 <= sent.start or doc[ent.start - 1].lower_ not in _ITEM_PREP:
        return None
    noun = False
    for k in range(ent.start - 2, max(sent.start, ent.start - 2 - reach), -1):
        w = doc[k].lower_
        if w in {",", ";"}:
            return k if noun else None
        noun = noun or bool(_ITEM_NOUN.fullmatch(w))
    return None


_ITEM_VERB = re.compile(
    r"(?:invest|commit|pledg|pour|inject|spen[dt]|agree|sign|ink|put|pa(?:y|id)|buy|bought|"
    r"purchas|order|le[an]d|provid|suppl)\w*"
)


def _item_verb_before(sent: Span, ent: Span, reach: int = 10) -> int | None:
    """Token index of the comma that opens a coordinated verb phrase with its own amount and
    this company ("…, pledged $5 billion to Intel"), after an earlier such phrase."""
    doc = sent.doc
    if ent.start - 1 <= sent.start or doc[ent.start - 1].lower_ not in _ITEM_PREP:
        return None
    for k in range(ent.start - 2, max(sent.start, ent.start - 2 - reach), -1):
        if doc[k].text not in {",", ";"}:
            continue
        n = k + 1 + (doc[k + 1].lower_ in {"and", "plus"})
        stretch = doc[n : ent.start].text
        if not (_ITEM_VERB.fullmatch(doc[n].lower_) and re.search(r"[$€£]", stretch)):
            return None
        before = doc[sent.start : k].text
        if re.search(r"[$€£]", before) and any(
            d.end <= k and doc[d.start - 1].lower_ in _ITEM_PREP
            for d in _ents(sent) if d.label_ == "ORG" and d.start > sent.start
        ):
            return k
        return None
    return None


def _list_items(sent: Span) -> list[int]:
    """Where the items of a list of deals start: "…, including a 6-gigawatt supply agreement
    with AMD …, and a partnership with Nvidia involving up to $100 billion …".

    An item starts at a comma or semicolon followed by an optional "and"/"plus", a determiner and
    a deal noun that governs a company ("a partnership with Nvidia"), after an earlier deal phrase
    of the same kind in the sentence. Each item is read as its own clause, so the counterparty and
    the size of one deal are not taken for another's.
    """
    doc = sent.doc
    ents = [e for e in _ents(sent) if e.label_ == "ORG"]
    cuts: list[int] = []
    for e in ents:
        k = _item_noun_before(sent, e)
        if k is None:
            # "…, committed $100 billion to OpenAI, pledged $5 billion to Intel, and poured
            # $500 million into Nscale": coordinated verbs, each with its amount and company
            k = _item_verb_before(sent, e)
            if k is not None:
                cuts.append(k)
            continue
        n = k + 1 + (doc[k + 1].lower_ in {"and", "plus"})
        if n >= e.start or doc[n].lower_ not in _ITEM_DET:
            continue
        earlier = any(
            d.end <= k and d.start - 1 > sent.start and doc[d.start - 1].lower_ in _ITEM_PREP
            and any(_ITEM_NOUN.fullmatch(t.lower_)
                    for t in doc[max(sent.start, d.start - 9) : d.start])
            for d in ents
        )  # fmt: skip
        if earlier:
            cuts.append(k)
    return cuts


def _list_head(prev: _Found, prev_clause: _Clause, clause: _Clause) -> str:
    """The company whose listed deals these are: the party of the item before that the item
    did not name after a preposition ("commitments by OpenAI, including a … agreement with AMD")."""
    governed = {m.cid for m in prev_clause.mentions if m.prev in _ITEM_PREP}
    named = {m.cid for m in clause.mentions}
    heads = [c for c in (prev.cand.payer, prev.cand.payee) if c and c not in governed]
    return heads[0] if len(heads) == 1 and heads[0] not in named else ""


def _quote(sentence: str, start: int) -> tuple[str, int, int]:
    """The sentence without surrounding blanks or a dangling opening quote mark, with offsets."""
    left = len(sentence) - len(sentence.lstrip())
    body = sentence.strip()
    body = re.sub(r"[\s“‘\"'(]+$", "", body) if re.search(r"[“‘\"'(]\s*$", body) else body
    return body, start + left, start + left + len(body)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of ``text`` with their character offsets."""
    out, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            out.append((pos, part))
        pos += len(part) + 1
    return out


def _worth_parsing(para: str) -> bool:
    """Cheap pre-filter: only paragraphs with an amount, a cue or a deal word are parsed."""
    low = para.lower()
    return bool(
        re.search(
            r"[$€£¥₹]|\d\s*(?:bn|billion|million|trillion)|gigawatt|megawatt|\b[gm]w\b|warrant", low
        )
        or re.search(r"\b(access to|available|offer|bring|add|host|integrat|giv|via|"
                     r"models\s+(?:from|by)\b)", low)  # fmt: skip
        or _UNITS.search(low)
        or re.search(
            r"\b(deals?|contracts?|agreements?|pacts?|partnership|relationship|alliance|arrangements?|"
            r"collaboration|talks|discussions|negotiat\w+|invest\w*|multi-?billion|"
            r"investors?|backers?|shareholders?|participants|round|stakes?)\b",
            low,
        )
    )
