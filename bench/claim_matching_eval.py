"""Claim matching on CLEF CheckThat! 2020 task 2 ("detecting previously fact-checked claims").

    .venv/bin/python bench/claim_matching_eval.py [--data DIR]

The archive is `verified_claims.docs.tsv` (10,375 Snopes checks: claim and title); the
queries are tweets, each with its verified claim(s) in `tweet-vclaim-pairs.qrels`.
Official measure: MAP@5 over the ranked verified claims of each tweet.

Every variant is scored on `train` (the choice of the engine's defaults was made on these
figures only); the chosen variant and the baseline are then reported on `dev`. The
baseline is plain TF-IDF as scikit-learn ships it (unigrams, raw term frequency, the
claim only, tweets as they are). There is no test split on this machine.

`--database [URL]` measures the index kept in the database instead (what the product
runs; factcheck/queries/match_index.py): the archive is imported as ClaimReviews batch by
batch into a fresh database (SQLite in a temporary directory unless a URL is given; the
index then holds the frequencies of the moment each batch came in), ranked; then rebuilt
whole as `factcheck search reindex` does, ranked again; both against the in-memory
`MatchIndex` on train and dev.

`--meaning-weights 0,0.1,...` (with `--database`) ranks train again after the rebuild at
each weight of the meaning blend (`MEANING_WEIGHT`), dev only at the shipped one.

`--paraphrases` measures our own set instead (tests/data/matching_paraphrases.json: 25
claims, 12 from the sample article, each with a paraphrase and, for 13, the same sentence
with one figure, date or quantity changed), through `ranked_matches` as the API ranks:
the archive holds every paraphrase and changed sentence; each claim is asked for 5
matches. It prints MAP@5 (one relevant check per claim), how many paraphrases come first,
and how many changed sentences score below their paraphrase. The set was written for the
changed-figure rule and used to see which figures it missed (days, number words): a
development set, not a test.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from factcheck.engine.matching import MEANING_WEIGHT, MatchIndex

DATA = Path("/work/shared/data/claim_matching")


def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:]


def load(data: Path, split: str):
    docs = _tsv(data / "verified_claims.docs.tsv")
    ids = [row[0] for row in docs]
    claims = [row[1] for row in docs]
    titles = [row[2] if len(row) > 2 else "" for row in docs]
    queries = {row[0]: row[1] for row in _tsv(data / split / "tweets.queries.tsv")}
    qrels: dict[str, set[str]] = {}
    for line in (data / split / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            qrels.setdefault(parts[0], set()).add(parts[2])
    return ids, claims, titles, queries, qrels


def map_at_5(rankings: dict[str, list[str]], qrels: dict[str, set[str]]) -> float:
    total = 0.0
    for qid, relevant in qrels.items():
        hits, score = 0, 0.0
        for k, doc in enumerate(rankings.get(qid, [])[:5], start=1):
            if doc in relevant:
                hits += 1
                score += hits / k
        total += score / min(len(relevant), 5)
    return total / len(qrels)


class Baseline:
    """Plain TF-IDF, cosine: scikit-learn's defaults."""

    def __init__(self, texts):
        self.vectorizer = TfidfVectorizer()
        self.matrix = self.vectorizer.fit_transform(texts).T.tocsr()

    def scores(self, text):
        return np.asarray((self.vectorizer.transform([text]) @ self.matrix).todense()).ravel()


def rank(index, ids, queries) -> dict[str, list[str]]:
    out = {}
    for qid, text in queries.items():
        scores = index.scores(text)
        top = np.argsort(-scores, kind="stable")[:5]
        out[qid] = [ids[i] for i in top]
    return out


def variants(claims, titles):
    both = [f"{c} {t}" for c, t in zip(claims, titles, strict=True)]
    return {
        "claim, 1-grams, sublinear": lambda: MatchIndex(claims, ngram_max=1, word_weight=1),
        "claim, 1-2-grams, raw tf": lambda: MatchIndex(claims, ngram_max=2, sublinear=False,
                                                   word_weight=1),
        "claim, 1-2-grams, sublinear": lambda: MatchIndex(claims, ngram_max=2, word_weight=1),
        "claim+title, 1-grams, sublinear": lambda: MatchIndex(both, ngram_max=1, word_weight=1),
        "claim+title, words + char 3-5 (shipped)": lambda: MatchIndex(both),
        "claim+title, 1-2-grams, sublinear": lambda: MatchIndex(both, ngram_max=2, word_weight=1),
        "claim+title, 1-3-grams, sublinear": lambda: MatchIndex(both, ngram_max=3, word_weight=1),
    }


CHOSEN = "claim+title, words + char 3-5 (shipped)"


def database_rankings(url: str | None, data: Path, meaning_weights: list[float] | None = None,
                      **params) -> None:
    """MAP@5 of the database index, imported incrementally then rebuilt (see the docstring)."""
    import os
    import tempfile

    from factcheck import create_app
    from factcheck.engine.match_numbers import adjusted_scores
    from factcheck.extensions import db
    from factcheck.infra.migrate import upgrade
    from factcheck.intake.claimreview_feed import ClaimReviewRecord
    from factcheck.models import ImportedCheck
    from factcheck.queries.match_index import search_index
    from factcheck.workflow.imported_checks import save_imported_checks
    from factcheck.workflow.match_index import rebuild_match_index

    ids, claims, titles, train_q, train_rel = load(data, "train")
    _i, _c, _t, dev_q, dev_rel = load(data, "dev")
    work = Path(tempfile.mkdtemp(prefix="bench-match-eval-"))
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(work / "instance")
    if url:
        from matching import fresh_schema
        url = fresh_schema(url, "match_eval")
    app = create_app({"DATABASE_URL": url or f"sqlite:///{work / 'eval.sqlite'}",
                      "SECRET_KEY": "bench-" + "0" * 40})
    upgrade(app)
    memory = MatchIndex([f"{c} {t}" for c, t in zip(claims, titles, strict=True)])
    print(f"{'':32} {'train':>7} {'dev':>7}")
    print(f"{'in memory (MatchIndex)':32} {map_at_5(rank(memory, ids, train_q), train_rel):7.3f} "
          f"{map_at_5(rank(memory, ids, dev_q), dev_rel):7.3f}")
    with app.app_context():
        session = db.session
        started = time.perf_counter()
        for start in range(0, len(ids), 1000):
            save_imported_checks(session, records=[ClaimReviewRecord(
                url=f"https://vclaims.example/{ids[k]}", claim_reviewed=claims[k],
                headline=titles[k], rating="False", rating_value=None, rating_best=None,
                rating_worst=None, publisher="Snopes", published=None, claimant="",
                language="en") for k in range(start, min(start + 1000, len(ids)))])
            session.commit()
        imported = time.perf_counter() - started
        by_check = {row.id: row.url.rsplit("/", 1)[1]
                    for row in session.query(ImportedCheck.id, ImportedCheck.url)}

        def ranked(queries, **extra):
            out, times = {}, []
            for qid, text in queries.items():
                t0 = time.perf_counter()
                hits = search_index(session, text, limit=5, min_score=0, **params, **extra)
                times.append(time.perf_counter() - t0)
                out[qid] = [by_check[h.imported_check_id] for h in hits]
            return out, 1000 * sorted(times)[len(times) // 2]

        train, t1 = ranked(train_q)
        dev, t2 = ranked(dev_q)
        print(f"{'database, imported by batches':32} {map_at_5(train, train_rel):7.3f} "
              f"{map_at_5(dev, dev_rel):7.3f}  (import {imported:.1f}s; median "
              f"{t1:.1f}/{t2:.1f} ms)")
        started = time.perf_counter()
        rebuild_match_index(session)
        session.commit()
        built = time.perf_counter() - started
        train, t1 = ranked(train_q)
        dev, t2 = ranked(dev_q)
        print(f"{'database, rebuilt (reindex)':32} {map_at_5(train, train_rel):7.3f} "
              f"{map_at_5(dev, dev_rel):7.3f}  (rebuild {built:.1f}s; median "
              f"{t1:.1f}/{t2:.1f} ms)")
        text_of = dict(zip(ids, claims, strict=True))

        def as_api(queries):
            # As ranked_matches ranks: a pool of 10, changed figures lowered.
            out = {}
            for qid, text in queries.items():
                hits = search_index(session, text, limit=10, min_score=0, **params)
                pool = [by_check[h.imported_check_id] for h in hits]
                scores = adjusted_scores(text, [(h.score, text_of[doc])
                                                for h, doc in zip(hits, pool, strict=True)])
                out[qid] = [pool[k] for k in sorted(range(len(pool)), key=lambda k: -scores[k])]
            return out

        print(f"{'the same, changed figures lower':32} "
              f"{map_at_5(as_api(train_q), train_rel):7.3f} "
              f"{map_at_5(as_api(dev_q), dev_rel):7.3f}")
        # The meaning weight is chosen on train: dev is printed for the shipped weight only.
        for weight in meaning_weights or []:
            train, t1 = ranked(train_q, meaning_weight=weight)
            shipped = weight == MEANING_WEIGHT
            dev_figure = f"{map_at_5(ranked(dev_q, meaning_weight=weight)[0], dev_rel):7.3f}" \
                if shipped else "      -"
            print(f"{f'meaning weight {weight:g}' + (' (shipped)' if shipped else ''):32} "
                  f"{map_at_5(train, train_rel):7.3f} {dev_figure}  (median {t1:.1f} ms)")


def paraphrase_rankings() -> None:
    """MAP@5, paraphrases first and changed figures below on our set (see the docstring)."""
    import json
    import os
    import tempfile

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.infra.migrate import upgrade
    from factcheck.intake.claimreview_feed import ClaimReviewRecord
    from factcheck.queries.matching import ranked_matches
    from factcheck.workflow.imported_checks import save_imported_checks

    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "matching_paraphrases.json"
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    work = Path(tempfile.mkdtemp(prefix="bench-paraphrases-"))
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(work / "instance")
    app = create_app({"DATABASE_URL": f"sqlite:///{work / 'eval.sqlite'}",
                      "SECRET_KEY": "bench-" + "0" * 40})
    upgrade(app)

    def record(url: str, text: str) -> ClaimReviewRecord:
        return ClaimReviewRecord(
            url=url, claim_reviewed=text, headline=None, rating="False", rating_value=None,
            rating_best=None, rating_worst=None, publisher="Checks", published=None,
            claimant="", language="en")

    with app.app_context():
        records = []
        for n, item in enumerate(items):
            records.append(record(f"https://same.example/{n}", item["paraphrase"]))
            if item["changed"]:
                records.append(record(f"https://changed.example/{n}", item["changed"]))
        save_imported_checks(db.session, records=records)
        db.session.commit()
        reciprocal, first, below, changed = 0.0, 0, 0, 0
        for n, item in enumerate(items):
            matches = ranked_matches(db.session, text=item["claim"])
            found = [m.candidate.url for m in matches]
            scores = {m.candidate.url: m.score for m in matches}
            same = f"https://same.example/{n}"
            reciprocal += 1 / (found.index(same) + 1) if same in found else 0.0
            first += found[:1] == [same]
            if item["changed"]:
                changed += 1
                below += scores.get(f"https://changed.example/{n}", 0) < scores.get(same, 0)
    print(f"{len(items)} claims: MAP@5 {reciprocal / len(items):.3f}; paraphrase first "
          f"{first}/{len(items)}; changed figure below the paraphrase {below}/{changed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--database", nargs="?", const="", default=None, metavar="URL",
                        help="measure the database index (SQLite unless URL is given)")
    parser.add_argument("--pool", type=int, default=None)
    parser.add_argument("--terms", type=int, default=None)
    parser.add_argument("--per-term", type=int, default=None)
    parser.add_argument("--meaning-weight", type=float, default=None)
    parser.add_argument("--meaning-weights", default="",
                        help="comma-separated meaning weights to compare on train "
                             "(with --database)")
    parser.add_argument("--paraphrases", action="store_true",
                        help="measure our paraphrase and changed-figure set")
    args = parser.parse_args()
    if args.paraphrases:
        paraphrase_rankings()
        return
    if args.database is not None:
        params = {k: v for k, v in (("pool", args.pool), ("rarest", args.terms),
                                    ("per_term", args.per_term),
                                    ("meaning_weight", args.meaning_weight)) if v is not None}
        weights = [float(w) for w in args.meaning_weights.split(",") if w]
        database_rankings(args.database or None, args.data, meaning_weights=weights, **params)
        return
    ids, claims, titles, train_q, train_rel = load(args.data, "train")
    _ids, _c, _t, dev_q, dev_rel = load(args.data, "dev")
    print(f"archive {len(ids)} checks; train {len(train_rel)} queries, dev {len(dev_rel)}")
    baseline = Baseline(claims)
    print(f"{'variant':40} {'train':>7} {'dev':>7}")
    base_train = map_at_5(rank(baseline, ids, train_q), train_rel)
    base_dev = map_at_5(rank(baseline, ids, dev_q), dev_rel)
    print(f"{'baseline: plain TF-IDF (claim)':40} {base_train:7.3f} {base_dev:7.3f}")
    for name, build in variants(claims, titles).items():
        started = time.perf_counter()
        index = build()
        train = map_at_5(rank(index, ids, train_q), train_rel)
        dev = (f"{map_at_5(rank(index, ids, dev_q), dev_rel):7.3f}" if name == CHOSEN
               else "      -")
        print(f"{name:40} {train:7.3f} {dev}  (built in {time.perf_counter() - started:.1f}s)")
    # The threshold: how many correct first answers MIN_SCORE would hide (train).
    index = variants(claims, titles)[CHOSEN]()
    best = []
    for qid, text in train_q.items():
        scores = index.scores(text)
        top = int(np.argmax(scores))
        if ids[top] in train_rel.get(qid, set()):
            best.append(float(scores[top]))
    best_arr = np.array(best)
    for threshold in (0.05, 0.1, 0.15, 0.2, 0.3):
        print(f"min score {threshold:.2f}: hides {np.mean(best_arr < threshold):.1%} of correct "
              "first answers on train")


if __name__ == "__main__":
    main()
