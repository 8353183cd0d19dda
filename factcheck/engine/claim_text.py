"""A claim as matching reads it: social-media noise removed, hashtags and handles split.

Claims reach the desk pasted from posts as often as from articles. A post's signature
("— Jane Doe (@jdoe) May 3, 2019"), links, "RT", picture links and emojis say nothing
about the claim, while its hashtags and handles often name it in run-together words
(#BidenLies, @realDonaldTrump): these are split into words (camelCase, letters/digits).
Plain sentences pass through unchanged, in any script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "— Name (@handle) Month D, YYYY" ending an embedded tweet (the name may hold brackets).
_SIGNATURE = re.compile(
    r"(?:^|\s|(?<=\W))[—–-]{1,2}\s*(?P<name>[^—–\n]{0,80}?)\s*\(@(?P<handle>\w+)\)"  # noqa: RUF001 (dashes of signatures)
    r"\s*(?P<date>[A-Za-z]+\.?\s+\d{1,2},?\s*\d{2,4})?[\s\"'”]*$")
_LINK = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S*", re.IGNORECASE)
_RETWEET = re.compile(r"(?:^|\s)RT\s+@\w+:?", re.IGNORECASE)
_TAG = re.compile(r"([#@])(\w+)")
# Run-together words: a lower-case letter or digit followed by a capital, or a capital
# followed by a capital and a lower-case letter (HTMLParser -> HTML Parser), or a change
# between letters and digits.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)"
                    r"|(?<=\d)(?=[A-Za-z])")


@dataclass(frozen=True)
class ClaimText:
    """A claim's matching text and, for a pasted post, the name of who posted it."""

    text: str
    author: str = ""


def split_words(token: str) -> str:
    """`token` with its run-together words split: "BidenLies" -> "Biden Lies"."""
    return _CAMEL.sub(" ", token.replace("_", " "))


def _tag(match: re.Match[str]) -> str:
    return " " + split_words(match.group(2)) + " "


def clean_claim(text: str) -> ClaimText:
    """The words of a claim that matter for matching, and the poster's name if signed."""
    text = text or ""
    author = ""
    signature = _SIGNATURE.search(text)
    if signature is not None:
        author = signature.group("name").strip(" -—–()")  # noqa: RUF001
        text = text[:signature.start()]
    # A link glued to the word before it ("Irma.pic.twitter.com/..."): cut it loose first.
    text = re.sub(r"(?i)(?<=\S)(pic\.twitter\.com|https?://)", r" \1", text)
    text = _LINK.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    text = _TAG.sub(_tag, text)
    return ClaimText(text=" ".join(text.split()), author=author)
