"""Rule-based deal extractor: spaCy's EntityRuler and Matcher on a blank English pipeline.

Method (a classic gazetteer + pattern information-extraction pipeline, as in Hearst, "Automatic
acquisition of hyponyms from large text corpora", COLING 1992, and the rule-based relation
extraction surveyed by Chiticariu, Li & Reiss, "Rule-based information extraction is dead! Long
live rule-based information extraction systems!", EMNLP 2013):

1. ``spacy.blank("en")`` + sentencizer; an EntityRuler (phrase patterns, i.e. spaCy's
   PhraseMatcher) tags company names and aliases from the gazetteer (ORG), model names
   (PRODUCT) and explicit product-maker phrases ("the creator of Claude", "the company behind
   ChatGPT" → Anthropic, OpenAI). Nothing is downloaded; no statistical model is used.
   Companies used as a brand ("Nvidia GPUs"), in a title ("Microsoft CEO") or as a comparison
   ("rivals to OpenAI") are not parties.
2. Each sentence is cut into clauses at "while", "whereas", "but" and semicolons, so parallel
   statements ("X is investing $5B in Y, while Z is committing $10B") are read separately; also
   before each item of a list of deals ("…, and a partnership with Nvidia involving up to
   $100B", "…, pledged $5B to Intel") and before a relative clause with its own amount ("…
   with Oracle, who plans to spend $40B on Nvidia chips"), each item taking the list's subject.
3. Money and power expressions (:mod:`dealweb.extract.quantities`) are the deal anchors. An amount
   that is a valuation, market value, revenue, loss, cost estimate, total, tranche or rate is
   dropped by its context; a clause needs a deal word (invest, deal, contract, spend…).
4. The deal family (equity, spending, warrant, acquisition, loan) comes from the cue word
   nearest the amount; direction from prepositions ("in"/"into" the investee, "from" the
   seller or investor), supplier verbs ("provide", "supply") and the companies' roles (a
   neocloud or cloud sells capacity, a chipmaker sells chips).
5. "X and Y … A and B respectively" pairs payers with amounts; "X and Y will invest up to $15B"
   gives both a deal with no amount (the split is unknown); a round's total ("$6.6 billion
   funding round") is not an investor's amount.
6. "the company", "the chipmaker" refer first to the subject of the sentence before, then to
   the last company named whose role fits (centering: Grosz, Joshi & Weinstein 1995).
   A clause missing a party borrows it, in this order, from the parallel clause before it
   ("…, while Nvidia is committing up to $10 billion"), from the sentence before that names a
   deal between two companies, from the next sentence ("The deal gives Microsoft access…"), or
   from the deal reported just before ("This new deal adds to a previous $14.2B agreement").
7. Model distribution ("Microsoft gives Azure AI Foundry customers access to Claude models"),
   warrants and "multibillion-dollar" deals are read without an amount.

Limits (by design): parties named only by description ("the chipmaker", "the Japanese
company") are not resolved; a deal needs two named companies, so a single company's spending
plan ("OpenAI has committed to $1.4 trillion") gives no candidate.

Mentions of the same deal in one article (same payer, payee, kind and a compatible amount) are
merged into one :class:`~dealweb.extract.base.Candidate` that keeps the clearest evidence.

Example
-------
>>> from dealweb.extract.gazetteer import Gazetteer
>>> g = Gazetteer.from_mapping({"Microsoft": ["Azure"], "Anthropic": []})
>>> text = "Microsoft is investing $5 billion in Anthropic."
>>> [c.amount_usd_high for c in RuleExtractor(g).extract(text)]
[5000000000.0]
"""

from dealweb.extract.rules.extractor import RuleExtractor, RulesWithPairModel
from dealweb.extract.rules.merge import merge_candidates

__all__ = ["RuleExtractor", "RulesWithPairModel", "merge_candidates"]
