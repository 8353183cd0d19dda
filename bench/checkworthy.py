"""Benchmark the check-worthiness model on held-out debate sentences.

    .venv/bin/python bench/checkworthy.py [--claimbuster DIR] [--checkthat DIR]

Prints precision, recall and F1 of `score_sentence(text) >= CHECKWORTHY_THRESHOLD`, and of
the baseline rule "contains a digit", on two evaluation sets that no training sentence
shares (train/checkworthy.py removes them from its training data):

- ClaimBuster test.json (balanced; never used to fit or tune anything);
- CheckThat! 2024 English dev-test (F1 of the Yes class, the lab's measure; used in model
  selection, as the lab intended, so this figure is less independent than the first).

Then the throughput of `score_sentence` over all ClaimBuster test + train sentences
(best of 3) and the size of the model file.
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

CLAIMBUSTER = Path("/work/shared/data/claimbuster")
CHECKTHAT = Path("/work/shared/data/checkthat2024")
CT_DEV_TEST = "CT24_checkworthy_english_dev-test.tsv"


def load_claimbuster(path: Path) -> tuple[list[str], list[int]]:
    records = json.loads(path.read_text(encoding="utf-8"))
    return [r["text"] for r in records], [int(r["label"]) for r in records]


def load_checkthat(path: Path) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with path.open(encoding="utf-8") as lines:
        next(lines)  # header: Sentence_id, Text, class_label
        for line in lines:
            _, text, label = line.rstrip("\n").split("\t")
            texts.append(text)
            labels.append(int(label == "Yes"))
    return texts, labels


def prf(predicted: list[bool], labels: list[int]) -> tuple[float, float, float]:
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def report(title: str, texts: list[str], labels: list[int]) -> None:
    scores = [score_sentence(text) for text in texts]
    rows = [
        (f"model, score >= {CHECKWORTHY_THRESHOLD}",
         prf([s >= CHECKWORTHY_THRESHOLD for s in scores], labels)),
        ("baseline: contains a digit",
         prf([any(ch.isdigit() for ch in text) for text in texts], labels)),
    ]
    print(f"{title}: {len(labels)} sentences, {sum(labels)} check-worthy")
    print(f"{'':36} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, (precision, recall, f1) in rows:
        print(f"{name:36} {precision:9.3f} {recall:7.3f} {f1:6.3f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claimbuster", type=Path, default=CLAIMBUSTER,
                        help="directory holding the ClaimBuster train.json and test.json")
    parser.add_argument("--checkthat", type=Path, default=CHECKTHAT,
                        help=f"directory holding {CT_DEV_TEST}")
    args = parser.parse_args()
    test_texts, test_labels = load_claimbuster(args.claimbuster / "test.json")
    report("ClaimBuster test.json", test_texts, test_labels)
    report("CheckThat! 2024 English dev-test", *load_checkthat(args.checkthat / CT_DEV_TEST))

    # Throughput in a fresh process: the reports above warmed the model's per-word cache
    # with test sentences only, so the first pass over train.json shows the cost of words not
    # seen yet; the best of three later passes the steady state of a long-running server.
    train_texts, _ = load_claimbuster(args.claimbuster / "train.json")
    timings = []
    for _ in range(4):
        start = time.perf_counter()
        for text in train_texts:
            score_sentence(text)
        timings.append(time.perf_counter() - start)
    for label, seconds in (("first pass", timings[0]), ("best of 3 more", min(timings[1:]))):
        print(f"score_sentence, {label}: {len(train_texts) / seconds:,.0f} sentences/s "
              f"({len(train_texts)} ClaimBuster train sentences, "
              f"{seconds / len(train_texts) * 1e6:.1f} µs each)")
    model = ROOT / "factcheck" / "engine" / "splitting" / MODEL_RESOURCE
    if model.exists():
        print(f"model file: {model.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
