"""Cue vocabularies of the rule-based extractor: lower-case regexes and word sets over clause text.

Deal words and family cues (equity, spending, warrant, acquisition, loan), the verbs that tell
buyer from seller, the contexts that make an amount something other than a deal's size (a
valuation, revenue, a ceiling, a backlog, a round's total), the words around a company name
that make it a non-party (a title, a brand, a comparison), status cues (talks, reported,
completed) and the descriptions ("the chipmaker") with the roles they can refer to. Data only:
the stages in the sibling modules decide what a match means.
"""

from __future__ import annotations

import re

_DEAL_WORD = re.compile(
    r"\b(invest\w*|stakes?|equity|funding|financ\w+|round|back(?:s|ed|ing)?|pour\w*|inject\w*|"
    r"rais(?:e|es|ed|ing)|deals?|agreements?|contracts?|pacts?|partnership|commit\w*|pledg\w*|"
    r"spend\w*|buy\w*|bought|purchas\w*|acquir\w*|acquisition|leas(?:e|es|ed|ing)\b|rent(?:s|ed|ing|al)?\b|warrants?|"
    r"sign\w*|ink\w*|struck|strikes?|order\w*|suppl\w+|provid\w+|loan\w*|lend\w*|lent|tie-up|"
    r"arrangement|deploy\w*|deliver\w*|expan\w+|extend\w*|pay(?:s|ing)?|paid|licen[cs]\w*)\b"
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


_LOAN_CUE = re.compile(r"\b(loan(?:s|ed|ing)?|lend\w*|lent|credit facility|debt financing)\b")


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
    r"(?:gpus|cpus|chips?|processors|accelerators|tpus|semiconductors)\b"
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
    # "with options that could take the total to about $19.4 billion": the deal's ceiling
    r"|\b(?:could|can|may|might|would|potentially)\s+(?:take|bring|push|lift)\w*\s+"
    r"(?:the|its)\s+(?:potential\s+)?(?:total|value|figure|deal)\s+to\s+"
    r"(?:as much as\s+|about\s+|around\s+|roughly\s+)?$"
)


# "an option for Meta to purchase up to $15 billion more": added to the firm base of the deal
_OPTION_MORE_LEFT = re.compile(
    r"\boptions?\b[^.;$€£]{0,50}?\b(?:buy|purchase|spend|add|acquire|expand|extend|increas|"
    r"rais)\w*\s+(?:(?:that|the|this|its|their)\s+(?:[\w-]+\s+){0,2}?by\s+)?"
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


# ("a one-gigawatt Texas site": one word may name the place)
_SITE_POWER_RIGHT = re.compile(r"^\W*(?:[a-z]+\s+)?(?:campus|facility|site|data cent\w+|plant)\b")


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


# Selling shares: not a deal between the companies (read by _NON_DEAL_LEFT and, with the stake
# named between the verb and the amount, by amounts._STAKE_SOLD_LEFT).
_SOLD = r"sold|sells|selling|divest\w*|offload\w*|unload\w*"


# Context that makes an amount something other than a deal's size.
_NON_DEAL_LEFT = re.compile(
    r"(valuations?|valued|valuing|value of|values?|market value|market cap\w*|capitali[sz]ation|"
    r"revenues?|sales|loss(?:es)?|profits?|net worth|fortune|gdp|capex|capital expenditures?|"
    r"capital spending|spending plans|estimated to cost|to cost|costs?|cost of|price target|"
    r"backlog|run[- ]rate|annuali[sz]ed|budget|debt|bonds?|ipo|earnings|net income|guidance|"
    r"rpo|remaining performance obligations?|bookings|"
    r"initial|first|plans? for|plan (?:was|is) to|goal of|target of|"
    r"tranches?|installments?|instalments?|prepayment|remaining|worth about|worth around|"
    r"expected to reach|projected|forecast\w*|estimates?|estimated|roughly equal|"
    r"burn\w*|cash burn|"
    # "sold its entire $5.83 billion stake in Nvidia", "which sold for $9.17 billion": a sale
    # of shares in the market, not a deal between the companies
    r"sale of|" + _SOLD + ")"
    r"\W+(?:[\w'’-]+\W+){0,3}$"
)
# "lifted Anthropic's valuation from $183 billion (Sept 2025) to roughly $350 billion"
_VALUATION_FROM_TO = re.compile(
    r"\bvaluations?\b[^.;]{0,80}\b(?:from|to)\s+(?:roughly\s+|about\s+|around\s+|nearly\s+)?$"
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
    r"|\bvalu(?:e|es|ed)\s+(?!at\b)[\w'’.-]+(?:\s+[\w'’.-]+){0,3}\s+at)\b[^$€£]*$"
)


_BACK_REFERENCE = re.compile(
    r"\W*(?:(?:under|as part of|with|in)\s+)?(?:it\b|(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:deal|agreement|contract|pact|partnership|arrangement|investment|commitment)s?\b)",
    re.IGNORECASE,
)


_NON_DEAL_RIGHT = re.compile(
    r"^\W*(?:in |of |a |an |to (?:its |their |the company's |the company’s )?)?"
    r"(?:annual\w* |post-money |pre-money |run-rate |recurring |trailing |twelve-month |"
    r"12-month |ttm |quarterly |fiscal )*"
    r"(valuation|revenue|sales|market (?:value|cap\w*)|loss|losses|profit|net worth|fortune|"
    r"a year|per year|annually|per gigawatt|per share|a share|in debt|of debt|in bonds|"
    # "a $3.1 billion hit to net income": an accounting charge, not money paid
    r"(?:one-time |non-cash |accounting )?(?:hit|charge|write-?down|impairment)\b|"
    r"in capex|in capital|in cash|in assets|of assets|ipo|in its ipo|in sales|in revenue|"
    r"in equity(?! (?:into|in|to)\b)|"
    r"tranche|of the total|cost|post-money\b|pre-money\b|"
    # "Intel's $10.9 billion in Chips Act grants": public money, not a deal between companies
    # ("… agreement that grants the ChatGPT creator access": a verb, not public money)
    r"(?:in\s+)?(?:(?!(?:that|which|who|and)\b)[\w-]+ ){0,2}(?:grants?|subsidies|subsidy|"
    r"tax credits?)\b|"
    # "TWG Global, the $40 billion investment firm": the size of a firm or fund
    r"(?:(?!(?:in|into|to|the|for|from|by)\b)[\w-]+ ){0,2}(?:firm|fund|asset manager|"
    r"conglomerate)|company(?! (?:deal|contract|agreement|investment))|"
    # "a massive $100 billion infrastructure buildout known as the Stargate Project": a plan
    r"(?:[\w-]+ ){0,2}(?:buildout|build-out|project|initiative|joint venture)|"
    # "OpenAI's planned $500 billion data center": the size of a site, unless a deal follows
    r"(?:[\w-]+ )?(?:data cent(?:er|re)s?|campus|facility)"
    r"(?! (?:deal|contract|agreement|lease|partnership|pact|order|commitment)))\b"
    # "a $2.3 billion convertible notes offering", "$2 billion of senior unsecured notes due
    # 2033", "Oracle's $126B bond order", "Meta's $125 billion order book": debt sold to the
    # market and its demand, not money between two named companies
    r"|^\s+(?:of\s+|in\s+)?(?:[\w-]+\s+){0,3}(?:notes|bonds?|debentures|order\s+books?)\b"
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
    # "a $900 billion valuation, surpassing OpenAI": a comparison, not a party
    "surpassing", "overtaking", "eclipsing", "topping", "outpacing", "trailing",
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
    r"also joining|(?:other |key )?(?:investors|backers)(?:,? (?:including|such as)| (?:include|"
    r"included|are|were|in the round))|other investors|investor list|backing from|co-led|led by|"
    r"funds from|also joining|(?:came in|signed on|joined) as|investments? from|bolstered by|"
    r"raised from|backing from|and other investors|and others|partners including|"
    # "Aker ASA led the Series B round. It was joined by Nvidia, Dell and Nokia"
    r"led the (?:[\w-]+ ){0,3}(?:round|raise)|(?:was|were) joined by)\b"
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
    r"[^.;]{0,60}?\bfrom\s+(?:(?:partners|investors|backers),?\s+)?(?:including|such as)\b"
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
              "partnership", "order", "investment", "purchase", "stake", "acquisition",
              "commitment", "transaction"}  # fmt: skip


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
