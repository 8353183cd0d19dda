"""Demands by `split_claims`: precision/recall of kind `demand` on our annotations, the
ranking of demands against the rest, and `split_claims` throughput.

    .venv/bin/python bench/demands.py [--no-speed]

Annotations (ours, written for this project, see tests/data/README.md):
- the sample article (`tests/data/attribution_sample.json`): each candidate claim with
  kind `demand` (calls, appeals, urges), `attributed` or `factual`;
- `tests/data/demand_sentences.json`: single sentences, English, Dari and Pashto, with
  `demand` true/false, including the same words used otherwise ("called a meeting",
  "the protesters' demands", "asked whether").

Precision: share of claims typed `demand` that are annotated demands; recall: share of
annotated demands typed `demand`; claimant right: the typed demands whose claimant is
the annotated source exactly. Ranking: on the sample article, the highest demand score and
where it falls among the other claims' scores; and the average precision of the
check-worthiness scores for the claims annotated `verifiable` (a checkable statement about
the past or present), against the article's own order as the baseline.

Speed: as bench/attribution.py (`split_claims` on about 1 MB of news text, best of 3, MB/s of
CPU time).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from attribution import speed  # noqa: E402

from factcheck.engine.splitting import split_claims  # noqa: E402

SAMPLE = ROOT / "factcheck" / "data" / "national-consensus.txt"
SAMPLE_GOLD = ROOT / "tests" / "data" / "attribution_sample.json"
SENTENCES = ROOT / "tests" / "data" / "demand_sentences.json"


def scores(pairs: list[tuple[bool, bool, bool]]) -> dict[str, float]:
    """(annotated demand, typed demand, claimant right) per item -> precision/recall."""
    typed = sum(t for _, t, _ in pairs)
    gold = sum(g for g, _, _ in pairs)
    hits = sum(g and t for g, t, _ in pairs)
    right = sum(g and t and c for g, t, c in pairs)
    return {"annotated demands": gold, "typed demand": typed,
            "precision": hits / typed if typed else 0.0,
            "recall": hits / gold if gold else 0.0,
            "claimant right": right / hits if hits else 0.0}


def sample() -> tuple[dict[str, float], dict[str, float]]:
    """Demand figures and ranking on the sample article."""
    gold = {g["text"]: g for g in json.loads(SAMPLE_GOLD.read_text(encoding="utf-8"))
            ["sentences"]}
    claims = split_claims(SAMPLE.read_text(encoding="utf-8"), lang="en")
    pairs = []
    for claim in claims:
        g = gold.get(claim.text, {"kind": None, "claimant": None})
        is_demand = g["kind"] == "demand"
        pairs.append((is_demand, claim.kind == "demand", claim.claimant == g["claimant"]))
    demand_scores = [c.score for c in claims if c.kind == "demand"]
    others = sorted((c.score for c in claims if c.kind != "demand"), reverse=True)
    factual = [c.score for c in claims if gold.get(c.text, {}).get("kind") == "factual"]
    top = max(demand_scores, default=0.0)
    ranking = {"highest demand score": top,
               "mean demand score": sum(demand_scores) / len(demand_scores)
               if demand_scores else 0.0,
               "claims scored above every demand": sum(s > top for s in others),
               "of non-demand claims": len(others),
               "mean score, not reported (factual)": sum(factual) / len(factual)
               if factual else 0.0}
    verifiable = [bool(gold.get(c.text, {}).get("verifiable")) for c in claims]
    by_score = [v for _score, v in sorted(zip((c.score for c in claims), verifiable,
                                                strict=True), key=lambda p: -p[0])]
    lowest_verifiable = min((c.score for c, v in zip(claims, verifiable, strict=True) if v),
                            default=0.0)
    ranking.update({
        "verifiable claims (annotated)": sum(verifiable),
        "average precision of the scores": average_precision(by_score),
        "baseline: in the article's order": average_precision(verifiable),
        "verifiable above every demand": lowest_verifiable > top,
    })
    return scores(pairs), ranking


def average_precision(ranked: list[bool]) -> float:
    """Average precision of a ranking, given whether each item in rank order is relevant."""
    hits, total = 0, 0.0
    for rank, relevant in enumerate(ranked, start=1):
        if relevant:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def sentences() -> dict[str, float]:
    """Demand figures on the written sentences."""
    pairs = []
    for case in json.loads(SENTENCES.read_text(encoding="utf-8"))["sentences"]:
        claim = split_claims(case["text"], lang=case["lang"])[0]
        pairs.append((case["demand"], claim.kind == "demand",
                      claim.claimant == case.get("claimant")))
    return scores(pairs)


def _show(title: str, figures: dict[str, float]) -> None:
    print(title)
    for key, value in figures.items():
        print(f"  {key:36} {value:.3f}" if isinstance(value, float) else f"  {key:36} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    figures, ranking = sample()
    _show("Sample article (our annotation)", figures)
    _show("Sample article: ranking", ranking)
    _show("Written sentences (English, Dari, Pashto)", sentences())
    if not args.no_speed:
        print(f"split_claims throughput: {speed():.3f} MB/s (1 MB of news, best of 3)")


if __name__ == "__main__":
    main()
