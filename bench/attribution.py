"""Attribution by `split_claims`: PolNeAR recall/precision/claimant overlap, the sample, speed.

    .venv/bin/python bench/attribution.py [--split train|dev] [--data DIR] [--no-speed]

Tune on `train`, report `dev` (the PolNeAR authors ask that held-out data not be looked
at while developing; the test split is not on this machine and must stay so).

Definitions (PolNeAR annotations, see ../shared/data/polnear/README.upstream.md): an
attribution relation is a brat event `E… Attribution:T Source:T Cue:T Content:T`. Only
the first annotator's file of an article is read. Sentences are our own
(`split_sentences`); a relation belongs to the sentence holding the start of its cue.

- **reported speech**: a relation with a Source and a Content whose cue holds one of the
  speech-act words in `SPEECH_CUES` below (say, tell, write, according to, announce ...;
  a fixed list that is part of this measure, not of the engine). Relations of belief,
  knowledge or intention ("knows", "wants", "will brand") count for precision only.
- **recall**: share of sentences holding a reported-speech cue that `split_claims` types
  `attributed`. Reported also for "plain said" (the cue is say/says/said/saying only).
- **precision**: share of sentences typed `attributed` that hold the cue of any annotated
  relation or lie inside an annotated content (a later sentence of a long quote).
- **claimant overlap**: over recalled sentences whose relation has a non-pronoun source,
  the mean share of our claimant's words that are words of the annotated source
  (lowercase, without "the/a/an"; the best of the sentence's relations). This is the
  headline figure: PolNeAR's sources include appositives ("Ryan, a policy-focused
  conservative,") that our claimant leaves out on purpose (the noun phrase only), and
  a claimant that swallows a verb phrase or names someone else scores low. Also the mean
  token F1 (which counts the dropped appositive against us) and the share with any
  shared word ("hit").
- **pronoun resolution**: over recalled sentences whose annotated source is a bare
  pronoun (he, she, they, it, we ...): the share where our claimant is a name, not a
  pronoun ("resolved"), and the share where that name shares a token with an annotated
  non-pronoun source earlier in the same article ("plausible"; PolNeAR has no
  coreference gold, so this is a proxy).
- **spans** (`claimant_span`, `content_span` of each candidate, offsets into the text):
  over the same recalled sentences, the claimant overlap and token F1 of the words *at
  the claimant span* (`text[start:end]`), and the share of spans that overlap the
  annotated source's characters; for pronoun sources, the share whose claimant span
  (where the name was named) overlaps the characters of an annotated non-pronoun source
  earlier in the article. Content: over recalled sentences typed `attributed`, the token
  F1 of the words at the content span with the annotated content (the best of the
  sentence's relations), and the share of our content's words that are in it.

The sample article (`factcheck/data/national-consensus.txt`) is scored against our own
annotation `tests/data/attribution_sample.json`: per annotated sentence, kind right, and
claimant right (token F1 >= 0.5 with the expected claimant).

Speed: `split_claims` on about 1 MB of news text (made as bench/sentences.py does),
best of 3, MB/s of CPU time (the CPUs here are shared).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sentences import GOLDEN, news_text  # noqa: E402

from factcheck.engine.splitting import split_claims, split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polnear"
SAMPLE = ROOT / "factcheck" / "data" / "national-consensus.txt"
SAMPLE_GOLD = ROOT / "tests" / "data" / "attribution_sample.json"

SPEECH_CUES = re.compile(
    r"\b(?:say|says|said|saying|tell|tells|told|telling|state|states|stated|statement|"
    r"claim|claims|claimed|argue|argues|argued|insist|insists|insisted|warn|warns|warned|"
    r"stress|stressed|emphasi[sz]ed?|note|notes|noted|add|adds|added|accuse|accuses|"
    r"accused|deny|denies|denied|admit|admits|admitted|demand|demands|demanded|urge|urges|"
    r"urged|call|calls|called|condemn|condemns|condemned|critici[sz]ed?|appeal|appealed|"
    r"conclude|concluded|highlight|highlighted|reiterate|reiterated|announce|announces|"
    r"announced|allege|alleges|alleged|estimate|estimates|estimated|write|writes|wrote|"
    r"written|ask|asks|asked|show|shows|showed|found|finds|reported|reports|according|"
    r"explain|explains|explained|suggest|suggests|suggested|acknowledged?|predicted|"
    r"declared?|tweeted|posted|responded|replied|quoted|quipped|continued|recalled|"
    r"complained|testified|promised|pledged|vowed|repeated|agreed|disputed|contended|"
    r"blasted|slammed|praised|questioned|confirmed|revealed|indicated|mentioned)\b",
    re.I,
)
# Kinds that report a source's words: a demand ("X urged Y to ...") is reported speech too.
REPORTED = {"attributed", "demand"}
PLAIN_SAID = re.compile(r"^\W*(?:say|says|said|saying)\W*$", re.I)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}
STOP = {"the", "a", "an"}
_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    return [t for t in _TOKEN.findall((text or "").lower()) if t not in STOP]


def containment(ours: str | None, gold: str) -> float:
    """Share of our claimant's words that are words of the annotated source."""
    a, b = Counter(tokens(ours)), Counter(tokens(gold))
    return sum((a & b).values()) / sum(a.values()) if a else 0.0


def token_f1(ours: str | None, gold: str) -> float:
    a, b = Counter(tokens(ours)), Counter(tokens(gold))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def read_ann(path: Path) -> list[dict]:
    """The attribution relations of one brat file: source/cue/content spans and texts."""
    spans: dict[str, tuple[list[tuple[int, int]], str]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, middle, text = [*line.split("\t"), "", ""][:3]
            _, _, offsets = middle.partition(" ")
            pieces = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            spans[tid] = (pieces, text)
        elif line.startswith("E"):
            roles = dict(part.split(":", 1) for part in line.split("\t")[1].split())
            relations.append(roles)
    out = []
    for roles in relations:
        def get(role: str, roles: dict = roles) -> tuple[list[tuple[int, int]], str] | None:
            return spans.get(roles.get(role, ""))
        cue, source, content = get("Cue"), get("Source"), get("Content")
        if cue is None:
            continue
        out.append({"cue": cue, "source": source, "content": content})
    return out


def articles(split_dir: Path):
    seen = set()
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in seen:
            continue  # a second annotator's file of the same article
        seen.add(name)
        text_path = split_dir / "text" / f"{name}.txt"
        if text_path.exists():
            yield name, text_path.read_text(encoding="utf-8"), read_ann(ann)


def polnear(split_dir: Path, verbose: int = 0) -> dict[str, float]:
    c = Counter()
    f1s: list[float] = []
    inside: list[float] = []
    misses: list[str] = []
    false_alarms: list[str] = []
    poor: list[str] = []
    span_inside: list[float] = []
    span_f1s: list[float] = []
    content_f1s: list[float] = []
    content_inside: list[float] = []
    for _name, text, relations in articles(split_dir):
        sentences = split_sentences(text, "en")
        claims = {(cl.start): cl for cl in split_claims(text, lang="en")}
        starts = [s.start for s in sentences]

        def sentence_of(offset: int, starts: list[int] = starts) -> int:
            lo, hi = 0, len(starts)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if starts[mid] <= offset:
                    lo = mid
                else:
                    hi = mid
            return lo

        cue_sentences: dict[int, list[dict]] = {}
        covered: set[int] = set()
        for rel in relations:
            cue_sentences.setdefault(sentence_of(rel["cue"][0][0][0]), []).append(rel)
            if rel["content"]:
                for a, b in rel["content"][0]:
                    covered.update(range(sentence_of(a), sentence_of(max(a, b - 1)) + 1))
        earlier_sources: list[tuple[int, str]] = []
        named_spans: list[tuple[int, int]] = []  # characters of the non-pronoun sources
        for rel in relations:
            if rel["source"] and rel["source"][1].lower().strip() not in PRONOUNS:
                earlier_sources.append((rel["source"][0][0][0], rel["source"][1]))
                named_spans.extend(rel["source"][0])
        for index, sentence in enumerate(sentences):
            claim = claims.get(sentence.start)
            typed = claim is not None and claim.kind in REPORTED
            rels = cue_sentences.get(index, [])
            speech = [r for r in rels if r["source"] and r["content"]
                      and SPEECH_CUES.search(r["cue"][1])]
            if typed:
                c["predicted"] += 1
                if rels or index in covered:
                    c["correct"] += 1
                else:
                    false_alarms.append(sentence.text)
            if not speech:
                continue
            c["speech"] += 1
            plain = any(PLAIN_SAID.match(r["cue"][1]) for r in speech)
            c["plain"] += plain
            if not typed:
                misses.append(sentence.text)
                continue
            c["speech_hit"] += 1
            c["plain_hit"] += plain
            if claim.kind == "attributed" and claim.content_span:
                words = claim.content_span.text
                golds = [r["content"][1] for r in speech]
                content_f1s.append(max(token_f1(words, g) for g in golds))
                content_inside.append(max(containment(words, g) for g in golds))
            gold = speech[0]["source"][1]
            span = claim.claimant_span
            if gold.lower().strip() in PRONOUNS:
                c["pronoun"] += 1
                name = claim.claimant
                if name and name.lower().strip() not in PRONOUNS:
                    c["pronoun_resolved"] += 1
                    before = [s for pos, s in earlier_sources if pos < sentence.start]
                    if any(token_f1(name, s) > 0 for s in before):
                        c["pronoun_plausible"] += 1
                if span and span.start < sentence.start and any(
                        a < span.end and span.start < b for a, b in named_spans):
                    c["pronoun_span"] += 1
                continue
            # Several relations in one sentence: score against the best-matching source.
            f1 = max(token_f1(claim.claimant, r["source"][1]) for r in speech)
            f1s.append(f1)
            inside.append(max(containment(claim.claimant, r["source"][1]) for r in speech))
            if f1 < 0.5:
                poor.append(f"{claim.claimant!r} vs {[r['source'][1] for r in speech]}")
            at = span.text if span else None
            span_f1s.append(max(token_f1(at, r["source"][1]) for r in speech))
            span_inside.append(max(containment(at, r["source"][1]) for r in speech))
            c["span_on_source"] += bool(span) and any(
                a < span.end and span.start < b for r in speech for a, b in r["source"][0])
    if verbose:
        for line in misses[:verbose]:
            print("  MISS ", line[:200])
        for line in false_alarms[:verbose]:
            print("  FALSE", line[:200])
        for line in poor[:verbose]:
            print("  POOR ", line[:200])

    def ratio(a: float, b: float) -> float:
        return a / b if b else 0.0

    return {
        "sentences with reported speech": c["speech"],
        "recall": ratio(c["speech_hit"], c["speech"]),
        "recall, plain said": ratio(c["plain_hit"], c["plain"]),
        "precision": ratio(c["correct"], c["predicted"]),
        "claimant overlap (words in source)": ratio(sum(inside), len(inside)),
        "claimant overlap (mean token F1)": ratio(sum(f1s), len(f1s)),
        "claimant hit (any shared token)": ratio(sum(1 for f in f1s if f > 0), len(f1s)),
        "pronoun sources recalled": c["pronoun"],
        "pronouns resolved to a name": ratio(c["pronoun_resolved"], c["pronoun"]),
        "pronouns resolved, plausible": ratio(c["pronoun_plausible"], c["pronoun"]),
        "claimant span overlap (words in source)": ratio(sum(span_inside), len(span_inside)),
        "claimant span overlap (mean token F1)": ratio(sum(span_f1s), len(span_f1s)),
        "claimant span on the source's characters": ratio(c["span_on_source"], len(span_f1s)),
        "pronoun claimant span at a named source": ratio(c["pronoun_span"], c["pronoun"]),
        "content span (mean token F1)": ratio(sum(content_f1s), len(content_f1s)),
        "content span (words in content)": ratio(sum(content_inside), len(content_inside)),
    }


def sample_scores(gold_path: Path = SAMPLE_GOLD) -> dict[str, float]:
    """Our annotation of the sample article: share of sentences whose kind and claimant match."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["sentences"]
    claims = {cl.text: cl for cl in split_claims(SAMPLE.read_text(encoding="utf-8"), lang="en")}
    attributed = [g for g in gold if g["kind"] in REPORTED]
    kind_ok = sum(1 for g in gold if claims.get(g["text"]) and (
        (claims[g["text"]].kind in REPORTED) == (g["kind"] in REPORTED)))
    found = sum(1 for g in attributed
                if claims.get(g["text"]) and claims[g["text"]].kind in REPORTED)
    claimant_ok = sum(1 for g in attributed if claims.get(g["text"])
                      and claims[g["text"]].kind in REPORTED
                      and token_f1(claims[g["text"]].claimant, g["claimant"]) >= 0.5)
    # The claimant's words at its span: those of the source as the article names it.
    span_ok = sum(1 for g in attributed if claims.get(g["text"])
                  and claims[g["text"]].claimant_span
                  and token_f1(claims[g["text"]].claimant_span.text, g["claimant"]) >= 0.5)
    return {"annotated sentences": len(gold),
            "attributed (ours)": len(attributed),
            "attributed or not, right": kind_ok / len(gold),
            "attributed found": found / len(attributed),
            "claimant right": claimant_ok / len(attributed),
            "claimant span right": span_ok / len(attributed)}


def speed() -> float:
    text = news_text(1_000_000, json.loads(GOLDEN.read_text(encoding="utf-8")))
    best = float("inf")
    for _ in range(3):
        started = time.process_time()  # CPU time: the machine's 2 CPUs are shared
        split_claims(text, lang="en")
        best = min(best, time.process_time() - started)
    return len(text.encode("utf-8")) / 1e6 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--show", type=int, default=0, help="print N misses and false alarms")
    args = parser.parse_args()
    print(f"PolNeAR {args.split}")
    for key, value in polnear(args.data / args.split, args.show).items():
        print(f"  {key:42} {value:.3f}" if isinstance(value, float) else f"  {key:42} {value}")
    if SAMPLE_GOLD.exists():
        print("Sample article (our annotation)")
        for key, value in sample_scores().items():
            print(f"  {key:42} {value:.3f}" if isinstance(value, float) else f"  {key:42} {value}")
    if not args.no_speed:
        print(f"split_claims throughput: {speed():.3f} MB/s (1 MB of news, best of 3)")


if __name__ == "__main__":
    main()
