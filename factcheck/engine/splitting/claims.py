"""From sentences to candidate claims: type, claimant, sub-claims and check-worthiness.

Rules, not a statistical parser: each sentence is typed (question, attributed,
prediction, opinion, factual); attribution is structural ("X said that Y",
"according to X, Y", "X accused Y of Z", '"Y," X said'), the claimant is the
reporting subject, and the *attributed content* is what gets scored. A sentence
is split only where both parts are complete statements: a main clause followed
by ", warning that ...", ", all of whom stressed that ..." and the like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .checkworthy import explain_sentence, score_sentence
from .language import ARABIC, script_of
from .sentences import split_sentences
from .types import CandidateClaim, Span

# Speech verbs: "X said Y" needs no "that".
_SPEECH = (
    r"said|says|say|told|added|adds|warned|warns|warn|argued|argues|argue|insisted|insists|"
    r"insist|claimed|claims|claim|wrote|writes|believe|believes|believed|contended|contends"
)
# Verbs that report a claim only with a that-clause ("stressed that ...", not "stressed the need").
_REPORTING_THAT = (
    r"stated|states|state|noted|notes|note|stressed|stresses|stress|emphasi[sz]ed|emphasi[sz]es|"
    r"emphasi[sz]e|announced|announces|alleged|alleges|reported|reports|maintained|maintains|"
    r"asserted|asserts|declared|declares|estimated|estimates|acknowledged|acknowledges|"
    r"admitted|admits|explained|explains|suggested|suggests|confirmed|confirms|denied|denies|"
    r"revealed|reveals|pointed out|points out|observed|observes|reiterated|reiterates|"
    r"highlighted|highlights|underlined|underlines|underscored|underscores|concluded|concludes"
)
_REPORTING = f"{_SPEECH}|{_REPORTING_THAT}"
_PARTICIPLES = (
    r"warning|saying|arguing|insisting|noting|adding|stressing|claiming|emphasi[sz]ing|"
    r"stating|declaring|asserting|alleging"
)
_ADVERBS = r"(?:(?:has|have|had|also|repeatedly|publicly|jointly|further|then|again)\s+)*"
# "<subject> <speech verb> [that] <content>" and "<subject> <reporting verb> that <content>"
_SUBJECT_SAYS = re.compile(
    rf"^(?P<lead>(?:[^,]{{0,80}},\s+)?)(?P<who>[^,;:\"“”]{{2,120}}?)\s+{_ADVERBS}"
    rf"(?:(?P<speech>{_SPEECH})\b(?:\s+that)?|(?P<verb>{_REPORTING_THAT})\s+that)"
    rf"\s*,?\s+(?P<content>.+)$",
    re.S,
)
# Words that show the "subject" is really a clause ("Donor countries are urged ...").
_NOT_IN_SUBJECT = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "will", "would", "can", "could", "may", "might", "shall", "should", "must",
    "follows", "follow", "followed", "marks", "comes", "came", "that", "which", "who", "but",
    "calls", "call", "called",
}
_PRONOUNS = {"they", "he", "she", "we", "it", "them", "this"}
_ACCORDING_TO_LEAD = re.compile(r"^According to (?P<who>[^,]{2,120}),\s+(?P<content>.+)$", re.S)
_ACCORDING_TO_TAIL = re.compile(r"^(?P<content>.+?),?\s+according to (?P<who>[^,.]{2,120})[.!]?$",
                                re.S)
_ACCUSED = re.compile(
    r"^(?P<who>[^,;:]{2,120}?)\s+(?:has\s+|have\s+|had\s+)?(?P<verb>accused|accuses|accuse|"
    r"blamed|blames|blame|criticised|criticized|criticises|criticizes)\s+(?P<content>.+)$",
    re.S,
)
_QUOTE_THEN_SAYS = re.compile(
    rf"^[\"“](?P<content>.+?)[,.!?]?[\"”],?\s+(?P<who>[^,.]{{2,80}}?)\s+(?:{_REPORTING})\b.*$"
    rf"|^[\"“](?P<content2>.+?)[,.!?]?[\"”],?\s+(?:{_REPORTING})\s+(?P<who2>[^,.]{{2,80}})\.?$",
    re.S,
)
# "<content>, Mayor Helen Okafor announced on Tuesday." (the reporting clause at the end)
_CONTENT_THEN_SAYS = re.compile(
    rf"^(?P<content>.+),\s+(?P<who>(?:[Tt]he\s+)?[A-Z][^,;:\"“”]{{1,80}}?)\s+{_ADVERBS}"
    rf"(?:{_REPORTING})(?:\s+(?:on|in|at|last|this|earlier|late|yesterday|today)\b[^,]{{0,40}})?"
    rf"[.!]?$",
    re.S,
)
_SPLIT_POINT = re.compile(
    rf",\s+(?P<tail>(?:(?:{_PARTICIPLES})\s+(?:that\s+)?|(?:all of whom|both of whom|who|which)"
    rf"\s+(?:(?:also|jointly|repeatedly)\s+)?(?:{_REPORTING})\s+(?:that\s+)?))",
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|is (?:expected|likely|set|poised|due) to|are (?:expected|likely|"
    r"set|poised|due) to|going to|would likely|forecasts?|predicts?)\b", re.I)
_OPINION = re.compile(
    r"\b(?:should|must|ought to|need to|needs to|have to|has to|I think|we think|I believe|"
    r"we believe|in my view|in our view|in my opinion|unacceptable|shameful|disgraceful|"
    r"the only credible|the best|the worst)\b", re.I)
_LEADING_TRIM = re.compile(r"^(?:and|but|so|yet|however|instead|meanwhile|also)\b[,\s]*", re.I)
_WORD = re.compile(r"\w+")

# Persian/Dari and Pashto reporting: "X گفت که ...", "به گفته X، ...".
_FA_ACCORDING = re.compile(r"^(?:به گفته|بر اساس گفته‌های|به نقل از)\s+(?P<who>[^،,]{2,80})[،,]\s*"
                           r"(?P<content>.+)$", re.S)
_FA_SAYS = re.compile(
    r"^(?P<who>[^،,]{2,80}?)\s+(?:گفت|گفته است|گفتند|افزود|افزودند|تأکید کرد|تاکید کرد|"
    r"تأکید کردند|اعلام کرد|اعلام کردند|هشدار داد|هشدار دادند|وویل|ویلي)\s*(?:که|چې)?\s*"
    r"(?P<content>.+)$", re.S)
_FA_PREDICTION = re.compile(r"خواهد|خواهند|به زودی|به‌زودی")
_FA_OPINION = re.compile(r"\bباید\b|ضروری است|لازم است")


@dataclass(frozen=True)
class _Typed:
    kind: str
    claimant: str | None
    content: str  # what is scored: the attributed content, or the whole text


def _clean_claimant(who: str, *, max_words: int = 12) -> str | None:
    who = _LEADING_TRIM.sub("", who.strip(" ,;:\"“”'’"))
    words = who.split()
    if not words or len(words) > max_words or len(who) > 200:
        return None
    if words[0].lower() in {"it", "this", "that", "there"}:
        return None
    if any(w.lower() in _NOT_IN_SUBJECT for w in words):
        return None
    return who


def _type_english(text: str) -> _Typed:
    stripped = text.strip()
    if stripped.endswith("?"):
        return _Typed("question", None, stripped)
    for pattern, who_group, content_group in (
        (_ACCORDING_TO_LEAD, "who", "content"),
        (_ACCORDING_TO_TAIL, "who", "content"),
    ):
        match = pattern.match(stripped)
        if match:
            return _Typed("attributed", _clean_claimant(match[who_group]), match[content_group])
    match = _QUOTE_THEN_SAYS.match(stripped)
    if match:
        who = match["who"] or match["who2"]
        return _Typed("attributed", _clean_claimant(who), match["content"] or match["content2"])
    match = _CONTENT_THEN_SAYS.match(stripped)
    if match and len(_WORD.findall(match["content"])) >= 3:
        claimant = _clean_claimant(match["who"], max_words=6)
        if claimant:
            return _Typed("attributed", claimant, match["content"])
    for pattern in (_SUBJECT_SAYS, _ACCUSED):
        match = pattern.match(stripped)
        if match and len(_WORD.findall(match["content"])) >= 3:
            claimant = _clean_claimant(match["who"])
            if claimant:
                return _Typed("attributed", claimant, match["content"])
    if _PREDICTION.search(stripped):
        return _Typed("prediction", None, stripped)
    if _OPINION.search(stripped):
        return _Typed("opinion", None, stripped)
    return _Typed("factual", None, stripped)


def _type_persian(text: str) -> _Typed:
    stripped = text.strip()
    if stripped.endswith(("?", "؟")):
        return _Typed("question", None, stripped)
    for pattern in (_FA_ACCORDING, _FA_SAYS):
        match = pattern.match(stripped)
        if match and len(match["content"].split()) >= 3:
            return _Typed("attributed", match["who"].strip(), match["content"])
    if _FA_PREDICTION.search(stripped):
        return _Typed("prediction", None, stripped)
    if _FA_OPINION.search(stripped):
        return _Typed("opinion", None, stripped)
    return _Typed("factual", None, stripped)


_KIND_FACTOR = {"factual": 1.0, "attributed": 1.0, "prediction": 0.55, "opinion": 0.5,
                "question": 0.3}


def _score(typed: _Typed, arabic_script: bool) -> tuple[float, dict[str, float]]:
    if arabic_script:
        # The model is English-only: score Arabic script by language-neutral signals.
        digits = bool(re.search(r"[0-9۰-۹٠-٩]", typed.content))
        base = 0.45 + (0.25 if digits else 0.0) + min(len(typed.content.split()), 30) / 150
        features = {"number": 0.25 if digits else 0.0, "length": min(len(typed.content.split()),
                                                                      30) / 150}
    else:
        base = score_sentence(typed.content)
        features = dict(explain_sentence(typed.content))
    factor = _KIND_FACTOR[typed.kind]
    if factor != 1.0:
        features[f"kind: {typed.kind}"] = round(base * factor - base, 4)
    return max(0.0, min(1.0, base * factor)), features


def _candidate(source: str, start: int, end: int, typed: _Typed, arabic_script: bool,
               claimant: str | None = None) -> CandidateClaim:
    score, features = _score(typed, arabic_script)
    return CandidateClaim(
        start=start, end=end, text=source[start:end], kind=typed.kind, score=score,
        claimant=claimant if claimant is not None else typed.claimant, features=features,
    )


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


def _main_subject(clause: str) -> str | None:
    match = re.match(
        r"^(?P<who>[A-Z][^,;:]{1,100}?)\s+(?:has|have|had|is|are|was|were|jointly|also|"
        r"\w+ed)\b", clause)
    return _clean_claimant(match["who"]) if match else None


def _sub_claims(source: str, sentence: Span, arabic_script: bool) -> list[CandidateClaim] | None:
    """Split "main clause, warning that ..." into two claims, when both are complete."""
    if arabic_script:
        return None
    match = _SPLIT_POINT.search(sentence.text)
    if not match:
        return None
    head_text = sentence.text[:match.start()]
    tail_text = sentence.text[match.start("tail"):]
    if len(_WORD.findall(head_text)) < 6 or len(_WORD.findall(tail_text)) < 6:
        return None
    head_typed = _type_english(head_text)
    if head_typed.kind == "attributed":
        return None  # already reported speech: keep it whole
    tail_start = sentence.start + match.start("tail")
    lead = tail_text[: match.end() - match.start("tail")]
    content = tail_text[len(lead):]
    if lead.lower().startswith(("all of whom", "both of whom", "who", "which")):
        listed = head_text.rsplit(" by ", 1)
        claimant = _clean_claimant(listed[1], max_words=30) if len(listed) == 2 else None
    else:
        claimant = _main_subject(head_text)
    tail_typed = _Typed("attributed", claimant, content)
    head_start, head_end = _trim(source, sentence.start, sentence.start + len(head_text))
    return [
        _candidate(source, head_start, head_end, head_typed, arabic_script),
        _candidate(source, tail_start, sentence.end, tail_typed, arabic_script),
    ]


def _uses_arabic_script(text: str, lang: str | None) -> bool:
    """Whether `text` in `lang` gets the Persian/Pashto rules (Arabic script), not English ones."""
    return script_of(text, lang) == ARABIC


def split_claims(text: str, lang: str | None = None) -> list[CandidateClaim]:
    """The candidate claims of an article, in text order, anchored by character offsets."""
    arabic_script = _uses_arabic_script(text, lang)
    candidates: list[CandidateClaim] = []
    last_subject: str | None = None  # who "they" most likely refers to
    for sentence in split_sentences(text, lang):
        if len(_WORD.findall(sentence.text)) < 3:
            continue  # headings, bylines, stray fragments
        parts = _sub_claims(text, sentence, arabic_script)
        if not parts:
            typed = _type_persian(sentence.text) if arabic_script else _type_english(sentence.text)
            parts = [_candidate(text, sentence.start, sentence.end, typed, arabic_script)]
        for part in parts:
            if part.claimant and part.claimant.lower() in _PRONOUNS and last_subject:
                part = replace(part, claimant=last_subject)
            candidates.append(part)
        subject = parts[0].claimant or (None if arabic_script else _main_subject(sentence.text))
        if subject and subject.lower() not in _PRONOUNS:
            last_subject = subject
    return candidates


def classify_span(text: str, start: int, end: int, lang: str | None = None) -> CandidateClaim:
    """Type and score one passage of `text` as a single claim (for editors' own spans)."""
    start, end = _trim(text, start, end)
    arabic_script = _uses_arabic_script(text[start:end], lang)
    piece = text[start:end]
    typed = _type_persian(piece) if arabic_script else _type_english(piece)
    return _candidate(text, start, end, typed, arabic_script)
