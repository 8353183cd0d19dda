"""Benchmark the sentence splitter against pysbd: Golden Rules accuracy, throughput, linearity.

Run from the repository root: `.venv/bin/python bench/sentences.py`. pysbd is a
benchmark-only dependency (`pip install pysbd`); without it only our figures print.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.engine.splitting.sentences import split_sentences  # noqa: E402

GOLDEN = ROOT.parent / "shared" / "data" / "sentences" / "golden_rules_en.json"
if not GOLDEN.exists():  # a checkout without ../shared: the copy kept for the tests
    GOLDEN = ROOT / "tests" / "data" / "golden_rules_en.json"
SAMPLE = ROOT / "factcheck" / "data" / "national-consensus.txt"
MB = 1_000_000

Splitter = Callable[[str], list[str]]


def ours(text: str) -> list[str]:
    """Our splitter on the whole text (it treats every line as a paragraph)."""
    return [span.text for span in split_sentences(text)]


def make_pysbd() -> Splitter | None:
    """pysbd in its fastest mode, fed paragraph by paragraph; None if not installed."""
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)

    def split(text: str) -> list[str]:
        sentences: list[str] = []
        for paragraph in text.split("\n"):
            if paragraph.strip():
                sentences.extend(s.strip() for s in segmenter.segment(paragraph))
        return sentences

    return split


def golden_score(split: Splitter, cases: list[dict]) -> tuple[int, list[int]]:
    """Number of Golden Rules passed (sentences compared after strip) and failing indices."""
    failed = [
        index
        for index, case in enumerate(cases)
        if [s.strip() for s in split(case["text"])] != case["sentences"]
    ]
    return len(cases) - len(failed), failed


def news_text(size: int, cases: list[dict]) -> str:
    """About `size` characters of news-like text: the sample article and the golden texts."""
    article = SAMPLE.read_text(encoding="utf-8").strip()
    block = article + "\n" + "\n".join(case["text"] for case in cases)
    copies = -(-size // (len(block) + 1))
    return "\n".join([block] * copies)[:size].rsplit("\n", 1)[0]


def best_of(split: Splitter, text: str, runs: int = 3) -> float:
    """Best wall-clock seconds of `runs` calls."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        split(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print accuracy, throughput and linearity figures."""
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    pysbd_split = make_pysbd()

    print(f"Golden Rules ({len(cases)} cases)")
    score, failed = golden_score(ours, cases)
    print(f"  ours : {score}/{len(cases)}  failing: {failed or 'none'}")
    if pysbd_split is not None:
        score, failed = golden_score(pysbd_split, cases)
        print(f"  pysbd: {score}/{len(cases)}  failing: {failed or 'none'}")
    else:
        print("  pysbd: not installed (pip install pysbd)")

    text = news_text(MB, cases)
    size = len(text.encode("utf-8")) / MB
    print(
        f"\nThroughput on {size:.2f} MB of news text ({text.count(chr(10)) + 1} paragraphs),"
        " best of 3"
    )
    ours_seconds = best_of(ours, text)
    ours_rate = size / ours_seconds
    print(
        f"  ours : {ours_rate:8.2f} MB/s  ({ours_seconds * 1000:.0f} ms,"
        f" {len(ours(text))} sentences)"
    )
    if pysbd_split is not None:
        pysbd_seconds = best_of(pysbd_split, text)
        pysbd_rate = size / pysbd_seconds
        print(
            f"  pysbd: {pysbd_rate:8.2f} MB/s  ({pysbd_seconds * 1000:.0f} ms,"
            f" {len(pysbd_split(text))} sentences, paragraph by paragraph)"
        )
        print(f"  ratio: {ours_rate / pysbd_rate:.0f}x")

    print("\nLinearity (ours)")
    for fraction in (0.25, 1.0):
        part = news_text(int(MB * fraction), cases)
        part_size = len(part.encode("utf-8")) / MB
        print(f"  {part_size:.2f} MB: {part_size / best_of(ours, part):8.2f} MB/s")


if __name__ == "__main__":
    main()
