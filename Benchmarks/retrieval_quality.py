"""Retrieval quality of the knowledge base's search modes (words, meaning, both fused) on a
labelled set built from text no one here wrote: the markdown documentation Debian packages ship
in /usr/share/doc (READMEs, guides, changelogs of ~250 packages).

Method (section heading → section): every markdown section becomes a note of its own holding the
section's body *without its heading*; a heading that is unique in the corpus and has at least three
words is a query, and its section's note is the one relevant document. Sections whose heading is
not a query stay in the index as distractors. Each query is searched with k = 20 chunks; the ranked
notes (each counted once, first appearance) give recall@10 (the relevant note in the top 10) and
nDCG@10 (1 / log2(1 + rank) for it). The default RAG settings apply (MiniLM, 500-token chunks).

    python Benchmarks/retrieval_quality.py --thoth .build/release/thoth --models models
"""

import argparse
import collections
import gzip
import math
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
from local_thoth import start_server  # noqa: E402

HEADING = re.compile(r"^(#{1,6}) (.+?)\s*#*\s*$")


def sections(docs: Path):
    """(file, heading, body) for every section of every markdown file under `docs`."""
    for path in sorted(list(docs.rglob("*.md")) + list(docs.rglob("*.md.gz"))):
        try:
            text = gzip.open(path, "rt", errors="replace").read() if path.suffix == ".gz" else path.read_text(errors="replace")
        except OSError:
            continue
        heading, body, fenced = None, [], False
        for line in text.split("\n"):
            if line.startswith(("```", "~~~")):
                fenced = not fenced
            match = None if fenced else HEADING.match(line)
            if match:
                if heading:
                    yield str(path), heading, "\n".join(body).strip()
                heading, body = match.group(2).strip(), []
            else:
                body.append(line)
        if heading:
            yield str(path), heading, "\n".join(body).strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True, type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--models", default=str(ROOT / "models"), type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--docs", default="/usr/share/doc")
    parser.add_argument("--queries", type=int, default=600, help="queries sampled (seeded) from the eligible headings")
    args = parser.parse_args()

    found = [s for s in sections(Path(args.docs)) if len(s[2]) >= 80]
    counts = collections.Counter(h.lower() for _, h, _ in found)
    eligible = [i for i, (_, h, _) in enumerate(found) if counts[h.lower()] == 1 and len(h.split()) >= 3]
    random.Random(20261130).shuffle(eligible)
    queries = sorted(eligible[:args.queries])
    print(f"{len(found)} sections from {len({f for f, _, _ in found})} files; {len(eligible)} eligible headings, "
          f"{len(queries)} queries", flush=True)

    workspace = Path(tempfile.mkdtemp(prefix="thoth-retrieval-"))
    notes = workspace / "notes"
    notes.mkdir(parents=True)
    for n, (_, _, body) in enumerate(found):
        (notes / f"s{n:05}.md").write_text(body + "\n")
    server, base = start_server(args.thoth, workspace, args.models, "--no-monitor")
    try:
        started = time.time()
        operation = requests.post(base + "/operations/stream/operation", json={"operation_type": "rag_index"},
                                  timeout=60).json()["operation_id"]
        while (status := requests.get(f"{base}/operations/{operation}/status", timeout=60).json())["status"] == "running":
            time.sleep(2)
        assert status["status"] == "completed", status
        report = status["result"]
        print(f"indexed {report['files_indexed']} notes, {report['chunks_written']} chunks in "
              f"{time.time() - started:.0f} s", flush=True)
        rows = []
        for mode in ["words", "dense", "hybrid"]:
            recall, ndcg, seconds = 0.0, 0.0, []
            for n in queries:
                target = f"s{n:05}.md"
                begun = time.perf_counter()
                reply = requests.post(base + "/execute/command", json={
                    "command": "rag", "args": ["search"], "kwargs": {"query": found[n][1], "k": 20, "mode": mode}},
                    timeout=60).json()["result"]
                seconds.append(time.perf_counter() - begun)
                ranked = list(dict.fromkeys(Path(p["source"]).name for p in reply))[:10]
                if target in ranked:
                    recall += 1
                    ndcg += 1 / math.log2(ranked.index(target) + 2)
            seconds.sort()
            rows.append((mode, recall / len(queries), ndcg / len(queries), seconds[len(seconds) // 2] * 1000))
            print(f"{mode}: recall@10 {rows[-1][1]:.3f}, nDCG@10 {rows[-1][2]:.3f}", flush=True)
        print("\n| mode | recall@10 | nDCG@10 | p50 per query (HTTP) |")
        print("|---|---:|---:|---:|")
        for mode, r, d, ms in rows:
            print(f"| {mode} | {r:.3f} | {d:.3f} | {ms:.1f} ms |")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
