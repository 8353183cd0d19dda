"""Benchmark the check-worthiness model on the held-out ClaimBuster test split.

    .venv/bin/python bench/checkworthy.py [--data DIR]

Prints precision, recall and F1 of `score_sentence(text) >= CHECKWORTHY_THRESHOLD` on
test.json (never used for training or tuning), the same for the baseline rule "contains a
digit", and the throughput of `score_sentence` over all test + train sentences (best of 3).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.engine.splitting.checkworthy import (  # noqa: E402
    CHECKWORTHY_THRESHOLD,
    MODEL_RESOURCE,
    score_sentence,
)

DEFAULT_DATA = Path("/work/shared/data/claimbuster")


def load(path: Path) -> tuple[list[str], list[int]]:
    records = json.loads(path.read_text(encoding="utf-8"))
    return [r["text"] for r in records], [int(r["label"]) for r in records]


def prf(predicted: list[bool], labels: list[int]) -> tuple[float, float, float]:
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="directory holding the ClaimBuster train.json and test.json")
    args = parser.parse_args()
    test_texts, test_labels = load(args.data / "test.json")
    train_texts, _ = load(args.data / "train.json")  # for the throughput figure only

    scores = [score_sentence(text) for text in test_texts]
    rows = [
        (f"model, score >= {CHECKWORTHY_THRESHOLD}",
         prf([s >= CHECKWORTHY_THRESHOLD for s in scores], test_labels)),
        ("baseline: contains a digit",
         prf([any(ch.isdigit() for ch in text) for text in test_texts], test_labels)),
    ]
    positives = sum(test_labels)
    print(f"ClaimBuster test.json: {len(test_labels)} sentences, {positives} check-worthy")
    print(f"{'':36} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, (precision, recall, f1) in rows:
        print(f"{name:36} {precision:9.3f} {recall:7.3f} {f1:6.3f}")

    sentences = test_texts + train_texts
    score_sentence(sentences[0])  # load the model outside the timing
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in sentences:
            score_sentence(text)
        best = min(best, time.perf_counter() - start)
    print(f"\nscore_sentence: {len(sentences) / best:,.0f} sentences/s "
          f"({len(sentences)} test + train sentences, best of 3, "
          f"{best / len(sentences) * 1e6:.1f} µs each)")
    model = ROOT / "factcheck" / "engine" / "splitting" / MODEL_RESOURCE
    if model.exists():
        print(f"model file: {model.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
