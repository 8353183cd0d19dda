"""From sentences to candidate claims: type, claimant, sub-claims and check-worthiness.

Rules, not a statistical parser: each sentence is typed (question, attributed, demand,
prediction, opinion, factual); a demand (a call, appeal or urge: "X demanded Y", "X calls on
Y to Z", "Y is urged to Z") keeps its claimant like reported speech but is scored low, since
nothing in it is true or false; attribution is structural (see `attribution`: "X said
that Y", "according to X, Y", "X demanded Y", '"Y," said Rep. X, a ...', "X is urged
to Y"), the claimant is the source as the text names it, and the *attributed content*
is what gets scored. Across sentences: the later sentences of a long quotation take its
speaker, and "he", "she", "it", "they" (and passives with no agent) take the last
source named before them. A sentence
is split only where both parts are complete statements: a main clause followed
by ", warning that ...", ", all of whom stressed that ..." and the like. Inside each
claim, the independent statements it holds (coordinated clauses, a participial or
relative detail, the facts a condemnation presupposes) are its `sub_claims` (see `atoms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .atoms import PRESUPPOSED, find_atoms, find_atoms_persian
from .attribution import (
    FA_PRONOUNS,
    LEAD_NAME,
    PRONOUNS,
    attribute_english,
    attribute_persian,
    clean_subject,
    locate,
    pick_antecedent,
    trim_content,
)
from .checkworthy import assess_sentence
from .language import ARABIC, script_of
from .sentences import split_sentences
from .summary import propose_short_claim
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
_NOT_IN_SUBJECT = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "will", "would", "can", "could", "may", "might", "shall", "should", "must",
    "follows", "follow", "followed", "marks", "comes", "came", "that", "which", "who", "but",
    "calls", "call", "called",
}
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

_FA_PREDICTION = re.compile(r"خواهد|خواهند|به زودی|به‌زودی")
_FA_OPINION = re.compile(r"\bباید\b|ضروری است|لازم است")


# Kinds that report a source's words and carry its claimant.
_REPORTED = frozenset({"attributed", "demand"})


@dataclass(frozen=True)
class _Typed:
    kind: str
    claimant: str | None
    content: str  # what is scored: the attributed content, or the whole text
    implicit: bool = False  # attributed to the article's current source ("X is urged to")
    # [start, end) in the typed text: the claimant's words, the attributed content.
    claimant_at: tuple[int, int] | None = None
    content_at: tuple[int, int] | None = None


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
    found = attribute_english(text)
    if found:
        claimant, claimant_at = found.claimant, found.claimant_span
        if claimant and claimant.lower() in {"i", "we", "you"}:
            claimant, claimant_at = None, None  # the writer or a crowd: no claimant to check
        kind = "demand" if found.demand else "attributed"
        return _Typed(kind, claimant, found.content, found.implicit, claimant_at,
                      found.content_span)
    if _PREDICTION.search(stripped):
        return _Typed("prediction", None, stripped)
    if _OPINION.search(stripped):
        return _Typed("opinion", None, stripped)
    return _Typed("factual", None, stripped)


def _type_persian(text: str) -> _Typed:
    stripped = text.strip()
    if stripped.endswith(("?", "؟")):
        return _Typed("question", None, stripped)
    found = attribute_persian(text)
    if found:
        return _Typed("demand" if found.demand else "attributed", found.claimant, found.content,
                      claimant_at=found.claimant_span, content_at=found.content_span)
    if _FA_PREDICTION.search(stripped):
        return _Typed("prediction", None, stripped)
    if _FA_OPINION.search(stripped):
        return _Typed("opinion", None, stripped)
    return _Typed("factual", None, stripped)


# A demand asks for something: nothing in it is true or false, so it ranks below
# everything that states something (an opinion too), whatever its numbers.
_KIND_FACTOR = {"factual": 1.0, "attributed": 1.0, "prediction": 0.55, "opinion": 0.5,
                "question": 0.3, "demand": 0.25}


def _content_kind(content: str, arabic_script: bool) -> str:
    """What the reported words are by themselves: a question, a prediction, an opinion, or
    a statement of fact (the reporting verb does not count: "X warned that Y" reports Y)."""
    if content.rstrip(" \"”’'").endswith(("?", "؟")):
        return "question"
    if arabic_script:
        return ("prediction" if _FA_PREDICTION.search(content) else
                "opinion" if _FA_OPINION.search(content) else "factual")
    return ("prediction" if _PREDICTION.search(content) else
            "opinion" if _OPINION.search(content) else "factual")


def _score(typed: _Typed, arabic_script: bool) -> tuple[float, dict[str, float]]:
    if arabic_script:
        # The model is English-only: score Arabic script by language-neutral signals.
        digits = bool(re.search(r"[0-9۰-۹٠-٩]", typed.content))
        base = 0.45 + (0.25 if digits else 0.0) + min(len(typed.content.split()), 30) / 150
        features = {"number": 0.25 if digits else 0.0, "length": min(len(typed.content.split()),
                                                                      30) / 150}
    else:
        base, features = assess_sentence(typed.content)
    # Reported speech is scored on its content (the words said, not the reporting verb),
    # whatever that content's own kind: a reported opinion is not damped like a bare one,
    # so that demands keep ranking below everything that states something.
    factor = _KIND_FACTOR[typed.kind]
    if factor != 1.0:
        features[f"kind: {typed.kind}"] = round(base * factor - base, 4)
    return max(0.0, min(1.0, base * factor)), features


def _span(source: str, base: int, at: tuple[int, int] | None) -> Span | None:
    """A span of the typed text (`at`, relative to `base`) as a span of the article."""
    if not at:
        return None
    return Span(base + at[0], base + at[1], source[base + at[0]:base + at[1]])


def _candidate(source: str, start: int, end: int, typed: _Typed,
               arabic_script: bool) -> CandidateClaim:
    """The candidate of `source[start:end]`, typed as `typed` (its spans relative to
    `start`)."""
    score, features = _score(typed, arabic_script)
    text = source[start:end]
    claimant_span = _span(source, start, typed.claimant_at) if typed.claimant else None
    content_span = _span(source, start, typed.content_at) if typed.kind == "attributed" else None
    return CandidateClaim(
        start=start, end=end, text=text, kind=typed.kind, score=score,
        claimant=typed.claimant, features=features,
        short_claim=_short(text, typed, arabic_script),
        claimant_span=claimant_span, source_span=claimant_span, content_span=content_span,
        content_kind=_content_kind(typed.content, arabic_script) if content_span else None,
        content_score=score if content_span else None,
    )


def _short(text: str, typed: _Typed, arabic_script: bool) -> str:
    content = typed.content if typed.kind == "attributed" else None
    return propose_short_claim(text, content, demand=typed.kind == "demand",
                               arabic_script=arabic_script)


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


_MAIN_SUBJECT = re.compile(r"^(?P<who>[A-Z][^,;:]{1,100}?)\s+(?:has|have|had|is|are|was|were|"
                           r"jointly|also|\w+ed)\b")


def _main_subject(clause: str) -> tuple[str | None, tuple[int, int] | None]:
    """The subject of `clause`'s first verb as a source, and where it is in `clause`."""
    match = _MAIN_SUBJECT.match(clause)
    who = _clean_claimant(match["who"]) if match else None
    return who, locate(clause, who, *match.span("who")) if who else None


def _antecedent(sentence: Span) -> tuple[str, Span | None] | None:
    """The subject of a sentence that names no source: what a later "he" may stand for,
    and where the sentence names it."""
    text = sentence.text
    match = _MAIN_SUBJECT.match(text)
    who = clean_subject(match["who"]) if match else None
    where = match.span("who") if who else None
    if not who:  # "Senator Maria Lopez spoke ...": a name of two words or more
        lead = LEAD_NAME.match(text)
        who = clean_subject(lead[0]) if lead and len(lead[0].split()) >= 2 else None
        where = lead.span() if who else None
    if not who or len(who.split()) > 6:
        return None
    at = locate(text, who, *where)
    return who, (Span(sentence.start + at[0], sentence.start + at[1],
                      text[at[0]:at[1]]) if at else None)


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
    if head_typed.kind in _REPORTED:
        return None  # already reported speech (or a call): keep it whole
    tail_start = sentence.start + match.start("tail")
    lead = tail_text[: match.end() - match.start("tail")]
    content = tail_text[len(lead):]
    if lead.lower().startswith(("all of whom", "both of whom", "who", "which")):
        listed = head_text.rsplit(" by ", 1)
        claimant = _clean_claimant(listed[1], max_words=30) if len(listed) == 2 else None
        at = locate(head_text, claimant, len(listed[0]), last=True) if claimant else None
    else:
        claimant, at = _main_subject(head_text)
    # The source is named in the head, before the tail's own text: relative to the tail.
    offset = match.start("tail")
    claimant_at = (at[0] - offset, at[1] - offset) if at else None
    tail_typed = _Typed("attributed", claimant, content, claimant_at=claimant_at,
                        content_at=trim_content(tail_text, len(lead), len(tail_text)))
    head_start, head_end = _trim(source, sentence.start, sentence.start + len(head_text))
    return [
        _candidate(source, head_start, head_end, head_typed, arabic_script),
        _candidate(source, tail_start, sentence.end, tail_typed, arabic_script),
    ]


def _uses_arabic_script(text: str, lang: str | None) -> bool:
    """Whether `text` in `lang` gets the Persian/Pashto rules (Arabic script), not English ones."""
    return script_of(text, lang) == ARABIC


def _quote_open_after(text: str, open_before: bool) -> bool:
    """Whether a quotation is still open at the end of `text` (curly or straight marks)."""
    opening = text.rfind("“")
    closing = max(text.rfind("”"), text.rfind(".’"), text.rfind(",’"), text.rfind("?’"),
                  text.rfind("!’"))
    if opening >= 0 or closing >= 0:
        return opening > closing
    straight = text.count('"') + text.count("''")
    return open_before != bool(straight % 2)


@dataclass
class _Row:
    parts: list[CandidateClaim]
    implicit: list[bool]
    sentence: Span


def _close_quote(rows: list[_Row], run: list[int], source: str, arabic_script: bool) -> None:
    """The sentences of one long quotation share its speaker, wherever it is named."""
    speaker = next((rows[i].parts[0] for i in run
                    if len(rows[i].parts) == 1 and rows[i].parts[0].kind in _REPORTED
                    and rows[i].parts[0].claimant), None)
    if not speaker:
        return
    for i in run:
        row = rows[i]
        if len(row.parts) == 1 and row.parts[0].kind in {"factual", "opinion", "prediction"}:
            part = row.parts[0]
            typed = _Typed("attributed", speaker.claimant, part.text.strip("\"“”' "),
                           content_at=trim_content(part.text, 0, len(part.text)))
            # The speaker is named in another sentence of the quotation: its span there.
            row.parts = [replace(_candidate(source, part.start, part.end, typed, arabic_script),
                                 claimant_span=speaker.claimant_span)]
            row.implicit = [False]


# Sentences whose own clauses are statements: their atomic clauses are sub-claims too.
_STATEMENTS = frozenset({"factual", "attributed"})


def _with_sub_claims(source: str, claim: CandidateClaim,
                     arabic_script: bool = False) -> CandidateClaim:
    """`claim` with its sub-claims: atomic clauses and presupposed facts (in Persian script,
    only the object of a condemnation).

    A sub-claim of reported speech is the source's too: it keeps the sentence's claimant
    (so does a presupposed fact: the leaders who condemned the arrests take them as given).
    """
    if claim.kind == "question":
        return claim
    if arabic_script:
        atoms = find_atoms_persian(source, claim.start, claim.end)
    else:
        atoms = find_atoms(source, claim.start, claim.end,
                           statement=claim.kind in _STATEMENTS)
    if not atoms:
        return claim
    subs = []
    for atom in atoms:
        kind = "attributed" if claim.kind == "attributed" and atom.origin != PRESUPPOSED \
            else "factual"
        typed = _Typed(kind, claim.claimant, atom.text)
        sub = _candidate(source, atom.start, atom.end, typed, arabic_script)
        # The sub-claim is itself checkable content: it keeps the sentence's source and
        # where that source is named, and has no content span of its own.
        subs.append(replace(sub, origin=atom.origin, claimant=claim.claimant,
                            claimant_span=claim.claimant_span, source_span=claim.source_span,
                            content_span=None, content_kind=None, content_score=None))
    return replace(claim, sub_claims=tuple(subs))


def split_claims(text: str, lang: str | None = None) -> list[CandidateClaim]:
    """The candidate claims of an article, in text order, anchored by character offsets."""
    arabic_script = _uses_arabic_script(text, lang)
    pronouns = FA_PRONOUNS if arabic_script else PRONOUNS
    rows: list[_Row] = []
    run: list[int] = []  # rows of the quotation open at this point
    quote_open, previous_end = False, 0
    for sentence in split_sentences(text, lang):
        if quote_open and "\n" in text[previous_end:sentence.start]:
            quote_open = False  # a quotation does not run over a paragraph break here
            _close_quote(rows, run, text, arabic_script)
            run = []
        previous_end = sentence.end
        open_before = quote_open
        if not arabic_script:
            quote_open = _quote_open_after(sentence.text, quote_open)
        if len(_WORD.findall(sentence.text)) >= 3:  # not headings, bylines, stray fragments
            parts = _sub_claims(text, sentence, arabic_script)
            implicit = [False] * len(parts or ())
            if not parts:
                typed = _type_persian(sentence.text) if arabic_script else _type_english(
                    sentence.text)
                parts = [_candidate(text, sentence.start, sentence.end, typed, arabic_script)]
                implicit = [typed.implicit]
            rows.append(_Row(parts, implicit, sentence))
            if open_before or quote_open:
                run.append(len(rows) - 1)
        if run and not quote_open:
            _close_quote(rows, run, text, arabic_script)
            run = []
    if run:
        _close_quote(rows, run, text, arabic_script)

    candidates: list[CandidateClaim] = []
    # The sources named so far, the last one last, with where they were named.
    recent: list[tuple[str, Span | None]] = []
    for row in rows:
        for part, implicit in zip(row.parts, row.implicit, strict=True):
            claimant = part.claimant
            if recent and part.kind in _REPORTED:
                if implicit:  # "X is urged to ...": by the source of the passage
                    part = replace(part, claimant=recent[-1][0], claimant_span=recent[-1][1])
                elif claimant and claimant.lower() in pronouns:
                    names = [name for name, _span in recent]
                    name = names[-1] if arabic_script else pick_antecedent(claimant, names)
                    named = next((span for known, span in reversed(recent) if known == name),
                                 None)
                    part = replace(part, claimant=name, claimant_span=named)
            candidates.append(_with_sub_claims(text, part, arabic_script))
        first = row.parts[0]
        subject = ((first.claimant, first.claimant_span) if first.claimant else
                   None if arabic_script else _antecedent(row.sentence))
        if subject and subject[0].lower() not in pronouns and subject[0].lower() not in {
                "i", "we", "you"}:
            recent.append(subject)
    return candidates


def short_claim_of(text: str, lang: str | None = None) -> str:
    """The proposed `short_claim` of one claim's words (for claims stored without one)."""
    arabic_script = _uses_arabic_script(text, lang)
    typed = _type_persian(text) if arabic_script else _type_english(text)
    return _short(text, typed, arabic_script)


def classify_span(text: str, start: int, end: int, lang: str | None = None) -> CandidateClaim:
    """Type and score one passage of `text` as a single claim (for editors' own spans)."""
    start, end = _trim(text, start, end)
    arabic_script = _uses_arabic_script(text[start:end], lang)
    piece = text[start:end]
    typed = _type_persian(piece) if arabic_script else _type_english(piece)
    return _candidate(text, start, end, typed, arabic_script)
