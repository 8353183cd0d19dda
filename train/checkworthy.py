"""Train the check-worthiness model of the splitting engine (see train/README.md).

    .venv/bin/python train/checkworthy.py [--claimbuster DIR] [--checkthat DIR]

Training data: the ClaimBuster training split (train.json) and the CheckThat! 2024 English
training file (CT24_checkworthy_english_train.tsv). Both were drawn from the same debate
sentences, and CheckThat!'s training file holds most of ClaimBuster's *test* sentences, so
every training sentence whose normalised text (lower-case, punctuation stripped, whitespace
collapsed) occurs in an evaluation set (ClaimBuster test.json, CheckThat! dev-test) is
removed first; the evaluation files are read for that and for nothing else here. The two
training sets are then merged by normalised text; sentences labelled both ways are dropped.

Features: the engine's own `factcheck.engine.splitting.checkworthy.extract_features`, whose
`t:` token shares are turned here into the mean of the tokens' vectors (`m:` columns, from
`--token-vectors`, written by train/word_vectors.py) scaled to a mean length of one; after
the fit, the `m:` weights fold back into one weight per vocabulary token (the token's
vector times the `m:` weights), which is what the model file stores.
Model: L2-regularised logistic regression with balanced class weights (scikit-learn).
Chosen by repeated stratified 5-fold cross-validation on the merged training sentences:

- the regularisation strength C: the best mean ROC AUC over the folds;
- the threshold: the best F1 under an equal prior of claims and non-claims (negatives weighted
  down to the positives' total), averaged over the repeats, on a 0.01 grid.

Then it fits on all training sentences and reports (for information, nothing is chosen
from it) F1 of the Yes class on the CheckThat! dev-test file. bench/checkworthy.py measures
the held-out ClaimBuster test.json.

Writes factcheck/engine/splitting/checkworthy_model.json (bias, weights, threshold, the
deduplication counts and the CV figures) and rewrites the `CHECKWORTHY_THRESHOLD = ...` line
of factcheck/engine/splitting/checkworthy.py. Deterministic: fixed fold seeds, deterministic
solver, sorted output.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.engine.splitting.checkworthy import extract_features  # noqa: E402
from factcheck.engine.wordpiece import token_strings, vocabulary  # noqa: E402

CLAIMBUSTER = Path("/work/shared/data/claimbuster")
CHECKTHAT = Path("/work/shared/data/checkthat2024")
CT_TRAIN = "CT24_checkworthy_english_train.tsv"
CT_DEV_TEST = "CT24_checkworthy_english_dev-test.tsv"
MODEL_PATH = ROOT / "factcheck" / "engine" / "splitting" / "checkworthy_model.json"
MODULE_PATH = ROOT / "factcheck" / "engine" / "splitting" / "checkworthy.py"
TOKEN_VECTORS = ROOT / "train" / "cache" / "token_vectors.npy"

C_GRID = (1.0, 3.0)  # 10 was worse in exploratory CV (train/README.md)
CV_SEEDS = (0, 1)
FOLDS = 5
MIN_DF = 3  # n-grams seen in fewer training sentences are dropped
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
PRUNE_BELOW = 2e-3  # |weight| below this moves no score by more than ~1e-3 in log-odds
_THRESHOLD_LINE = re.compile(r"^CHECKWORTHY_THRESHOLD = [0-9.]+$", re.M)
_CT_LABEL = re.compile(r"(Yes|No)(\d+)")


def normalise(text: str) -> str:
    """The deduplication key: lower-case, punctuation stripped, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def load_claimbuster(path: Path) -> list[tuple[str, int]]:
    records = json.loads(path.read_text(encoding="utf-8"))
    return [(r["text"], int(r["label"])) for r in records]


def load_checkthat(path: Path) -> list[tuple[str, int]]:
    """Rows of a CheckThat! 2024 file (Sentence_id, Text, class_label Yes/No).

    One line of the training file holds two records (a missing line break:
    "...\tNo29286\tYou can't bring back jobs.\tNo"); it is split back into two.
    """
    rows: list[tuple[str, int]] = []
    with path.open(encoding="utf-8") as lines:
        next(lines)  # header
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            while fields:
                _, text, label, *rest = fields
                joined = _CT_LABEL.fullmatch(label)
                if joined and rest:
                    label, fields = joined[1], [joined[2], *rest]
                elif label in ("Yes", "No") and not rest:
                    fields = []
                else:
                    raise SystemExit(f"{path.name}: cannot read line {line!r}")
                rows.append((text, int(label == "Yes")))
    return rows


def training_pool(training: dict[str, list[tuple[str, int]]],
                  evaluation: dict[str, list[tuple[str, int]]]):
    """Training sentences without evaluation sentences, merged; plus the counts."""
    eval_keys = {name: {normalise(t) for t, _ in rows} for name, rows in evaluation.items()}
    report: dict[str, dict[str, dict[str, int]]] = {}
    removed = set().union(*eval_keys.values())
    merged: dict[str, tuple[str, set[int]]] = {}
    for name, rows in training.items():
        report[name] = {"sentences": {"rows": len(rows)}}
        for eval_name, keys in eval_keys.items():
            hits = [normalise(t) for t, _ in rows if normalise(t) in keys]
            report[name][eval_name] = {"rows": len(hits), "distinct": len(set(hits))}
        for text, label in rows:
            key = normalise(text)
            if key and key not in removed:
                merged.setdefault(key, (text, set()))[1].add(label)
    conflicting = sum(len(labels) > 1 for _, labels in merged.values())
    texts = [text for text, labels in merged.values() if len(labels) == 1]
    y = np.array([next(iter(labels)) for _, labels in merged.values() if len(labels) == 1])
    return texts, y, {"removed": report, "merged_distinct": len(merged),
                      "conflicting_labels_dropped": conflicting}


def vectorise(features: list[dict[str, float]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """All sentences as one sparse matrix (columns sorted by name), and the column names."""
    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform(features).tocsr()
    return x, np.asarray(vectoriser.get_feature_names_out())


def with_meaning(x: sparse.csr_matrix, names: np.ndarray, vectors: np.ndarray):
    """`x` with its `t:` token shares replaced by the mean token vector (`m:` columns),
    the new column names, and the scale applied to the vectors."""
    tokens = np.char.startswith(names.astype(str), "t:")
    vocab = vocabulary()
    ids = [vocab[name[2:]] for name in names[tokens]]
    meaning = np.asarray(x[:, tokens] @ vectors[ids])
    scale = 1.0 / float(np.mean(np.linalg.norm(meaning, axis=1)))
    columns = np.array([f"m:{k:03d}" for k in range(vectors.shape[1])])
    return (sparse.hstack([x[:, ~tokens], sparse.csr_matrix(meaning * scale)]).tocsr(),
            np.concatenate([names[~tokens], columns]), scale)


def fold_meaning(weights: dict[str, float], vectors: np.ndarray, scale: float) -> None:
    """Replace the `m:` weights by one `t:` weight per token (its vector's share)."""
    direction = np.array([weights.pop(f"m:{k:03d}") for k in range(vectors.shape[1])])
    for token, weight in zip(token_strings(), (vectors @ direction) * scale, strict=True):
        if not token.startswith("[unused"):  # never in any text
            weights["t:" + token] = float(weight)


def fit(x: sparse.csr_matrix, names: np.ndarray, y: np.ndarray, c: float):
    """The model on rows `x`: the columns kept and the fitted regression.

    Kept: cue features always, n-grams in at least MIN_DF of these rows (so a CV fold
    keeps only what its own training part has seen often enough).
    """
    df = np.asarray((x != 0).sum(axis=0)).ravel()
    always = np.char.startswith(names.astype(str), "x:") | np.char.startswith(names.astype(str),
                                                                                "m:")
    mask = always | (df >= MIN_DF)
    # liblinear: exact, deterministic and fast on sparse data; a large intercept_scaling
    # leaves the intercept practically unpenalised.
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear",
                               intercept_scaling=100.0, tol=1e-5, max_iter=1000, random_state=0)
    model.fit(x[:, mask], y)
    return mask, model


def predict(mask: np.ndarray, model: LogisticRegression, x: sparse.csr_matrix) -> np.ndarray:
    return model.predict_proba(x[:, mask])[:, 1]


def figures(p: np.ndarray, y: np.ndarray, threshold: float, balanced: bool) -> dict[str, float]:
    """Precision, recall, F1 at `threshold`; `balanced` weights classes to an equal prior."""
    w_neg = (y == 1).sum() / (y == 0).sum() if balanced else 1.0
    pred = p >= threshold
    tp = float((pred & (y == 1)).sum())
    fp = float((pred & (y == 0)).sum()) * w_neg
    fn = float((~pred & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def cross_validate(x, names, y, c: float):
    """Out-of-fold probabilities for each repeat, and the fold indices."""
    runs = []
    for seed in CV_SEEDS:
        oof = np.zeros(len(y))
        folds = []
        splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
            mask, model = fit(x[train_idx], names, y[train_idx], c)
            oof[test_idx] = predict(mask, model, x[test_idx])
            folds.append(test_idx)
        runs.append((oof, folds))
    return runs


def summary(runs, y, threshold: float) -> dict[str, dict[str, float]]:
    """Mean and standard deviation over all CV folds of AUC and P/R/F1 at `threshold`."""
    rows: dict[str, list[float]] = {}
    for oof, folds in runs:
        for idx in folds:
            rows.setdefault("auc", []).append(roc_auc_score(y[idx], oof[idx]))
            for prefix, balanced in (("", False), ("balanced_", True)):
                for key, value in figures(oof[idx], y[idx], threshold, balanced).items():
                    rows.setdefault(prefix + key, []).append(value)
    return {k: {"mean": round(float(np.mean(v)), 4), "sd": round(float(np.std(v)), 4)}
            for k, v in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claimbuster", type=Path, default=CLAIMBUSTER,
                        help="directory of ClaimBuster's train.json and test.json")
    parser.add_argument("--checkthat", type=Path, default=CHECKTHAT,
                        help=f"directory of {CT_TRAIN} and {CT_DEV_TEST}")
    parser.add_argument("--token-vectors", type=Path, default=TOKEN_VECTORS,
                        help="the fitted token vectors of train/word_vectors.py (.npy)")
    args = parser.parse_args()
    vectors = np.load(args.token_vectors).astype(np.float64)
    training = {"claimbuster_train": load_claimbuster(args.claimbuster / "train.json"),
                "checkthat_train": load_checkthat(args.checkthat / CT_TRAIN)}
    evaluation = {"claimbuster_test": load_claimbuster(args.claimbuster / "test.json"),
                  "checkthat_dev_test": load_checkthat(args.checkthat / CT_DEV_TEST)}
    texts, y, dedupe = training_pool(training, evaluation)
    print("Evaluation sentences found in the training sets (normalised text), removed:")
    for name, counts in dedupe["removed"].items():
        found = ", ".join(f"{e}: {counts[e]['distinct']} distinct ({counts[e]['rows']} rows)"
                          for e in evaluation)
        print(f"  {name} ({counts['sentences']['rows']} rows): {found}")
    print(f"merged: {dedupe['merged_distinct']} distinct sentences, "
          f"{dedupe['conflicting_labels_dropped']} labelled both ways dropped; "
          f"training on {len(y)}, {int(y.sum())} check-worthy ({y.mean():.1%})")
    x, names = vectorise([extract_features(text) for text in texts])
    x, names, meaning_scale = with_meaning(x, names, vectors)

    print(f"\nC by repeated {FOLDS}-fold CV ({len(CV_SEEDS)} repeats), mean ROC AUC:")
    best = None
    for c in C_GRID:
        runs = cross_validate(x, names, y, c)
        auc = float(np.mean([roc_auc_score(y[i], oof[i]) for oof, folds in runs for i in folds]))
        print(f"  C={c:<5g} AUC {auc:.4f}", flush=True)
        if best is None or auc > best[1]:
            best = (c, auc, runs)
    c, _, runs = best

    curve = np.array([[figures(oof, y, t, balanced=True)["f1"] for t in THRESHOLDS]
                      for oof, _ in runs]).mean(axis=0)
    threshold = float(THRESHOLDS[int(curve.argmax())])
    plain = np.array([[figures(oof, y, t, balanced=False)["f1"] for t in THRESHOLDS]
                      for oof, _ in runs]).mean(axis=0)
    plain_threshold = float(THRESHOLDS[int(plain.argmax())])
    cv = summary(runs, y, threshold)
    print(f"\nchosen C={c:g}; threshold {threshold:.2f} (best equal-prior F1 on train CV; "
          f"the train-prior F1 would peak at {plain_threshold:.2f})")
    print(f"train CV at {threshold:.2f}, mean ± sd over {FOLDS * len(CV_SEEDS)} folds:")
    for key, label in (("auc", "ROC AUC"),
                       ("precision", f"precision (train prior, {y.mean():.0%} positive)"),
                       ("recall", "recall"), ("f1", "F1 (train prior)"),
                       ("balanced_precision", "precision (equal prior)"),
                       ("balanced_f1", "F1 (equal prior)")):
        print(f"  {label:<40} {cv[key]['mean']:.4f} ± {cv[key]['sd']:.4f}")

    mask, model = fit(x, names, y, c)
    names = names[mask]
    weight = dict(zip(names.tolist(), model.coef_[0].tolist(), strict=True))
    fold_meaning(weight, vectors, meaning_scale)
    dev_y = np.array([label for _, label in evaluation["checkthat_dev_test"]])
    dev_z = model.intercept_[0] + np.array([
        sum(weight.get(key, 0.0) * value for key, value in extract_features(text).items())
        for text, _ in evaluation["checkthat_dev_test"]])
    dev_p = 1.0 / (1.0 + np.exp(-dev_z))
    dev = figures(dev_p, dev_y, threshold, balanced=False)
    dev_curve = [figures(dev_p, dev_y, t, balanced=False)["f1"] for t in THRESHOLDS]
    print(f"\nCheckThat! 2024 dev-test ({len(dev_y)} sentences, {int(dev_y.sum())} Yes) at "
          f"{threshold:.2f}: precision {dev['precision']:.4f}, recall {dev['recall']:.4f}, "
          f"F1 {dev['f1']:.4f}; ROC AUC {roc_auc_score(dev_y, dev_p):.4f} (best F1 on the "
          f"grid {max(dev_curve):.4f} at {THRESHOLDS[int(np.argmax(dev_curve))]:.2f})")

    weights = {str(name): float(f"{w:.4g}") for name, w in weight.items()
               if abs(w) >= PRUNE_BELOW}
    payload = {
        "format": 2,
        "description": "check-worthiness logistic regression; features: "
                       "factcheck.engine.splitting.checkworthy.extract_features",
        "data": "ClaimBuster train.json (Arslan, Hassan, Li & Tremayne, ICWSM 2020) and "
                "CheckThat! 2024 Task 1 English train, without the sentences of ClaimBuster "
                "test.json and CheckThat! dev-test",
        "threshold": threshold,
        "bias": float(f"{model.intercept_[0]:.6g}"),
        "training": {"sentences": len(y), "positives": int(y.sum()), "C": c,
                     "class_weight": "balanced", "min_df": MIN_DF, "folds": FOLDS,
                     "meaning_scale": round(meaning_scale, 6),
                     "cv_seeds": list(CV_SEEDS), "train_prior_best_threshold": plain_threshold,
                     "deduplication": dedupe, "cv": cv,
                     "checkthat_dev_test": {k: round(v, 4) for k, v in dev.items()}},
        "weights": dict(sorted(weights.items())),
    }
    MODEL_PATH.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n",
                          encoding="utf-8")
    print(f"\nwrote {MODEL_PATH.relative_to(ROOT)}: {len(weights)} weights, "
          f"{MODEL_PATH.stat().st_size / 1024:.0f} KiB")

    source = MODULE_PATH.read_text(encoding="utf-8")
    if not _THRESHOLD_LINE.search(source):
        raise SystemExit(f"no 'CHECKWORTHY_THRESHOLD = ...' line in {MODULE_PATH}")
    updated = _THRESHOLD_LINE.sub(f"CHECKWORTHY_THRESHOLD = {threshold}", source, count=1)
    if updated != source:
        MODULE_PATH.write_text(updated, encoding="utf-8")
        print(f"updated CHECKWORTHY_THRESHOLD = {threshold} in {MODULE_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
