"""The rule-based extractor class: spaCy pipeline, article loop and clause reading.

:class:`RuleExtractor` builds a blank English pipeline with the gazetteer's entity patterns,
walks an article's sentences keeping the discourse state the stages read (the pair of the last
deal, the companies seen, the sentence topic, the company raising a round) and reads each
clause with the stage functions of the sibling modules, which take the extractor as ``ex`` when
they need that state. :class:`RulesWithPairModel` adds the pair model's second look
(:mod:`dealweb.extract.rules.second_look`).
The method and its references are in :mod:`dealweb.extract.rules`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from dealweb.extract.base import Candidate, register
from dealweb.extract.confidence import (
    CandidateFilter,
    ScoredPairs,
    shipped_filter,
)
from dealweb.extract.gazetteer import MAKER_WORDS, Gazetteer
from dealweb.extract.pairs import (
    PairMention,
    PairModel,
    pair_features,
    sentence_pairs,
    shipped_model,
)
from dealweb.extract.quantities import Money, Power, find_money, find_power
from dealweb.extract.rules import second_look as _look
from dealweb.extract.rules.amounts import (
    _ceiling,
    _is_deal_amount,
    _power_supplement,
    _round_total,
    _without_amount,
)
from dealweb.extract.rules.clauses import (
    _clauses,
    _Found,
    _list_head,
    _paragraphs,
    _quote,
    _worth_parsing,
)
from dealweb.extract.rules.kinds import _candidate, _family, _kind, _status
from dealweb.extract.rules.mentions import (
    _IT_SUBJECT,
    _dedupe,
    _ents,
    _listed_from,
    _Mention,
    _mention,
    _sentence_subject,
    _subject_group,
    _with_described,
)
from dealweb.extract.rules.merge import merge_candidates
from dealweb.extract.rules.parties import (
    _compound_party,
    _deal_pair,
    _parties,
    _respectively,
    _single_party_amount,
)
from dealweb.extract.rules.special import (
    _MODELS_FROM,
    _distribution,
    _participants,
    _share_option,
    _track_raiser,
    _warrant,
)
from dealweb.extract.rules.vocab import (
    _BACK_REFERENCE,
    _DEAL_WORD,
    _DESCRIPTOR,
    _DISTRIBUTION_CUE,
    _EXECUTIVE_AFTER,
    _FROM_MANY,
    _INVESTED_IN,
    _LICENCE_CUE,
    _NON_DEAL_LEFT,
    _ORDER_PLACED,
    _PREPOSITIONS,
    _ROUND_CUE,
    _SHARE_OPTION,
    _SITE_POWER_LEFT,
    _SITE_POWER_RIGHT,
    _UNITS,
    _VAGUE_AMOUNT,
)

if TYPE_CHECKING:
    from dealweb.extract.rules.clauses import _Clause


# A company raising money, right after its name: "OpenAI raised", "xAI has secured", "Anthropic,
# the maker of Claude, closed".
_RAISED = re.compile(
    r"(?:'s|’s)?\s*(?:,[^,;]{1,80},\s*)?(?:(?:has|have|had|just|also|reportedly|recently|now|"
    r"then|since|already)\s+)*(?:rais(?:ed|es|ing)|secur(?:ed|es|ing)|clos(?:ed|es|ing)|"
    r"land(?:ed|s|ing)|bagg(?:ed|ing)|nett(?:ed|ing))\b"
)


@register("rules")
class RuleExtractor:
    """Gazetteer + patterns. ``min_usd`` drops amounts below it (share prices, fees…)."""

    name = "rules"

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        min_usd: float = 1e6,
        pair_model: PairModel | None | str = None,
        pair_gate: bool = True,
        candidate_filter: CandidateFilter | None | str = None,
        **_: object,
    ) -> None:
        self.gazetteer = gazetteer
        self.min_usd = min_usd
        # The learned second look at company pairs (dealweb.extract.pairs); None = rules only.
        # RuleExtractor is the rules alone; the registered default, RulesWithPairModel, adds it.
        self.pair_model = shipped_model() if pair_model == "shipped" else pair_model
        # the model proposes a deal only from a sentence that states a transaction
        # (pairs.TRANSACTION_CUE), and a kind only from one that names it (pairs.KIND_CUES)
        self.pair_gate = pair_gate
        # The learned filter on the rules' candidates (dealweb.extract.confidence), applied
        # with the pair model; without it the pair model's veto (PairModel.veto) is used.
        self.candidate_filter = (shipped_filter() if candidate_filter == "shipped"
                                 else candidate_filter)  # fmt: skip
        self._roles_known = any(e.role != "other" for e in gazetteer.entries)
        self.nlp = self._build_pipeline(gazetteer)
        self._context: tuple[str, ...] = ()  # the two parties of the previous deal sentence
        self._context_licence = False  # that sentence spoke of a licence
        self._docs: dict[str, Doc] = {}
        self._recase_re: re.Pattern[str] | None = None  # built on the first lower-case text
        self._recase_forms: dict[str, str] = {}
        self.set_aside: list[Candidate] = []  # rules' candidates the last second look dropped

    # --- pipeline ---------------------------------------------------------------------------------
    @staticmethod
    def _build_pipeline(gazetteer: Gazetteer) -> Language:
        nlp = spacy.blank("en")
        # "$22.4B." must end a sentence: split a full stop glued to a figure with a unit letter.
        suffixes = [*nlp.Defaults.suffixes, r"(?<=\d[A-Za-z])\.", r"(?<=\d[A-Za-z]{2})\."]
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
        # "(Jiji Press)--SoftBank Group": a dash glued to a bracket separates two words.
        infixes = [*nlp.Defaults.infixes, r"(?<=[)\]])(?:--|—|–)(?=\w)"]
        nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
        nlp.add_pipe("sentencizer")
        # Phrase patterns (strings) run on spaCy's PhraseMatcher, which stays fast with many
        # names; matching is on the exact text (ORTH), with an all-caps variant of each name.
        ruler = nlp.add_pipe(
            "entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"}
        )
        patterns: list[dict] = []
        for e in gazetteer.entries:
            for form in e.surface_forms:
                if not form.strip():
                    continue
                mixed = any(c.islower() for c in form) and any(c.isupper() for c in form)
                variants = {form, form.upper()} if len(form) > 3 or mixed else {form}
                if form.isupper() and form.isalpha() and len(form) > 3:
                    variants.add(form.title())  # "Iren" for IREN, as some outlets write it
                if form.islower():
                    variants.add(form.title())
                if len(form) > 3 and " " not in form and any(c.islower() for c in form) and any(
                    c.isupper() for c in form[1:]
                ):
                    variants.add(form[0].upper() + form[1:].lower())  # "Openai", "Coreweave"
                patterns += [{"label": "ORG", "id": e.id, "pattern": v} for v in variants]
        firms = ("company", "firm", "startup", "lab", "group")
        for product, owner in gazetteer.products().items():
            patterns.append({"label": "PRODUCT", "id": owner, "pattern": product})
            phrases = set()
            for w in MAKER_WORDS:
                for word in (w, w.capitalize()):
                    phrases |= {f"{product} {w}", f"{word} of {product}"}
            for f in (*firms, "business", "developer"):  # "the company behind ChatGPT"
                for ff in (f, f.capitalize()):
                    phrases.add(f"{ff} behind {product}")
                    for rel in ("that", "which"):
                        for verb in ("created", "makes", "made", "built", "developed", "owns"):
                            phrases.add(f"{ff} {rel} {verb} {product}")
            patterns += [{"label": "ORG", "id": owner, "pattern": ph} for ph in sorted(phrases)]
        ruler.add_patterns(patterns)
        return nlp

    def _parse(self, para: str) -> Doc:
        """Parse a paragraph; repeated paragraphs (boilerplate, dumps) are parsed once."""
        doc = self._docs.get(para)
        if doc is None:
            if len(self._docs) > 4096:
                self._docs.clear()
            doc = self._docs[para] = self.nlp(para)
        return doc

    # --- public -----------------------------------------------------------------------------------
    def extract(self, text: str, date: dt.date | None = None) -> list[Candidate]:
        """Candidate deals in ``text`` (one per distinct deal), in order of first mention."""
        original, text = text, self._recase(text)
        self.set_aside = []
        found: list[_Found] = []
        self._context = ()
        self._context_licence = False
        context_age = 0  # sentences without a company the pair has been carried over
        pending: tuple[Span, int, str] | None = None
        last_got: list[_Found] = []
        self._last_pair: tuple[str, str] = ("", "")
        self._last_age = 99
        self._seen: list[str] = []  # companies named so far, in order
        self._topic = ""  # subject of the last sentence that had a company as its subject
        self._raiser: tuple[str, int] = ("", 99)  # company raising the round in talk, age
        for offset, para in _paragraphs(text):
            if not _worth_parsing(para):
                self._context = ()
                continue
            doc = self._parse(para)
            for sent in doc.sents:
                if not sent.text.strip():
                    continue
                got = self._sentence(sent, offset, date)
                _ceiling(sent, date, got or last_got, found)
                _track_raiser(self, sent, got)
                got = got + _participants(self, sent, offset, date, got)
                found.extend(got)
                pair = _deal_pair(sent)
                if not got and found and _power_supplement(self, sent, found, last_got):
                    pair = ()
                if pending is not None:
                    # "The Redmond-based giant signed a $9.7B contract with IREN. The deal gives
                    # Microsoft access to …": the next sentence names the missing party.
                    # Only when it speaks of that deal ("The deal …", "It …"), not of another one
                    # ("The raise follows Lambda's agreement to supply Microsoft").
                    back = _deal_pair(sent, pending[2]) if _BACK_REFERENCE.match(
                        sent.text) else ()
                    if back:
                        self._context = back
                        found.extend(self._sentence(pending[0], pending[1], date))
                pending = None
                if not got and _single_party_amount(sent):
                    pending = (sent, offset, _single_party_amount(sent))
                context_age = self._carry_pair(sent, got, pair, context_age)
                last_got = got
                self._remember(sent)
        cands = merge_candidates([f.cand for f in found], [f.single_payer for f in found])
        if isinstance(self.pair_model, PairModel):
            cands = self.second_look(text, date, cands)
        if text is not original:  # the evidence is the article's own words
            cands = [c.with_(quote=original[c.start : c.end]) for c in cands]
        return cands

    def _carry_pair(
        self, sent: Span, got: list[_Found], pair: tuple[str, ...], context_age: int
    ) -> int:
        """After reading ``sent``: what the next sentence may refer back to — the pair of a deal
        named without its size (a sentence naming no company keeps it for two more), whether
        that deal is a licence, the pair of the last deal read. Returns how many sentences the
        pair has been carried over."""
        # Only a sentence that names a deal without stating its size lends its pair on.
        sized = [f for f in got if f.cand.amount_usd_high or f.cand.amount_usd_low]
        named = any(e.label_ == "ORG" for e in _ents(sent))
        if not pair and not got and not named and context_age < 2:
            # "Meta … has entered into an agreement with Google Cloud. This long-term deal
            # highlights …. This six-year agreement is valued at up to $10 billion": a
            # sentence that names no company keeps the pair for the next one.
            pair, context_age = self._context, context_age + 1
        else:
            context_age = 0
        self._context = pair if not sized else ()
        if pair and named:
            # "Nvidia agreed to license chip technology from Groq. The deal, reportedly
            # valued at $20 billion, …": the size that follows is a licence fee.
            self._context_licence = bool(_LICENCE_CUE.search(sent.text.lower()))
        if got:
            self._last_pair = (got[-1].cand.payer, got[-1].cand.payee or "")
            self._last_age = 0
        else:
            self._last_age += 1
        return context_age

    def _remember(self, sent: Span) -> None:
        """After reading ``sent``: the companies it names that a later description ("the
        company") may refer to, and its subject (the likeliest referent, :func:`_sentence_subject`).
        """
        for e in _ents(sent):
            m = _mention(e, 0)
            # "one of OpenAI's main competitors": a possessive modifier or a rival is
            # not what "the company" in a later sentence refers to.
            rival = re.match(r"\W*(?:'s|’s)?\s*(?:\w+\s+){0,2}(?:rivals?|competitors?)\b",
                             sent.doc[e.end : e.end + 5].text.lower())
            after = sent.doc[e.end : e.end + 3].text.lower()
            stock = m.possessive and re.match(r"\W*(?:'s|’s)\s+(?:stock|shares)\b", after)
            if e.label_ == "ORG" and not (
                m.brand or m.non_party or (m.possessive and not stock) or rival
            ):
                self._seen.append(m.cid)
        self._topic = _sentence_subject(sent) or self._topic

    def _recase(self, text: str) -> str:
        """Company names in their own casing when a whole text is written in lower case.

        Some pages (and scrapers) lower-case everything ("amazon announced … in anthropic");
        the names are matched by their exact spelling, so such a text would name no company.
        Only a text with almost no capital letters is touched, and the replacement keeps every
        offset: the quotes are taken from the original text.
        """
        letters = sum(ch.isalpha() for ch in text)
        if letters < 200 or sum(ch.isupper() for ch in text) > letters * 0.002:
            return text
        if self._recase_re is None:
            forms = {f.lower(): f for e in self.gazetteer.entries for f in e.surface_forms
                     if len(f) > 2 and f.lower() != f}  # fmt: skip
            alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            self._recase_forms = forms
            self._recase_re = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        return self._recase_re.sub(lambda m: self._recase_forms[m.group(0)], text)

    def sentences(self, text: str, everything: bool = False) -> list[tuple[int, Span]]:
        """(paragraph offset, sentence) for every sentence the rules read in ``text`` (with
        ``everything``, also paragraphs without an amount or a deal word)."""
        out = []
        for offset, para in _paragraphs(text):
            if everything or _worth_parsing(para):
                out.extend((offset, s) for s in self._parse(para).sents if s.text.strip())
        return out

    def pair_examples(self, text: str) -> list[tuple[PairMention, bool, int, list[str]]]:
        """(pair, payer first?, paragraph offset, features) for each ordered pair of companies
        that share a sentence of ``text`` — the pair model's examples, for extraction and for
        training (:mod:`dealweb.extract.train`)."""
        out = []
        for offset, sent in self.sentences(text, everything=True):
            for pair in sentence_pairs(sent, _ents(sent)):
                for payer_first in (True, False):
                    feats = pair_features(pair, payer_first, self.gazetteer)
                    out.append((pair, payer_first, offset, feats))
        return out

    def second_look(
        self,
        text: str,
        date: dt.date | None,
        found: list[Candidate],
        model: PairModel | None = None,
        candidate_filter: CandidateFilter | None = None,
    ) -> list[Candidate]:
        """The rules' candidates ``found``, revised with the pair model
        (:func:`dealweb.extract.rules.second_look.second_look`): those unlikely to be right set
        aside (kept in :attr:`set_aside`), the deals the model sees that the rules did not read
        added. ``model`` and ``candidate_filter`` override the extractor's own (training scores
        candidate models with them)."""
        return _look.second_look(self, text, date, found, model, candidate_filter)

    def scored_pairs(self, text: str, model: PairModel) -> ScoredPairs:
        """Every ordered pair of companies sharing a sentence of ``text``, with ``model``'s
        class probabilities for it (:func:`dealweb.extract.rules.second_look.scored_pairs`)."""
        return _look.scored_pairs(self, text, model)

    # --- sentence level ---------------------------------------------------------------------------
    def _sentence(self, sent: Span, offset: int, date: dt.date | None) -> list[_Found]:
        text = sent.text
        low = text.lower()
        has_money = bool(re.search(r"[$€£¥₹]|\b(?:usd|eur|dollars?|euros?)\b", low))
        has_power = bool(re.search(r"gigawatt|megawatt|\b[gm]w\b", low))
        products = any(e.label_ == "PRODUCT" for e in _ents(sent))
        vague = bool(_UNITS.search(low) or _VAGUE_AMOUNT.search(low))
        models = _DISTRIBUTION_CUE.search(low) and re.search(r"(?:'s|’s)\s+(?:[\w-]+\s+){0,2}"
                                                            r"models?\b", low)  # fmt: skip
        if not (has_money or has_power or products or vague or "warrant" in low
                or models or _SHARE_OPTION.search(low) or _MODELS_FROM.search(low)):  # fmt: skip
            return []
        s0 = sent.start_char + offset
        clauses = _clauses(sent, offset)
        status = _status(low)
        out: list[_Found] = []
        prev: _Found | None = None
        prev_clause: _Clause | None = None
        for clause in clauses:
            if clause.item and not clause.head and prev is not None and prev_clause is not None:
                clause.head = _list_head(prev, prev_clause, clause)
            got = self._clause(clause, sent, s0, status, date, prev)
            if got:
                prev, prev_clause = got[-1], clause
            out.extend(got)
        dist = _distribution(self, sent, s0, status, date)
        out.extend(f for f in dist if all(f.cand.key != o.cand.key for o in out))
        if all(f.cand.kind != "warrant" for f in out):
            out.extend(_warrant(self, sent, s0, status, date) or _share_option(
                self, sent, s0, status, date))  # fmt: skip
        return out

    # --- clause level -----------------------------------------------------------------------------
    def _clause(
        self,
        clause: _Clause,
        sent: Span,
        s0: int,
        status: str,
        date: dt.date | None,
        prev: _Found | None,
    ) -> list[_Found]:
        """The deals of one clause: its figures (:meth:`_clause_figures`) as anchors, its two
        parties (:meth:`_clause_parties`), and for each anchor a candidate — or one per investor
        or per listed company when the figure is shared (:func:`_shared_deal`)."""
        low = clause.text.lower()
        if not _DEAL_WORD.search(low) and prev is None:
            return []
        figures = self._clause_figures(clause, low, date)
        read = self._clause_parties(clause, sent, s0, low) if figures else None
        if figures is None or read is None:
            return []
        monies, powers = figures
        parties, fixed = read
        base = clause.start
        quote, quote_start, quote_end = _quote(sent.text, s0)
        anchors, powers, own_from = _power_deals(monies, powers, parties, low, base)
        if "respectively" in low and len(monies) >= 2:
            payers = _subject_group(parties, clause, sent)
            if len(payers) == len(monies):
                return _respectively(self, payers, parties, monies, powers, clause, quote,
                                          quote_start, quote_end, status, date)  # fmt: skip
        results: list[_Found] = []
        for anchor in anchors:
            family = self._anchor_family(anchor, own_from.get(id(anchor), 0), low, clause, base,
                                         prev)  # fmt: skip
            if family is None:
                continue
            pair = (
                (*fixed, True) if fixed
                else _parties(self, family, parties, clause, anchor, base, prev, anchors)
            )
            if pair is None:
                continue
            payer, payee, single = pair
            kind = _kind(self, family, payee, low, anchor)
            if (self._context_licence and family == "spend"
                    and {payer, payee} == set(self._context)):  # fmt: skip
                kind = "other"  # the pair of a licence named in the sentence before
            cand = _candidate(payer, payee, kind, anchor, monies, powers, status, date,
                                   quote, quote_start, quote_end)  # fmt: skip
            if cand is None:
                continue
            after = low[anchor.end :]
            if family == "equity" and _FROM_MANY.match(after):
                # "$1.7 billion … from Nvidia and other investors", "… in backing from partners
                # including Aker, Nokia, and Nvidia": a total from several; the investor list
                # is read by _participants, without amounts.
                continue
            if isinstance(anchor, Money) and _round_total(low, anchor, family == "equity"):
                # "$13 billion in a round led by …", "OpenAI's $6.6 billion funding round": the
                # round's total, not what this investor put in.
                cand = _without_amount(cand)
            shared = _shared_deal(self, cand, (payer, payee, single), family, parties, clause,
                                  anchor, prev, anchors, low)  # fmt: skip
            if shared is None:
                results.append(_Found(cand, single_payer=single, family=family))
            else:
                results += shared
        return results

    def _clause_figures(
        self, clause: _Clause, low: str, date: dt.date | None
    ) -> tuple[list[Money], list[Power]] | None:
        """The deal amounts and power figures of a clause, or a deal of unstated size ("a
        multibillion-dollar partnership", chip counts) as one amount without a value; None when
        the clause sizes no deal."""
        monies = [m for m in find_money(clause.text, date) if _is_deal_amount(m, low, self.min_usd)]
        powers = [p for p in find_power(clause.text) if p.gigawatts >= 0.05]
        powers = [p for p in powers if not _NON_DEAL_LEFT.search(low[: p.start][-80:])
                  and not _SITE_POWER_LEFT.search(low[: p.start][-60:])
                  and not _SITE_POWER_RIGHT.search(low[p.end : p.end + 20])]  # fmt: skip
        if not monies and not powers:
            vague = _VAGUE_AMOUNT.search(low) or _UNITS.search(low)
            if vague is None or not re.search(
                r"\b(deals?|agreements?|contracts?|partnership|pacts?|investment|deploy\w*|"
                r"order\w*|purchas\w*|buy\w*|stake|suppl(?:y|ies|ied|ying)|deliver\w*)\b",
                low,
            ):
                return None
            # "a multibillion-dollar partnership with Microsoft": a deal whose size is not given
            unit = "UNITS" if _UNITS.fullmatch(vague.group(0)) else "USD"
            said = clause.text[vague.start() : vague.end()]
            monies = [Money(vague.start(), vague.end(), said, unit, None, None, False, None, None)]
        return monies, powers

    def _clause_parties(
        self, clause: _Clause, sent: Span, s0: int, low: str
    ) -> tuple[list[_Mention], tuple[str, str] | None] | None:
        """The companies a clause's deals are between, in text order — named, described ("the
        startup"), the list head or antecedent the clause continues, or the pair of the sentence
        before — and that pair's (payer, payee) when it is fixed by the deal just reported;
        None when no deal between two companies can be read."""
        base = clause.start
        orgs = [m for m in clause.mentions if m.label == "ORG" and not m.non_party]
        parties = _dedupe([m for m in orgs if not m.brand])
        if clause.head and (not parties or parties[0].prev in _PREPOSITIONS):
            # "…, and a partnership with Nvidia involving up to $100 billion": the item's deal
            # is the list head's, with the company the item names; "…, who plans to spend $40
            # billion on Nvidia chips": the relative clause's deal is its antecedent's.
            head = _Mention(clause.head, "ORG", base, base, 0, 0)
            parties, orgs = [head, *parties], [head, *orgs]
        if len(parties) == 1 and not clause.head and _RAISED.match(low, parties[0].end - base):
            # "OpenAI raised $6.6bn in a round valuing the company at $157bn, while xAI raised
            # $6bn": the company raises; no investor is named, so no deal between two companies
            # (not "the company" read as an investor, nor the investor of the clause before).
            return None
        if len(parties) < 2:
            parties = _with_described(self, parties, clause, sent, s0 - sent.start_char)
        elif all(p.prev in _PREPOSITIONS for p in parties) and (
            _DESCRIPTOR.search(low, 0, max(0, parties[0].start - base))
            or (_IT_SUBJECT.match(low) and clause.start == s0)
        ):
            # "The startup has …, securing $14 billion in a partnership with Microsoft and
            # collaborating with OpenAI": the described subject, not the companies after "with".
            lead = _with_described(self, [], clause, sent, s0 - sent.start_char)[:1]
            if lead and lead[0].cid not in {p.cid for p in parties}:
                parties = [lead[0], *parties]
        if len(parties) == 1 and _ORDER_PLACED.search(low):
            # "Broadcom CEO Jane Doe confirmed that Anthropic had placed an order of $21 billion":
            # with no other counterparty, the company whose chief speaks took the order (not
            # so for a raise: "Microsoft's CEO said OpenAI raised $5 billion").
            heads = [m for m in clause.mentions if m.label == "ORG" and m.non_party
                     and m.cid != parties[0].cid
                     and _EXECUTIVE_AFTER.match(low, m.end - base)]  # fmt: skip
            if len({m.cid for m in heads}) == 1:
                parties = sorted([*parties, heads[0]], key=lambda m: m.start)
        two = re.search(r"\bthe two (?:firms|companies|groups|partners)\b", low)
        if two and len(self._context) == 2:
            # "This deal builds on Nscale's agreements with Microsoft. Earlier, the two firms had
            # partnered in a $6.2 billion contract … under a joint venture with Aker": the pair
            # named just before, not the companies named in passing.
            at = base + two.start()
            parties = [_Mention(self._context[0], "ORG", at, at, 0, 0),
                       _Mention(self._context[1], "ORG", at + 1, at + 1, 0, 0)]  # fmt: skip
        if len(parties) < 2 and (parties or not self._context):
            # "… equipped with millions of Nvidia GPUs": the brand is the seller — unless no
            # party is named and the sentence before named the pair ("The contract … includes
            # the delivery of 200,000 Nvidia GPUs")
            parties = _dedupe(orgs)
        if parties:
            return parties, None
        return self._context_parties(low, base)

    def _context_parties(
        self, low: str, base: int
    ) -> tuple[list[_Mention], tuple[str, str] | None] | None:
        """The parties of a clause that names none: the pair of the sentence before, or of the
        deal just reported ("Nscale … agreement with Microsoft … The deal, reportedly valued at
        $14 billion"); None when there is none or the clause names no deal."""
        context = self._context
        if not context and self._last_age <= 2 and all(self._last_pair):
            # "Meta agreed a $21 billion deal with CoreWeave. … This new deal adds to a
            # previous $14.2 billion agreement": a deal with no named party refers to the
            # pair of the deal just reported.
            context = (
                self._last_pair if re.search(r"\b(deal|agreement|contract)\b", low) else ()
            )
        if not context or not re.search(
            r"\b(deal|agreement|contract|pact|invest\w*|funding|stake|commitment)\b", low
        ):
            return None
        a, b = context
        # the deal just reported fixes its payer and payee, in that order
        fixed = (a, b) if context == self._last_pair else None
        parties = [
            _Mention(a, "ORG", base, base, 0, 0),
            _Mention(b, "ORG", 1 << 60, 1 << 60, 0, 0),
        ]
        return parties, fixed

    def _anchor_family(
        self,
        anchor: Money | Power,
        cut: int,
        low: str,
        clause: _Clause,
        base: int,
        prev: _Found | None,
    ) -> str | None:
        """The family of the deal an amount or power figure sizes (equity, spend, warrant, loan,
        acquisition): the cue word nearest it (``_family``, read from ``cut`` on), then the
        constructions that override it; None when the figure sizes no deal here."""
        family = _family(low[cut:], anchor.start - cut, anchor.end - cut)
        if family is None and prev is not None:
            family = prev.family
        family = family or "spend"
        if isinstance(anchor, Power) and family == "warrant":
            family = "spend"  # "up to six gigawatts of GPUs … and warrants": the GPUs
        if isinstance(anchor, Power) and family == "equity":
            return None  # gigawatts never size a stake ("the 10GW project … total investment")
        committed = isinstance(anchor, Money) and re.search(
            r"\b(?:commit\w*|pledg\w*)\s+"
            r"(?:(?:up to|about|roughly|nearly|more than|over)\s+)?$",
            low[: anchor.start],
        )
        to = re.match(r"\s*(?:\([^()]{0,40}\)\s*)?to\s+", clause.text[anchor.end :])
        if committed and to and family != "equity" and any(
            m.start == base + anchor.end + to.end() and m.label == "ORG"
            and self.gazetteer.role(m.cid) == "ai_lab" for m in clause.mentions
        ):  # fmt: skip
            family = "equity"  # "has already committed US$30 billion (…) to OpenAI"
        compound = _compound_party(clause, anchor, base) if isinstance(anchor, Money) else None
        if compound:  # "$27B Meta Deal, $2B Nvidia Investment": the noun says what kind
            family = "equity" if compound[1].startswith(("invest", "stake")) else "spend"
        invested_in = _INVESTED_IN.match(clause.text, anchor.end)
        if isinstance(anchor, Money) and invested_in:
            # "$670 million in U.K.-based cloud provider Nscale": money put into a company
            # named after its description is a stake; one whose name is not a known company
            # ("$500 million in the self-driving startup Wayve") is not a deal here.
            at = base + invested_in.start("name")
            if not any(m.start == at and m.label == "ORG" for m in clause.mentions):
                return None
            family = "equity"
        elif (
            isinstance(anchor, Money) and self._raiser[0] and self._raiser[1] <= 2
            and _ROUND_CUE.search(low) and re.match(r"\s+from\s+", clause.text[anchor.end :])
        ):  # fmt: skip
            family = "equity"  # "the round includes $30 billion from chip giant Nvidia"
        return family



def _power_deals(
    monies: list[Money], powers: list[Power], parties: list[_Mention], low: str, base: int
) -> tuple[list[Money | Power], list[Power], dict[int, int]]:
    """A clause's anchors (its amounts, else its power figures), with the power figures that
    are deals of their own beside the amounts, the power figures left to size those deals, and
    where each own power deal's cue is read from (by ``id`` of the figure)."""
    anchors: list[Money | Power] = list(monies) if monies else list(powers)
    own_from: dict[int, int] = {}  # a coordinated power deal's cue is read after the money
    if not (monies and powers):
        return anchors, powers, own_from
    # "a $300 billion contract with Oracle and a deal with AMD requiring six gigawatts": a power
    # figure past every amount, with its own counterparty named in between, is a second deal,
    # not the size of the first.
    last_money = max(m.end for m in monies)
    own = [p for p in powers if p.start > last_money
           and re.search(r"\band\b", low[last_money : p.start])  # a coordinated deal
           and any(last_money <= m.start - base < p.start and not m.possessive
                   for m in parties)]  # fmt: skip
    if not own and all(_family(low, m.start, m.end) == "equity" for m in monies):
        # "… involving up to $100 billion in investments and at least 10 gigawatts of
        # data-center capacity": gigawatts never size a stake, so a power figure
        # coordinated after the investment is the capacity deal that goes with it.
        for p in powers:
            conj = list(re.finditer(r"\band\b", low[last_money : p.start]))
            cut = last_money + conj[-1].end() if conj and p.start > last_money else 0
            if cut and _family(low[cut:], p.start - cut, p.end - cut) == "spend":
                own.append(p)
                own_from[id(p)] = cut
    return anchors + own, [p for p in powers if p not in own], own_from


def _shared_deal(
    ex: RuleExtractor, cand: Candidate, pair: tuple[str, str, bool], family: str,
    parties: list[_Mention], clause: _Clause, anchor: Money | Power, prev: _Found | None,
    anchors: list[Money | Power], low: str,
) -> list[_Found] | None:
    """One deal per company when the figure of ``cand`` (read as ``pair``: payer, payee, single
    payer?) is shared — a joint amount from two investors, a group of investors, a deal with
    each company listed — each without the amount (one company's share is not stated); None
    when the deal is not shared."""
    payer, payee, single = pair
    base = clause.start
    froms = [m for m in clause.mentions if m.prev == "from" and m.label == "ORG"
             and m.start > base + anchor.end]  # fmt: skip
    pair_after = [
        (a, b) for a in froms for b in clause.mentions
        if b.label == "ORG" and b.start > a.end and b.cid != a.cid
        and clause.text[a.end - base : b.start - base].strip() in {"and", ", and", "&"}
    ]  # fmt: skip
    if family == "equity" and pair_after and cand.amount_usd_high is not None:
        # "… secured a $15 billion infusion of capital from Microsoft and Nvidia": a joint
        # amount; each investor invests in the company raising it, share unknown.
        a, b = pair_after[0]
        investee = next((p.cid for p in parties if p.cid not in (a.cid, b.cid)), None)
        if investee is not None:
            shares = [_without_amount(cand).with_(payer=cid, payee=investee)
                      for cid in (a.cid, b.cid)]  # fmt: skip
            return [_Found(c, single_payer=False, family=family) for c in shares]
    group = _subject_group(parties, clause, None)
    if (
        family == "equity"
        and not single
        and len(group) > 1
        and payer in {m.cid for m in group}
        and payee not in {m.cid for m in group}
    ):
        # "Nvidia and Microsoft will invest up to $15 billion in Anthropic": a joint
        # amount; each investor's share is unknown.
        return [_Found(_without_amount(cand).with_(payer=m.cid), single_payer=False,
                       family=family) for m in group]  # fmt: skip
    listed = _listed_counterparties(parties, clause, low) if family == "spend" else []
    names = {m.cid for m in listed}
    outside = [c for c in (payer, payee) if c not in names] or [
        p.cid for p in parties[:1] if p.cid not in names]  # fmt: skip
    if not (len(listed) > 1 and len(outside) == 1):
        return None
    # "Nebius signed multibillion-dollar contracts with Microsoft and Meta": one deal
    # with each company listed; the amount, if any, is for them all.
    subject, out = outside[0], []
    for m in listed:
        each = _parties(ex, family, [p for p in parties if p.cid == subject] + [m],
                        clause, anchor, base, prev, anchors)  # fmt: skip
        if each is None or subject not in each[:2]:
            continue
        kind_each = _kind(ex, family, each[1], low, anchor)
        one = _without_amount(cand).with_(payer=each[0], payee=each[1], kind=kind_each)
        out.append(_Found(one, single_payer=False, family=family))
    return out


def _listed_counterparties(parties: list[_Mention], clause: _Clause, low: str) -> list[_Mention]:
    """The companies listed after "deals with" / "contracts with" ("… contracts with Microsoft
    and Meta"), when the clause names deals in the plural; else nothing."""
    if not re.search(r"\b(?:deals|contracts|agreements|partnerships|pacts)\b", low):
        return []
    heads = [i for i, m in enumerate(parties) if m.prev == "with"]
    return _listed_from(parties, heads[0], clause.text, clause.start) if heads else []


@register("rules+pairs")
class RulesWithPairModel(RuleExtractor):
    """The rules with the shipped pair model's second look: its own candidates added, the
    rules' candidates the shipped candidate filter finds unlikely set aside (the default
    extractor)."""

    name = "rules+pairs"

    def __init__(self, gazetteer: Gazetteer, **options: object) -> None:
        options.setdefault("pair_model", "shipped")
        options.setdefault("candidate_filter", "shipped")
        super().__init__(gazetteer, **options)  # type: ignore[arg-type]
