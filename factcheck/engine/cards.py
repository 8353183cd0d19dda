"""Share cards: a checked claim as a 1200 x 630 PNG for social media (Open Graph images).

Drawn with Pillow and the fonts bundled in `factcheck/data/fonts`, DejaVu Sans and Noto
Sans Arabic (never the system's fonts). Pillow's complex text layout (raqm) needs FriBiDi
from the system, which wheels do not bundle and CI machines lack, so Arabic-script text
(Dari, Pashto) is shaped here with arabic-reshaper (letters joined in their presentation
forms) and put in visual order line by line with python-bidi, then drawn with Pillow's
basic layout: the same image on every machine.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
PAPER = (255, 255, 255)
INK = (28, 31, 36)
MUTED = (84, 91, 102)  # 6.9:1 on white
NO_COLOUR = "#5f6b7a"  # a verdict without a (valid) label colour, as on the pages
ELLIPSIS = "…"
BAND_TOP, BAND_HEIGHT = 446, 96
CLAIM_TOP = 112
CLAIM_SIZES = (52, 46, 40, 34)  # the largest size the claim fits in wins
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


@dataclass(frozen=True)
class Card:
    """What a share card shows; every text already in the reader's language."""

    claim: str
    verdict: str  # the verdict label as the band shows it, e.g. "✔ True"
    colour: str  # the label's colour, "#rrggbb"
    organisation: str  # the desk's name
    kicker: str  # e.g. "Fact check"
    claimant: str | None = None
    rtl: bool = False  # the interface's direction: where the kicker and the desk's name go


def rgb(colour: str) -> tuple[int, int, int]:
    """A "#rrggbb" colour as (r, g, b); the neutral grey for anything else."""
    colour = colour if _HEX.fullmatch(colour or "") else NO_COLOUR
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: tuple[int, int, int]) -> float:
    """The relative luminance of an sRGB colour (WCAG 2.1)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour_on(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever contrasts more with `colour`."""
    lum = luminance(colour)
    return (0, 0, 0) if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else (255, 255, 255)


def is_rtl_text(text: str) -> bool:
    """Whether the text's first strong character is right-to-left (Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def shaped(text: str) -> str:
    """Arabic-script letters in their joined presentation forms; other text unchanged."""
    return _RESHAPER.reshape(text)


def visual(line: str, rtl: bool) -> str:
    """One shaped line in the left-to-right order in which its glyphs are drawn."""
    return get_display(line, base_dir="R" if rtl else "L")


# Arabic script, its supplements and its presentation forms (what `shaped` produces).
_ARABIC = re.compile("([\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                     "\ufe70-\ufeff]+)")


@dataclass(frozen=True)
class Typeface:
    """DejaVu Sans for Latin and symbols, Noto Sans Arabic for the Arabic script: DejaVu
    lacks Pashto's ۍ, and Noto Sans Arabic has no Latin letters."""

    latin: ImageFont.FreeTypeFont
    arabic: ImageFont.FreeTypeFont

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """The text in pieces, each with the font that draws it."""
        return [(piece, self.arabic if i % 2 else self.latin)
                for i, piece in enumerate(_ARABIC.split(text)) if piece]

    def getlength(self, text: str) -> float:
        """The drawn width of `text` in pixels."""
        return sum(font.getlength(piece) for piece, font in self.runs(text))


@lru_cache(maxsize=32)
def _font(fonts: Path, bold: bool, size: int) -> Typeface:
    weight = "-Bold" if bold else ""
    latin = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Typeface(
        latin=ImageFont.truetype(str(fonts / latin), size,
                                 layout_engine=ImageFont.Layout.BASIC),
        arabic=ImageFont.truetype(str(fonts / f"NotoSansArabic{weight or '-Regular'}.ttf"),
                                  size, layout_engine=ImageFont.Layout.BASIC))


def _width(font: Typeface, text: str) -> float:
    return font.getlength(text)


def _split_long(word: str, font: Typeface, width: int) -> list[str]:
    """A word wider than a line (a long address) cut into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and _width(font, piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, font: Typeface, width: int) -> list[str]:
    """Shaped `text` in lines no wider than `width`, broken between words."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in (_split_long(word, font, width) if _width(font, word) > width else [word]):
            candidate = f"{line} {piece}" if line else piece
            if line and _width(font, candidate) > width:
                lines.append(line)
                line = piece
            else:
                line = candidate
    return [*lines, line] if line else lines


def fit(text: str, font: Typeface, width: int, max_lines: int) -> list[str]:
    """`text` wrapped in at most `max_lines` lines; if it needs more, the last line ends at
    a word with an ellipsis."""
    lines = wrap(text, font, width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    words = kept[-1].split()
    while words and _width(font, " ".join(words) + ELLIPSIS) > width:
        words.pop()
    kept[-1] = (" ".join(words) if words else "").rstrip(" ,;:،؛") + ELLIPSIS
    return kept


def _draw_line(draw: ImageDraw.ImageDraw, line: str, y: float, font, fill, *, rtl: bool,
               start: int = MARGIN, end: int = WIDTH - MARGIN) -> None:
    """Draw one shaped line at `y`, from the start edge of its own direction."""
    shown = visual(line, rtl)
    x = end - _width(font, shown) if rtl else start
    baseline = y + font.latin.getmetrics()[0]  # both typefaces sit on one baseline
    for piece, face in font.runs(shown):
        draw.text((x, baseline), piece, font=face, fill=fill, anchor="ls")
        x += face.getlength(piece)


def render_card(card: Card, *, fonts: Path) -> bytes:
    """The card as PNG bytes, 1200 x 630."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    band = rgb(card.colour)
    on_band = text_colour_on(band)
    inner = WIDTH - 2 * MARGIN

    draw.rectangle((0, 0, WIDTH, 14), fill=band)
    kicker = shaped(card.kicker)
    kicker_font = _font(fonts, True, 30)
    _draw_line(draw, fit(kicker, kicker_font, inner, 1)[0], 44, kicker_font, MUTED,
               rtl=card.rtl)

    claim = shaped(card.claim)
    claim_rtl = is_rtl_text(card.claim)
    claimant_font = _font(fonts, False, 30)
    claimant = fit(shaped(f"— {card.claimant}"), claimant_font, inner, 1) \
        if card.claimant else []
    bottom = BAND_TOP - 28 - (48 if claimant else 0)
    quoted = f"«{claim}»" if claim_rtl else f"“{claim}”"
    for size in CLAIM_SIZES:  # the largest size that shows the whole claim
        font = _font(fonts, True, size)
        line_height = round(size * 1.3)
        max_lines = max(1, (bottom - CLAIM_TOP) // line_height)
        lines = wrap(quoted, font, inner)
        if len(lines) <= max_lines:
            break
    else:  # even the smallest does not: cut at a word, with an ellipsis
        lines = fit(quoted, font, inner, max_lines)
    y = CLAIM_TOP
    for line in lines:
        _draw_line(draw, line, y, font, INK, rtl=claim_rtl)
        y += line_height
    if claimant:
        _draw_line(draw, claimant[0], y + 8, claimant_font, MUTED,
                   rtl=is_rtl_text(card.claimant or ""))

    draw.rectangle((0, BAND_TOP, WIDTH, BAND_TOP + BAND_HEIGHT), fill=band)
    verdict_font = _font(fonts, True, 48)
    verdict = fit(shaped(card.verdict), verdict_font, inner, 1)[0]
    _draw_line(draw, verdict, BAND_TOP + 20, verdict_font, on_band,
               rtl=is_rtl_text(card.verdict))

    org_font = _font(fonts, True, 32)
    organisation = fit(shaped(card.organisation), org_font, inner, 1)[0]
    _draw_line(draw, organisation, BAND_TOP + BAND_HEIGHT + 28, org_font, INK, rtl=card.rtl)

    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()
