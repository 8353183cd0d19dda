"""Sentence boundaries with exact character offsets, for news prose in Latin and Arabic script.

Approach
--------
A line break always ends a sentence: articles store one paragraph per line. Inside
a paragraph, one precompiled regular expression walks the whole text once and
stops only at *candidate* boundaries: a run of terminators (``.``, ``!``, ``?``,
``…``, ``؟``, ``۔``, ellipses written ``...`` or ``. . .``), optionally followed by
closing quotes or brackets, and then whitespace or the end of the text. Periods
inside a token (``3.5``, ``U.S.A``, ``example.com``, ``Jane.Doe@example.com``) are
never candidates, so decimals, URLs and e-mail addresses cost nothing. The pattern
starts with a plain character class, which lets the regex engine skip ordinary
text at C speed; Python code runs only at the candidates.

Each candidate is judged from its immediate context, which keeps the work linear
in the size of the text:

* the token before the terminator (``Mr``, ``U.S``, ``a.m``, ``Inc``, ``E``, ``1``);
* the next token: a lowercase Latin word means the sentence goes on (``"Stop!" he
  said``, ``Yahoo! in``, ``Co. at noon``); a digit, a capital or a caseless letter
  (Arabic script) may start a new sentence;
* for ambiguous abbreviations (``U.S.``, ``Inc.``, ``Jr.``, ``No.``) whether the next
  word is a typical sentence opener (``The``, ``It``, ``He``, ``How`` ...): ``the U.S.
  Government`` goes on, ``the U.S. How about you?`` does not.

Arabic-script text (Dari, Persian, Pashto, Urdu, Arabic) has no letter case, so
there a terminator followed by whitespace ends the sentence unless the token
before it is a one-letter abbreviation (``ه.ش.``) or the ellipsis means "and so
on" (``و ...``). ``؛`` and ``،`` never end a sentence, and Persian/Arabic-Indic
digits are digits. These rules are chosen per boundary from the word before it;
``lang`` (or the script detected from the text, see ``language.script_of``) decides
only for words without letters, such as a number before the full stop.

Numbered and lettered lists that open a paragraph (``1) ... 2) ...``, ``a. ... b.
...``) and bullets (``•``) start new sentences even without a full stop.
"""

# This module is about Unicode punctuation and Arabic script: its strings, comments and
# docstrings name those characters on purpose.

from __future__ import annotations

import re

from factcheck.engine.splitting.language import ARABIC, ARABIC_LETTERS, LATIN_LETTERS, script_of
from factcheck.engine.splitting.types import Span

__all__ = ["split_sentences"]

# --- character classes -------------------------------------------------------------

_TERMINATORS = ".!?…؟۔‼⁇⁈⁉"
# Closing quotes and brackets that belong to the sentence they follow: `great." She`.
_CLOSERS = "\"'”’»)]}›"
_QUOTES = "\"'”’»›"
# Opening punctuation stripped before looking at a word: `“The`, `(He`.
_OPENERS = "\"'“‘«‹([{¿¡„‚"
_BULLETS = "•⁃▪◦‣●"
_OPENERS_AND_BULLETS = _OPENERS + _BULLETS
# The line boundaries of str.splitlines(): each one is a paragraph break.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# After a terminator: the end of the text or a line break ends the paragraph anyway.
_PARAGRAPH_ENDS = frozenset(["", *_BREAKS])
# What a list opening a paragraph can start with (see _LIST_START).
_LIST_OPENERS = frozenset([*"0123456789abcdefghijklmnopqrstuvwxyz \t\u00a0", *_BULLETS])
# Whitespace that does not break a paragraph.
_SPACE = rf"[^\S{_BREAKS}]"

# --- compiled patterns -------------------------------------------------------------

# Stops of the single pass: a line break, a bullet, or a run of terminators
# (`.`, `?!`, `...`, `…`, `. . . .`) with its closers, followed by whitespace or the
# end. Every stop starts with one character of a class, so the engine can skip the
# text between stops quickly; the lookbehind lets breaks and bullets stop at once.
_BREAK_OR_BULLET = re.escape(_BREAKS + _BULLETS)
_T = re.escape(_TERMINATORS)
_SCAN = re.compile(
    rf"[{_BREAK_OR_BULLET}{_T}]"
    # Start only at the first terminator of a run: linear even on `.....x`.
    rf"(?<![{_T}][{_T}])"
    rf"(?:(?<=[{_BREAK_OR_BULLET}])"
    rf"|(?:[{_T}]|[ \u00a0][.…])*"
    rf"(?P<close>[{re.escape(_CLOSERS)}]*)(?=\s|\Z))"
)
# The next token after a candidate, and the one after it, within the paragraph.
_NEXT = re.compile(rf"{_SPACE}+(\S+)(?:{_SPACE}+(\S+))?")
_BREAK = re.compile(f"[{_BREAKS}]")
# Anything but whitespace and bullets: the content of a sentence.
_CONTENT = re.compile(rf"[^\s{_BULLETS}]")
# The first run of letters of a token: `It’s` -> `It`, `Mr.` -> `Mr`.
_LEADING_WORD = re.compile(r"[^\W\d_]+")
# Brand names that start lowercase but may open a sentence: eBay, iPhone, iOS.
_CAMEL = re.compile(r"[a-z]{1,2}[A-Z]")
# Dotted abbreviations written without spaces, final dot cut off: U.S, E.U, Ph.D.
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")
# One Arabic-script letter, possibly dotted: `م`, `ه.ش`, `ق.م`.
_ARABIC_ABBREVIATION = re.compile(rf"(?:[{ARABIC_LETTERS}]\.)*[{ARABIC_LETTERS}]")
_ARABIC_WORD = re.compile(rf"[{ARABIC_LETTERS}]+")
_LATIN_WORD = re.compile(f"[{LATIN_LETTERS}]+")
# A quotation followed by its attribution: `"Why?" Smith asked.`
_ATTRIBUTION = re.compile(
    rf"{_SPACE}+((?:[A-Z][\w’'.-]*{_SPACE}+){{1,3}})"
    r"(?:said|says|asked|asks|added|adds|told|tells|replied|replies|wrote|writes|"
    r"shouted|cried|yelled|exclaimed|insisted|warned|noted|recalled|wondered|tweeted)\b"
)
# A list opening a paragraph: `1.`, `1.)`, `1)`, `a.`, maybe after a bullet.
_LIST_START = re.compile(
    rf"{_SPACE}*(?:[{_BULLETS}]{_SPACE}*)?(\d{{1,2}}|[a-z])(\.\)|\)|\.){_SPACE}"
)
# A later item of that list, with the first character of its text.
_LIST_MARKER = re.compile(
    rf"(?<!\S)(?:[{_BULLETS}]{_SPACE}*)?(\d{{1,2}}|[a-z])(\.\)|\)|\.){_SPACE}+(\S)"
)

# --- lexicons ----------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a lexicon written as one string."""
    return frozenset(text.split())


# What a full stop after an abbreviation means, by category:
_NAME = "name"  # a name follows: never the end (`Mr. Smith`, `Roe v. Wade`)
_TIME = "time"  # `a.m.`/`p.m.`: the end unless the time goes on (`9 a.m. Monday`)
_FINAL = "final"  # the end before any capital (`etc.`)
_AMBIGUOUS = "ambiguous"  # the end only before a sentence opener (`Inc.`, `No.`)

# Each entry: (category when capitalised, category when lowercase); None = a plain word.
_ABBREVIATIONS: dict[str, tuple[str | None, str | None]] = {}


def _register(words: str, cased: str | None, lowercase: str | None) -> None:
    """Add abbreviations; for each case the first registration wins (`Sec.` vs `sec.`)."""
    for word in words.split():
        old_cased, old_lowercase = _ABBREVIATIONS.get(word.lower(), (None, None))
        _ABBREVIATIONS[word.lower()] = (old_cased or cased, old_lowercase or lowercase)


# Titles before a name, only when capitalised (`ft.` is a unit, `Ft.` a fort).
_register(
    "Mr Mrs Ms Mx Messrs Mmes Mme Mlle Dr Drs Prof Profs Gen Gens Sen Sens Rep Reps Gov Govs "
    "Lt Col Maj Capt Cmdr Cdr Adm Sgt Cpl Pvt Brig Lieut Mt Ft Rev Fr Hon Pres Supt Det Insp "
    "Amb Atty Rt Sec",
    _NAME,
    None,
)
_register("vs v cf viz e.g i.e ibid", _NAME, _NAME)
_register("a.m p.m", _TIME, _TIME)
_register("etc", _FINAL, _FINAL)
# Before numbers (`No. 1`, `p. 55`, `Vol. 3`), companies (`& Co.`), suffixes (`Jr.`),
# streets and units: a full stop may end the sentence, or a name may follow.
_register(
    "no nos nr n° nº p pp para paras vol vols ch chap fig figs art arts sec secs sect ed eds "
    "eq ex pt pts tel ext approx ca est rs op cl ref "
    "inc corp co cos ltd llc plc bros jr sr esq dept univ assn assoc intl natl govt mfg "
    "st ave blvd rd hwy sq ret al ft lb lbs oz yd mi pct",
    _AMBIGUOUS,
    _AMBIGUOUS,
)
# Months, weekdays and U.S. states (AP style), only when capitalised: `Nov. 3`, `Calif.`
_register(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri "
    "Sat Sun Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich "
    "Minn Miss Mo Mont Neb Nev Okla Ore Pa Penn Tenn Tex Va Vt Wash Wis Wyo",
    _AMBIGUOUS,
    None,
)

# Words that typically open an English sentence: function words, not names or nouns,
# so that `U.S. Army` or `Inc. Chief Executive` are not taken for sentence starts.
_STARTERS = _words(
    """
    A About According After Afterward Afterwards Again Against Ahead All Almost Along
    Already Also Although Always Among An And Another Any Anyone Anything Are As At
    Because Before Being Both But By Can Could Despite Did Do Does Doing During Each
    Earlier Either Even Eventually Ever Every Everyone Everything Few Following For
    Further Furthermore Given Had Has Have Having He Hence Her Here Hers Herself Him
    Himself His How However I If In Indeed Instead Is It Its Itself Just Last Later Let
    Like Many Meanwhile Might More Moreover Most Much Must My Neither Never Nevertheless
    No Nobody None Nonetheless Nor Not Nothing Now Of Often On Once One Only Or Other
    Others Our Perhaps Please Previously Rather Regardless Several Shall She Should Since
    So Some Someone Something Sometimes Soon Still Such That The Their Them Then There
    Therefore These They This Those Though Thus To Today Together Tomorrow Tonight Too
    Unless Unlike Until Upon Was We Were What Whatever When Whenever Where Whether Which
    While Who Whom Whose Why With Within Without Would Yes Yesterday Yet You Your
    """
)
# Titles that open sentences in news (`... Inc. Mr. Cook said`), unlike `Sen.` or
# `Gen.`, which follow `U.S.` inside a name.
_PERSONAL_TITLES = frozenset(["Mr", "Mrs", "Ms", "Messrs", "Dr"])
# What may follow `a.m.`/`p.m.` inside the same sentence: `9 a.m. Monday`, `5 p.m. EST`.
_TIME_FOLLOWERS = _words(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur
    Thurs Fri Sat Sun January February March April May June July August September
    October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec ET EDT
    EST CT CDT CST MT MDT MST PT PDT PST GMT UTC BST CET CEST IST Eastern Central
    Mountain Pacific Atlantic Local Today Tomorrow Tonight Yesterday
    """
)
# `At 5 a.m. Mr. Smith went ...`: a time at the very start belongs to the sentence.
_TIME_PREPOSITIONS = _words(
    "at by around about before after until till from since shortly just near "
    "approximately roughly starting beginning early late on between"
)


# --- public API --------------------------------------------------------------------


def split_sentences(text: str, lang: str | None = None) -> list[Span]:
    """Split text into sentence spans with exact offsets; every line break ends a sentence."""
    spans: list[Span] = []
    previous = 0
    for cut in [*_sentence_cuts(text, script_of(text, lang) == ARABIC), len(text)]:
        piece = text[previous:cut]
        stripped = piece.lstrip()
        if stripped:
            start = previous + len(piece) - len(stripped)
            stripped = stripped.rstrip()
            spans.append(Span(start, start + len(stripped), stripped))
        previous = cut
    return spans


# --- the single pass ---------------------------------------------------------------


def _sentence_cuts(text: str, arabic_default: bool) -> list[int]:
    """Every position where a sentence ends, line breaks included, in increasing order."""
    cuts: list[int] = []
    paragraph_start = sentence_start = 0
    # Items of a list opening the paragraph, found ahead of the pass (rarely any).
    items = _list_item_cuts(text, 0)
    for match in _SCAN.finditer(text):
        start = match.start()
        char = text[start]
        if items and items[0] <= start:
            sentence_start = max(sentence_start, _take_items(items, start, cuts))
        if char in _BREAKS:
            if items:
                cuts.extend(items)
            cuts.append(start)
            paragraph_start = sentence_start = start + 1
            # Most paragraphs cannot open a list: skip the pattern for them.
            items = (
                _list_item_cuts(text, paragraph_start)
                if text[paragraph_start : paragraph_start + 1] in _LIST_OPENERS
                else []
            )
            continue
        if char in _BULLETS:
            cut = start if start == 0 or text[start - 1].isspace() else -1
        elif text[match.end() : match.end() + 1] in _PARAGRAPH_ENDS:
            continue  # the paragraph ends here: its line break cuts anyway
        else:
            cut = _judge(text, match, paragraph_start, sentence_start, arabic_default)
        if cut > sentence_start:
            cuts.append(cut)
            sentence_start = cut
    cuts.extend(items)
    return cuts


def _take_items(items: list[int], position: int, cuts: list[int]) -> int:
    """Move the list items before `position` into `cuts`; return the last one."""
    last = items[0]
    while items and items[0] <= position:
        last = items.pop(0)
        cuts.append(last)
    return last


def _list_item_cuts(text: str, start: int) -> list[int]:
    """Starts of the items of a list opening the paragraph: `1) ... 2) ...`, `a. ... b. ...`."""
    first = _LIST_START.match(text, start)
    if first is None:
        return []
    label, style = first.group(1), first.group(2)
    found_break = _BREAK.search(text, start)
    end = found_break.start() if found_break else len(text)
    cuts: list[int] = []
    for marker in _LIST_MARKER.finditer(text, first.end(), end):
        expected = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
        if marker.group(1) != expected or marker.group(2) != style:
            continue
        # The item must read like one: `2) The second item`, not `2) cuts taxes`.
        if marker.group(3).islower():
            break
        cuts.append(marker.start())
        label = expected
    return cuts


# --- judging one candidate ---------------------------------------------------------


def _judge(
    text: str, match: re.Match[str], paragraph_start: int, sentence_start: int, arabic: bool
) -> int:
    """The position where the sentence ends at this candidate, or -1 if it goes on."""
    end = match.end()
    after = _NEXT.match(text, end)
    if after is None:
        return -1  # the paragraph ends here: the line break cuts anyway
    start = match.start()
    word_start = _word_start(text, paragraph_start, start)
    key = text[word_start:start].lstrip(_OPENERS_AND_BULLETS)
    term = text[start : match.start("close")]
    if _is_arabic_context(key, arabic):
        return _judge_arabic(text, key, term, word_start, end, sentence_start)

    following = after.group(1).lstrip(_OPENERS) or after.group(1)
    kind = _next_kind(following)
    if kind == "lower":
        return -1  # `"Stop!" he said`, `Yahoo! in`, `Jane and co. at the party`
    if end > match.start("close") and _is_attribution(text, match):
        return -1
    if term == ".":
        ends = _period_ends_sentence(text, key, word_start, kind, following, after, sentence_start)
        return end if ends else -1
    if _is_ellipsis(term):
        return _judge_ellipsis(text, match, word_start, term, following)
    return end  # `!`, `?`, `?!`, `؟` before a capital, a digit or a symbol


def _word_start(text: str, paragraph_start: int, position: int) -> int:
    """Start of the whitespace-delimited token that ends at `position` (at most 100 back)."""
    # Longer tokens (URLs) are plain words whatever their start: bound the search so
    # that a paragraph without spaces stays linear.
    low = max(paragraph_start, position - 100)
    start = max(text.rfind(" ", low, position) + 1, low)
    word = text[start:position]
    if word.isprintable():
        return start
    # A tab, a no-break space or a format character (ZWNJ): look at each character.
    index = len(word)
    while index and not word[index - 1].isspace():
        index -= 1
    return start + index


def _is_arabic_context(key: str, arabic_default: bool) -> bool:
    """Whether the word before the terminator is Arabic-script (no letter case to go by)."""
    if key.isascii():
        return arabic_default and not any(c.isalpha() for c in key)
    if _ARABIC_WORD.search(key):
        return True
    return arabic_default and not _LATIN_WORD.search(key)


def _judge_arabic(
    text: str, key: str, term: str, word_start: int, end: int, sentence_start: int
) -> int:
    """Arabic script: every terminator ends a sentence except abbreviations and `و ...`."""
    if term == "." and _ARABIC_ABBREVIATION.fullmatch(key):
        return -1  # `۱۳۸۲ ه.ش. تصویب`, `م.`
    if _is_ellipsis(term):
        previous = key or _last_token(text[max(sentence_start, word_start - 40) : word_start])
        if previous == "و":
            return -1  # `قلم و ... خرید`: "and so on", inside the sentence
    return end


def _is_ellipsis(term: str) -> bool:
    """Whether a run of terminators is an ellipsis: `...`, `…`, `. . . .` (no `!` or `?`)."""
    return not term.strip(". \u00a0…") and (term.count(".") >= 3 or "…" in term)


def _at_sentence_start(text: str, sentence_start: int, position: int) -> bool:
    """Whether only whitespace and bullets precede `position` in the current sentence."""
    # Searching forward stops at the sentence's first character, a few positions in.
    return _CONTENT.search(text, sentence_start, position) is None


def _last_token(prefix: str) -> str:
    """The last whitespace-delimited token of `prefix`, or ''."""
    tokens = prefix.rsplit(None, 1)
    return tokens[-1] if tokens else ""


def _next_kind(token: str) -> str:
    """Classify the next token by its first character: lower, start, digit or other."""
    first = token[:1]
    if first.islower():
        return "start" if _CAMEL.match(token) else "lower"
    if first.isalpha():
        return "start"  # a capital, or a caseless letter (Arabic script)
    if first.isdigit():
        return "digit"
    return "other"


def _starts_sentence(token: str) -> bool:
    """Whether the token is a typical sentence opener (`The`, `It’s`, `Mr.`), not a name."""
    leading = _LEADING_WORD.match(token)
    if leading is None:
        return False
    word = leading.group()
    if len(word) == 1 and token[1:2] == ".":
        return False  # another initial: `J. K. Rowling`
    return word in _STARTERS or word in _PERSONAL_TITLES


def _is_attribution(text: str, match: re.Match[str]) -> bool:
    """A closing quote followed by a speaker and a speech verb: `"Why?" Smith asked.`"""
    if not any(c in _QUOTES for c in match.group("close")):
        return False
    found = _ATTRIBUTION.match(text, match.end())
    if found is None:
        return False
    speaker = _LEADING_WORD.match(found.group(1))
    return speaker is not None and speaker.group() not in _STARTERS


def _judge_ellipsis(
    text: str, match: re.Match[str], word_start: int, term: str, following: str
) -> int:
    """Ellipses: four dots end a sentence; three only when attached to a word."""
    attached = word_start < match.start()
    if attached and text[match.start() - 1] in "[(" and match.group("close")[:1] in "])":
        return -1  # `[...]`: an elision inside a quotation
    dots = term.count(".") + 3 * term.count("…")
    if dots >= 4:
        if attached and term[1] == " ":
            # `compounds. . . . The`: the period ends this sentence and the spaced
            # ellipsis opens the next one (an omission at its start).
            return match.start() + 1
        return match.end()
    if not attached:
        return -1  # `the thing is . . . I didn’t`: an omission inside the sentence
    leading = _LEADING_WORD.match(following)
    if leading is not None and leading.group() == "I":
        return -1
    return match.end() if _next_kind(following) == "start" else -1


def _period_ends_sentence(
    text: str,
    key: str,
    word_start: int,
    kind: str,
    following: str,
    after: re.Match[str],
    sentence_start: int,
) -> bool:
    """Decide a single `.` followed by a capital, a digit or a symbol."""
    if not key:
        return True
    categories = _ABBREVIATIONS.get(key.lower())
    category = None
    if categories is not None:
        category = categories[0] if key[0].isupper() else categories[1]
    if category == _NAME:
        return False  # `Mr. Smith`, `Gen. Miller`, `Roe v. Wade`, `e.g. Germany`
    if category == _TIME:
        return _time_ends_sentence(text, word_start, kind, following, after, sentence_start)
    if category == _FINAL:
        return kind != "digit"  # `apples, pears, etc. The`
    if category == _AMBIGUOUS or ("." in key and _DOTTED.fullmatch(key)):
        # `& Co. It closed`, `the U.S. How about you?` vs `U.S. Government`, `No. 1`
        return kind != "digit" and _starts_sentence(following)
    if len(key) == 1 and key.isalpha():
        return _single_letter_ends_sentence(text, key, word_start, following, sentence_start)
    # An ordinary word, number, URL or e-mail address ends the sentence, unless it is
    # a list number opening it: `1. The first item`.
    list_number = len(key) <= 3 and key.isdigit()
    return not (list_number and _at_sentence_start(text, sentence_start, word_start))


def _time_ends_sentence(
    text: str,
    word_start: int,
    kind: str,
    following: str,
    after: re.Match[str],
    sentence_start: int,
) -> bool:
    """`a.m.`/`p.m.` before a capital ends the sentence unless the time goes on."""
    if kind == "digit":
        return False
    leading = _LEADING_WORD.match(following)
    if leading is not None and leading.group() in _TIME_FOLLOWERS:
        return False  # `9 a.m. Monday`, `5 p.m. EST`
    if (after.group(2) or "").lower().startswith("time"):
        return False  # `10 a.m. Kabul time`
    # `At 5 a.m. Mr. Smith went ...`: a time opening the sentence belongs to it.
    # (Only the first few words matter: a bounded slice keeps this constant-time.)
    before = text[sentence_start : min(word_start, sentence_start + 60)].split()
    opening = len(before) <= 3 and word_start - sentence_start <= 60
    return not (opening and before and before[0].lower() in _TIME_PREPOSITIONS)


def _single_letter_ends_sentence(
    text: str, key: str, word_start: int, following: str, sentence_start: int
) -> bool:
    """Initials (`Jonas E. Smith`), list letters (`a. The first`) and the pronoun `I`."""
    if _at_sentence_start(text, sentence_start, word_start):
        return False  # `a. The first item`
    if key == "I":
        previous = _last_token(text[max(sentence_start, word_start - 40) : word_start])
        if previous[:1].islower():
            return True  # `you and I. Did you see ...` vs `Albert I. Jones`
    return _starts_sentence(following)
