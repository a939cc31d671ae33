"""FAISS `IndexFlatIP` — the reference exact search — on the same real embeddings as
`thoth-bench two-pass --data`, in process: single-query p50 and 8 concurrent callers' QPS,
and whether its answers equal numpy's exact ones.

    pip install faiss-cpu
    python Benchmarks/faiss_flat.py --data .build/bench-data/real.f32 --rows 100000

Rows 1,000… are indexed, the first 64 rows are the queries (as in thoth-bench), k = 10, cosine
(rows and queries normalised, inner product).
"""

import argparse
import concurrent.futures
import os
import time

import faiss
import numpy as np

DIMENSION = 384


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=".build/bench-data/real.f32")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    arguments = parser.parse_args()

    faiss.omp_set_num_threads(arguments.threads)
    everything = np.fromfile(arguments.data, dtype=np.float32).reshape(-1, DIMENSION)
    rows = np.ascontiguousarray(everything[1000 : 1000 + arguments.rows])
    queries = np.ascontiguousarray(everything[:64])
    faiss.normalize_L2(rows)
    faiss.normalize_L2(queries)
    index = faiss.IndexFlatIP(DIMENSION)
    index.add(rows)

    exact = np.argsort(-(rows @ queries.T), axis=0, kind="stable")[:10].T
    _, found = index.search(queries, 10)
    same = sum(set(a) == set(b) for a, b in zip(found, exact))

    latencies = []
    for query in queries:
        began = time.perf_counter()
        index.search(query[None, :], 10)
        latencies.append(time.perf_counter() - began)

    def caller(offset):
        for i in range(100):
            index.search(queries[(offset * 100 + i) % 64][None, :], 10)

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(caller, range(8)))
    qps = 800 / (time.perf_counter() - began)

    batch = []
    for start in range(0, 64, 8):
        began = time.perf_counter()
        index.search(queries[start : start + 8], 10)
        batch.append((time.perf_counter() - began) / 8)

    print(f"FAISS {faiss.__version__} IndexFlatIP, {arguments.rows} rows, {arguments.threads} OpenMP threads")
    print("| single query p50 ms | 8 callers QPS | 8 queries per call, ms per query | answers equal to numpy's |")
    print("|---|---|---|---|")
    print(
        f"| {np.median(latencies) * 1000:.2f} | {qps:.0f} | {np.median(batch) * 1000:.2f} | {same} of {len(queries)} |"
    )


if __name__ == "__main__":
    main()
