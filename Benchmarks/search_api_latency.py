"""Search API latency at 100k records through the official 1.5.9 client: dense `$knn`, sparse
`$knn` (BM25-like vectors), `Rrf` of both, with and without a metadata filter, next to a plain
`query` on the same collection. Vectors are random 384-d (no clusters to flatter the search);
sparse vectors draw 6–20 terms per record from a Zipf-distributed 50,000-word vocabulary, as
word frequencies in text are. One client, one query at a time, 200 queries, the cases interleaved query by query.

    python Benchmarks/search_api_latency.py --thoth .build/release/thoth --records 100000
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb import Knn, Rrf, Search, K
from chromadb.base_types import SparseVector

from local_thoth import start_chroma  # noqa: E402


def sparse(rng, vocabulary):
    count = rng.integers(6, 21)
    terms = np.unique(np.minimum(rng.zipf(1.3, size=count), vocabulary) - 1)
    return SparseVector(indices=terms.tolist(), values=rng.uniform(0.2, 2.0, size=len(terms)).round(4).tolist())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True, type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    path = tempfile.mkdtemp(prefix="thoth-search-bench-")
    server, port = start_chroma(args.thoth, path)
    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        collection = client.create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        rng = np.random.default_rng(42)
        started = time.time()
        for start in range(0, args.records, 5000):
            n = min(5000, args.records - start)
            collection.add(ids=[f"r{i}" for i in range(start, start + n)],
                           embeddings=rng.normal(size=(n, 384)).astype(np.float32),
                           metadatas=[{"group": int(i % 10), "words": sparse(rng, 50_000)}
                                      for i in range(start, start + n)])
        print(f"ingested {args.records} records in {time.time() - started:.0f} s", flush=True)
        queries = [(rng.normal(size=384).astype(np.float32), sparse(rng, 50_000)) for _ in range(args.queries)]
        group = K("group") == 3
        cases = {
            "query (plain, n=10)": lambda q, s: collection.query(query_embeddings=[q], n_results=10, include=[]),
            "search dense $knn": lambda q, s: collection.search(Search().rank(Knn(query=q, limit=10)).limit(10)),
            "search sparse $knn": lambda q, s: collection.search(
                Search().rank(Knn(query=s, key="words", limit=10)).limit(10)),
            "search Rrf(dense, sparse)": lambda q, s: collection.search(Search().rank(Rrf([
                Knn(query=q, limit=50, return_rank=True), Knn(query=s, key="words", limit=50, return_rank=True)]))
                .limit(10)),
            "query + filter": lambda q, s: collection.query(query_embeddings=[q], n_results=10, where={"group": 3},
                                                            include=[]),
            "search dense + filter": lambda q, s: collection.search(
                Search().where(group).rank(Knn(query=q, limit=10)).limit(10)),
            "search Rrf + filter": lambda q, s: collection.search(Search().where(group).rank(Rrf([
                Knn(query=q, limit=50, return_rank=True), Knn(query=s, key="words", limit=50, return_rank=True)]))
                .limit(10)),
        }
        for case in cases.values():  # warm up: the first search loads the collection and its indexes
            case(*queries[0])
        time.sleep(10)  # let a background grouping of the rows finish, so every case sees the same index
        times = {name: [] for name in cases}
        for q, s in queries:  # cases interleaved: the machine's drifts hit all of them alike
            for name, case in cases.items():
                begun = time.perf_counter()
                case(q, s)
                times[name].append((time.perf_counter() - begun) * 1000)
        print("| case | p50 | p95 |")
        print("|---|---:|---:|")
        for name, measured in times.items():
            measured.sort()
            print(f"| {name} | {statistics.median(measured):.2f} ms | {measured[int(len(measured) * 0.95)]:.2f} ms |")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
