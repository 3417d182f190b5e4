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

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from dealweb.extract.base import Candidate, register
from dealweb.extract.gazetteer import MAKER_WORDS, Gazetteer
from dealweb.extract.pairs import NONE, PairModel, pair_features, sentence_pairs, shipped_model
from dealweb.extract.quantities import Money, Power, find_money, find_power

# --- cue vocabularies (lower-case regexes over clause text) -----------------------------------
_DEAL_WORD = re.compile(
    r"\b(invest\w*|stakes?|equity|funding|financ\w+|round|back(?:s|ed|ing)?|pour\w*|inject\w*|"
    r"rais(?:e|es|ed|ing)|deals?|agreements?|contracts?|pacts?|partnership|commit\w*|pledg\w*|"
    r"spend\w*|buy\w*|bought|purchas\w*|acquir\w*|acquisition|leas(?:e|es|ed|ing)\b|rent(?:s|ed|ing|al)?\b|warrants?|"
    r"sign\w*|ink\w*|struck|strikes?|order\w*|suppl\w+|provid\w+|loans?|lend\w*|tie-up|"
    r"arrangement|deploy\w*|expan\w+|extend\w*|pay(?:s|ing)?|paid|licen[cs]\w*)\b"
)
_EQUITY_CUE = re.compile(
    r"\b(invest\w*|stakes?|equity|funding|financing round|round|backing|backs|"
    r"pour\w*|inject\w*|rais(?:e|es|ed|ing)|shares? in|valuation|valuing|capital)\b"
)
_SPEND_CUE = re.compile(
    r"\b(spend\w*|buy\w*|bought|purchas\w*|cloud|compute|computing|capacity|services?|"
    r"contracts?|leas(?:e|es|ed|ing)\b|rent(?:s|ed|ing|al)?\b|chips?|gpus?|processors?|accelerators?|tpus?|hardware|"
    r"data cent\w+|datacent\w+|servers?|infrastructure|deploy\w*|suppl\w+|provid\w+|customer|"
    r"orders?)\b"
)
_WARRANT_CUE = re.compile(r"\bwarrants?\b")
_ACQUIRE_CUE = re.compile(r"\b(acquir\w*|acquisition|takeover|take over|buyout)\b")
_LOAN_CUE = re.compile(r"\b(loans?|lend\w*|credit facility|debt financing)\b")
_HARDWARE_WORDS = re.compile(
    r"\b(chips?|gpus?|processors?|accelerators?|tpus?|hardware|semiconductors?|"
    r"systems|servers?|racks?|silicon)\b"
)
_CLOUD_WORDS = re.compile(
    r"\b(cloud|compute|computing|capacity|services?|data cent\w+|datacent\w+|"
    r"infrastructure|gpu capacity)\b"
)
_POWER_CONTEXT = re.compile(
    r"\b(comput\w+ (power|capacity)|compute capacity|data[- ]?cent(?:er|re) capacity|"
    r"processing (?:power|capacity))\b"
)
# Verbs whose subject is the seller, when they stand between the subject and the amount.
_SELLER_VERB = re.compile(
    r"\b(provid(?:e|es|ed|ing)|"
    r"suppl(?:y|ies|ied|ying)(?!\s+(?:agreements?|deals?|contracts?|pacts?|chains?|partnerships?))|"
    r"deliver(?:s|ed|ing)?|sell(?:s|ing)?|sold|"
    r"rent(?:s|ed|ing)? out|leas(?:e|es|ed|ing) (?:\w+ )?to)\b"
)
_REPORTING = re.compile(r"\W*(?:said|says|announced|reported|disclosed|confirmed|told)\b")
_BUYER_VERB = re.compile(
    r"\b(buy\w*|bought|purchas\w*|spend\w*|spent|pay\w*|paid|commit\w* to|"
    r"rent(?:s|ed|ing|al)?\b|leas(?:e|es|ed|ing)\b|"
    r"order\w*)\b"
)
_EQUITY_VERB = re.compile(
    r"\b(invest(?:s|ed|ing)?|back(?:s|ed|ing)|pour(?:s|ed|ing)?|inject(?:s|ed|ing)?|"
    r"fund(?:s|ed|ing)?|commit(?:s|ted|ting)?|lead(?:s|ing)?|led|acquir(?:e|es|ed|ing)|"
    r"buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|tak(?:e|es|ing)|took)\b"
)
_INVESTOR_RANK = {"investor": 5, "cloud": 4, "chipmaker": 3, "other": 2, "neocloud": 1, "ai_lab": 0}
# "deploy 50,000 AMD MI450 GPUs": a hardware deal stated in units, not dollars
_UNITS = re.compile(
    r"\b(?:\d{1,3}(?:,\d{3})+|(?:one|two|three|four|five|a|half a|\d+(?:\.\d+)?)\s+million|"
    r"millions\s+of|hundreds\s+of\s+thousands\s+of)\s+(?:[\w()’'.:-]+\s+){0,7}?"
    r"(?:gpus|chips?|processors|accelerators|tpus|semiconductors)\b"
)
_VAGUE_AMOUNT = re.compile(
    r"\b(?:multi-?billion|billion)[- ]dollar\b|\b(?:tens|hundreds) of billions\b"
    r"|\bworth billions(?: of dollars)?\b|\bmulti-?gigawatt\b"
    # "acquiring a minor stake in Mistral": a stake whose size is not given
    r"|\b(?:minority|minor|small|significant|sizable|sizeable|undisclosed)"
    r"(?=\s+(?:equity\s+)?stake\b)"
)
# "potentially expanding to $19.4 billion", "could rise to as much as": the ceiling of a deal
_CEILING_LEFT = re.compile(
    r"(?:\b(?:could|can|may|might|potentially|possibly|would|option to|options? to)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:expand\w*|ris(?:e|es|ing)|grow\w*|increas\w*|climb\w*|go)"
    r"|\b(?:the figure|the amount|the total|which|that|it)\s+(?:expanding|rising|growing|"
    r"increasing|climbing))\s+(?:up\s+)?to\s+(?:as much as\s+|about\s+)?$"
)
# "an option for Meta to purchase up to $15 billion more": added to the firm base of the deal
_OPTION_MORE_LEFT = re.compile(
    r"\boptions?\b[^.;$€£]{0,50}?\b(?:buy|purchase|spend|add|acquire|expand)\w*\s+"
    r"(?:up to\s+|as much as\s+)?(?:an?\s+)?(?P<more>additional\s+|further\s+|extra\s+)?$"
)
_MORE_RIGHT = re.compile(r"^\s*(?:(?:worth\s+)?(?:of\s+)?[\w\s]{0,20}?\s)?(?:more|additional)\b")
# "$600 billion in cloud commitments on its balance sheet": a backlog, not one deal
_BACKLOG_RIGHT = re.compile(
    r"\W*in\s+(?:[\w-]+\s+){0,2}(?:commitments|contracts|orders|bookings)\b[^.;]{0,30}?"
    r"\b(?:balance sheet|books|backlog)\b"
)
# A warrant stated without the word: "OpenAI may acquire up to 160 million AMD shares",
# "an option to acquire a stake in the chipmaker", "could eventually hold up to … shares".
_SHARE_OPTION = re.compile(
    r"\b(?:options? to (?:acquire|buy|purchase|take)|may (?:acquire|own|hold|end up owning)|"
    r"could (?:\w+ )?(?:acquire|own|hold|end up owning)|potentially (?:acquir\w+|involving|"
    r"own\w*|hold\w*)|right to (?:buy|purchase|acquire))\b[^.;]{0,60}?"
    r"(?:\bmillion (?:[\w.&-]+ )?shares\b|\b(?:stake|ownership|equity|shares) (?:in|of)\b)"
)
# "a Texas facility designed for 750 megawatts", "planned to support 2 GW": a site's size
_SITE_POWER_LEFT = re.compile(
    r"\b(?:designed|planned|built|able|expected|set|sized)\s+(?:for|to support|to host|to reach)"
    r"\s+(?:up to\s+|about\s+|around\s+|roughly\s+)?$|\bsupport(?:s|ing)?\s+(?:up to\s+)?$"
    r"|\b(?:total|combined|existing|planned)\s+capacity\s+of\s+(?:up to\s+|about\s+)?$"
    # "The deal will fund 5 gigawatts of new capacity": what the money pays for, not bought
    r"|\b(?:fund|funds|funding|finance|finances|financing|pay for)\s+(?:up to\s+|about\s+)?$"
)
_SITE_POWER_RIGHT = re.compile(r"^\W*(?:campus|facility|site|data cent\w+|plant)\b")
_ORDER_BEFORE = re.compile(r"\b(orders?|contracts?|commitments?|business|bookings?)\b[^;]{0,60}$")
# Words after which a company name starts a new (sub)clause as its subject.
_CLAUSE_OPENERS = {
    "after", "as", "that", "when", "while", "and", "said", "says", "because", "since", "why",
    "where", "once", "before", ",", "then", "but", "so", "how",
}  # fmt: skip
_PREPOSITIONS = {"in", "into", "from", "by", "with", "to", "on", "for", "of", "at"}
_RAISE_VERB = re.compile(
    r"\b(rais(?:e|es|ed|ing)|receiv\w+|secur(?:e|es|ed|ing)|gets|got|obtain\w*|land\w*|"
    r"accept(?:s|ed|ing)?|took in|takes in|drew|draws)\b"
)

# Context that makes an amount something other than a deal's size.
_NON_DEAL_LEFT = re.compile(
    r"(valuations?|valued|valuing|value of|values?|market value|market cap\w*|capitali[sz]ation|"
    r"revenues?|sales|loss(?:es)?|profits?|net worth|fortune|gdp|capex|capital expenditures?|"
    r"capital spending|spending plans|estimated to cost|to cost|costs?|cost of|price target|"
    r"backlog|run[- ]rate|annuali[sz]ed|budget|debt|bonds?|ipo|earnings|net income|guidance|"
    r"initial|first|plans? for|"
    r"tranches?|installments?|instalments?|prepayment|remaining|worth about|worth around|"
    r"expected to reach|projected|forecast\w*|estimates?|estimated|roughly equal)"
    r"\W+(?:[\w'’-]+\W+){0,3}$"
)
# "Microsoft would hold a stake of about $135 billion": the value of an existing holding.
_HOLDING_LEFT = re.compile(
    r"\b(hold|holds|holding|held|own|owns|owning|owned)\b\W+(?:[\w'’-]+\W+){0,4}$"
)
_STAKE_NEAR = re.compile(r"\bstakes?\b")
_NEW_LEVEL_LEFT = re.compile(
    r"\b(doubl|tripl|increas|rais|boost|lift|bring|bringing|brought|grow|grew|expand|take|"
    r"taking|took|push|soar|jump|climb|surg|rose|rising|reach|reduc|cut|lower|shrink|shrank|"
    r"drop|fall|fell|trim)\w*\b[^$€£.;]{0,60}\bto\s+"
    r"(?:an? (?:\w+ )?|about\s+|around\s+|nearly\s+|roughly\s+|more than\s+|over\s+|"
    r"as little as\s+|as low as\s+)?$"
)
_AGGREGATE_LEFT = re.compile(
    r"\b(in total|totals?|totaling|totalling|combined|cumulative|bringing|brings|altogether|"
    r"overall|aggregate)\W+(?:[\w'’-]+\W+){0,6}$"
    # "the investment is part of xAI's $5 billion fundraise": the whole of which a deal is a part
    r"|\b(?:part|portion|half|share) of\s+(?:[\w'’-]+\s+){1,3}$"
)
# "a deal valued at $17.4 billion" is the deal's size, "OpenAI, valued at $300 billion" is not.
_DEAL_VALUED = re.compile(
    r"\b(deals?|contracts?|agreements?|pacts?|investments?|transactions?|partnership|"
    r"commitments?|purchases?|acquisitions?|capacity|services|orders?|package|period|term|"
    r"leases?)"
    r"\W+(?:[\w'’.-]+\W+){0,6}(?:(?:is|was|potentially|reportedly|currently|now)\s+)*"
    r"(valued|worth|value)\b"
)
# "OpenAI, valued at", "the startup is valued at", "valuing the company at": a valuation.
_COMPANY_VALUED = re.compile(
    r"(\b(?:company|startup|firm|group|maker|lab|business|it|which)\W+"
    r"(?:(?:is|was|now|currently)\s+)*valued|,\s*valued|\bvaluing"
    r"|\bvalu(?:e|es|ed)\s+(?!at\b)[\w'’.-]+(?:\s+[\w'’.-]+)?\s+at)\b[^$€£]*$"
)
_BACK_REFERENCE = re.compile(
    r"\W*(?:(?:under|as part of|with|in)\s+)?(?:it\b|(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:deal|agreement|contract|pact|partnership|arrangement|investment|commitment)s?\b)",
    re.IGNORECASE,
)
_NON_DEAL_RIGHT = re.compile(
    r"^\W*(?:in |of |a |an |to (?:its |their |the company's |the company’s )?)?"
    r"(?:annual\w* |post-money |pre-money )?"
    r"(valuation|revenue|sales|market (?:value|cap\w*)|loss|losses|profit|net worth|fortune|"
    r"a year|per year|annually|per gigawatt|per share|a share|in debt|of debt|in bonds|"
    r"in capex|in capital|in cash|in assets|of assets|ipo|in its ipo|in sales|in revenue|"
    r"in equity(?! (?:into|in|to)\b)|"
    r"tranche|of the total|cost|"
    # "TWG Global, the $40 billion investment firm": the size of a firm or fund
    r"(?:(?!(?:in|into|to|the|for|from|by)\b)[\w-]+ ){0,2}(?:firm|fund|asset manager|"
    r"conglomerate)|company(?! (?:deal|contract|agreement|investment))|"
    # "a massive $100 billion infrastructure buildout known as the Stargate Project": a plan
    r"(?:[\w-]+ ){0,2}(?:buildout|build-out|project|initiative)|"
    # "OpenAI's planned $500 billion data center": the size of a site, unless a deal follows
    r"(?:[\w-]+ )?(?:data cent(?:er|re)s?|campus|facility)"
    r"(?! (?:deal|contract|agreement|lease|partnership|pact|order|commitment)))\b"
)
_NON_PARTY_AFTER = {
    "ceo", "cfo", "cto", "chief", "founder", "co-founder", "cofounder", "president", "executive",
    "executives", "spokesperson", "spokesman", "spokeswoman", "analyst",
    "analysts", "chairman", "board", "investors", "rival", "rivals", "competitor",
    "competitors", "challenger",
}  # fmt: skip
# "Nvidia CEO Jensen Huang announced a £500 million investment": the chief executive announcing
# a deal speaks for the company ("… announced that X will …" reports someone else's deal).
_SPEAKS_FOR = re.compile(
    r"\s*(?:'s\s+|’s\s+)?(?i:ceo|chief executive(?: officer)?|chairman|chairwoman|president)"
    r"\s+(?:[A-Z][\w.’'-]*\s+){1,3}(?:has\s+|had\s+)?(?:announced|unveiled|pledged|committed|"
    r"signed|agreed)\s+(?:an?|the|its)\b"
)
_ORDER_PLACED = re.compile(
    r"\b(?:plac\w+|made|gave)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}orders?\b"
)
_MAKER_OF = re.compile(
    r"\W*(?:'s|’s)\s+(?:[\w-]+\s+){0,4}?(?:chips?|gpus?|processors?|accelerators?|superchips?|"
    r"systems|servers?|hardware|architecture|platform)\b"
)
_DEAL_WITH_FOR = re.compile(
    r"\W*(?:group|platforms|inc\.?|corp\.?)?\s*for\s+(?!\$|€|£|about\b|up to\b|over\b|"
    r"more than\b|\d|the next\b|the first\b|years?\b|its\b|their\b)"
)
_MODELS_OF = re.compile(r"\W*(?:'s|’s)\s+(?:[\w-]+\s+){0,2}models?\b")
_EXECUTIVE_AFTER = re.compile(
    r"\s*(?:'s\s+|’s\s+)?(?:ceo|chief executive|chairman|chairwoman|president)\b"
)
_NON_PARTY_BEFORE = {
    "like", "unlike", "than", "rival", "rivals", "competitor", "competitors", "beyond",
    "versus", "vs", "vs.", "according", "per", "including", "from its dependence on",
}  # fmt: skip
_PRODUCT_NOUN = re.compile(
    r"gpus?|chips?|processors?|accelerators?|superchips?|hardware|graphics|servers?"
)
_STOP_BRAND = {"and", "or", "to", "with", "will", "has", "is", "said", "for", "in", "of"}
_NOT_PERSON = {"shares", "stake", "the", "stock", "part", "maker", "creator", "owner", "parent"}
_ATTRIBUTIVE = {"backed", "owned", "based", "led", "funded", "supported", "affiliated", "linked",
                "powered"}  # fmt: skip

_IN_TALKS = re.compile(
    r"\b(in talks|talks|negotiat\w+|in discussions|discussing|nearing|close to (?:a|an|finali\w+)|"
    r"considering|weighing|exploring|in early discussions)\b"
)
_COMPLETED = re.compile(
    r"\b(has invested|have invested|had invested|invested|completed|closed|finali[sz]ed|"
    r"has acquired|acquired|raised|received)\b"
)
_REPORTED = re.compile(
    r"\b(reportedly|according to (?:people|sources|a person|the wall street journal|bloomberg|"
    r"reuters|the information|a report)|people familiar|person familiar|sources said|"
    r"(?:journal|bloomberg|reuters|cnbc|the information|times) reported)\b"
)
_DISTRIBUTION_CUE = re.compile(
    r"\b(access to|available (?:on|in|through|via|to|from)|make\w* .{0,40}available|"
    r"offer\w*|host\w*|integrat\w*|giv(?:e|es|ing)\b[^.;]{0,40}\baccess|distribut\w*|"
    r"(?:used|offered|sold|accessed)\b[^.;]{0,60}\bvia)\b"
)
_CLAUSE_BREAK = {";", "while", "whereas", "but", "although", "though"}
_FINITE_VERB = re.compile(
    r"has|have|had|will|would|is|was|agreed|signed|inked|struck|announced|invested|committed|"
    r"plans|said|also|pledged|poured|bought|paid|took|won|landed|secured|(?!need)\w+ed"
)
# The words between a counterparty and the size of its deal: "with Oracle worth up to $300
# billion", "with Meta Platforms, valued at $10 billion", "with AMD in September valued at".
_SIZE_LINK = re.compile(
    r"[\s,]*(?:(?:platforms|inc\.?|corp\.?|group)\s*,?\s*)?(?:in \w+\s*,?\s*)?"
    r"(?:(?:reportedly|potentially|that (?:is|was|could be|is reportedly))\s+)?"
    r"(?:worth|valued at|valued|totaling|totalling|for|requiring|covering)\s*"
)
# "a contract with Oracle in September, valued at up to $300 billion": the deal's size, not the
# company's valuation (which is "OpenAI, valued at $500 billion, …").
_DEAL_WITH_VALUED = re.compile(
    r"\b(?:deals?|contracts?|agreements?|pacts?|partnership)\s+with\s+[^,;.$]{1,40},\s*"
    r"(?:(?:reportedly|potentially)\s+)?valued\s+at\s*$"
)
# "a 9.3 per cent stake in the company": a described party refers back to the last named
# company that can fill the role (a "chipmaker" must be one); None = any role.
_DESCRIPTOR = re.compile(
    r"\b(?:the|this) (?:[\w.]+-(?:based|backed|focused|owned)\s+|ai\s+)?"
    r"(company|startup|start-up|firm|group|chipmaker|chip maker|chip designer|"
    r"cloud provider|hyperscaler|ai lab|lab|ai developer|developer|neocloud|tech giant|"
    r"software giant|chip giant|cloud giant)\b(?!\s*(?:'s|’s))"
)
_DESCRIPTOR_ROLES: dict[str, set[str] | None] = {
    "company": None, "firm": None, "group": None,
    "startup": {"ai_lab", "neocloud"}, "start-up": {"ai_lab", "neocloud"},
    "chipmaker": {"chipmaker"}, "chip maker": {"chipmaker"}, "chip designer": {"chipmaker"},
    "cloud provider": {"cloud", "neocloud"}, "hyperscaler": {"cloud"}, "neocloud": {"neocloud"},
    "ai lab": {"ai_lab"}, "lab": {"ai_lab"}, "ai developer": {"ai_lab"}, "developer": {"ai_lab"},
    "tech giant": {"cloud", "other"}, "software giant": {"cloud"}, "cloud giant": {"cloud"},
    "chip giant": {"chipmaker"},
}  # fmt: skip
# A sentence that lists the investors of a funding round ("led by X with participation from Y",
# "Nvidia and Cisco joined as strategic investors", "Among the other participants are …").
_PARTICIPANT_CUE = re.compile(
    r"\b(participants|participation (?:from|of)|"
    r"participat\w+ in (?:the|this|its|a|an) (?:[\w-]+ ){0,3}(?:round|funding|financing|raise)|"
    r"joined as|"
    r"join(?:ed|ing|s)? (?:the|this) (?:round|party|financing|raise)|"
    r"also joining|(?:other |key )?(?:investors|backers) (?:include|included|including|such as|"
    r"are|were|in the round)|other investors|investor list|backing from|co-led|led by|"
    r"funds from|also joining|(?:came in|signed on|joined) as|investments? from|bolstered by|"
    r"raised from|backing from|and other investors|and others|partners including)\b"
)
# "Nvidia has invested in OpenAI and in CoreWeave", "holds smaller stakes in Arm, Nebius …",
# "took a minority position in Intel": stakes named without a figure
_STAKE_WITHOUT_AMOUNT = re.compile(
    r"\b(?:has|have|had)\s+(?:also\s+|already\s+)?invested\s+in\b"
    r"|\b(?:holds?|held|owns?|owned|took|taken|takes|taking|acquired|bought)\s+(?:an?\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:stakes?|positions?|equity\s+stakes?)\s+in\b"
)
# "Nvidia is also an existing investor in the company", "(Nvidia is also among Lambda's
# investors.)": a stake stated without an amount.
_INVESTOR_OF = re.compile(
    r"\b(?:is|are|was|were|has been|remains?)\s+(?:also\s+)?(?:among\s+)?(?:an?\s+|the\s+)?"
    r"(?:\w+['’]s?\s+)?(?:existing\s+|early\s+|major\s+|key\s+|largest\s+|biggest\s+|"
    r"strategic\s+)?(?:investors?|backers?|shareholders?)\b(?:\s+(?:in|of)\s+)?"
)
# "Nvidia, a supplier and investor in Lambda, …": an investor named in an apposition
_INVESTOR_APPOSITION = re.compile(
    r",\s+(?:an?\s+|the\s+)?(?:(?:existing|early|major|key|strategic|longtime|long-time|"
    r"supplier|partner|customer|shareholder)\s+(?:and\s+)?){0,3}(?:investor|backer|shareholder)"
    r"\s+(?:in|of)\s+"
)
_FROM_MANY = re.compile(
    r"[^.;]{0,60}?\bfrom\s+(?:(?:partners|investors|backers)\s+)?(?:including|such as)\b"
    r"|[^.;]{0,60}?\bfrom\s+[^.;]{1,60}?(?:,\s*|\s+)and\s+(?:other|several|various|many)\s+"
    r"(?:investors|backers|partners|firms|companies)\b"
    r"|[^.;]{0,60}?\bfrom\s+[^.;]{1,60}?,?\s+and\s+others\b"
)
_ROUND_CUE = re.compile(r"\b(round|funding|fundrais\w*|series [a-h]|financing|raise)\b")
_NOT_LISTED = {"like", "unlike", "than", "rival", "rivals", "versus", "vs", "vs.", "beyond"}
# "the Claude developer", "the ChatGPT maker": the owner of a named product
_PRODUCT_OWNER_NOUN = re.compile(r"\s+(?:maker|developer|creator|owner|parent|company|startup)\b")
# "pay $20 billion to license its inference technology": a licence fee, not a chip purchase
_LICENCE_CUE = re.compile(
    r"\b(licen[cs]\w*|royalt\w+|intellectual property|access to [^.;]{0,60}\btechnolog\w+)"
)
# "with a total value of $1.3 billion", "a contract value of": the deal's own size
_DEAL_VALUE_OF = re.compile(
    r"\b(?:with an?|for an?|total|contract|deal|transaction|order)\s+(?:total\s+)?value of\W*$"
    # "placed a total order of $21 billion": the order's own size, not a running total
    r"|\b(?:placed|plac\w+|made|signed)\s+(?:an?\s+)?total\s+(?:orders?|purchases?)\s+"
    r"(?:of|worth|valued at)\W*$"
)
# "Valued at over $10 billion, the deal aims …": a size phrase put before the deal it sizes
_LEADING_VALUED = re.compile(r"(?:^|[.;:!?]\s+)\W*(?:valued at|worth)\s*$")
_DEAL_AFTER_VALUE = re.compile(
    r"\s*,\s*(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,3}?(?:deals?|agreements?|"
    r"contracts?|partnership|pacts?|commitments?|orders?|investments?|transactions?)\b"
)
# "This Meta deal is Nebius' second contract": a company naming a deal is not its subject
_DEAL_NOUN = {"deal", "deals", "contract", "contracts", "agreement", "agreements", "pact",
              "partnership", "order", "investment"}  # fmt: skip


@dataclass
class _Mention:
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


@dataclass
class _Clause:
    start: int
    end: int
    text: str
    mentions: list[_Mention] = field(default_factory=list)
    item: bool = False  # an item of a list of deals ("…, and a partnership with Nvidia …")
    head: str = ""  # the company the listed deals belong to, when the item does not name it


@dataclass
class _Found:
    cand: Candidate
    single_payer: bool = True
    family: str = "spend"


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



# Nouns that end a description put before a company's name ("cloud provider Nscale").
_APPOSITION_HEAD = {
    "provider", "providers", "giant", "startup", "start-up", "rival", "competitor", "operator",
    "maker", "chipmaker", "company", "firm", "developer", "lab", "designer", "group", "partner",
    "specialist", "player", "upstart", "neocloud", "hyperscaler", "unit", "subsidiary",
    "outfit", "leader", "pioneer", "powerhouse", "supplier", "vendor", "builder", "investor",
    "backer", "conglomerate", "owner", "parent", "challenger", "darling", "heavyweight",
    "behemoth", "titan", "newcomer", "business", "corporation", "manufacturer", "miner",
}  # fmt: skip
_APPOSITION_STOP = {
    "and", "or", "but", "that", "which", "who", "is", "are", "was", "were", "has", "have", "had",
    "will", "would", "said", "says", "not", "than", "as", "like", "such", "including",
}  # fmt: skip


# "$670 million in U.K.-based cloud provider Nscale": an amount put into a described company
_INVESTED_IN = re.compile(
    r"\s+(?:in|into)\s+(?:the\s+|a\s+)?(?:(?:[a-z][\w-]*|[A-Z]\.[\w.-]*|[A-Z][a-z]+-\w+)\s+){0,4}?"
    r"(?:" + "|".join(sorted(_APPOSITION_HEAD)) + r")\s+(?P<name>[A-Z][\w.&-]*)"
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
        if w in _APPOSITION_STOP or t.is_punct or t.ent_type_ or t.like_num or "$" in w:
            return ""
    return ""


def _role_rank(role: str, hardware: bool, cloud: bool) -> int:
    """How strongly a company of this role is the *seller* in a spending deal."""
    capacity = {"neocloud": 3, "cloud": 2, "chipmaker": 1}.get(role, 0)
    if hardware and not cloud:  # clouds and labs buy hardware; chipmakers and OEMs sell it
        # ... and between a neocloud and a hyperscaler, the neocloud deploys GPUs for the other
        return 10 * {"chipmaker": 3, "other": 1}.get(role, 0) + capacity
    return capacity


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
        **_: object,
    ) -> None:
        self.gazetteer = gazetteer
        self.min_usd = min_usd
        # The learned second look at company pairs (dealweb.extract.pairs); None = rules only.
        # Off by default: it helped on recaps of many deals and hurt on ordinary articles when
        # scored blind (tests/data/extraction/README.md, batches 39-42).
        self.pair_model = shipped_model() if pair_model == "shipped" else pair_model
        self._roles_known = any(e.role != "other" for e in gazetteer.entries)
        self.nlp = self._build_pipeline(gazetteer)
        self._context: tuple[str, ...] = ()  # the two parties of the previous deal sentence
        self._docs: dict[str, Doc] = {}

    # --- pipeline -----------------------------------------------------------------------------
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

    # --- public -------------------------------------------------------------------------------
    def extract(self, text: str, date: dt.date | None = None) -> list[Candidate]:
        """Candidate deals in ``text`` (one per distinct deal), in order of first mention."""
        found: list[_Found] = []
        self._context = ()
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
                self._ceiling(sent, date, got or last_got, found)
                self._track_raiser(sent, got)
                got = got + self._participants(sent, offset, date, got)
                found.extend(got)
                pair = self._deal_pair(sent)
                if not got and found and self._power_supplement(sent, found, last_got):
                    pair = ()
                if pending is not None:
                    # "The Redmond-based giant signed a $9.7B contract with IREN. The deal gives
                    # Microsoft access to …": the next sentence names the missing party.
                    # Only when it speaks of that deal ("The deal …", "It …"), not of another one
                    # ("The raise follows Lambda's agreement to supply Microsoft").
                    back = self._deal_pair(sent, pending[2]) if _BACK_REFERENCE.match(
                        sent.text) else ()
                    if back:
                        self._context = back
                        found.extend(self._sentence(pending[0], pending[1], date))
                pending = None
                if not got and _single_party_amount(sent):
                    pending = (sent, offset, _single_party_amount(sent))
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
                if got:
                    self._last_pair = (got[-1].cand.payer, got[-1].cand.payee or "")
                    self._last_age = 0
                else:
                    self._last_age += 1
                last_got = got
                for e in _ents(sent):
                    m = self._mention(e, 0)
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
                self._topic = self._sentence_subject(sent) or self._topic
        cands = merge_candidates([f.cand for f in found], [f.single_payer for f in found])
        if isinstance(self.pair_model, PairModel):
            cands += self.pair_candidates(text, date, cands)
        return cands

    def sentences(self, text: str, everything: bool = False) -> list[tuple[int, Span]]:
        """(paragraph offset, sentence) for every sentence the rules read in ``text`` (with
        ``everything``, also paragraphs without an amount or a deal word)."""
        out = []
        for offset, para in _paragraphs(text):
            if everything or _worth_parsing(para):
                out.extend((offset, s) for s in self._parse(para).sents if s.text.strip())
        return out

    def pair_candidates(
        self, text: str, date: dt.date | None, found: list[Candidate]
    ) -> list[Candidate]:
        """Deals the pair model sees between companies the rules paired with nothing.

        Each ordered pair of companies sharing a sentence is scored; the best kind of the
        best-scoring sentence becomes a candidate without an amount when its probability passes
        the model's threshold and the rules found no deal between those two companies (the rules
        are more precise where they speak: they read amounts and the model does not).
        """
        model = self.pair_model
        if not isinstance(model, PairModel):
            return []
        paired = {frozenset((c.payer, c.payee)) for c in found if c.payee}
        rows, where = [], []
        for offset, sent in self.sentences(text, everything=True):
            for pair in sentence_pairs(sent, _ents(sent)):
                if frozenset((pair.first, pair.second)) in paired:
                    continue
                for payer_first in (True, False):
                    rows.append(pair_features(pair, payer_first, self.gazetteer))
                    where.append((pair, payer_first, offset))
        if not rows:
            return []
        probs = model.probabilities(rows)
        none = model.classes.index(NONE)
        best: dict[tuple[str, str], tuple[float, str, int]] = {}
        for i, (pair, payer_first, _) in enumerate(where):
            p = probs[i].copy()
            p[none] = -1.0
            k = int(p.argmax())
            payer, payee = (pair.first, pair.second) if payer_first else (pair.second, pair.first)
            key = (payer, payee)
            if p[k] >= model.threshold and p[k] > best.get(key, (0.0, "", 0))[0]:
                best[key] = (float(p[k]), model.classes[k], i)
        out = []
        for (payer, payee), (prob, kind, i) in best.items():
            if best.get((payee, payer), (0.0,))[0] > prob:
                continue  # one direction per pair: the likelier one
            pair, _, offset = where[i]
            sent = pair.sentence
            quote, qs, qe = _quote(sent.text, sent.start_char + offset)
            out.append(Candidate(
                payer=payer, payee=payee, kind=kind, status=_status(sent.text.lower()),
                date=date, quote=quote, start=qs, end=qe, extractor="rules+pairs",
                notes=(f"pair model p={prob:.2f}; no amount read",),
            ))  # fmt: skip
        return out

    def _sentence_subject(self, sent: Span) -> str:
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
            m = self._mention(e, 0)
            if m.prev in _PREPOSITIONS or m.brand or m.non_party:
                continue
            if m.possessive and e.start - sent.start > 2:
                continue
            return m.cid
        return ""

    def _ceiling(
        self, sent: Span, date: dt.date | None, recent: list[_Found], found: list[_Found]
    ) -> None:
        """Raise the high bound of a deal to the amount it "could expand to".

        "Nebius signed a $17.4 billion agreement with Microsoft. The deal—potentially expanding
        to $19.4 billion with options—…": a base and a ceiling (README: low 17.4, high 19.4).
        The deal is the last sized one of this sentence, else the single one of the sentence
        before when this one names no other company.
        """
        low = sent.text.lower()
        monies = find_money(sent.text, date)
        ceilings = [m for m in monies
                    if _CEILING_LEFT.search(low[: m.start][-70:]) and m.usd_high]  # fmt: skip
        more = [m for m in monies if _option_more(low, m) and m.usd_high]
        if not ceilings and not more:
            return
        sized = [f for f in recent if f.cand.amount_usd_low is not None
                 and f.cand.amount_usd_low == f.cand.amount_usd_high]  # fmt: skip
        named = {m.cid for m in (self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
                 if not (m.non_party or m.brand)}  # fmt: skip
        if not sized or (sized[-1] not in recent[-1:] and len(sized) != 1):
            return
        target = sized[-1]
        if named - {target.cand.payer, target.cand.payee}:
            return
        c = target.cand
        if ceilings:
            top = ceilings[-1]
            high, usd_high = top.high, top.usd_high
        else:  # "… and an option to purchase up to $15 billion more": base plus option
            top = more[-1]
            high = (c.amount_high or 0) + (top.high or 0)
            usd_high = (c.amount_usd_high or 0) + (top.usd_high or 0)
        if top.currency != c.currency or not (c.amount_usd_high or 0) < (usd_high or 0) <= 10 * (
            c.amount_usd_high or 0
        ):
            return
        new = c.with_(amount_high=high, amount_usd_high=usd_high)
        for f in found + recent:
            if f.cand is c:
                f.cand = new

    def _deal_pair(self, sent: Span, known: str | None = None) -> tuple[str, ...]:
        """The two companies of a sentence that speaks of a deal between exactly two companies.

        Brands ("Nvidia GPUs") and non-parties ("Microsoft CEO") do not count. With ``known``,
        the sentence must name one company other than ``known`` outside a possessive ("at
        IREN's facility"), which is then paired with ``known``.
        """
        ents = [e for e in _ents(sent) if e.label_ == "ORG"]
        ms = [self._mention(e, 0) for e in ents]
        # "GPU clusters running Nvidia's Vera Rubin chips": the maker of the product named, not
        # a party of the deal the sentence speaks of.
        made = {m.cid for m, e in zip(ms, ents, strict=True) if m.possessive
                and _MAKER_OF.match(sent.doc[e.end : e.end + 7].text.lower())}  # fmt: skip
        ms = [m for m in ms if not m.non_party and not m.brand and m.cid not in made]
        ids = list(dict.fromkeys(m.cid for m in ms))
        if known is not None:
            plain = {m.cid for m in ms if m.cid != known and not m.possessive}
            ids = [known, *plain] if len(plain) == 1 else []
        if len(ids) == 2 and re.search(
            r"\b(deals?|contracts?|agreements?|pacts?|partnership|signed|inked|struck|"
            r"arrangement|relationship|alliance|collaboration|talks|discussions|negotiat\w+|"
            r"investments?|(?:build|deploy|deliver|suppl|provid)\w*\b[^.;]{0,80}\bfor)\b",
            sent.text.lower(),
        ):  # "Nscale is set to build four new AI data centers for Microsoft"
            return tuple(ids)
        return ()

    def _power_supplement(self, sent: Span, found: list[_Found], last: list[_Found]) -> bool:
        """Attach "The deal could give OpenAI up to 750 megawatts" to the deal just stated.

        A sentence with a power figure, no deal of its own and one company that is a party of
        the single deal found in the sentence before adds its gigawatts to that deal.
        """
        if len(last) != 1 or last[0].cand.gigawatts is not None:
            return False
        ids = {e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"}
        cand = last[0].cand
        low = sent.text.lower()
        powers = [p for p in find_power(sent.text)
                  if not _SITE_POWER_LEFT.search(low[: p.start][-60:])
                  and not _SITE_POWER_RIGHT.search(low[p.end : p.end + 20])]  # fmt: skip
        if len(powers) != 1 or find_money(sent.text) or not ids <= {cand.payer, cand.payee}:
            return False
        low = sent.text.lower()
        if not ids and not re.search(r"\b(deal|agreement|contract|it|pact)\b", low):
            return False
        kind = cand.kind
        if (kind == "hardware_purchase" and _POWER_CONTEXT.search(low)
                and self.gazetteer.role(cand.payee or "") == "chipmaker"):  # fmt: skip
            kind = "compute_capacity"
        new = cand.with_(gigawatts=powers[0].gigawatts, kind=kind)
        for f in found:
            if f.cand is cand:
                f.cand = new
        last[0] = _Found(new, last[0].single_payer, last[0].family)
        return True

    # --- sentence level -----------------------------------------------------------------------
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
                or models or _SHARE_OPTION.search(low)):  # fmt: skip
            return []
        s0 = sent.start_char + offset
        clauses = self._clauses(sent, offset)
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
        dist = self._distribution(sent, s0, status, date)
        out.extend(f for f in dist if all(f.cand.key != o.cand.key for o in out))
        if all(f.cand.kind != "warrant" for f in out):
            out.extend(self._warrant(sent, s0, status, date) or self._share_option(
                sent, s0, status, date))  # fmt: skip
        return out

    def _clauses(self, sent: Span, offset: int) -> list[_Clause]:
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
                    find_money(after) or find_power(after)
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
                    c.mentions.append(self._mention(ent, offset))
            clauses.append(c)
        return clauses

    def _mention(self, ent: Span, offset: int) -> _Mention:
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
        if not possessive and prev not in {"on", "from", "for"}:
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

    # --- clause level -------------------------------------------------------------------------
    def _clause(
        self,
        clause: _Clause,
        sent: Span,
        s0: int,
        status: str,
        date: dt.date | None,
        prev: _Found | None,
    ) -> list[_Found]:
        low = clause.text.lower()
        if not _DEAL_WORD.search(low) and prev is None:
            return []
        base = clause.start
        monies = [m for m in find_money(clause.text, date) if self._is_deal_amount(m, low)]
        powers = [p for p in find_power(clause.text) if p.gigawatts >= 0.05]
        powers = [p for p in powers if not _NON_DEAL_LEFT.search(low[: p.start][-80:])
                  and not _SITE_POWER_LEFT.search(low[: p.start][-60:])
                  and not _SITE_POWER_RIGHT.search(low[p.end : p.end + 20])]  # fmt: skip
        if not monies and not powers:
            vague = _VAGUE_AMOUNT.search(low) or _UNITS.search(low)
            if vague is None or not re.search(
                r"\b(deals?|agreements?|contracts?|partnership|pacts?|investment|deploy\w*|"
                r"order\w*|purchas\w*|buy\w*|stake)\b",
                low,
            ):
                return []
            # "a multibillion-dollar partnership with Microsoft": a deal whose size is not given
            unit = "UNITS" if _UNITS.fullmatch(vague.group(0)) else "USD"
            said = clause.text[vague.start() : vague.end()]
            monies = [Money(vague.start(), vague.end(), said, unit, None, None, False, None, None)]
        orgs = [m for m in clause.mentions if m.label == "ORG" and not m.non_party]
        parties = _dedupe([m for m in orgs if not m.brand])
        if clause.head and (not parties or parties[0].prev in _PREPOSITIONS):
            # "…, and a partnership with Nvidia involving up to $100 billion": the item's deal
            # is the list head's, with the company the item names; "…, who plans to spend $40
            # billion on Nvidia chips": the relative clause's deal is its antecedent's.
            head = _Mention(clause.head, "ORG", base, base, 0, 0)
            parties, orgs = [head, *parties], [head, *orgs]
        fixed: tuple[str, str] | None = None
        if len(parties) < 2:
            parties = self._with_described(parties, clause, sent, s0 - sent.start_char)
        elif all(p.prev in _PREPOSITIONS for p in parties) and _DESCRIPTOR.search(
            low, 0, max(0, parties[0].start - base)
        ):
            # "The startup has …, securing $14 billion in a partnership with Microsoft and
            # collaborating with OpenAI": the described subject, not the companies after "with".
            lead = self._with_described([], clause, sent, s0 - sent.start_char)[:1]
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
        if not parties:
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
                return []
            # "Nscale … agreement with Microsoft … The deal, reportedly valued at $14 billion":
            # both parties come from the sentence before.
            a, b = context
            if context == self._last_pair:
                fixed = (a, b)  # the deal just reported, so its payer and payee, in that order
            parties = [
                _Mention(a, "ORG", base, base, 0, 0),
                _Mention(b, "ORG", 1 << 60, 1 << 60, 0, 0),
            ]
        quote, quote_start, quote_end = _quote(sent.text, s0)
        anchors: list[Money | Power] = list(monies) if monies else list(powers)
        own_from: dict[int, int] = {}  # a coordinated power deal's cue is read after the money
        if monies and powers:
            # "a $300 billion contract with Oracle and a deal with AMD requiring six gigawatts":
            # a power figure past every amount, with its own counterparty named in between, is
            # a second deal, not the size of the first.
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
            anchors += own
            powers = [p for p in powers if p not in own]
        if "respectively" in low and len(monies) >= 2:
            payers = _subject_group(parties, clause, sent)
            if len(payers) == len(monies):
                return self._respectively(payers, parties, monies, powers, clause, quote,
                                          quote_start, quote_end, status, date)  # fmt: skip
        results: list[_Found] = []
        for anchor in anchors:
            cut = own_from.get(id(anchor), 0)
            family = _family(low[cut:], anchor.start - cut, anchor.end - cut)
            if family is None and prev is not None:
                family = prev.family
            family = family or "spend"
            if isinstance(anchor, Power) and family == "equity":
                continue  # gigawatts never size a stake ("the 10GW project … total investment")
            invested_in = _INVESTED_IN.match(clause.text, anchor.end)
            if isinstance(anchor, Money) and invested_in:
                # "$670 million in U.K.-based cloud provider Nscale": money put into a company
                # named after its description is a stake; one whose name is not a known company
                # ("$500 million in the self-driving startup Wayve") is not a deal here.
                at = base + invested_in.start("name")
                if not any(m.start == at and m.label == "ORG" for m in clause.mentions):
                    continue
                family = "equity"
            pair = (
                (*fixed, True) if fixed
                else self._parties(family, parties, clause, anchor, base, prev, anchors)
            )
            if pair is None:
                continue
            payer, payee, single = pair
            kind = self._kind(family, payee, low, anchor)
            cand = self._candidate(payer, payee, kind, anchor, monies, powers, status, date,
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
                    for cid in (a.cid, b.cid):
                        share = _without_amount(cand).with_(payer=cid, payee=investee)
                        results.append(_Found(share, single_payer=False, family=family))
                    continue
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
                for m in group:
                    share = _without_amount(cand).with_(payer=m.cid)
                    results.append(_Found(share, single_payer=False, family=family))
                continue
            results.append(_Found(cand, single_payer=single, family=family))
        return results

    def _track_raiser(self, sent: Span, got: list[_Found]) -> None:
        """Remember which company is raising money, for the investor lists that follow."""
        cid, age = self._raiser
        low = sent.text.lower()
        equity = [f.cand.payee for f in got if f.cand.kind == "equity_investment" and f.cand.payee]
        named = [m for m in (self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
                 if not (m.brand or m.non_party) and m.prev not in _PREPOSITIONS]  # fmt: skip
        if equity:
            self._raiser = (equity[-1], 0)
        elif _ROUND_CUE.search(low) and (verbs := list(re.finditer(
            r"\b(rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|clos(?:e|es|ed|ing)|land\w*|"
            r"increased its funding|seek\w*)\b", low
        ))):  # fmt: skip
            # The raiser is the company named last before the last such verb ("Google is adding
            # to its stake in Anthropic, as the firm is seeking a round"; "xAI raised …", not
            # "… raised the funds from investors, MGX").
            before = [m for m in named if m.end - sent.start_char <= verbs[-1].start()]
            self._raiser = (before[-1].cid, 0) if before else (cid, 0 if cid else 99)
        else:
            self._raiser = (cid, age + 1)

    def _participants(
        self, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
    ) -> list[_Found]:
        """Investors listed for the round just reported, as deals without an amount.

        "Aker led the round. It was joined by Nvidia, Dell and Nokia": each listed company that
        is not the one raising invests in it; their shares are not stated.
        """
        low = sent.text.lower()
        stake = self._stated_investor(sent, offset, date, got) or self._stakes_without_amount(
            sent, offset, date, got
        )
        if stake:
            return stake
        raiser, age = self._raiser
        if not _PARTICIPANT_CUE.search(low):
            return []
        if not raiser or age > 5:
            # "Nscale … Bold words for a company founded in 2024, but with $1.7 billion already
            # raised from Aker, Nokia, Nvidia, and others": the company talked about raises.
            listed = {e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"}
            earlier = [c for c in self._seen if c not in listed]
            if not (re.search(r"\b(raised|backing)\b", low) and earlier):
                return []
            # labs and neoclouds raise; hyperscalers and chipmakers named nearby rarely do
            raising = [c for c in earlier if not self._roles_known
                       or self.gazetteer.role(c) in {"ai_lab", "neocloud"}]  # fmt: skip
            raiser = (raising or earlier)[-1]
        payers = {f.cand.payer for f in got}
        s0 = sent.start_char + offset
        quote, qs, qe = _quote(sent.text, s0)
        status = _status(low)
        out: list[_Found] = []
        for e in _ents(sent):
            if e.label_ != "ORG" or e.ent_id_ in payers or e.ent_id_ == raiser:
                continue
            m = self._mention(e, 0)
            nxt = sent.doc[e.end].lower_ if e.end < len(sent.doc) else ""
            if m.brand or nxt in _NON_PARTY_AFTER or m.prev in _NOT_LISTED:
                continue
            payers.add(e.ent_id_)
            cand = Candidate(payer=e.ent_id_, payee=raiser, kind="equity_investment",
                             status=status, date=date, quote=quote, start=qs, end=qe)  # fmt: skip
            out.append(_Found(cand, single_payer=False, family="equity"))
        return out

    def _stated_investor(
        self, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
    ) -> list[_Found]:
        """ "X is also an investor in Y" / "X is among Y's investors": X→Y without an amount."""
        low = sent.text.lower()
        hit = _INVESTOR_OF.search(low) or _INVESTOR_APPOSITION.search(low)
        if hit is None:
            return []
        ms = [self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG"]
        ms = [m for m in ms if not m.brand]
        investors = [m for m in ms if m.end - sent.start_char <= hit.start() and not m.possessive]
        if not investors:
            return []
        investor = investors[-1].cid
        inside = [m for m in ms if hit.start() <= m.start - sent.start_char < hit.end()
                  and m.possessive]  # fmt: skip
        after = [m for m in ms if m.start - sent.start_char == hit.end()]
        if inside or after:
            investee = (inside or after)[0].cid
        elif _DESCRIPTOR.match(low, hit.end()):
            fits = [c for c in self._seen if c != investor]
            investee = self._raiser[0] if self._raiser[0] not in ("", investor) else (
                fits[-1] if fits else "")  # fmt: skip
        else:
            return []
        if not investee or investee == investor or any(
            (f.cand.payer, f.cand.payee) == (investor, investee) for f in got
        ):
            return []
        quote, qs, qe = _quote(sent.text, sent.start_char + offset)
        cand = Candidate(payer=investor, payee=investee, kind="equity_investment",
                         status=_status(low), date=date, quote=quote, start=qs, end=qe)  # fmt: skip
        return [_Found(cand, single_payer=True, family="equity")]

    def _stakes_without_amount(
        self, sent: Span, offset: int, date: dt.date | None, got: list[_Found]
    ) -> list[_Found]:
        """Stakes stated without a figure: "Nvidia has invested in OpenAI and in CoreWeave",
        "Nvidia also holds smaller stakes in Arm, Nebius Group and Recursion", "took a minority
        position in Intel". Each known company after the verb gets a deal without an amount;
        the investor is the company named before it, or the one "the company" refers to."""
        low = sent.text.lower()
        if got or re.search(r"[$€£]|\d\s*(?:bn|billion|million)\b", low):
            return []
        hit = _STAKE_WITHOUT_AMOUNT.search(low)
        if hit is None:
            return []
        ms = [self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG"]
        ms = [m for m in ms if not (m.brand or m.non_party)]
        rel = [(m, m.start - sent.start_char) for m in ms]
        before = [m for m, at in rel if at < hit.start() and m.prev not in _PREPOSITIONS
                  and not m.possessive]  # fmt: skip
        if before:
            investor = before[-1].cid
        elif _DESCRIPTOR.search(low, 0, hit.start()) and self._topic:
            investor = self._topic  # "the chipmaker has invested in …"
        else:
            return []
        end = re.search(r"[;.]|\b(?:while|but|whereas|although)\b", low[hit.end() :])
        stop = hit.end() + (end.start() if end else len(low))
        investees = list(dict.fromkeys(
            m.cid for m, at in rel if hit.end() <= at < stop and m.cid != investor
        ))  # fmt: skip
        quote, qs, qe = _quote(sent.text, sent.start_char + offset)
        status = _status(low)
        return [
            _Found(Candidate(payer=investor, payee=c, kind="equity_investment", status=status,
                             date=date, quote=quote, start=qs, end=qe),  # fmt: skip
                   single_payer=True, family="equity")
            for c in investees
        ]

    def _with_described(
        self, parties: list[_Mention], clause: _Clause, sent: Span, offset: int
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
        here = [self._mention(e, offset) for e in _ents(sent) if e.label_ == "ORG"]
        for rel_start, rel_end, owner, roles in sorted(refs):
            if len(parties) >= 2:
                break
            start = clause.start + rel_start
            if any(m.start <= start < m.end for m in clause.mentions):
                continue
            if owner is None:
                named_here = [m.cid for m in here if m.end <= start
                              and not (m.brand or m.non_party)]  # fmt: skip
                earlier = self._seen + named_here
                fits = [c for c in earlier if c not in taken
                        and (roles is None or not self._roles_known
                             or self.gazetteer.role(c) in roles)]  # fmt: skip
                if not fits:
                    continue
                owner = fits[-1]
                topic = self._topic
                if not named_here and topic and topic in fits:
                    owner = topic  # the subject of the sentence before, not its object
            if owner in taken:
                continue
            words = low[:rel_start].split()
            prev = words[-1] if words else ""
            parties.append(_Mention(owner, "ORG", start, clause.start + rel_end, 0, 0, prev=prev))
            taken.add(owner)
        return sorted(parties, key=lambda m: m.start)

    def _is_deal_amount(self, m: Money, clause_low: str) -> bool:
        if m.usd_max < self.min_usd:
            return False
        left = clause_low[: m.start][-80:]
        if m.hedge and m.hedge in {"estimated", "an estimated"} and not re.search(
            r"\b(?:worth|valued at)\s*$", left
        ):  # "an estimated $40 billion in capex" is not a deal; "worth an estimated $20B" is
            return False
        if _AGGREGATE_LEFT.search(left) and not _DEAL_VALUE_OF.search(left):
            return False
        if re.search(r"\bvaluing\b[^$€£;]{0,40}$", left):
            return False  # "valuing the AI firm at approximately $60 billion"
        holding = _HOLDING_LEFT.search(left)
        if holding and _STAKE_NEAR.search(left[holding.start() :] + clause_low[m.end : m.end + 25]):
            return False  # "would hold a stake of about $135 billion": a holding's value
        if _NEW_LEVEL_LEFT.search(left[-90:]) and not m.hedge:
            return False
        if _CEILING_LEFT.search(left[-70:]) or _option_more(clause_low, m):
            return False  # "the figure rising to as much as $40 billion": read by _ceiling
        if _BACKLOG_RIGHT.match(clause_low[m.end : m.end + 80]):
            return False  # "$600 billion in cloud commitments on its balance sheet"
        hit = _NON_DEAL_LEFT.search(left)
        if (
            hit
            and hit.group(1) in {"first", "initial"}
            and re.search(r"\b(?:its|their|his|her)\s+(?:first|initial)\s*$", left)
            and re.match(r"\s*(?:investment|deal|contract|agreement|stake)", clause_low[m.end :])
        ):
            hit = None  # "its first $1 billion investment in OpenAI": a deal, not a tranche
        if hit and hit.group(1).startswith("value") and _DEAL_VALUE_OF.search(left):
            hit = None
        if hit and _LEADING_VALUED.search(left) and _DEAL_AFTER_VALUE.match(clause_low[m.end :]):
            hit = None  # "Valued at over $10 billion, the deal …": the deal's size, put first
        if hit and not (
            re.match(r"valu|worth|estimat", hit.group(1))
            and _DEAL_VALUED.search(left[-90:])
            and (not _COMPANY_VALUED.search(left[-40:]) or _DEAL_WITH_VALUED.search(left))
        ):
            return False
        return not _NON_DEAL_RIGHT.search(clause_low[m.end : m.end + 40])

    def _parties(
        self,
        family: str,
        parties: list[_Mention],
        clause: _Clause,
        anchor: Money | Power,
        base: int,
        prev: _Found | None,
        anchors: list[Money | Power] | None = None,
    ) -> tuple[str, str, bool] | None:
        subject_group = lead_group = _subject_group(parties, clause, None)
        anchor_abs = base + anchor.start
        low_clause = clause.text.lower()
        subject = parties[0]
        governing = {"in", "into", "to", "with", "from", "on", "for"}
        if (
            family == "equity"
            and all(p.prev in {"from", "by"} for p in parties)
            and self._last_age <= 2
            and self._last_pair[1]
        ):
            # "The investment—$10 billion from Nvidia and $5 billion from Microsoft—…": the
            # investors are named, the investee is the one of the deal just reported.
            mine = [p for p in parties if p.start >= anchor_abs]
            if mine and mine[0].cid != self._last_pair[1]:
                return mine[0].cid, self._last_pair[1], True
        if family == "equity":
            # "… flowing into Anthropic: $10 billion from chipmaking giant Nvidia and $5 billion
            # from Microsoft": the company the amount comes from invests it.
            source = [m for m in parties if m.prev == "from" and m.start > anchor_abs
                      and re.fullmatch(r"\s*(?:in [\w\s-]{0,30}?)?from\s+[^$€£,;:]{0,40}",
                                       low_clause[anchor.end : m.start - base])]  # fmt: skip
            if source:
                targets = [p for p in parties
                           if p.prev in {"in", "into"} and p.cid != source[0].cid]  # fmt: skip
                if targets:
                    return source[0].cid, targets[0].cid, True
        if family == "spend":
            # every mention, not only each party's first: "… deal with Meta …, a massive
            # commitment from Meta"
            for m in [x for x in clause.mentions if x.label == "ORG" and not x.non_party]:
                # "an order worth $6.3 billion from Nvidia": the one the order comes from buys.
                if m.prev == "from" and _ORDER_BEFORE.search(low_clause[: max(0, m.start - base)]):
                    sellers = [p for p in parties if p.cid != m.cid]
                    if sellers:
                        return m.cid, sellers[0].cid, True
        possessive_owner = any(
            m.label == "ORG" and m.possessive and 0 <= anchor_abs - m.end <= 20
            for m in clause.mentions
        )
        if subject.prev in governing and not possessive_owner:
            # "… stakes, including a $5 billion investment in Intel": Intel is not the investor;
            # the investor is unnamed here ("the company").
            free = [p for p in parties if p.prev not in governing and p.start < anchor_abs]
            if not free and not self._context:
                return None
            if free:
                subject = free[0]
        # "OpenAI's reported $300 billion contract with Oracle" (owner of the amount), and
        # "Microsoft is investing $5 billion and Nvidia $10 billion" (gapped verb): the company
        # right before the amount is its subject, not the clause's first company.
        owner = [
            m for m in clause.mentions
            if m.label == "ORG" and not m.non_party and (
                (m.possessive and 0 <= anchor_abs - m.end <= 20)
                or (0 <= anchor_abs - m.end <= 2 and m.prev not in _PREPOSITIONS)
                # "…, with Amazon investing some $8 billion in the company"
                or (0 <= anchor_abs - m.end <= 40 and m.prev == "with" and re.fullmatch(
                    r"\s+(?:invest|contribut|putt|committ|pledg|pay|spend|add|buy|pour)ing\s+"
                    r"(?:(?:some|about|around|nearly|more than|over|up to)\s+)?",
                    clause.text[m.end - base : anchor.start].lower()))
                or (0 <= anchor_abs - m.end <= 12 and m is not parties[0]
                    and re.fullmatch(r"\s*(?:up to|as much as|about|nearly)\s*",
                                     clause.text[m.end - base : anchor.start]))
            )
        ]  # fmt: skip
        # "investments from NVIDIA (up to $10 billion) and Microsoft (up to $5 billion)": the
        # amount in brackets right after a company is that company's.
        bracketed = [
            m for m in clause.mentions
            if m.label == "ORG" and not m.non_party and 0 <= anchor_abs - m.end <= 14
            and re.fullmatch(r"\s*\(\s*(?:up to|as much as|about|nearly|some)?\s*",
                             clause.text[m.end - base : anchor.start].lower())
        ]  # fmt: skip
        if bracketed and family == "equity" and bracketed[-1].prev in {"from", "and", ","}:
            investor = bracketed[-1]
            targets = [p for p in parties if p.cid != investor.cid and p.prev != "from"
                       and not (p.prev == "and" and p.start > investor.start)]  # fmt: skip
            if targets:
                return investor.cid, targets[0].cid, True
        if owner:
            subject = owner[-1]
            subject_group = [subject]
        elif relative := [
            m for m in clause.mentions
            if m.label == "ORG" and not m.non_party and m.end <= anchor_abs
            and re.match(r"\s*,\s*(?:which|that|who)\b", clause.text[m.end - base :])
        ]:  # fmt: skip
            # "… closer to Microsoft, which has poured over $13 billion into OpenAI"
            subject = relative[-1]
            subject_group = [subject]
        elif len(lead_group) <= 1 and (
            closest := [
                m for m in clause.mentions
                if m.label == "ORG" and not (m.non_party or m.brand or m.possessive)
                and m.prev in _CLAUSE_OPENERS and m.end <= anchor_abs
                and m.start > subject.start
            ]
        ):  # fmt: skip
            # "Shares of CoreWeave popped after Nvidia announced it has invested $2 billion":
            # the company named last before the amount is the subject of its verb.
            subject = closest[-1]
            subject_group = [subject]
        elif _REPORTING.match(clause.text[subject.end - base :]):
            # "CoreWeave said Nvidia is obligated to purchase …": the reported clause's subject
            reported = [p for p in parties[1:] if p.start < anchor_abs
                        and p.prev not in _PREPOSITIONS]  # fmt: skip
            if reported:
                subject = reported[0]
                subject_group = [subject]
        others = [p for p in parties if p.cid != subject.cid]
        if family == "equity" and anchors and len(anchors) > 1:
            # "Nvidia will invest up to $10 billion and Microsoft up to $5 billion": Microsoft is
            # the subject of the other amount, not this one's investee.
            gapped = {
                m.cid for m in clause.mentions for a in anchors
                if a is not anchor and 0 <= base + a.start - m.end <= 12
                and m.prev not in _PREPOSITIONS and not m.possessive
            }  # fmt: skip
            gapped |= {m.cid for m in lead_group if m.cid != subject.cid}
            others = [p for p in others if p.cid not in gapped] or others
        # A company after a later amount belongs to that amount ("$20 billion, including up
        # to $2 billion from Nvidia": Nvidia is not the source of the $20 billion).
        later = [base + a.start for a in (anchors or []) if a.start > anchor.start]
        if later and all(m.start > later[0] for m in others if m.prev in {"from", "by"}):
            others = [p for p in others if not (p.prev in {"from", "by"} and p.start > later[0])]
        if len(others) > 1:
            # "… up to one gigawatt of compute using Nvidia's Grace Blackwell systems": the
            # maker of the hardware a power figure is built with sells it.
            maker = [
                p for p in others
                if isinstance(anchor, Power) and p.possessive and p.start > base + anchor.end
                and re.match(r"(?:'s|’s)\s+(?:[\w-]+\s+){0,6}?(?:systems|" + _PRODUCT_NOUN.pattern
                             + r")\b", low_clause[p.end - base :])
                and not re.search(r"[$€£]", low_clause[anchor.end : p.start - base])
            ]  # fmt: skip
            plain = [p for p in others if not p.possessive]
            others = maker or plain or others
        low = clause.text.lower()
        if not others:
            if prev is not None and prev.cand.payee and prev.cand.payee != subject.cid:
                # "…, while Nvidia is committing up to $10 billion": the parallel clause's payee
                return subject.cid, prev.cand.payee, True
            if self._context and subject.cid in self._context:
                # "OpenAI signed a contract with Oracle. The creator of ChatGPT is buying … $300
                # billion": the counterpart named in the sentence just before.
                other_id = next(c for c in self._context if c != subject.cid)
                others = [_Mention(other_id, "ORG", 1 << 60, 1 << 60, 0, 0)]
            elif self._last_age <= 1 and self._last_pair[0] not in ("", subject.cid):
                # "- It will spend $30 billion on Azure, - And contract up to 1 gigawatt … using
                # Nvidia's systems": the same buyer goes on listing its commitments.
                others = [_Mention(self._last_pair[0], "ORG", -1, -1, 0, 0)]
            else:
                return None
        # Counterparts of this amount come first from its own stretch of text, up to the next
        # amount ("$100bn in OpenAI and … $5bn investment in Intel"), then after it, then before.
        nxt = min(later) if later else 1 << 62

        def place(m: _Mention) -> tuple[int, int]:
            if anchor_abs <= m.start < nxt:
                return (0, m.start)
            if 0 <= anchor_abs - m.end <= 40 and _SIZE_LINK.fullmatch(
                clause.text[m.end - base : anchor.start].lower()
            ):
                return (0, m.start)  # "an agreement with Meta worth over $10 billion"
            return (1, m.start) if m.start >= nxt else (2, m.start)

        others.sort(key=place)
        own = [p for p in others if place(p)[0] == 0]
        listed = any(
            re.fullmatch(r"\s*(?:,|and|, and|&)\s*", clause.text[a.end - base : b.start - base])
            for a, b in zip(own, own[1:], strict=False)
        )
        if len(others) >= 3 and (listed or not own):
            return None  # a list of counterparties: an aggregate, not one deal
        by_prep: dict[str, _Mention] = {}
        for p in others:
            by_prep.setdefault(p.prev, p)
        other_ids = {p.cid for p in others}
        for m in sorted(clause.mentions, key=place):  # later mentions: "… investment in Intel"
            if m.label == "ORG" and m.cid in other_ids and not m.non_party:
                by_prep.setdefault(m.prev, m)
        single = len(subject_group) <= 1
        ahead = low[max(0, subject.end - base) : max(0, anchor.start)]  # subject → amount
        if family == "equity":
            for m in others:
                # "$350 million worth of CoreWeave stock": whose stock it is, is the investee.
                if 0 <= m.start - (base + anchor.end) <= 30 and re.match(
                    r"\s*(?:'s\s+|’s\s+)?(?:[\w.]+\s+){0,2}(?:stock|shares|equity)\b",
                    low_clause[m.end - base :],
                ):
                    return subject.cid, m.cid, single
                # "receiving $350 million worth of shares on CoreWeave": the shares' issuer
                if 0 <= m.start - (base + anchor.end) <= 40 and re.search(
                    r"\b(?:stock|shares|equity|stake)\s+(?:in|on|of)\s+$",
                    low_clause[anchor.end : m.start - base],
                ):
                    return subject.cid, m.cid, single
            if "in" in by_prep or "into" in by_prep:
                # the one in this amount's own stretch ("$5 billion into Intel, … $670 million
                # in Nscale")
                payee = min((by_prep[k] for k in ("in", "into") if k in by_prep), key=place)
                return subject.cid, payee.cid, single
            to = by_prep.get("to")
            if to is not None and to.start > anchor_abs and place(to)[0] == 0:
                return subject.cid, to.cid, single  # "committed up to $15 billion to Anthropic"
            for prep in ("from", "by"):
                if prep in by_prep:
                    return by_prep[prep].cid, subject.cid, single
            between = [p for p in others if subject.end <= p.start < anchor_abs]
            other = between[0] if between else _nearest_after(others, anchor_abs)
            if len(lead_group) > 1 and any(m.cid == other.cid for m in lead_group):
                return None  # "OpenAI, SoftBank and Oracle plan to invest $500B": in what?
            if _RAISE_VERB.search(low[: max(0, anchor.start)]):
                return other.cid, subject.cid, single
            if self._roles_known and not _EQUITY_VERB.search(ahead):
                # No verb or preposition says who invests: investors and hyperscalers back
                # labs and neoclouds, rarely the other way round.
                rs = _INVESTOR_RANK.get(self.gazetteer.role(subject.cid), 2)
                ro = _INVESTOR_RANK.get(self.gazetteer.role(other.cid), 2)
                if ro > rs:
                    return other.cid, subject.cid, single
            return subject.cid, other.cid, single
        # spending deals: who sells?
        if len(subject_group) > 2 and all(any(m.cid == o.cid for m in subject_group)
                                          for o in others):  # fmt: skip
            return None  # a consortium: no single counterparty
        if "from" in by_prep and anchor_abs < by_prep["from"].start < nxt:
            # (only in this amount's own stretch: "a $30 billion purchase of Azure capacity
            # and … a $15 billion infusion of capital from Microsoft")
            seller = by_prep["from"]
            before = low[: max(0, seller.start - base)]
            if re.search(r"\b(won|wins|land\w*|secur\w+|receiv\w+|got|gets|obtain\w*)\b", before):
                return seller.cid, subject.cid, single  # "won a contract from Meta"
            return subject.cid, seller.cid, single
        lessor = by_prep.get("from")
        if (
            lessor is not None and lessor.cid != subject.cid and subject.prev not in governing
            and re.search(r"\b(?:leas|rent)\w*\b[^.;]{0,80}$", low[: max(0, lessor.start - base)])
        ):  # fmt: skip
            return subject.cid, lessor.cid, single  # "agreed to lease 10,000 servers … from Lambda"
        other = by_prep.get("with") or by_prep.get("to") or _nearest_after(others, anchor_abs)
        if (
            other.prev == "with" and subject.prev not in governing
            and re.match(r"\W*to\s+(?:leas|rent)\w*\b", low[max(0, other.end - base) :])
        ):  # fmt: skip
            return subject.cid, other.cid, single  # "an agreement with Lambda to lease servers"
        if (
            other.prev == "with" and subject.prev not in governing and other.start > subject.end
            and _DEAL_WITH_FOR.match(low[max(0, other.end - base) :])
            and re.search(r"\b(?:deals?|agreements?|contracts?|partnership|pacts?)\s+with\s+$",
                          low[: max(0, other.start - base)])
            and not _SELLER_VERB.search(low[max(0, subject.end - base) : other.start - base])
        ):  # fmt: skip
            # "Meta signs a deal with Nebius for AI hardware": what the deal is "for" is what
            # the subject gets from the company it is signed with.
            return subject.cid, other.cid, single
        if other.start < anchor_abs:  # "… with Nebius to provide …": the infinitive is ambiguous
            ahead = low[max(0, subject.end - base) : max(0, other.start - base)]
        # A verb after "a contract with OpenAI to supply …" is not OpenAI's: skip it then.
        if subject.prev not in governing and _SELLER_VERB.search(ahead):
            return other.cid, subject.cid, single  # "Nebius will provide … capacity to …"
        if subject.prev not in governing and _BUYER_VERB.search(ahead):
            return subject.cid, other.cid, single  # "Oracle plans to spend $40B on Nvidia …"
        hardware = bool(_HARDWARE_WORDS.search(low))
        # "deploy 50,000 AMD GPUs": units of hardware are bought from whoever makes them
        cloud = bool(_CLOUD_WORDS.search(low)) and getattr(anchor, "currency", "") != "UNITS"
        if self._roles_known:
            rs = _role_rank(self.gazetteer.role(subject.cid), hardware, cloud)
            ro = _role_rank(self.gazetteer.role(other.cid), hardware, cloud)
            if rs != ro:
                return (other.cid, subject.cid, single) if rs > ro else (
                    subject.cid, other.cid, single)  # fmt: skip
        # "IREN signed a contract with Microsoft to provide …": the subject supplies.
        if _SELLER_VERB.search(low) and not _BUYER_VERB.search(low):
            return other.cid, subject.cid, single
        return subject.cid, other.cid, single

    def _kind(self, family: str, payee: str, low: str, anchor: Money | Power) -> str:
        if family == "equity":
            return "equity_investment"
        if family in {"warrant", "acquisition", "loan"}:
            return family
        role = self.gazetteer.role(payee)
        hardware = bool(_HARDWARE_WORDS.search(low))
        cloud = bool(_CLOUD_WORDS.search(low))
        if _LICENCE_CUE.search(low) and not re.search(r"\b(buy\w*|bought|purchas\w*)\b", low):
            return "other"
        power = isinstance(anchor, Power) or bool(find_power(low))
        # "10 gigawatts of custom AI accelerators" is hardware even when called computing power
        # ("a chip supply agreement" names chips; "AI chip startup Cerebras" describes a seller)
        chips = re.search(
            r"\b(accelerators?|chips|chip (?:supply|purchase|order|sales?)|gpus?|processors|"
            r"tpus?)\b",
            low,
        )
        if power and _POWER_CONTEXT.search(low) and role == "chipmaker" and not chips:
            # "$10 billion … to secure 750 megawatts of computing power" from a chipmaker
            return "compute_capacity"
        if role == "chipmaker":
            return "hardware_purchase"
        if role in {"cloud", "neocloud"}:
            return "cloud_commitment"
        if hardware and not cloud:
            return "hardware_purchase"
        return "cloud_commitment" if cloud else "other"

    def _candidate(
        self,
        payer: str,
        payee: str | None,
        kind: str,
        anchor: Money | Power,
        monies: list[Money],
        powers: list[Power],
        status: str,
        date: dt.date | None,
        quote: str,
        qs: int,
        qe: int,
    ) -> Candidate | None:
        if payee is not None and payee == payer:
            return None
        money = anchor if isinstance(anchor, Money) else None
        power = anchor if isinstance(anchor, Power) else (powers[0] if powers else None)
        up_to = bool((money and money.up_to) or (money is None and power and power.up_to))
        return Candidate(
            payer=payer,
            payee=payee,
            kind=kind,
            status=status,
            currency=money.currency if money and (money.low, money.high) != (None, None) else None,
            amount_low=money.low if money else None,
            amount_high=money.high if money else None,
            amount_usd_low=money.usd_low if money else None,
            amount_usd_high=money.usd_high if money else None,
            up_to=up_to,
            amount_stated=(money.text if money else power.text if power else None),
            gigawatts=power.gigawatts if power else None,
            date=date,
            quote=quote,
            start=qs,
            end=qe,
        )

    def _respectively(
        self,
        payers: list[_Mention],
        parties: list[_Mention],
        monies: list[Money],
        powers: list[Power],
        clause: _Clause,
        quote: str,
        qs: int,
        qe: int,
        status: str,
        date: dt.date | None,
    ) -> list[_Found]:
        payer_ids = {p.cid for p in payers}
        rest = [p for p in parties if p.cid not in payer_ids]
        if not rest:
            return []
        low = clause.text.lower()
        family = _family(low, monies[0].start, monies[-1].end) or "spend"
        payee = next((p for p in rest if p.prev in {"in", "into", "with", "from"}), rest[0])
        out = []
        for payer, money in zip(payers, monies, strict=True):
            kind = self._kind(family, payee.cid, low, money)
            cand = self._candidate(payer.cid, payee.cid, kind, money, monies, [], status, date,
                                   quote, qs, qe)  # fmt: skip
            if cand:
                out.append(_Found(cand, single_payer=True, family=family))
        return out

    # --- deals without an amount ------------------------------------------------------------
    def _distribution(self, sent: Span, s0: int, status: str, date: dt.date | None) -> list[_Found]:
        low = sent.text.lower()
        if not _DISTRIBUTION_CUE.search(low):
            return []
        products = [e for e in _ents(sent) if e.label_ == "PRODUCT"
                    and sent.doc[e.start - 1].lower_ not in _NOT_LISTED | {"as"}]  # fmt: skip
        orgs = [self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG"]
        models = [m for m in orgs if m.possessive and _MODELS_OF.match(
            sent.doc[m.tok_end : m.tok_end + 5].text.lower())]  # fmt: skip
        if not products and not models:
            return []  # "models like ChatGPT": an example, not the product distributed
        # "making Mistral's AI models available on Azure": the owner of the models named
        owner = products[0].ent_id_ if products else models[0].cid
        platforms = [
            m for m in _dedupe([o for o in orgs if not o.non_party])
            if m.cid != owner
            and (not self._roles_known or self.gazetteer.role(m.cid) in {"cloud", "neocloud"})
        ]  # fmt: skip
        if len(platforms) != 1:
            return []
        quote, qs, qe = _quote(sent.text, s0)
        cand = Candidate(
            payer=owner,
            payee=platforms[0].cid,
            kind="distribution",
            status=status,
            date=date,
            quote=quote,
            start=qs,
            end=qe,
        )
        return [_Found(cand, family="distribution")]

    def _share_option(
        self, sent: Span, s0: int, status: str, date: dt.date | None
    ) -> list[_Found]:
        """A warrant stated without the word (README, "Deal kinds"), issuer → holder.

        "OpenAI may acquire up to 160 million AMD shares", "… potentially involving up to 160
        million AMD shares", "an option to acquire a stake in the chipmaker": the company whose
        shares they are (named before "shares", after "stake in", or described, "the
        chipmaker") issues; the other company named before the option holds it. No amount.
        """
        low = sent.text.lower()
        cue = _SHARE_OPTION.search(low)
        if cue is None:
            return []
        base = sent.start_char
        ms = [m for m in (self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
              if not m.non_party or m.brand]  # fmt: skip
        issuer: str | None = None
        for m in ms:  # "160 million AMD shares", "stake in AMD"
            if cue.start() <= m.start - base and (
                re.match(r"\s*(?:'s|’s)?\s*(?:common\s+)?(?:shares|stock)\b", low[m.end - base:])
                or re.search(r"\b(?:stake|ownership|equity|shares) (?:in|of) $",
                             low[cue.start() : m.start - base])
            ):  # fmt: skip
                issuer = m.cid
                break
        if issuer is None:
            d = _DESCRIPTOR.match(low, cue.end() + 1)
            roles = _DESCRIPTOR_ROLES.get(d.group(1)) if d else None
            before = [m.cid for m in ms if m.end - base <= cue.start()]
            fits = [c for c in (self._seen + before)
                    if roles and self.gazetteer.role(c) in roles]  # fmt: skip
            issuer = fits[-1] if fits else None
        holders = [m.cid for m in ms if m.end - base <= cue.start() and m.cid != issuer
                   and not m.brand]  # fmt: skip
        if issuer is None or not holders:
            return []
        quote, qs, qe = _quote(sent.text, s0)
        cand = Candidate(payer=issuer, payee=holders[0], kind="warrant", status=status,
                         date=date, quote=quote, start=qs, end=qe)  # fmt: skip
        return [_Found(cand, family="warrant")]

    def _warrant(self, sent: Span, s0: int, status: str, date: dt.date | None) -> list[_Found]:
        low = sent.text.lower()
        if not _WARRANT_CUE.search(low):
            return []
        orgs = _dedupe(
            [m for m in (self._mention(e, 0) for e in _ents(sent) if e.label_ == "ORG")
             if not m.non_party or m.possessive]
        )  # fmt: skip
        if len(orgs) != 2:
            return []
        a, b = orgs
        issuer, holder = a, b
        s = sent.start_char  # mentions carry paragraph offsets, ``low`` is the sentence

        def span(m: _Mention) -> tuple[int, int]:
            return m.start - s, m.end - s

        # "warrants for … AMD shares" / "shares of AMD" / "additional equity in OpenAI": the
        # company whose shares they are issues them.
        owned = [m for m in (a, b) if re.match(
            r"\W*(?:'s|’s)?\s*(?:common\s+)?(?:shares|stock)", low[span(m)[1] : span(m)[1] + 12])
            or re.search(r"(?:shares|stock|equity|stake|ownership) (?:of|in) (?:its )?$",
                         low[max(0, span(m)[0] - 24) : span(m)[0]])]  # fmt: skip
        if not owned:
            # "… acquiring up to 10% ownership in the chipmaker through stock warrants": the
            # company the description fits issues them.
            d = re.search(r"\b(?:shares|stock|equity|stake|ownership) (?:of|in) "
                          + _DESCRIPTOR.pattern[2:], low)  # fmt: skip
            roles = _DESCRIPTOR_ROLES.get(d.group(1)) if d else None
            owned = [m for m in (a, b) if roles and self.gazetteer.role(m.cid) in roles]
        # "Disney will invest $1 billion in OpenAI and will receive warrants": the subject of
        # "receive" holds them, whichever company is named between.
        recv = re.search(r"\b(?:receiv\w*|gets?|got|obtain\w*)\s+(?:[\w-]+\s+){0,3}?warrants?\b",
                         low)  # fmt: skip
        subjects = [m for m in (a, b) if recv and span(m)[1] <= recv.start()
                    and m.prev not in _PREPOSITIONS and not m.possessive]  # fmt: skip
        if owned:
            issuer, holder = owned[0], (b if owned[0] is a else a)
        elif subjects:
            holder = subjects[-1]
            issuer = b if holder is a else a
        elif re.search(r"\b(receiv\w+|gets|got|obtain\w*)\b", low[span(a)[1] : span(b)[0]]):
            issuer, holder = b, a  # "Disney will receive warrants … from OpenAI"
        quote, qs, qe = _quote(sent.text, s0)
        cand = Candidate(
            payer=issuer.cid,
            payee=holder.cid,
            kind="warrant",
            status=status,
            date=date,
            quote=quote,
            start=qs,
            end=qe,
        )
        return [_Found(cand, family="warrant")]


# --- helpers --------------------------------------------------------------------------------
# "$13 billion in a round", "a $20 billion financing package": the size of a whole raise
_ROUND_RIGHT = re.compile(
    r"\W*(?:\([^)]{0,40}\)\s*)?(?:[\w-]+\s+){0,2}"
    r"(?:funding|financing|investment|equity|series\s+\w+)?\s*"
    r"(?:round|fundrais\w*|raise|(?:funding|financing) package)\b"
)
# "raise $20 billion in new financing", "secured $5 billion in a round"
_ROUND_IN_RIGHT = re.compile(
    r"\W*in\s+(?:(?:a|an|the|its)\s+)?(?:[\w-]+\s+){0,4}?(?:round|financing|funding)\b"
)
# "Nvidia led a $2 billion investment", "participated in the $6.6 billion raise": the investor
# leads or joins a raise whose total is stated, not its own share.
_LED_LEFT = re.compile(
    r"\b(?:led|leads|leading|co-led|co-leads|co-leading|lead|co-lead|anchored|anchoring|"
    r"participat(?:e|es|ed|ing) in|join(?:s|ed|ing)?)\s+(?:(?:a|an|the|its|this|that)\s+)?"
    r"(?:[\w-]+\s+){0,2}$"
)


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


@register("rules+pairs")
class RulesWithPairModel(RuleExtractor):
    """The rules plus the shipped pair model's amount-less candidates (experimental)."""

    name = "rules+pairs"

    def __init__(self, gazetteer: Gazetteer, **options: object) -> None:
        options.setdefault("pair_model", "shipped")
        super().__init__(gazetteer, **options)  # type: ignore[arg-type]


def _round_total(low: str, anchor: Money, equity: bool = True) -> bool:
    """Whether ``anchor`` is the total of a funding round rather than one investor's amount.

    An investor that leads or joins a round, or backs a company raising a round, puts in an
    unknown share of the stated total (README, batches 33-35: "X led a $2 billion investment",
    "raise about $20 billion in new financing, backed by X"). Leading or joining counts only for
    a stake (``equity``).

    >>> from dealweb.extract.quantities import find_money
    >>> low = "nvidia led a $2 billion investment in the startup."
    >>> _round_total(low, find_money(low)[0])
    True
    >>> low = "nvidia invested $2 billion in the startup."
    >>> _round_total(low, find_money(low)[0])
    False
    """
    after, before = low[anchor.end :], low[: anchor.start]
    return bool(
        _ROUND_RIGHT.match(after)
        or (_ROUND_IN_RIGHT.match(after) and _RAISE_VERB.search(before))
        or (equity and _LED_LEFT.search(before[-60:]))
    )


def _without_amount(c: Candidate) -> Candidate:
    """The candidate with its money figures removed (kept in ``amount_stated`` for review)."""
    return c.with_(
        currency=None,
        amount_low=None,
        amount_high=None,
        amount_usd_low=None,
        amount_usd_high=None,
        up_to=False,
        notes=(*c.notes, f"amount stated for the whole: {c.amount_stated}"),
    )


def _quote(sentence: str, start: int) -> tuple[str, int, int]:
    """The sentence without surrounding blanks or a dangling opening quote mark, with offsets."""
    left = len(sentence) - len(sentence.lstrip())
    body = sentence.strip()
    body = re.sub(r"[\s“‘\"'(]+$", "", body) if re.search(r"[“‘\"'(]\s*$", body) else body
    return body, start + left, start + left + len(body)


def _paragraphs(text: str) -> list[tuple[int, str]]:
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
        or re.search(r"\b(access to|available|offer|bring|add|host|integrat|giv|via)", low)
        or _UNITS.search(low)
        or re.search(
            r"\b(deals?|contracts?|agreements?|pacts?|partnership|relationship|alliance|"
            r"collaboration|talks|discussions|negotiat\w+|invest\w*|multi-?billion|"
            r"investors?|backers?|shareholders?|participants|round|stakes?)\b",
            low,
        )
    )


def _option_more(low: str, m: Money) -> bool:
    """ "an option to purchase up to $15 billion more", "the option to buy an additional $2
    billion": an amount added to a deal's firm base, not a deal of its own."""
    left = _OPTION_MORE_LEFT.search(low[: m.start][-90:])
    return bool(left and (left.group("more") or _MORE_RIGHT.match(low[m.end : m.end + 30])))


def _single_party_amount(sent: Span) -> str | None:
    """The one company of a sentence that states a deal amount but names no counterpart."""
    ids = list(dict.fromkeys(e.ent_id_ for e in _ents(sent) if e.label_ == "ORG"))
    low = sent.text.lower()
    if (
        len(ids) == 1
        and _DEAL_WORD.search(low)
        and re.search(
            r"[$€£¥₹]\s?\d|\d\s*(?:bn|billion|million|trillion)\b|gigawatt|megawatt|\b[gm]w\b", low
        )
    ):
        return ids[0]
    return None


def _dedupe(mentions: list[_Mention]) -> list[_Mention]:
    seen: dict[str, _Mention] = {}
    for m in mentions:
        if m.cid not in seen:
            seen[m.cid] = m
        elif seen[m.cid].possessive and not m.possessive:
            seen[m.cid] = _Mention(**{**m.__dict__, "start": seen[m.cid].start})
    return sorted(seen.values(), key=lambda m: m.start)


def _subject_group(parties: list[_Mention], clause: _Clause, sent: Span | None) -> list[_Mention]:
    """Companies coordinated at the start of the clause: 'Microsoft and Nvidia are …'."""
    group = [parties[0]]
    for m in parties[1:]:
        gap = clause.text[group[-1].end - clause.start : m.start - clause.start].strip().lower()
        if gap in {"and", ",", "&", ", and", "as well as", "together with"}:
            group.append(m)
        else:
            break
    return group


def _nearest_after(mentions: list[_Mention], pos: int) -> _Mention:
    """The first company after the amount, else the first one before it (the verb's object)."""
    after = [m for m in mentions if m.start >= pos]
    return after[0] if after else mentions[0]


def _family(low: str, start: int, end: int) -> str | None:
    """Deal family from the cue word nearest the amount at [start, end) of the clause."""
    warrant = [start - w.end() if w.end() <= start else w.start() - end
               for w in _WARRANT_CUE.finditer(low)]  # fmt: skip
    equity_near = [start - q.end() if q.end() <= start else q.start() - end
                   for q in re.finditer(r"\b(?:equity|invest\w*|stakes?)\b", low)
                   if q.end() <= start or q.start() >= end]  # fmt: skip
    if warrant and not (equity_near and min(equity_near) < min(warrant)):
        # "… make a $1 billion equity investment and receive warrants …": the equity cue next
        # to the amount decides; the warrants are read by _warrant, without an amount.
        return "warrant"
    if re.match(r"\W*(?:worth )?(?:of|to (?:buy|purchase|acquire)) (?:[\w.&'’-]+ ){0,5}"
                r"(?:common )?(?:stock|shares|equity)\b", low[end:]):  # fmt: skip
        return "equity"  # "$5 billion of Intel stock", "spend $5 billion to buy Intel stock"
    best: tuple[int, str] | None = None
    cues = (("equity", _EQUITY_CUE), ("spend", _SPEND_CUE), ("loan", _LOAN_CUE),
            ("acquisition", _ACQUIRE_CUE))  # fmt: skip
    for family, regex in cues:
        for m in regex.finditer(low):
            if m.start() < end and m.end() > start:
                continue  # inside the amount itself ("at least")
            d = start - m.end() if m.end() <= start else m.start() - end
            if family == "acquisition" and re.search(r"stake|equity|shares", low):
                continue
            if best is None or d < best[0]:
                best = (d, family)
    committed_to = re.match(r"\W*to\s+\w", low[end:]) and re.search(
        r"\b(commit\w*|pledg\w*)\s+(?:\w+\s+){0,2}$", low[:start]
    )
    if (best is None or best[0] > 15) and committed_to:
        return "equity"  # "committed up to $15 billion to Anthropic"
    if best is None and re.match(r"\W*(?:in|into)\s+\w", low[end:]):
        return "equity"  # "an existing commitment of $2 billion in Anthropic"
    return best[1] if best else None


def _status(low: str) -> str:
    if _IN_TALKS.search(low):
        return "in_talks"
    if _REPORTED.search(low):
        return "reported"
    if _COMPLETED.search(low):
        return "completed"
    return "announced"


def _amount_close(a: Candidate, b: Candidate, tol: float = 0.10) -> bool:
    x = a.amount_usd_high if a.amount_usd_high is not None else a.amount_usd_low
    y = b.amount_usd_high if b.amount_usd_high is not None else b.amount_usd_low
    if x is None or y is None:
        return True
    return abs(x - y) <= tol * max(x, y)


def _evidence_score(c: Candidate, single: bool) -> tuple[int, bool, int]:
    has_amount = c.amount_usd_high is not None or c.amount_usd_low is not None
    sentence = bool(re.search(r"[.!?][\"'”’)]*$", c.quote))  # prose, not a headline
    return (2 * has_amount + int(single) + int(c.gigawatts is not None), sentence, -len(c.quote))


def merge_candidates(cands: list[Candidate], single: list[bool] | None = None) -> list[Candidate]:
    """One candidate per deal: same payer, payee and kind with compatible amounts merge.

    The merged candidate keeps the evidence with an amount and a single named payer (shortest
    quote on ties); ``up_to`` is kept if any mention said "up to" the same amount; ``mentions``
    counts the sentences that mention the deal.
    """
    single = single or [True] * len(cands)
    groups: list[list[tuple[Candidate, bool]]] = []
    for c, s in zip(cands, single, strict=True):
        for g in groups:
            if g[0][0].key == c.key and all(_amount_close(c, x) for x, _ in g):
                g.append((c, s))
                break
        else:
            groups.append([(c, s)])
    groups = _without_parts(_one_kind_per_seller(groups))
    out = []
    for g in groups:
        best, _ = max(g, key=lambda cs: _evidence_score(*cs))
        up_to = best.up_to or any(
            c.up_to and c.amount_usd_high == best.amount_usd_high for c, _ in g
        )
        if up_to and best.amount_high is not None and best.amount_low == best.amount_high:
            best = best.with_(amount_low=None, amount_usd_low=None)
        gw = best.gigawatts or next((c.gigawatts for c, _ in g if c.gigawatts), None)
        out.append(best.with_(up_to=up_to, mentions=len(g), gigawatts=gw))
    out.sort(key=lambda c: c.start)
    return out


_Groups = list[list[tuple[Candidate, bool]]]

# Two ways of stating what one buyer gets from one chipmaker: its computing capacity or the
# systems that provide it (README, "Deal kinds").
_SAME_SALE = frozenset({"hardware_purchase", "compute_capacity"})


def _one_kind_per_seller(groups: _Groups) -> _Groups:
    """Merge a deal stated both as computing capacity and as hardware from the same seller.

    "OpenAI to purchase up to 750 megawatts of computing power … from Cerebras. Deal valued at
    over $10 billion. Deploys Cerebras wafer-scale AI chips": one sale, not a capacity deal and
    a chip purchase. When groups of one payer and payee differ only by these two kinds and
    their amounts are compatible, they become one group; the capacity statement (the one the
    README rule names first) decides the kind.
    """
    out: _Groups = []
    for g in groups:
        c = g[0][0]
        twin = next(
            (h for h in out if c.kind in _SAME_SALE and h[0][0].kind in _SAME_SALE
             and h[0][0].kind != c.kind and (h[0][0].payer, h[0][0].payee) == (c.payer, c.payee)
             and all(_amount_close(x, y) for x, _ in h for y, _ in g)),
            None,
        )  # fmt: skip
        if twin is None:
            out.append(list(g))
            continue
        merged = twin + g
        kind = "compute_capacity" if any(
            x.kind == "compute_capacity" for x, _ in merged) else c.kind  # fmt: skip
        twin[:] = [(x.with_(kind=kind), s) for x, s in merged]
    return out


def _without_parts(groups: _Groups) -> _Groups:
    """Drop the parts of a deal whose total is also stated.

    "a $1.5 billion deal … split into two parts: a $1.3 billion agreement … a separate $200
    million agreement": when two or more deals of one payer, payee and kind add up (within 1 %)
    to another of the same key, they are its tranches, not further deals.
    """
    sized = [(i, g[0][0]) for i, g in enumerate(groups) if g[0][0].amount_usd_high]
    drop: set[int] = set()
    for i, total in sized:
        parts = [(j, c) for j, c in sized if j != i and c.key == total.key
                 and (c.amount_usd_high or 0) < (total.amount_usd_high or 0)]  # fmt: skip
        if len(parts) < 2:
            continue
        whole = sum(c.amount_usd_high or 0.0 for _, c in parts)
        if abs(whole - (total.amount_usd_high or 0)) <= 0.01 * (total.amount_usd_high or 1):
            drop.update(j for j, _ in parts)
    return [g for i, g in enumerate(groups) if i not in drop]
