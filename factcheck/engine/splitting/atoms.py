"""Atomic sub-claims of one sentence: the independent checkable statements it holds.

Rules, not a parser, and conservative: a sentence yields sub-claims only where its
structure is clear, and each sub-claim is a contiguous span of the sentence (never a
word that is not in it). Three structures:

- coordinated main clauses, each with its own subject and finite verb: "Prices rose 5%
  and wages fell 2%" gives "Prices rose 5%" and "wages fell 2%";
- a main clause and its participial or relative detail: "The statement was released on
  Tuesday during an online meeting attended by A, B and C" gives "The statement was
  released on Tuesday during an online meeting" and "an online meeting attended by A, B
  and C"; "Human rights, which have deteriorated sharply under Taliban rule, form ..."
  gives "Human rights, which have deteriorated sharply under Taliban rule";
- presupposed facts: the object of condemn, denounce, deplore, criticise, protest
  against, welcome, praise, mourn, and the charge of "accuse X of": "They condemned the
  widespread arrests of former employees" presupposes "the widespread arrests of former
  employees" (origin `presupposed`). In Persian script, the object of "… را محکوم کرد"
  (or تقبیح کرد) when its start is clear: after a pronoun subject ("آنها …") or a comma,
  since a noun subject runs into its object with nothing between them.

In reported speech ("X said that A rose and B fell") the clauses are looked for in the
reported content. Questions, demands, opinions and predictions give no atomic clauses,
and no atom holds a modal ("must", "should", "will"): what is left must be a statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ATOMIC = "atomic"
PRESUPPOSED = "presupposed"


@dataclass(frozen=True, slots=True)
class Atom:
    """One sub-claim: `text == source[start:end]`; `trigger` is the presupposing verb."""

    start: int
    end: int
    text: str
    origin: str  # atomic | presupposed
    trigger: str = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AUX = _words("is are was were has have had will would can could may might must shall "
              "should does did do 's")
# Finite verbs that do not end in -ed: common irregular pasts and present tenses of news.
_FINITE = _words(
    "rose fell grew shrank won lost made took gave told said says met left led held "
    "ran began became came went sent spent paid sold bought built fought kept brought "
    "thought found saw hit cut put set struck stood fled broke rose spoke wrote drove "
    "remains remain appears appear seems seem holds hosts shows stands lies continues "
    "includes contains owns runs employs represents costs exceeds reaches rises falls "
    "grows accounts controls")
_NOT_ED_VERB = _words("need speed seed bed red hundred shed feed breed embed indeed "
                      "wed bred freed sacred naked wicked kindred")
# Words a subject does not hold (a preposition, a conjunction, a verb-like word).
_NOT_SUBJECT = _words(
    "of in on at by for with from to into over under after before during since until "
    "about against between through and or but nor so yet if when while although though "
    "because unless as whether that which who whom whose where than then also not no "
    "there here it this")
_SUBORDINATE = _words("if when while although though because unless as whether since "
                      "after before once until whereas despite given")
# Before a coordinated clause: "… said the plan was sound and …" may report both.
_NOT_BEFORE_CLAUSE = _words("that which who whom where said says say told tells argued "
                            "argues claimed claims believes believe thinks think insisted")
_CLAUSE_WORDS = _AUX | _words("who whom whose which that where when")
_MODAL = re.compile(r"\b(?:must|should|ought|shall|will|would|need to|needs to|have to|"
                    r"has to|could|might|may)\b", re.I)

# Where a coordinated clause may begin: "…, and", "… and", "…, but", "…; ", "…, while".
_COORD = re.compile(r"(?:,?\s+(?:and|but)\s+|;\s+|,\s+(?:while|whereas)\s+)")
# Reported speech: the content starts after "X said that " (or "According to X, ").
_FRAME = re.compile(
    r"\b(?:said|says|say|stated|states|noted|notes|stressed|stresses|emphasi[sz]ed|"
    r"emphasi[sz]es|highlighted|highlights|reported|reports|argued|argues|argue|insisted|"
    r"insists|insist|warned|warns|announced|announces|claimed|claims|believe|believes|"
    r"confirmed|confirms|reiterated|reiterates|added|adds|note|noted|showed|shows|found|"
    r"finds|estimated|estimates|revealed|reveals|concluded|concludes)\s+that\s+")
_ACCORDING = re.compile(r"^\s*According to [^,]{2,80},\s+")

_DETERMINER = _words("a an the this that these those its their his her our some several "
                     "many")
# "an online meeting attended by A, B and C": a noun phrase, a participle, "by" and names.
_PARTICIPLE_BY = re.compile(
    r"\b(?P<np>(?:a|an|the|its|their|his|her|this)\s+(?:[\w’'-]+\s+){0,3}?)"
    r"(?P<verb>attended|chaired|led|hosted|organi[sz]ed|signed|issued|published|backed|"
    r"sponsored|funded|owned|founded|run|written|announced|convened|brokered|"
    r"mediated|endorsed)\s+by\s+(?P<agent>"
    r"(?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|al-\w+|bin|de|van|von))*"
    r"(?:(?:,\s+|,?\s+and\s+)(?:the\s+)?[A-Z][\w’'.-]*"
    r"(?:\s+(?:[A-Z][\w’'.-]*|al-\w+|bin|de|van|von))*)*)")
# "Human rights, which have deteriorated sharply under Taliban rule, form ...".
_RELATIVE = re.compile(
    r"^(?P<np>(?:[\w’'-]+\s+){0,5}?[\w’'-]+),\s+(?:which|who)\s+(?:\w+ly\s+)?"
    r"(?P<verb>[\w’'-]+)\s+[^,;:“”\"]{3,160}?(?=,\s)")

# Verbs whose object is presupposed to exist; "accuse X of Y": Y.
_PRESUPPOSING = re.compile(
    r"\b(?P<verb>condemn(?:ed|s|ing)?|denounc(?:ed|es|e|ing)|deplor(?:ed|es|e|ing)|"
    r"criticis(?:ed|es|e|ing)|criticiz(?:ed|es|e|ing)|protest(?:ed|s|ing)?\s+against|"
    r"welcom(?:ed|es|e|ing)|prais(?:ed|es|e|ing)|mourn(?:ed|s|ing)?|"
    r"lament(?:ed|s|ing)?)\s+(?:(?:strongly|firmly|also|again|publicly)\s+)?(?=\S)")
_ACCUSE = re.compile(
    r"\b(?P<verb>accus(?:ed|es|e|ing))\s+(?P<who>(?:the\s+)?[\w’'-]+(?:\s+[A-Z][\w’'-]*){0,3})"
    r"\s+of\s+")
_NP_START = re.compile(r"(?:the|its|their|his|her|this|these|those|recent|continued|"
                       r"ongoing|repeated|growing|widespread|[A-Z][\w-]*’s|[A-Z][\w-]*'s)\s",
                       re.I)
_GERUND_START = re.compile(r"[a-z]+ing\s")
# Where a presupposed noun phrase ends: a new clause, a participial clause, the end.
_NP_END = re.compile(
    r",\s+(?:and|but|while|which|who|whereas|as|further|thereby|calling|saying|"
    r"describing|adding|warning|urging|noting|stressing|[a-z]+ing\b)|"
    r",?\s+and\s+(?:also\s+)?(?:condemn|denounc|deplor|criticis|criticiz|call|urg|demand|"
    r"said|stress|warn|accus|welcom|prais|reject|express|mourn|lament)\w*|"
    r"\s+(?:in order to|so that|because|which|who)\s+|[;:.?!]|\s+[–—-]+\s+|\(")
_PRONOUN_OBJECT = _words("it them him her this that these those us me you")

_TRAIL = " \t\n,;:.!?…"


def _finite_at(tokens: list[str], index: int) -> bool:
    word = tokens[index].lower().strip(",")
    if word in _AUX or word in _FINITE:
        return True
    return word.endswith("ed") and len(word) > 4 and word.isalpha() and word not in _NOT_ED_VERB


# "Neda Nadeem, the minister of ..., has visited": a subject with an apposition.
_APPOSITION = re.compile(r"^(?P<subject>(?:[\w’'.-]+\s+){0,4}?[\w’'.-]+),\s+[^,;:]{2,150}?,"
                         r"[”\"’]?\s+(?=\S)")


def _clause_subject_verb(clause: str) -> bool:
    """Whether `clause` begins with a subject (1-6 words, an apposition allowed) and a
    finite verb."""
    if _subject_verb(clause):
        return True
    apposition = _APPOSITION.match(clause)
    if not apposition:
        return False
    # A noun phrase ("the Taliban's minister", "titled “…”"), not a clause of its own.
    inside = clause[apposition.end("subject"):apposition.end()].lower().split()
    if any(w.strip(",”\"’“") in _CLAUSE_WORDS for w in inside):
        return False
    return _subject_verb(apposition["subject"] + " " + clause[apposition.end():])


def _subject_verb(clause: str) -> bool:
    tokens = clause.split(None, 8)[:8]
    if len(tokens) < 3 or tokens[0].lower().strip("“\"") in _SUBORDINATE:
        return False
    for index in range(1, min(len(tokens), 7)):
        if _finite_at(tokens, index):
            subject = tokens[:index]
            # "freedom of expression has": "of" inside a subject, not at its start.
            return not any(w.rstrip("”\"’").endswith((",", ";", ":"))
                           or (w.lower() in _NOT_SUBJECT and (i == 0 or w.lower() != "of"))
                           or not w[:1].isalnum() for i, w in enumerate(subject))
        if tokens[index - 1].rstrip("”\"’").endswith((",", ";", ":")):
            return False
    return False


def _clause_start(sentence: str) -> int:
    """Where the sentence's own (or reported) statement begins."""
    frame = _FRAME.search(sentence)
    if frame and frame.start() < 160:
        return frame.end()
    according = _ACCORDING.match(sentence)
    return according.end() if according else 0


def _skip_adverbial(clause: str) -> str:
    """ "Under Taliban rule, aid has been …": the clause after a leading phrase."""
    first = clause.split(None, 1)[0].lower() if clause.strip() else ""
    if first in _NOT_SUBJECT and first not in _SUBORDINATE:
        comma = clause.find(", ")
        if 0 < comma < 60:
            return clause[comma + 2:]
    return clause


def _trimmed(source: str, start: int, end: int) -> tuple[int, int]:
    while end > start and source[end - 1] in _TRAIL:
        end -= 1
    while start < end and source[start].isspace():
        start += 1
    return start, end


def _coordinated(sentence: str, base: int) -> list[tuple[int, int]]:
    """The coordinated main clauses of the statement, each with its subject and verb."""
    begin = _clause_start(sentence)
    if not _clause_subject_verb(_skip_adverbial(sentence[begin:])):
        return []
    if _MODAL.search(sentence, begin):
        return []  # "X must do A and B is …": the clauses are not plain statements
    spans, left = [], begin
    for match in _COORD.finditer(sentence, begin):
        if (_clause_subject_verb(sentence[match.end():])
                and _closes_clause(sentence[left:match.start()])
                and not _in_quotation(sentence, match.start())):
            spans.append((left, match.start()))
            left = match.end()
    if not spans:
        return []
    spans.append((left, len(sentence)))
    return [(base + s, base + e) for s, e in spans]


def _closes_clause(left: str) -> bool:
    """Whether a coordinated clause may follow `left`: not inside a subordinate clause
    ("once A and B are met") nor at the end of a list ("peace, reforms and rights are")."""
    tokens = left.lower().split()
    if any(w.strip(",“”\"") in _SUBORDINATE or w in _NOT_BEFORE_CLAUSE for w in tokens[1:]):
        return False
    tail = left.rsplit(",", 1)[1] if "," in left else left
    tail_tokens = tail.split()
    return any(_finite_at(tail_tokens, i) for i in range(len(tail_tokens)))


def _in_quotation(sentence: str, offset: int) -> bool:
    before = sentence[:offset]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _participial(sentence: str, base: int) -> list[tuple[int, int]]:
    """A main clause and its detail "… an online meeting attended by A, B and C"."""
    begin = _clause_start(sentence)
    found = _PARTICIPLE_BY.search(sentence, begin)
    if not found or not _clause_subject_verb(_skip_adverbial(sentence[begin:found.start()])):
        return []
    # The main clause runs to the noun the detail describes; the detail, from that noun
    # phrase to the last name of the agents.
    noun_end = found.start("verb") - 1
    return [(base + begin, base + noun_end), (base + found.start("np"), base + found.end())]


def _relative(sentence: str, base: int) -> list[tuple[int, int]]:
    """ "X, which have deteriorated …, form …": the subject with its relative clause."""
    found = _RELATIVE.match(sentence)
    if not found or found["np"].split()[0].lower() in _SUBORDINATE:
        return []
    np_words = found["np"].split()
    if any(w.lower() in _NOT_SUBJECT for w in np_words):
        return []
    tokens = [found["verb"]]
    if not _finite_at(tokens, 0):
        return []
    return [(base + found.start(), base + found.end())]


def _phrase_end(sentence: str, start: int) -> int:
    end = _NP_END.search(sentence, start)
    return end.start() if end else len(sentence)


def _presupposed(sentence: str, base: int) -> list[tuple[int, int, str]]:
    """The facts a condemnation or an accusation takes as given, with the verb."""
    found: list[tuple[int, int, str]] = []
    for match in _PRESUPPOSING.finditer(sentence):
        start = match.end()
        rest = sentence[start:]
        if not _NP_START.match(rest) or rest.split(None, 1)[0].lower() in _PRONOUN_OBJECT:
            continue
        end = _phrase_end(sentence, start)
        found.append((start, end, match["verb"]))
    for match in _ACCUSE.finditer(sentence):
        start = match.end()
        rest = sentence[start:]
        if not (_NP_START.match(rest) or _GERUND_START.match(rest)):
            continue
        found.append((start, _phrase_end(sentence, start), match["verb"]))
    return [(base + s, base + e, verb) for s, e, verb in found]


def find_atoms(source: str, start: int, end: int, *, statement: bool = True) -> list[Atom]:
    """The sub-claims of the sentence `source[start:end]`, in text order (none if unclear).

    `statement` is False for sentences that state nothing (questions, demands, opinions,
    predictions): they keep only what their verbs presuppose.
    """
    sentence = source[start:end]
    if len(sentence) < 30 or sentence.rstrip().endswith(("?", "؟")):
        return []
    spans: list[tuple[int, int, str, str]] = []
    if statement:
        clauses = _coordinated(sentence, start) or _participial(sentence, start)
        clauses = clauses or _relative(sentence, start)
        for s, e in clauses:
            spans.append((s, e, ATOMIC, ""))
    for s, e, verb in _presupposed(sentence, start):
        spans.append((s, e, PRESUPPOSED, verb))
    atoms: list[Atom] = []
    seen: set[tuple[int, int]] = set()
    for s, e, origin, verb in sorted(spans):
        s, e = _trimmed(source, s, e)
        piece = source[s:e]
        # A sub-claim says something of its own: three words at least, not the whole
        # sentence again, no modal (an atom of "must" or "will" is no statement).
        if (e - s < 12 or len(piece.split()) < 3 or (s, e) in seen
                or (s, e) == _trimmed(source, start, end)
                or (origin == ATOMIC and _MODAL.search(piece))):
            continue
        seen.add((s, e))
        atoms.append(Atom(start=s, end=e, text=piece, origin=origin, trigger=verb))
    return atoms


def trigger_before(sentence: str, offset: int) -> str:
    """The presupposing verb right before `offset` in `sentence` ("condemned"), or ""."""
    for match in _PRESUPPOSING.finditer(sentence, max(0, offset - 60), offset + 1):
        if match.end() == offset:
            return match["verb"]
    for match in _ACCUSE.finditer(sentence, max(0, offset - 80), offset + 1):
        if match.end() == offset:
            return match["verb"]
    return ""


# "آنها بازداشت‌های گسترده … را محکوم کردند": the object between a pronoun subject (or a
# comma, the subject dropped) and را.
_FA_CONDEMN = re.compile(
    r"(?P<np>[^،؛.!?؟]+?)\s+را\s+(?:به شدت\s+|شدیدا\S*\s+)?(?P<verb>(?:محکوم|تقبیح)\s+"
    r"(?:کرد|کردند|کرده|کرده‌اند|کرده اند|می‌کند|می‌کنند|نمود|نمودند))")
_FA_PRONOUN_SUBJECT = re.compile(r"^(?:آنها|آن‌ها|ایشان|او|وی|ما|اینها|این‌ها)\s+"
                                 r"(?:نیز\s+|همچنین\s+)?")


def find_atoms_persian(source: str, start: int, end: int) -> list[Atom]:
    """The facts a Persian-script condemnation presupposes, where the object is clear."""
    sentence = source[start:end]
    atoms = []
    for match in _FA_CONDEMN.finditer(sentence):
        np_start = match.start("np")
        after_comma = np_start > 0 and sentence[:np_start].rstrip().endswith("،")
        pronoun = _FA_PRONOUN_SUBJECT.match(sentence, np_start) if np_start == 0 else None
        if pronoun:
            np_start = pronoun.end()
        elif not after_comma:
            continue  # "رهبران بازداشت‌ها را …": where the subject ends is not marked
        s, e = _trimmed(source, start + np_start, start + match.end("np"))
        if len(source[s:e].split()) >= 2:
            atoms.append(Atom(start=s, end=e, text=source[s:e], origin=PRESUPPOSED,
                              trigger=match["verb"]))
    return atoms
