"""Fine-tune the matching vectors on CheckThat! 2020 train pairs (see train/README.md).

    .venv/bin/pip install -e '.[vectors]'
    .venv/bin/python train/word_vectors.py               # the distilled start (train/cache)
    .venv/bin/python train/match_vectors.py --folds 5 --coverage-weights 0,0.25
                                                         # cross-validation on train only
    .venv/bin/python train/match_vectors.py              # fit on train, write the vectors

The start is the distilled vectors `train/word_vectors.py` writes to
`train/cache/distilled_vectors.npz`. Each training post is ranked as the database ranks
it (cleaned as a pasted post, with its author's name; the word-and-character score; the
100 best candidates, the right checks added when missing); the token vectors are then
moved so that the blended score (`MEANING_WEIGHT`) puts the right check first (softmax
over the candidates, Adam), held near where they started (L2). The result is written, as
int8 rows with one scale each, to `factcheck/engine/sentence_vectors.npz`. Cross-
validation folds are by post; only the train split is read.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

from claim_matching_eval import DATA, load, map_at_5  # noqa: E402

from factcheck.engine.claim_text import clean_claim  # noqa: E402
from factcheck.engine.match_terms import idf, word_tokens  # noqa: E402
from factcheck.engine.matching import (  # noqa: E402
    COVERAGE_WEIGHT,
    MEANING_WEIGHT,
    MatchIndex,
    with_coverage,
)
from factcheck.engine.sentence_vectors import WordSets  # noqa: E402
from factcheck.engine.wordpiece import token_ids  # noqa: E402
from factcheck.workflow.match_index import imported_text  # noqa: E402

DISTILLED = ROOT / "train" / "cache" / "distilled_vectors.npz"
OUT = ROOT / "factcheck" / "engine" / "sentence_vectors.npz"
POOL = 100
SEED = 0
# Chosen by 5-fold CV on train (MAP@5 of the held-out posts): weight 0.2 / 0.3 / 0.4 at
# their best epoch 0.878 / 0.881 / 0.878 (0.865 / 0.864 / 0.853 before fitting); learning
# rate 0.003 (4 epochs) 0.881, L2 1e-3 0.876, temperature 0.1 0.879.
EPOCHS = 1
LEARNING_RATE = 0.01
L2 = 1e-4
TEMPERATURE = 0.05


def query_text(text: str) -> str:
    """A tweet as search_index reads it: cleaned, with its author's name."""
    cleaned = clean_claim(text)
    return f"{cleaned.text} {cleaned.author}".strip() or text


def bag(text: str) -> Counter[int]:
    """Token id -> count for the words of `text` (as words_vector sums them)."""
    counts: Counter[int] = Counter()
    for word in word_tokens(text):
        if any(ord(ch) > 0x24F for ch in word):
            continue
        counts.update(token_ids(word))
    return counts


def load_table(path: Path) -> np.ndarray:
    """Stored vectors as float32 rows (zero for tokens without one)."""
    stored = np.load(path)
    rows = stored["rows"].astype(np.float32) * stored["scale"][:, None]
    table = np.zeros((int(stored["vocabulary_size"]), rows.shape[1]), dtype=np.float32)
    table[stored["ids"]] = rows
    return table


def save_table(path: Path, table: np.ndarray) -> None:
    """Write the tokens that have a vector as int8 rows with one scale each."""
    ids = np.flatnonzero(np.abs(table).sum(axis=1) > 0)
    scale = np.abs(table[ids]).max(axis=1) / 127
    rows = np.round(table[ids] / scale[:, None]).astype(np.int8)
    np.savez_compressed(path, ids=ids.astype(np.int32), rows=rows,
                        scale=scale.astype(np.float32), vocabulary_size=np.int32(len(table)))


def word_vectors(table: np.ndarray):
    """Word -> vector as the product makes it (its tokens' vectors summed), cached."""
    cache: dict[str, np.ndarray] = {}

    def vector(word: str) -> np.ndarray:
        found = cache.get(word)
        if found is None:
            pieces = [] if any(ord(ch) > 0x24F for ch in word) else token_ids(word)
            found = cache[word] = (table[pieces].sum(axis=0) if pieces
                                   else np.zeros(table.shape[1], np.float32))
        return found

    return vector


def pools(queries: dict[str, str], qrels, ids, docs) -> list[tuple[str, list[int], np.ndarray]]:
    """Each query's candidates (index into docs) and their word-and-character scores."""
    lexical = MatchIndex(docs, meaning_weight=0)
    position = {doc_id: k for k, doc_id in enumerate(ids)}
    out = []
    for qid, text in queries.items():
        scores = lexical.scores(query_text(text))
        top = list(np.argsort(-scores, kind="stable")[:POOL])
        for doc_id in qrels.get(qid, ()):
            if position[doc_id] not in top:
                top.append(position[doc_id])
        out.append((qid, top, scores[top].astype(np.float32)))
    return out


class Model:
    """Token vectors in torch; texts as sparse bags of tokens."""

    def __init__(self, table: np.ndarray, texts: list[Counter[int]]):
        import torch

        self.torch = torch
        self.start = torch.tensor(table)
        self.table = torch.nn.Parameter(self.start.clone())
        rows, cols, vals = [], [], []
        for r, counts in enumerate(texts):
            for token, count in counts.items():
                rows.append(r)
                cols.append(token)
                vals.append(float(count))
        self.bags = torch.sparse_coo_tensor([rows, cols], vals,
                                            (len(texts), table.shape[0]),
                                            check_invariants=False).coalesce()

    def vectors(self):
        torch = self.torch
        summed = torch.sparse.mm(self.bags, self.table)
        return summed / summed.norm(dim=1, keepdim=True).clamp_min(1e-9)


def train(model: Model, items, *, weight: float, epochs: int, lr: float, l2: float,
          temperature: float, evaluate=None) -> list:
    """Fit `model.table` on `items` (query row, candidate rows, their word-and-character
    scores, the right candidates' places); `evaluate`'s figure before and after each epoch."""
    torch = model.torch
    optimiser = torch.optim.Adam([model.table], lr=lr)
    rng = np.random.default_rng(SEED)
    history = []
    if evaluate:
        history.append(evaluate())
    for _epoch in range(epochs):
        order = rng.permutation(len(items))
        for start in range(0, len(order), 32):
            vectors = model.vectors()
            loss = 0.0
            for k in order[start:start + 32]:
                query_row, candidate_rows, lexical, positives = items[k]
                cos = (vectors[candidate_rows] @ vectors[query_row]).clamp(0, 1)
                scores = (1 - weight) * torch.tensor(lexical) + weight * cos
                logits = scores / temperature
                log_probs = logits - torch.logsumexp(logits, 0)
                loss = loss - log_probs[positives].mean()
            loss = loss / len(order[start:start + 32])
            loss = loss + l2 * ((model.table - model.start) ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if evaluate:
            history.append(evaluate())
    return history


THRESHOLDS = (0.1, 0.25, 0.265, 0.37, 0.6)


def print_thresholds(best: dict[float, np.ndarray]) -> None:
    """For each coverage weight, the share of held-out posts whose best wrong / right check
    reaches each threshold, and the threshold letting through as many wrong checks as the
    first weight does at each (how the thresholds keep their meaning)."""
    first = next(iter(best))
    grid = np.arange(0.05, 0.9, 0.005)
    for c, pairs in best.items():
        wrong, right = pairs[:, 0], pairs[:, 1]
        cells = []
        for t in THRESHOLDS:
            share = (best[first][:, 0] >= t).mean()
            same = grid[np.argmin([abs((wrong >= g).mean() - share) for g in grid])]
            cells.append(f"{t}: wrong {(wrong >= t).mean():.3f} right {(right >= t).mean():.3f}"
                         f" (as {first} at {same:.3f})")
        print(f"coverage {c}, last epoch: " + "; ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=0,
                        help="cross-validate on train in this many folds instead of writing")
    parser.add_argument("--weights", default=str(MEANING_WEIGHT),
                        help="meaning weights to cross-validate (comma-separated)")
    parser.add_argument("--coverage-weights", default=str(COVERAGE_WEIGHT),
                        help="coverage weights the held-out posts are ranked with")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--temperature", type=float, default=TEMPERATURE)
    args = parser.parse_args()
    import torch

    torch.manual_seed(SEED)
    ids, claims, titles, queries, qrels = load(DATA, "train")
    docs = [imported_text(c, t) for c, t in zip(claims, titles, strict=True)]
    table = load_table(DISTILLED)
    qids = sorted(qrels)
    texts = [bag(d) for d in docs] + [bag(query_text(queries[q])) for q in qids]
    items = []
    for n, (qid, top, lexical) in enumerate(pools({q: queries[q] for q in qids}, qrels, ids,
                                                  docs)):
        positives = [i for i, row in enumerate(top) if ids[row] in qrels[qid]]
        items.append((len(docs) + n, top, lexical, positives))
    settings = {"epochs": args.epochs, "lr": args.lr, "l2": args.l2,
                "temperature": args.temperature}
    if not args.folds:
        model = Model(table, texts)
        train(model, items, weight=MEANING_WEIGHT, **settings)
        fitted = model.table.detach().numpy()
        fitted[np.abs(table).sum(axis=1) == 0] = 0  # tokens of no training sentence: none
        save_table(OUT, fitted)
        print(f"wrote {OUT.relative_to(ROOT)}: {OUT.stat().st_size / 1024:.0f} KiB")
        return
    folds = np.random.default_rng(SEED).permutation(len(items)) % args.folds
    coverage_weights = [float(w) for w in args.coverage_weights.split(",")]
    doc_words = [word_tokens(d) for d in docs]
    df = Counter(word for words in doc_words for word in set(words))
    query_idf = [{word: idf(df.get(word, 0), len(docs))
                  for word in word_tokens(query_text(queries[q]))} for q in qids]
    for weight in [float(w) for w in args.weights.split(",")]:
        curves = []
        for fold in range(args.folds):
            model = Model(table, texts)
            held = [k for k in range(len(items)) if folds[k] == fold]

            def evaluate(model=model, held=held, weight=weight):
                with torch.no_grad():
                    vectors = model.vectors()
                    vector = word_vectors(model.table.detach().numpy())
                rankings: dict[float, dict[str, list[str]]] = {c: {} for c in coverage_weights}
                best: dict[float, list[tuple[float, float]]] = {c: [] for c in coverage_weights}
                for k in held:
                    query_row, top, lexical, positives = items[k]
                    cos = (vectors[top] @ vectors[query_row]).clamp(0, 1).numpy()
                    scores = (1 - weight) * lexical + weight * cos
                    covered = WordSets([doc_words[row] for row in top],
                                       vector=vector).coverage(query_idf[k])
                    for coverage_weight in coverage_weights:
                        final = with_coverage(scores, covered, True, weight=coverage_weight)
                        order = np.argsort(-final, kind="stable")[:5]
                        rankings[coverage_weight][qids[k]] = [ids[top[i]] for i in order]
                        right = np.isin(np.arange(len(top)), positives)
                        best[coverage_weight].append((float(final[~right].max()),
                                                      float(final[right].max())))
                wanted = {qids[k]: qrels[qids[k]] for k in held}
                return {c: (map_at_5(ranked, wanted), best[c]) for c, ranked in rankings.items()}

            curves.append(train(model, [items[k] for k in range(len(items))
                                        if folds[k] != fold],
                                weight=weight, evaluate=evaluate, **settings))
            print(f"weight {weight} fold {fold}: " + " ".join(
                f"{v[coverage_weights[0]][0]:.3f}" for v in curves[-1]), flush=True)
        for c in coverage_weights:
            print(f"weight {weight}, coverage {c}, mean MAP@5 of the held-out posts by epoch: "
                  + " ".join(f"{np.mean([curve[e][c][0] for curve in curves]):.4f}"
                             for e in range(len(curves[0]))), flush=True)
        print_thresholds({c: np.array([pair for curve in curves for pair in curve[-1][c][1]])
                          for c in coverage_weights})


if __name__ == "__main__":
    main()
