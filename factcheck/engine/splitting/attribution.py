"""Reported speech in English news: who is the source of a sentence, and what they said.

Rules, not a parser. A sentence is attributed when one of these shapes is found, tried in
this order (the first that yields a plausible source wins):

1. "According to X, Y" / "Y, according to X";
2. a quotation followed by its speaker, '"Y," X said ...' or '"Y," said X, a ...', also
   when the opening quote mark is in an earlier sentence (a long quote's last sentence);
3. a reporting clause at the end or in the middle: "Y, he says.", "Y, X announced on
   Tuesday.", "Y, said Rep. X, a Democrat ...", "Y, he said, Z";
4. "X <reporting verb> ...": the first reporting verb whose subject (the words before
   it, back to a clause boundary; an appositive between commas skipped) is a plausible
   noun phrase; verbs that are often something else ("added", "wrote", "noted", "shows")
   need a marker after them ("that", a colon, a comma or a quote);
5. passives: "X is urged to ...", "It was reported that ...".

The source is returned as written in the text (a substring of the sentence), trimmed to
its noun phrase: leading conjunctions, trailing auxiliaries and adverbs and relative
clauses ("who ...") are cut off. Pronoun sources ("he", "they", "it") are returned as
they are; `split_claims` resolves them to the last named source of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# --- the verbs -----------------------------------------------------------------------


def _forms(*lemmas: str) -> list[str]:
    """Inflections written out: "say|says|said|saying" etc. ("lemma:forms" or regular)."""
    out = []
    for lemma in lemmas:
        out.extend(lemma.split("|"))
    return out


# Verbs that report speech whatever follows them ("X demanded the reversal of ...").
_STRONG = _forms(
    "say|says|said", "tell|tells|told", "warn|warns|warned", "argue|argues|argued",
    "insist|insists|insisted", "claimed", "accuse|accuses|accused", "deny|denies|denied",
    "admit|admits|admitted", "demanded", "urge|urges|urged", "condemn|condemns|condemned",
    "criticise|criticises|criticised|criticize|criticizes|criticized", "appealed",
    "conclude|concludes|concluded", "reiterate|reiterates|reiterated", "announce|announced",
    "allege|alleged", "believe|believes|believed", "asked", "stressed",
    "emphasise|emphasises|emphasised|emphasize|emphasizes|emphasized", "highlighted",
    "declared", "asserted|asserts", "contend|contends|contended", "acknowledged",
    "predicted", "vowed|vows", "testified", "promised", "praised", "blasted", "slammed",
    "tweeted", "complained", "requested", "implored", "pleaded",
    "called for|calls for|call for|called on|calls on|call on|called upon|calls upon",
)
# Verbs that are often something else: reported speech only before "that", a colon,
# a comma or a quotation ("added that ...", not "added another facet").
_WEAK = _forms(
    "add|adds|added", "note|notes|noted", "stated", "write|writes|wrote",
    "report|reports|reported", "estimate|estimates|estimated", "explain|explains|explained",
    "suggest|suggests|suggested", "confirm|confirms|confirmed", "continued",
    "replied", "responded", "recalled", "observed", "maintain|maintains|maintained",
    "claim|claims", "demand|demands", "appeal|appeals", "announces",
    "alleges", "ask|asks", "stress|stresses", "highlight|highlights", "declare|declares",
    "acknowledge|acknowledges", "predict|predicts", "point out|points out|pointed out",
    "underline|underlines|underlined", "reveal|reveals|revealed", "show|shows|showed",
    "find|finds|found", "agreed", "pledged", "questioned", "indicated", "posted",
    "called|calls|call",
)
# Weak verbs that report speech without a marker when a named source is their subject
# ("The New York Times reported the email came ..."; not "Baker wrote the introduction").
_UNMARKED_AFTER_NAME = {
    "reported", "reports", "suggested", "suggests", "explained", "explains", "noted",
    "revealed", "reveals", "confirmed", "confirms", "recalled", "estimated", "stated",
    "acknowledged", "predicted", "maintained", "maintains", "observed", "pointed out",
    "underlined", "replied", "responded", "continued", "indicated", "agreed", "added", "adds",
    "wrote", "writes", "questioned", "posted", "recalls", "acknowledge", "claims", "claim",
    "suggest", "indicates", "indicate",
}
# Weak verbs that report unmarked after a poll, a study or data ("Polls suggest Kasich ...").
_SUGGEST = {"suggest", "suggests", "suggested", "indicate", "indicates", "indicated"}
_OBJECT_VERBS = {"wrote", "writes", "posted", "added", "adds", "explained", "explains",
                 "questioned"}
# "claims" is a noun as often as a verb ("Unemployment claims fell"): without "that" it
# reports only before a pronoun or a name ("Trump claims he's worth ...").
_CLAIM_CLAUSE = re.compile(r"\s+(?:(?:he|she|it|they|we|you)\b|[A-Z])")
# "claims more territory", "claims credit": an object, not reported words.
_OBJECT = re.compile(r"\s+(?:the|a|an|his|her|their|its|this|another|more|credit|victory|"
                     r"responsibility|control|territory|ownership)\b", re.I)
_SHOW = {"show", "shows", "showed", "find", "finds", "found"}
# "show"/"find" report only for these sources: polls, studies, surveys ...
_SHOW_SOURCES = re.compile(
    r"\b(?:polls?|surveys?|stud(?:y|ies)|reports?|research|analys[ie]s|data|figures|"
    r"statistics|census|investigation|review|audit|report|findings|documents?|records?|"
    r"footage|videos?|results|filings?|numbers|tests?|experiments?|estimates?|polling|"
    r"e-?mails?|memos?|letters?|transcripts?|disclosures?|returns|researchers|"
    r"scientists|economists|investigators|auditors|inspectors?|projections?|forecasts?|"
    r"models?)\b",
    re.I)


def _alternation(words: list[str]) -> str:
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(w.replace(" ", r"\s+") for w in words)


_VERB = re.compile(rf"\b(?:(?P<strong>{_alternation(_STRONG)})|(?P<weak>{_alternation(_WEAK)}))"
                   r"\b")
_ANY_VERB = _alternation(_STRONG + _WEAK)
# What a weak verb needs after it: "that", a colon, comma or quote, maybe after an adjunct.
_MARKER = re.compile(
    r"\s*(?:(?:in|on|at|during|last|this|earlier|later|late|via)\b"
    r"[^,;:\"“”]{0,30}?)?\s*(?:that\b|[,:“\"]|'')|\s+to\s+[^,;:\"“”]{1,40}?\s+that\b")

# --- subjects ------------------------------------------------------------------------

_HONORIFIC = (r"(?:Mr|Mrs|Ms|Mx|Dr|Rep|Reps|Sen|Sens|Gov|Gen|Pres|Prof|Lt|Col|Capt|Sgt|Rev|"
              r"Jr|Sr|St|Adm|Amb|Atty|Supt|Cmdr|Maj|Gens|No|[A-Z])\.")
_NP_TOKEN = rf"(?:{_HONORIFIC}|[^\s,.;:!?“”\"(]+)"
_NP = rf"{_NP_TOKEN}(?:\s+{_NP_TOKEN}){{0,9}}"
_AUX_ADVERBS = re.compile(
    r"(?:\s+(?:has|have|had|also|repeatedly|publicly|jointly|further|then|again|later|once|"
    r"previously|recently|first|already|often|frequently|again|reportedly|privately|"
    r"separately|subsequently|simply|even|since|quickly|immediately|flatly|strongly|"
    r"openly|explicitly|specifically|similarly|likewise|still|now|just|long|traditionally|"
    r"basically|twice|consistently|routinely|widely|bluntly|sharply|pointedly|falsely|"
    r"wrongly|went\s+on\s+to|goes\s+on\s+to|go\s+on\s+to|went\s+so\s+far\s+as\s+to))+$",
    re.I)
_LEADING = re.compile(
    r"^(?:(?:and|but|so|yet|however|instead|meanwhile|also|as|while|then|now|still|indeed|"
    r"moreover|though|although|because|since|when|where|if|plus|or|nor|thus|hence|"
    r"in addition|which|who|whom)\b[,\s]*)+", re.I)
LEAD_NAME = re.compile(
    rf"^(?:(?:The|the)\s+)?(?:{_HONORIFIC}\s+|[A-Z][\w’'.-]*\s+){{1,4}}(?=[a-z])")
_APPOSITIVE = re.compile(r"^(?:\d+|a|an|who|which|whose|now|then|also|himself|herself)\b")
_SEGMENTS = re.compile(r"[,;:“”\"()—–]|\s-\s|''")
_LAST_CLAUSE = re.compile(r"\b(?:when|as|because|after|before|while|since|that|where|and|"
                          r"but|until|though|although|if|so|once)\s+(?P<who>[^,]{1,80})$")
_MAIN_CLAUSE = re.compile(r"^(?:[^,]{0,60},\s+)?(?P<who>[A-Z][^,;:]{0,80}?)\s+(?:has|have|had|"
                          r"is|are|was|were|also|\w+ed|\w+s)\b")
_COORDINATED = re.compile(
    r"^(?:[^,]{0,60},\s+)?(?P<who>[A-Z][^,;:]{0,80}|he|she|they|we)")
_FINITE = re.compile(r"\s+(?:has|have|had|is|are|was|were|also|\w+ed|\w+s)\b")


def _first_subject(text: str, before: int) -> str | None:
    """The subject of the sentence's first finite verb, ending before `before`: the
    shortest opening noun phrase followed by a verb ("The appeals court | overruled")."""
    main = _COORDINATED.match(text)
    if not main:
        return None
    start = main.start("who")
    for verb in _FINITE.finditer(text, start, min(start + 100, before)):
        claimant = clean_subject(text[start:verb.start()])
        if claimant:
            return claimant
    return None
_THAT = re.compile(r"\s+that\b")
_TO_VERB = re.compile(r"\s+to\s+[a-z]+\b(?<!ing)")
_RELATIVE = re.compile(r"\s+(?:who|whom|whose|which|that)\b.*$", re.S)
_NOT_IN_SUBJECT = {
    "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "will", "would",
    "can", "could", "may", "might", "shall", "should", "must", "follows", "follow",
    "followed", "marks", "comes", "came", "not", "never", "i'm", "it's", "there", "here",
    "what", "how", "why", "if", "let", "wants", "want", "wanted", "tried", "made",
    "makes", "went", "goes", "get", "got", "gets", "took", "take", "takes", "gave", "give",
    "has", "have", "had", "isn't", "wasn't", "didn't", "doesn't", "won't", "can't",
}
_BAD_LAST = {
    "and", "or", "of", "the", "a", "an", "to", "for", "with", "in", "on", "at", "by",
    "from", "his", "her", "their", "its", "our", "my", "your", "this", "these", "that",
    "as", "than", "into", "about", "after", "before", "when", "while", "if", "what",
    "one", "also", "then", "again", "now", "never", "just", "only", "even", "not",
}
_NOT_SOURCES = {
    "in", "on", "at", "for", "after", "before", "during", "with", "from", "among", "under",
    "over", "until", "despite", "amid", "through", "to", "into", "of", "like",
    "unlike", "by", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "today", "yesterday", "tonight", "earlier", "last", "next", "that’s", "it’s",
    "then", "also", "later", "now", "still", "just", "first", "again", "once", "soon",
    "this", "that", "there", "here", "what", "which", "who", "whom", "whose", "something",
    "nothing", "anything", "everything", "someone", "nobody", "no", "yes", "so",
    "ever", "never", "well", "when", "where", "why", "how", "as",
}
PRONOUNS = {"he", "she", "they", "it"}
_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "these",
                "those", "your", "that", "no", "any", "some", "every", "each"}
_SELF = {"i", "we", "you"}
_ED_OK = {"united", "elected", "unnamed", "retired", "embattled", "so-called", "unidentified",
          "armed", "named", "released", "published", "leaked", "detailed", "related",
          "speed", "need", "seed", "feed", "red", "bed", "shed", "reed", "creed", "greed",
          "hundred", "coed", "allied", "advanced", "concerned", "interested", "informed",
          "trained", "talented", "experienced", "respected", "distinguished", "renowned",
          "qualified", "registered", "likely", "appointed", "selected", "based", "led",
          "backed", "owned", "funded", "sponsored", "affiliated", "aligned", "minded",
          "skilled", "disabled", "licensed", "certified", "indicted", "convicted", "accused",
          "wounded", "injured", "ousted", "jailed", "exiled", "detained", "surveyed",
          "polled", "interviewed", "questioned", "sampled", "contacted", "reached"}
# After an "-ing" word inside a subject these start a reduced relative clause ("Democrats
# trying to regain the Senate say", "voters going to the polls Tuesday said").
_REDUCED_AFTER_ING = {"to", "in", "for", "on", "at", "the", "a", "an", "with", "from", "into",
                      "across", "through", "against", "about", "out", "up", "back", "their",
                      "his", "her", "its"}


# "-ing" words that are part of a source's name ("the ruling party", "polling firms").
_ING_OK = {"leading", "ruling", "governing", "opposing", "visiting", "outgoing",
           "incoming", "acting", "sitting", "remaining", "polling", "ranking",
           "presiding", "supporting", "neighbouring", "neighboring", "founding",
           "managing", "reporting", "serving", "voting", "rising", "fellow", "fundraising",
           "housing", "spending", "marketing", "advertising", "building", "meeting",
           "hearing", "briefing", "funding", "lobbying", "banking", "publishing",
           "broadcasting", "accounting", "mining", "shipping", "thinking", "upcoming",
           "ongoing", "following", "striking", "landmark", "training", "nursing"}


def _reduced_relative(words: list[str]) -> int:
    """Where an "-ing" reduced relative clause starts in a subject ("Democrats trying to
    regain the Senate"), or 0."""
    for index in range(1, len(words) - 1):
        low = words[index].lower()
        if (low.endswith("ing") and words[index][:1].islower() and low not in _ING_OK
                and words[index + 1].lower() in _REDUCED_AFTER_ING
                and words[index - 1].lower() not in _DETERMINERS | _BAD_LAST):
            return index
    return 0


def clean_subject(who: str) -> str | None:
    """`who` trimmed to the noun phrase of a source, or None when it is not one."""
    who = who.strip(" ,;:\"“”'’‘—–-(")
    who = _LEADING.sub("", who)
    who = _RELATIVE.sub("", who) if " " in who else who
    who = _AUX_ADVERBS.sub("", " " + who).strip() if who else who
    who = who.strip(" ,;:\"“”'’‘—–-(")
    words = who.split()
    cut = _reduced_relative(words)
    if cut:  # "Majorities of Democrats in five states going to the polls Tuesday say"
        return clean_subject(" ".join(words[:cut]))
    if not words or len(words) > 10 or len(who) > 160:
        return None
    lowered = [w.lower().strip("’'") for w in words]
    if lowered[-1] in _BAD_LAST or lowered[0] in _NOT_SOURCES or lowered[-1].endswith("’s"):
        return None
    if any(w in _NOT_IN_SUBJECT for w in lowered):
        return None
    for index, (word, low) in enumerate(zip(words, lowered, strict=True)):
        if low.endswith("ed") and word[:1].islower() and low not in _ED_OK:
            if 0 < index < len(words) - 1 and lowered[index + 1] in {"by", "for", "from", "in",
                                                                    "at", "on", "among"}:
                # "exit polls conducted by Edison Research": a reduced relative clause.
                return clean_subject(" ".join(words[:index]))
            return None  # "Obama blasted Trump for ..." is a verb phrase, not a source
        if low.endswith("ing") and word[:1].islower() and len(words) > 1 and (
                low not in _ING_OK):
            return None
    if len(words) == 1 and (lowered[0] in _SELF or lowered[0] in PRONOUNS):
        return words[0]
    if not (words[0][:1].isupper() or words[0][:1].isdigit() or (
            lowered[0] not in _DETERMINERS and any(w[:1].isupper() for w in words[1:]))
            or (len(words) <= 4 and lowered[-1].endswith("s") and lowered[0] not in _DETERMINERS
                and not lowered[-1].endswith("ss"))
            or lowered[0] in {
            "the", "a", "an", "some", "many", "most", "several", "two", "three", "four",
            "both", "other", "others", "officials", "critics", "experts", "analysts",
            "observers", "supporters", "opponents", "residents", "aides", "advisers",
            "sources", "people", "his", "her", "their", "its", "one", "another", "each",
            "all", "few", "more", "fellow", "senior", "top", "former", "local", "state",
            "federal", "police", "republican", "democratic", "campaign", "white",
            "u.s.", "government", "administration", "party", "our", "my", "those",
            "majorities", "majority", "half", "voters", "respondents"}):
        return None
    return who


_PERSON_HINT = re.compile(r"^(?:[A-Z]\w*\.?\s+)*[A-Z][\w’'-]+$")


def pick_antecedent(pronoun: str, recent: list[str]) -> str | None:
    """The source a pronoun most likely stands for, among the article's recent sources
    (most recent last): "he"/"she" a name, "it" a singular thing, "they" a plural."""
    pronoun = pronoun.lower()
    for name in reversed(recent[-6:]):
        words = name.split()
        first, last = words[0].lower(), words[-1].lower()
        if pronoun in {"he", "she"} and _PERSON_HINT.match(name) and first not in {"the", "a"}:
            return name
        if pronoun == "it" and (first in {"the", "a", "an"} or len(words) == 1) and (
                not last.endswith("s") or last.endswith(("ss", "us", "news"))):
            return name
        if pronoun == "they" and (last.endswith("s") or " and " in name or first in {
                "both", "many", "several", "some"}):
            return name
    return recent[-1] if recent else None


# --- the shapes ------------------------------------------------------------------------

_INVERTED = (r"said|says|wrote|writes|added|adds|continued|noted|notes|explained|recalled|"
             r"argued|argues|insisted|warned|replied|responded|declared|stated|concluded")
_CLOSE_QUOTE = r"(?:[”\"]|'')"
_ACCORDING_LEAD = re.compile(r"^\W{0,3}According to (?P<who>[^,]{2,120}),\s+(?P<content>.+)$",
                             re.S | re.I)
_ACCORDING_TAIL = re.compile(r"^(?P<content>.+?),?\s+according to (?P<who>[^,.;]{2,120})",
                             re.S)
# '…," X said …' and '…," said X, …' (the speaker after a quotation).
_QUOTE_SPEAKER = re.compile(
    rf"[,.!?…—–-]\s*{_CLOSE_QUOTE}\s*(?:"
    rf"(?P<who>{_NP}?)\s+(?:(?:has|had|also|then|later|again)\s+)*(?P<verb>{_ANY_VERB})\b"
    rf"|(?P<verb2>{_INVERTED})\s+(?P<who2>{_NP}))")
# "…, he says." / "…, X announced on Tuesday." / "…, said X, a Democrat from …" at the end.
_TAIL_SPEAKER = re.compile(
    rf",\s+(?:(?P<who>{_NP})\s+(?:(?:has|had|also|then|later|again)\s+)*"
    rf"(?P<verb>{_ANY_VERB})|(?P<verb2>{_INVERTED})\s+(?P<who2>{_NP}))"
    r"(?P<rest>(?:,?\s+[^\"“”]{0,200})?)[.!]?[\"”’']*$", re.S)
# "…, he said, …" in the middle of a sentence (a parenthetical reporting clause).
_MIDDLE_SPEAKER = re.compile(
    rf",\s+(?P<who>{_NP_TOKEN}(?:\s+{_NP_TOKEN}){{0,5}}?)\s+(?P<verb>says|said|argues|argued|"
    rf"added|adds|insists|insisted|noted|notes|wrote|writes|warned|warns|explained|"
    rf"explains|claimed|claims|believes|believed),\s")
_REST_ADJUNCT = re.compile(
    r"^,?\s+(?:(?:on|in|at|last|this|earlier|late|later|yesterday|today|tonight|during|"
    r"after|before|from|via|to|told|while|when|as|with|through|outside|inside|of|at|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|recently|previously|"
    r"Sunday|adding|noting|citing|referring|according|a|an|the|who|which|speaking|"
    r"in\s+a)\b|$)", re.I)
# After an inverted speaker ("said Rep. X, a Democrat") or "told"/"asked" (the addressee).
_REST_OBJECT = re.compile(r"^,?\s+(?:a|an|the|[A-Z])", re.I)
_PASSIVE = re.compile(
    r"^(?P<subject>[^,;:\"“”]{1,80}?)\s+(?:is|are|was|were|has been|have been|had been|"
    r"will be|would be)\s+(?:also\s+|again\s+|further\s+|first\s+|originally\s+|"
    r"previously\s+|widely\s+)?(?P<verb>urged|asked|called on|"
    r"called upon|encouraged|requested|invited|reported|said|alleged|believed|told|"
    r"warned|advised|quoted|described)\b(?P<rest>.*)$", re.S)
_BY_AGENT = re.compile(rf"\bby\s+(?P<who>{_NP})")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Attribution:
    claimant: str | None  # the source as written, or None when the text does not name it
    content: str  # the reported words (what is scored)
    implicit: bool = False  # a passive with no agent: the source is the article's last one
    demand: bool = False  # a call, appeal or urge: what the source wants done, not a fact
    # Where the source and the content are in the sentence given, [start, end): the
    # claimant's words, and the quotation or that-clause without the reporting frame (for
    # "Y, he said, Z" the content runs from Y to Z, over the frame between them).
    claimant_span: tuple[int, int] | None = None
    content_span: tuple[int, int] | None = None


# Trimmed off the ends of a content span: quote marks, spaces and the frame's punctuation.
_OUTER = frozenset(" \t\n\r\"“”‘’'`,;:—–")
_CLOSING = frozenset("\"”’'")


def locate(text: str, piece: str | None, lo: int = 0, hi: int | None = None, *,
           last: bool = False) -> tuple[int, int] | None:
    """Where `piece` (words the rules took from `text`, maybe re-spaced) is in
    `text[lo:hi]`: the first occurrence, or the last one with `last`; None if absent."""
    if not piece:
        return None
    hi = len(text) if hi is None else hi
    index = text.rfind(piece, lo, hi) if last else text.find(piece, lo, hi)
    if index != -1:
        return index, index + len(piece)
    # The rules may have joined the words with single spaces ("clean_subject").
    pattern = re.compile(r"\s+".join(map(re.escape, piece.split())))
    found = list(pattern.finditer(text, lo, hi)) if last else [pattern.search(text, lo, hi)]
    match = found[-1] if found and found[-1] else None
    return (match.start(), match.end()) if match else None


def trim_content(text: str, start: int, end: int) -> tuple[int, int] | None:
    """`text[start:end]` without outer quote marks, spaces and trailing commas or colons
    (a full stop after a closing quote mark goes too: '"Y".' is the quotation Y)."""
    while start < end and text[start] in _OUTER:
        start += 1
    while end > start and (text[end - 1] in _OUTER or (
            text[end - 1] in ".!" and end - 2 >= start and text[end - 2] in _CLOSING)):
        end -= 1
    return (start, end) if end > start else None


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _strip_quotes(text: str) -> str:
    return text.strip().strip("\"“”'‘’ ,")


def _according(text: str) -> Attribution | None:
    match = _ACCORDING_LEAD.match(text)
    if not match and "according to" in text:
        match = _ACCORDING_TAIL.match(text)
    if not match:
        return None
    who = match["who"].strip()
    claimant = clean_subject(who) or who
    return Attribution(claimant, match["content"],
                       claimant_span=locate(text, claimant, *match.span("who")),
                       content_span=trim_content(text, *match.span("content")))


def _quote_speaker(text: str) -> Attribution | None:
    if not any(q in text for q in "”\"'"):
        return None
    for match in _QUOTE_SPEAKER.finditer(text):
        group = "who" if match["verb"] else "who2"
        verb = (match["verb"] or match["verb2"]).lower()
        if verb in _SHOW:
            continue
        claimant = clean_subject(match[group] or "")
        if not claimant:
            continue
        content = _strip_quotes(text[:match.start()] + text[match.start():match.start() + 1])
        if _words(content) >= 2:
            return Attribution(claimant, content,
                               claimant_span=locate(text, claimant, *match.span(group)),
                               content_span=trim_content(text, 0, match.start() + 1))
    return None


def _rest_fits(rest: str, verb: str, inverted: bool) -> bool:
    """Whether what follows a final reporting clause is only an adjunct or an addressee."""
    if not rest.strip(" ,.!"):
        return True
    if (inverted or verb in {"told", "asked", "tells"}) and _REST_OBJECT.match(rest):
        return True
    return bool(_REST_ADJUNCT.match(rest)) and not rest.lstrip(" ,").lower().startswith(
        ("a ", "an ", "the "))


def _tail_speaker(text: str) -> Attribution | None:
    stripped = text.rstrip()
    match = _TAIL_SPEAKER.search(stripped)
    if match:
        inverted = not match["verb"]
        group = "who2" if inverted else "who"
        verb = (match["verb2"] if inverted else match["verb"]).lower()
        content = stripped[:match.start()]
        if _words(content) >= 3 and _rest_fits(match["rest"], verb, inverted):
            claimant = clean_subject(match[group] or "")
            if claimant and verb in _SHOW and not _SHOW_SOURCES.search(claimant):
                claimant = None
            if claimant and len(claimant.split()) <= 8:
                return Attribution(claimant, content,
                                   claimant_span=locate(stripped, claimant, *match.span(group)),
                                   content_span=trim_content(stripped, 0, match.start()))
    match = _MIDDLE_SPEAKER.search(text)
    if match:
        claimant = clean_subject(match["who"])
        if claimant:
            # "Y, he said, Z": one span from Y to Z (a span cannot skip the frame).
            return Attribution(claimant, text[:match.start()] + " " + text[match.end():],
                               claimant_span=locate(text, claimant, *match.span("who")),
                               content_span=trim_content(text, 0, len(text)))
    return None


def _who_before(pre: str) -> list[str]:
    """The words before a reporting verb that may name its subject, best guess first."""
    if pre.endswith((",", "—", "–", ")")):
        # "X, director of Y, says", "X — a teacher — says": the appositive is skipped.
        opener = {",": ",", "—": "—", "–": "–", ")": "("}[pre[-1]]
        head, found, _ = pre[:-1].rpartition(opener)
        if not found:
            return []
        segments = _SEGMENTS.split(head)
        # "Marley Anderson, 21, a junior from Las Vegas, said"; "Trump, speaking at a
        # rally in Wilmington, N.C., warned": the nearest segment that is a source.
        return [seg for seg in reversed(segments[-4:])
                if seg.strip() and not _APPOSITIVE.match(seg.strip())] or [segments[-1]]
    return [_SEGMENTS.split(pre)[-1]]


def _name_subject(claimant: str) -> bool:
    """A named source or a personal pronoun ("Baker", "The New York Times", "she")."""
    first = claimant.split()[0]
    return claimant.lower() in PRONOUNS or (first[:1].isupper() and first.lower() not in {
        "the", "a", "an", "some", "many", "most", "several", "both", "other", "others"}
        ) or claimant.lower().startswith(("the new york", "the washington", "the wall street"))


def _subject_verb(text: str) -> Attribution | None:
    for match in _VERB.finditer(text):
        start = match.start()
        verb = match[0].lower()
        if start == 0 or text[start - 1] in "-’'":
            continue  # "nation-states"
        before = text[max(0, start - 12):start].split()
        if before and (before[-1].lower() in _DETERMINERS or before[-1].endswith(("’s", "'s"))
                       or (before[-1][:1].isdigit() and verb.endswith("ed"))):
            continue  # "the state's 20 pledged delegates", "the alleged victim"
        after = text[match.end():]
        marked = bool(_MARKER.match(after))
        if (after[:4].lower() == " by " or (after[:4].lower() == " of " and verb not in {
                "said", "says", "wrote", "writes"})) and verb not in {"accused", "criticized",
                                                                    "criticised"}:
            continue  # "was reported by", "the demands of"; but "he said of Trump"
        if verb in {"accused", "accuse", "accuses"} and after.lstrip().lower().startswith("of"):
            continue  # "the man accused of ..."
        if verb in {"called", "calls", "call"} and not any(q in after[:80] for q in "“\""):
            continue  # "called the show “...”", not "called a meeting"
        pre = _AUX_ADVERBS.sub("", " " + text[:start].rstrip()).strip()
        if pre.endswith(("“", '"', "'")):
            continue
        guesses = _who_before(pre)
        if not guesses:
            continue
        who = guesses[0]
        claimant = next(filter(None, map(clean_subject, guesses)), None)
        opening = False  # whether the source is the sentence's subject, at its start
        if not claimant:
            clause = _LAST_CLAUSE.search(who)
            if clause:  # "... a while back when she said"
                claimant = clean_subject(clause["who"])
        if not claimant and who.strip().lower() in {"and", "but", "and then", "but then"}:
            # "Carson did not mention them by name, but told his supporters ..."
            main, lead = _MAIN_CLAUSE.match(text), LEAD_NAME.match(text)
            claimant = (main and clean_subject(main["who"])) or (lead and clean_subject(lead[0]))
            opening = True
        if not claimant and who.rstrip().endswith((" and", " but")):
            # "Reid caucused in Nevada and says ...": the subject of the first verb.
            lead = LEAD_NAME.match(who.strip())
            claimant = clean_subject(lead[0]) if lead else None
            opening = True
            if not claimant and verb.endswith(("ed", "s", "id", "ld", "ote", "und")):
                # "The court overruled and said ...", "Eight years ago, he backed Obama and
                # said ...": the subject of the sentence's first verb (a finite verb: in
                # "allows him to keep ... and deny" the verb hangs on "to").
                claimant = _first_subject(text, start)
        if not claimant:
            continue
        if verb in _SHOW:
            if not _SHOW_SOURCES.search(claimant) and not _THAT.match(after):
                continue  # "Trump showed his tax returns"; but "The inquiry found that"
        elif verb in {"pledged", "agreed"} and _TO_VERB.match(after):
            pass  # "Sanders pledged to end the programs": a promise
        elif match["weak"] and not marked and verb not in {"called", "calls", "call"} and not (
                verb in _UNMARKED_AFTER_NAME and _words(after) >= 4 and (_name_subject(claimant)
                or (verb in _SUGGEST and _SHOW_SOURCES.search(claimant)))
                and (verb not in {"claims", "claim"} or _CLAIM_CLAUSE.match(after))
                and not (verb in _OBJECT_VERBS and _OBJECT.match(after))):
            continue  # "Baker wrote the introduction ...", "... posted a photo"
        content = after.lstrip(" ,:")
        content = re.sub(r"^that\s+", "", content)
        content_span = trim_content(text, len(text) - len(content), len(text))
        claimant_span = (locate(text, claimant, 0, start) if opening
                         else locate(text, claimant, 0, start, last=True))
        quoted_before = bool(claimant_span) and bool(
            _QUOTE_CLOSED.search(text, 0, claimant_span[0])) and not content.startswith(
            ("“", '"', "''"))
        if _words(content) < 2 or (quoted_before and _words(text[:claimant_span[0]]) >= 4):
            # '"...," Mr. Mahaney, of RBC Capital Markets, said.' and '"...," Graham, a
            # former candidate, told CBS News ...': the words come first, what follows the
            # verb is an addressee or an adjunct.
            content = _strip_quotes(pre[:pre.find(claimant)] if claimant in pre else "")
            if _words(content) < 4:
                continue
            content_span = trim_content(text, 0, pre.find(claimant))
        return Attribution(claimant, content, claimant_span=claimant_span,
                           content_span=content_span)
    return None


# A quotation closing just before the source: '"Y," Graham, a former candidate, told ...'.
_QUOTE_CLOSED = re.compile(r"[,.!?…—–-]\s*(?:[”\"]|'')\s*$")
_PARTICIPLE = re.compile(r",?\s+(?:saying|telling|adding|arguing|insisting|warning|noting|"
                         r"claiming|declaring|calling|writing|explaining|stressing|urging)\b")


def _participle(text: str) -> Attribution | None:
    """"X did Y, saying Z": the subject of the sentence said it."""
    match = _PARTICIPLE.search(text)
    if not match or _words(text[match.end():]) < 3:
        return None
    head = text[:match.start()]
    subject = _MAIN_CLAUSE.match(head)
    claimant = clean_subject(subject["who"]) if subject else None
    if not claimant:
        lead = LEAD_NAME.match(head)
        claimant = clean_subject(lead[0]) if lead else None
    if not claimant:
        return None
    content = text[match.end():].lstrip(" ,:")
    return Attribution(claimant, content, claimant_span=locate(text, claimant, 0, match.start()),
                       content_span=trim_content(text, len(text) - len(content), len(text)))


def _passive(text: str) -> Attribution | None:
    match = _PASSIVE.match(text)
    if not match or _words(match["rest"]) < 2:
        return None
    whole = trim_content(text, 0, len(text))
    agent = _BY_AGENT.search(match["rest"][:60])
    if agent:
        claimant = clean_subject(agent["who"])
        if claimant:
            rest = match.start("rest")
            return Attribution(claimant, text, content_span=whole, claimant_span=locate(
                text, claimant, rest + agent.start("who"), rest + agent.end("who")))
    subject = match["subject"].strip()
    if subject.lower() in {"it", "this"} or match["verb"] in {"said", "reported", "alleged",
                                                                "believed", "quoted",
                                                                "described"}:
        if subject.lower() == "it" and match["rest"].lstrip().startswith("that"):
            content = match["rest"].lstrip()[5:]
            return Attribution(None, content, content_span=trim_content(
                text, len(text) - len(content), len(text)))
        return None
    if not clean_subject(subject):
        return None
    return Attribution(None, text, implicit=True, content_span=whole)


# --- demands -----------------------------------------------------------------------------
# Calls, appeals and urges ("X demanded Y", "X calls on Y to Z", "X concludes with an appeal
# to Y", "Y is urged to Z"): the source asks for something; nothing in it is true or false.
_DEMAND_VERB = (
    r"demand|demands|demanded|urge|urges|urged|implore|implores|implored|"
    r"(?:call|calls|called|appeal|appeals|appealed)\s+(?:for|on|upon)|"
    r"(?:appeal|appeals|appealed|plead|pleads|pleaded)\s+(?:to|with)|"
    r"(?:press|presses|pressed|plead|pleads|pleaded)\s+for|"
    r"request|requests|requested|"
    r"(?:conclude|concludes|concluded|end|ends|ended|close|closes|closed)\s+with\s+"
    r"(?:an?\s+)?(?:\w+\s+)?(?:appeal|call|plea|demand|request)")
_DEMAND_AFTER_SOURCE = re.compile(
    r"(?:\s+(?:has|have|had|also|jointly|again|repeatedly|publicly|further|then|now|once|"
    r"formally|explicitly|strongly|urgently|today|yesterday|on\s+\w+day))*\s+"
    rf"(?:(?:{_DEMAND_VERB})\b|(?:ask|asks|asked)\s+(?!(?:how|whether|why|what|if|who|when|"
    r"where|about)\b)[^,.;:]{1,60}?\s+to\s+(?=[a-z]))", re.I)
_DEMAND_BEFORE_CONTENT = re.compile(rf"\b(?:{_DEMAND_VERB})[\s,:]*(?:that\s+)?$", re.I)
# Present passives are a text's own calls ("Donor countries are urged to ..."); in the past
# "asked", "invited" and "encouraged" report an event ("Rubio was asked to name ...").
_DEMAND_PASSIVE = re.compile(
    r"^[^,;:\"“”]{1,80}?\s+(?:(?:is|are|has been|have been)\s+(?:also\s+|again\s+|further\s+|"
    r"strongly\s+|urgently\s+)?(?:urged|asked|called\s+on|called\s+upon|requested|"
    r"encouraged|invited|implored|pressed)|(?:was|were|had been)\s+(?:also\s+|again\s+)?"
    r"(?:urged|called\s+on|called\s+upon|implored|pressed))\s+to\s", re.I)
# A demand inside a subordinate clause ("... when Beijing demanded they stop", "workers who
# demanded ...") is not what the sentence states.
_SUBORDINATE_BEFORE = re.compile(
    r"\b(?:when|if|who|which|that|after|before|while|as|because|until|unless|since|whom|"
    r"whose|though|although)\s+(?:\S+\s+){0,5}$", re.I)


def _is_demand(text: str, found: Attribution) -> bool:
    """Whether the reporting verb of `found` (the main clause's) is a call, an appeal or an
    urge."""
    if _DEMAND_PASSIVE.match(text):
        return True
    who = found.claimant
    if who and "’s " not in who and "'s " not in who:  # "Sanders's clarion call for"
        index = text.find(who)  # the source as the sentence first names it
        if index != -1 and _DEMAND_AFTER_SOURCE.match(text, index + len(who)):
            return not _SUBORDINATE_BEFORE.search(text, 0, index)
    head = found.content[:40]
    index = text.rfind(head) if head else -1
    if index <= 0:
        return False
    verb = _DEMAND_BEFORE_CONTENT.search(text, max(0, index - 80), index)
    return bool(verb) and not _SUBORDINATE_BEFORE.search(text, max(0, verb.start() - 60),
                                                         verb.start())


# A headline in title case: "Trump Says He Never Pledged To ...", "Glenn Beck Says Trump, ..."
# (every word of the source and of what follows the verb is capitalised).
_HEADLINE = re.compile(
    r"^(?P<who>(?:[A-Z][\w’'.-]*\s+){1,5}?)(?P<verb>Says|Said|Tells|Told|Warns|Warned|Claims|"
    r"Claimed|Admits|Admitted|Denies|Denied|Insists|Insisted|Calls|Called|Urges|Urged|"
    r"Accuses|Accused|Slams|Slammed|Blasts|Blasted|Asks|Asked|Vows|Vowed|Predicts|"
    r"Announces|Announced)\s+(?P<content>[‘'“\"]?[A-Z0-9$][^\n]*)$")
_LOWER_WORD = re.compile(r"(?:^|\s)(?!(?:a|an|the|of|to|in|on|at|for|and|or|but|by|with|from|"
                         r"as|is|be|vs|via|de|la|du|von|van)\b)[a-z]")


def _headline(text: str) -> Attribution | None:
    """A title-case headline "X Says Y": the source before the capitalised verb."""
    match = _HEADLINE.match(text)
    if not match or _LOWER_WORD.search(text) or _words(match["content"]) < 2:
        return None
    claimant = clean_subject(match["who"])
    if not claimant or claimant.split()[-1] in {"Who", "What", "How", "Why", "That", "This"}:
        return None
    return Attribution(claimant, match["content"],
                       claimant_span=locate(text, claimant, *match.span("who")),
                       content_span=trim_content(text, *match.span("content")))


def attribute_english(text: str) -> Attribution | None:
    """The attribution of one English sentence, or None when it reports no one's words."""
    stripped = text.strip()
    found = (_according(stripped) or _quote_speaker(stripped) or _tail_speaker(stripped)
             or _subject_verb(stripped) or _passive(stripped) or _participle(stripped)
             or _headline(stripped))
    if found and _is_demand(stripped, found):
        found = replace(found, demand=True)
    return _shifted(found, len(text) - len(text.lstrip()))


def _shifted(found: Attribution | None, by: int) -> Attribution | None:
    """`found` with its spans moved `by` characters (from the stripped sentence to the one
    given)."""
    if not found or not by:
        return found

    def move(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return (span[0] + by, span[1] + by) if span else None
    return replace(found, claimant_span=move(found.claimant_span),
                   content_span=move(found.content_span))


# --- Dari and Pashto (Persian script) --------------------------------------------------

_FA_ACCORDING = re.compile(r"^(?:به گفته|بر اساس گفته‌های|به نقل از|به اساس)\s+"
                           r"(?P<who>[^،,]{2,80})[،,]\s*(?P<content>.+)$", re.S)
_FA_VERBS = (r"گفته است|گفته‌اند|گفته اند|گفتند|گفت|افزوده است|افزودند|افزود|"
             r"تأکید کرده است|تاکید کرده است|تأکید کردند|تاکید کردند|تأکید کرد|تاکید کرد|"
             r"اعلام کرده است|اعلام کردند|اعلام کرد|هشدار دادند|هشدار داد|"
             r"ادعا کرد|ادعا کردند|اظهار داشت|ابراز کرد|"
             r"وویل|ویلي|ویل|ووایه|وايي|زیاته کړه|ټینګار وکړ")
_FA_SAYS = re.compile(
    rf"^(?P<who>[^،,:«»]{{2,80}}?)\s+(?:{_FA_VERBS})(?=[\s،,:.«]|$)\s*[،,:]?\s*(?:که|چې)?\s*"
    r"(?P<content>.+)$", re.S)
# "X خواستار Y شد/شدند" (X called for Y): the demand sits between the two words.
_FA_DEMAND = re.compile(r"^(?P<who>[^،,:«»]{2,80}?)\s+(?:خواستار|خواهان)\s+(?P<content>.+?)\s+"
                        r"(?:شد|شدند|شده است|شده‌اند|گردید|گردیدند)\s*[.!]?$", re.S)
# "X (از Y) درخواست کرد که Z" (X asked Y to Z); Pashto "X (له Y) وغوښتل چې Z".
_FA_ASK_VERBS = (r"درخواست کرده است|درخواست کرده‌اند|درخواست کردند|درخواست کرد|"
                 r"تقاضا کرده است|تقاضا کردند|تقاضا کرد|فراخوان دادند|فراخوان داد|"
                 r"غوښتنه یې وکړه|غوښتنه وکړه|وغوښتل")
_FA_ASKS = re.compile(
    rf"^(?P<who>[^،,:«»]{{2,80}}?)\s+(?:{_FA_ASK_VERBS})(?=[\s،,:.«]|$)\s*[،,:]?\s*"
    r"(?:که|چې)?\s*(?P<content>.+)$", re.S)
_FA_ADDRESSEE = re.compile(r"\s+(?:از|له)\s+\S+(?:\s+\S+){0,3}$")
_FA_TIME = re.compile(r"\s+(?:روز\s+\S+|امروز|دیروز|پریروز|روز|در\s+\S+\s+\S+)$")
FA_PRONOUNS = {"آنان", "آنها", "او", "وی", "ایشان", "هغه", "هغوی", "دوی"}


def _fa_subject(who: str) -> str:
    who = who.strip(" ،,:«»")
    who = who.split(" بر ", 1)[0]  # "X بر Y تاکید کرد": X stressed Y
    for _ in range(2):
        who = _FA_TIME.sub("", who).strip()
    return who


def attribute_persian(text: str) -> Attribution | None:
    """The attribution of one Dari or Pashto sentence, or None."""
    stripped = text.strip()
    for pattern in (_FA_ACCORDING, _FA_SAYS, _FA_DEMAND, _FA_ASKS):
        match = pattern.match(stripped)
        if match and len(match["content"].split()) >= 2:
            demand = pattern is _FA_DEMAND or pattern is _FA_ASKS
            # "رهبران از طالبان درخواست کردند": the addressee is not the source.
            who = match["who"].strip()
            who = _fa_subject(_FA_ADDRESSEE.sub("", who) if pattern is _FA_ASKS else who)
            if who and len(who.split()) <= 10:
                found = Attribution(who, match["content"], demand=demand,
                                    claimant_span=locate(stripped, who, *match.span("who")),
                                    content_span=trim_content(stripped,
                                                              *match.span("content")))
                return _shifted(found, len(text) - len(text.lstrip()))
    return None
