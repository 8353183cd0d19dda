"""A claim's short summary, `short_claim`: its main clause, in its own words.

ClaimReview's `claimReviewed` should be short (Google asks for 75 characters where
possible) and still be the claim. The engine proposes one from the claim's words only,
never adding or changing a word (except the capital of its first letter) and never
cutting inside a phrase or adding an ellipsis:

1. a leading or trailing attribution is dropped when what is left is the reported
   statement itself ("X said that Y", "According to X, Y", "Y, X said"); the claimant
   is a separate field. A denial ("X denied that Y") is kept whole: Y alone would say
   the opposite. A demand is kept whole: its words are not a statement;
2. subordinate detail goes: parentheses and dashes, appositives and non-restrictive
   clauses between commas ("Neda Nadeem, the Taliban's minister, has visited"), trailing
   participle and relative clauses (", warning that ...", ", which ..."), a leading
   concessive clause ("Despite X, Y");
3. still over 75 characters: the longest first clause that fits (cut before "; ",
   ", but", ", while" ...); still over the hard limit of 140: the longest prefix that
   ends before a clause, a relative clause, a "... by" phrase, a prepositional phrase
   or, last, a comma, outside quotation marks.

Editors can write their own; this is the proposal.
"""

# This module is about Unicode punctuation and Arabic script: its strings name them.

from __future__ import annotations

import re

SHORT_CLAIM_MAX = 140  # hard limit: the API, the form and the column refuse more
SHORT_CLAIM_AIM = 75  # Google's advice for claimReviewed
_ENOUGH = 60  # a cut to the hard limit keeps at least this much, if a boundary allows

_SPACE = re.compile(r"\s+")
# What follows a subject: where an appositive between commas ends ("X, a Y, has ...").
_VERB = (r"(?:has|have|had|is|are|was|were|will|would|can|could|may|might|must|should|did|"
         r"does|do|also|[a-z]{2,}ed|[a-z]{2,}s)\b")
_WORD = re.compile(r"\w+")
_DISCOURSE = re.compile(
    r"^(?:and|but|so|yet|however|instead|meanwhile|also|moreover|still|indeed|furthermore|"
    r"in addition|in fact|now|then|thus)\b,?\s+", re.I)
_CONCESSIVE = re.compile(
    r"^(?:(?:yet|but|and|still)\s+)?(?:despite|although|though|even though|while|whereas|"
    r"amid|because of|in spite of|apart from|besides)\b[^,;:“”\"]{1,100},\s+(?=\w)", re.I)
_BEFORE_CONTENT = re.compile(r"(?:\bthat|:)\s*[“\"]?$|^according to [^,]{2,120},\s*$", re.I)
_NEGATING = re.compile(r"\b(?:den(?:y|ies|ied)|disput(?:e|es|ed)|reject(?:s|ed)?|"
                       r"dismiss(?:es|ed)?|refut(?:e|es|ed)|doubt(?:s|ed)?|question(?:s|ed)?)\b"
                       r"[^.]{0,40}?\b(?:that|claims?|reports?)\b", re.I)
_QUOTE_MARKS = "\"“”'‘’«»"
_PARENS = re.compile(r"\s*\([^()]{0,200}\)")
_DASHES = re.compile(r"\s+[—–]\s+[^—–]{1,160}?\s+[—–](?=\s)|\s+[—–]\s+[^—–]{1,200}$")
# ", <appositive or non-restrictive clause>," followed by the sentence going on in lowercase.
_BETWEEN_COMMAS = re.compile(
    r",\s+(?:titled|entitled|named|dubbed|known as|now|formerly|"
    r"once|himself|herself|itself|themselves|especially|particularly|both|"
    r"[a-z]+ed by|backed by|led by|based in|[a-z]+ing)\b[^,;:“”\"]*?(?:“[^”]*,”|,)\s+"
    r"(?=" + _VERB + ")")
# A non-restrictive relative clause: "Human rights, which have deteriorated ..., form".
_RELATIVE = re.compile(r",\s+(?:which|who|whom|whose|where)\b[^,;:“”\"]*?,\s+(?=[a-z])")
# The same after a name: "Neda Nadeem, the Taliban's minister and an ally of X, has ...".
_APPOSITIVE = re.compile(
    r"(?P<name>\b[A-Z][\w’'.-]*),\s+(?:the|a|an)\s[^,;:“”\"]*?,\s+(?=" + _VERB + ")")
_TRAILING = re.compile(
    r"(?:,\s+|\s*[—–]\s*)(?:which|who|whom|whose|where|all of whom|both of whom|"
    r"most of whom|some of whom|"
    r"as|while|though|although|even though|whereas|including|especially|particularly|"
    r"something|despite|amid|according to|(?:(?:[a-z]+ly|further|also|thereby|thus)\s+)?"
    r"[a-z]{2,}ing|(?:[a-z]+ly|often|sometimes|mostly|largely|partly|mainly|also)\s+"
    r"[a-z]{2,}ed)\b.*$", re.S)
_CLAUSE_CUTS = re.compile(
    r";\s|,\s+(?:but|while|whereas|as|though|although|so|yet|because|since)\s|\s+but\s|"
    r"\s+(?:because|whereas|although|though)\s|,\s+and\s+(?:then\s+)?(?=[a-z]{2,}ed\b|"
    r"[a-z]{3,}s\b)")
_PHRASE_CUTS = re.compile(
    r"\s+(?:that|which|who)\s+(?=(?:has|have|had|is|are|was|were|will|would|can|could|"
    r"[a-z]+ed|[a-z]+s)\b)|\s+(?=[a-z]+ed\s+by\s)|\s+(?=(?:during|in|on|at|under|after|before|"
    r"since|through|across|amid|despite|without|with|for|from|over|into|toward|towards|"
    r"against|between|among|following|including|in order to|so as to)\s)|"
    r"\s+(?=to\s+(?:prevent|ensure|avoid|help|protect|stop)\b)")
# Weaker: an "of" phrase or an infinitive ("... components | of any ...", "... officials |
# to explore ...").
_OF = re.compile(r"\s+(?=(?:of|to)\s)")
_COMMA = re.compile(r",\s")
# A comma inside a list ("A, B, and C", "A, B and C"): no place to cut.
_LIST = re.compile(r",\s+(?:(?:and|or)\s|(?:[^\s,;:]+\s+){0,3}(?:[^\s,;:]+,|(?:and|or)\s))")
_OPEN_ENDS = {"and", "or", "but", "nor", "of", "to", "the", "a", "an", "in", "on", "at", "by",
              "for", "with", "from", "that", "which", "who", "as", "than", "their", "its",
              "his", "her", "our", "this", "these", "those", "into", "not", "be", "been", "only"}
_FA_CUTS = re.compile(r"[،؛]\s*|\s+(?=(?:که|چې|و)\s)")
_FA_PARENS = re.compile(r"\s*[(\[][^()\[\]]{0,200}[)\]]")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _in_quote(text: str, end: int) -> bool:
    """Whether position `end` of `text` lies inside a quotation."""
    before = text[:end]
    curly = before.count("“") - before.count("”")
    return curly > 0 or before.count('"') % 2 == 1


def _tidy(text: str) -> str:
    text = text.strip(" ,;:—–-")
    if "“" in text and "”" not in text:
        text = text.replace("“", "")
    if "”" in text and "“" not in text:
        text = text.replace("”", "")
    if text.count('"') % 2:  # a quotation cut open: its mark goes, the words stay
        text = text.replace('"', "")
    text = text.strip(" ,;:—–-").rstrip(".")
    return text.strip(" ,;:—–-")


def _statement(text: str, content: str | None) -> str:
    """The reported statement when `text` is it plus an attribution, else `text`."""
    if not content:
        return text
    words = _SPACE.sub(" ", content).strip().strip(_QUOTE_MARKS + " ,").rstrip(".")
    if _words(words) < 4:
        return text
    head = words[:40]
    index = text.find(head)
    if index < 0:
        return text
    if _NEGATING.search(text):
        return text  # "X denied that Y": Y alone would say the opposite
    if not text[:index].strip(_QUOTE_MARKS + " "):  # "Y, X said.": the words come first
        return words
    if _BEFORE_CONTENT.search(text[:index]):  # "X said that Y", "According to X, Y"
        return text[index:]
    return text


def _ends_well(prefix: str) -> bool:
    """Whether a cut leaves a phrase closed: not ending on "and", "of", "the" ..."""
    last = prefix.rsplit(" ", 1)[-1].lower()
    return last not in _OPEN_ENDS


def _cut(text: str, limit: int, pattern: re.Pattern) -> str | None:
    """The longest prefix of `text` ending before a match of `pattern`, within `limit`
    characters, of 4 words or more, not inside a quotation; None if there is none."""
    best = None
    for match in pattern.finditer(text):
        if match.start() > limit + 2:
            break
        prefix = _tidy(text[:match.start()])
        if (len(prefix) <= limit and _words(prefix) >= 4 and _ends_well(prefix)
                and not _in_quote(text, match.start())
                and not (pattern is _COMMA and _LIST.match(text, match.start()))):
            best = prefix
    return best


def _fit(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word boundary if nothing better."""
    if len(text) <= limit:
        return text
    prefix = text[:limit + 1].rsplit(" ", 1)[0]
    return _tidy(prefix) or text[:limit]


def _shorten(text: str) -> str:
    """`text` cut to `SHORT_CLAIM_MAX` at the strongest boundary that keeps enough of it
    (a clause, then a phrase, then an "of"/"to" phrase, then a comma), else the longest."""
    found = []
    for pattern in (_CLAUSE_CUTS, _PHRASE_CUTS, _OF, _COMMA):
        cut = _cut(text, SHORT_CLAIM_MAX, pattern)
        if cut and len(cut) >= _ENOUGH:
            return cut
        if cut:
            found.append(cut)
    return max(found, key=len, default=None) or _fit(text, SHORT_CLAIM_MAX)


def propose_short_claim(text: str, content: str | None = None, *, demand: bool = False,
                        arabic_script: bool = False) -> str:
    """The proposed `short_claim` of a claim `text` (`content`: its reported statement,
    when it reports someone's words), at most `SHORT_CLAIM_MAX` characters."""
    text = _SPACE.sub(" ", text).strip()
    if arabic_script:
        return _persian(text, content)
    short = text if demand else _statement(text, content)
    short = _PARENS.sub("", short)
    short = _DASHES.sub("", short)
    short = _DISCOURSE.sub("", short)
    short = _CONCESSIVE.sub("", short)
    short = _BETWEEN_COMMAS.sub(" ", short)
    short = _RELATIVE.sub(" ", short)
    short = _APPOSITIVE.sub(r"\g<name> ", short)
    trailing = _TRAILING.search(short)
    if trailing and _words(short[:trailing.start()]) >= 4:
        short = short[:trailing.start()]
    short = _tidy(_SPACE.sub(" ", short))
    if short[:1].islower() and not text.startswith(short[:1]):
        short = short[:1].upper() + short[1:]  # "X said that the ...": a sentence now
    if len(short) > SHORT_CLAIM_AIM:
        short = _cut(short, SHORT_CLAIM_AIM, _CLAUSE_CUTS) or short
    if len(short) > SHORT_CLAIM_MAX:
        short = _shorten(short)
    return short or _fit(_tidy(text), SHORT_CLAIM_MAX)


def _persian(text: str, content: str | None) -> str:
    """Dari and Pashto: the reported words after "که"/"چې", without brackets, cut at a
    "،" when too long."""
    short = text
    if content and _words(content) >= 3 and text.endswith(content.strip()):
        short = content.strip()
    short = _FA_PARENS.sub("", short).strip(" ،,.؛:")
    if len(short) > SHORT_CLAIM_MAX:
        best = None
        for match in _FA_CUTS.finditer(short):
            prefix = short[:match.start()].strip(" ،,.؛:")
            if len(prefix) <= SHORT_CLAIM_MAX and _words(prefix) >= 4:
                best = prefix
        short = best or _fit(short, SHORT_CLAIM_MAX)
    return short
