"""Train the check-worthiness model of the splitting engine (see train/README.md).

    .venv/bin/python train/checkworthy.py [--data PATH]

Reads ONLY the ClaimBuster training split (train.json; the held-out test.json is for
bench/checkworthy.py), extracts the features with the engine's own
`factcheck.engine.splitting.checkworthy.extract_features`, and fits an L2-regularised logistic
regression with balanced class weights (scikit-learn). Everything is chosen by repeated
stratified 5-fold cross-validation on train.json:

- the regularisation strength C: the best mean ROC AUC over the folds;
- the threshold: the best F1 under an equal prior of claims and non-claims (the negatives,
  3 of 4 training sentences, are weighted down to the positives' total), averaged over the
  repeats, on a 0.01 grid.

Writes factcheck/engine/splitting/checkworthy_model.json (bias, weights of the n-grams seen in at
least two training sentences, cue weights, threshold and the CV figures) and rewrites the
`CHECKWORTHY_THRESHOLD = ...` line of factcheck/engine/splitting/checkworthy.py. Deterministic:
fixed fold seeds, deterministic solver, sorted output.
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

DEFAULT_DATA = Path("/work/shared/data/claimbuster/train.json")
MODEL_PATH = ROOT / "factcheck" / "engine" / "splitting" / "checkworthy_model.json"
MODULE_PATH = ROOT / "factcheck" / "engine" / "splitting" / "checkworthy.py"

C_GRID = (1.0, 3.0, 10.0, 30.0)
CV_SEEDS = (0, 1, 2)
FOLDS = 5
MIN_DF = 2  # n-grams seen in fewer training sentences are dropped
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
PRUNE_BELOW = 1e-4  # weights this small change no score by more than ~1e-4
_THRESHOLD_LINE = re.compile(r"^CHECKWORTHY_THRESHOLD = [0-9.]+$", re.M)


def load(path: Path) -> tuple[list[str], np.ndarray]:
    if path.name != "train.json":
        raise SystemExit(f"refusing to train on {path}: only train.json may be used")
    records = json.loads(path.read_text(encoding="utf-8"))
    return [r["text"] for r in records], np.array([int(r["label"]) for r in records])


def vocabulary_mask(x: sparse.csr_matrix, names: list[str]) -> np.ndarray:
    """Columns kept: cue features always, n-grams with document frequency >= MIN_DF."""
    df = np.asarray((x != 0).sum(axis=0)).ravel()
    cue = np.array([name.startswith("x:") for name in names])
    return cue | (df >= MIN_DF)


def fit(features: list[dict[str, float]], y: np.ndarray, c: float):
    vectoriser = DictVectorizer(sort=True)
    x = vectoriser.fit_transform(features).tocsr()
    names = list(vectoriser.get_feature_names_out())
    mask = vocabulary_mask(x, names)
    vectoriser.restrict(mask)
    # liblinear: exact, deterministic and fast on sparse data; a large intercept_scaling
    # leaves the intercept practically unpenalised.
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear",
                               intercept_scaling=100.0, tol=1e-6, max_iter=1000, random_state=0)
    model.fit(x[:, mask], y)
    return vectoriser, model


def predict(vectoriser: DictVectorizer, model: LogisticRegression, features) -> np.ndarray:
    return model.predict_proba(vectoriser.transform(features))[:, 1]


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


def cross_validate(features, y, c: float):
    """Out-of-fold probabilities for each repeat, and the fold indices."""
    runs = []
    for seed in CV_SEEDS:
        oof = np.zeros(len(y))
        folds = []
        splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
            vectoriser, model = fit([features[i] for i in train_idx], y[train_idx], c)
            oof[test_idx] = predict(vectoriser, model, [features[i] for i in test_idx])
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
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    texts, y = load(args.data)
    features = [extract_features(text) for text in texts]
    print(f"train.json: {len(y)} sentences, {int(y.sum())} check-worthy ({y.mean():.1%})")

    print(f"\nC by repeated {FOLDS}-fold CV ({len(CV_SEEDS)} repeats), mean ROC AUC:")
    best = None
    for c in C_GRID:
        runs = cross_validate(features, y, c)
        auc = float(np.mean([roc_auc_score(y[i], oof[i]) for oof, folds in runs for i in folds]))
        print(f"  C={c:<5g} AUC {auc:.4f}")
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
                       ("precision", "precision (train prior, 25% positive)"),
                       ("recall", "recall"), ("f1", "F1 (train prior)"),
                       ("balanced_precision", "precision (equal prior)"),
                       ("balanced_f1", "F1 (equal prior)")):
        print(f"  {label:<40} {cv[key]['mean']:.4f} ± {cv[key]['sd']:.4f}")

    vectoriser, model = fit(features, y, c)
    names = vectoriser.get_feature_names_out()
    weights = {str(name): float(f"{w:.5g}") for name, w in zip(names, model.coef_[0], strict=True)
               if abs(w) >= PRUNE_BELOW}
    payload = {
        "format": 1,
        "description": "check-worthiness logistic regression; features: "
                       "factcheck.engine.splitting.checkworthy.extract_features",
        "data": "ClaimBuster train.json (Arslan, Hassan, Li & Tremayne, ICWSM 2020)",
        "threshold": threshold,
        "bias": float(f"{model.intercept_[0]:.6g}"),
        "training": {"sentences": len(y), "positives": int(y.sum()), "C": c,
                     "class_weight": "balanced", "min_df": MIN_DF, "folds": FOLDS,
                     "cv_seeds": list(CV_SEEDS), "train_prior_best_threshold": plain_threshold,
                     "cv": cv},
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
