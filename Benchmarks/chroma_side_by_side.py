"""Side-by-side: real Chroma 1.5.9 (`chroma run`) and `thoth chroma`, driven by the official
Python client on the same deterministic data, in one run.

    make bench-chroma                     # 10k and 100k records
    python Benchmarks/chroma_side_by_side.py --sizes 10000 100000 --thoth .build/release/thoth
    python Benchmarks/chroma_side_by_side.py --sizes 100000 --data .build/bench-data/real   # real embeddings

Generated data is clustered vectors; `--data` takes real embeddings written by
`Benchmarks/real_embeddings.py` (the lines as documents, the first 1,000 rows held out as queries).

Prints a Markdown table per size with the ratio thoth/chroma (or chroma/thoth for times).
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import chromadb
import numpy as np
import requests

DIM = 384


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    total = 0
    for p in [pid] + children(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except FileNotFoundError:
        return []
    return [int(p) for p in out] + [c for p in out for c in children(int(p))]


def dir_bytes(path):
    """Bytes the files take on disk (allocated blocks: thoth's rows files are sparse)."""
    return sum(os.stat(os.path.join(r, f)).st_blocks * 512 for r, _, fs in os.walk(path) for f in fs)


def start(kind, thoth_bin, path):
    port = free_port()
    if kind == "chroma":
        config = os.path.join(path, "..", f"chroma-{port}.yaml")
        with open(config, "w") as f:
            f.write(f"persist_path: {path}\nport: {port}\nlisten_address: 127.0.0.1\nallow_reset: true\n")
        command = ["chroma", "run", config]
    else:
        command = [thoth_bin, "chroma", "--port", str(port), "--path", path, "--allow-reset"]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=0.5).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.01)
        if time.perf_counter() - began > 120:
            raise RuntimeError(f"{kind} did not start")
    return process, port, time.perf_counter() - began


def real_dataset(n, prefix, seed=7):
    """Rows 1,000… of real embeddings with their lines as documents; the first 200 rows as queries."""
    rows = np.fromfile(prefix + ".f32", dtype=np.float32).reshape(-1, DIM)
    with open(prefix + ".txt", encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    if rows.shape[0] < 1000 + n:
        raise SystemExit(f"{prefix}.f32 holds {rows.shape[0] - 1000} rows besides the queries, {n} asked")
    metadatas = [{"bucket": int(i % 100), "even": bool(i % 2 == 0)} for i in range(n)]
    return rows[1000:1000 + n], lines[1000:1000 + n], metadatas, rows[:200]


def dataset(n, seed=7):
    rng = np.random.default_rng(seed)
    centroids = rng.standard_normal((256, DIM)).astype(np.float32)
    labels = rng.integers(0, 256, n)
    vectors = centroids[labels] + 0.35 * rng.standard_normal((n, DIM)).astype(np.float32)
    words = np.array(["vector", "search", "exact", "paper", "neural", "graph", "index", "query", "fox", "river"])
    documents = [" ".join(words[rng.integers(0, 10, 6)]) + f" #{i}" for i in range(n)]
    metadatas = [{"bucket": int(i % 100), "even": bool(i % 2 == 0), "cluster": int(labels[i])} for i in range(n)]
    queries = centroids[rng.integers(0, 256, 200)] + 0.35 * rng.standard_normal((200, DIM)).astype(np.float32)
    return vectors, documents, metadatas, queries


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn):
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def run(kind, thoth_bin, n, data, contains_text):
    vectors, documents, metadatas, queries = data
    root = tempfile.mkdtemp(prefix=f"side-{kind}-")
    path = os.path.join(root, "data")
    os.makedirs(path)
    process, port, startup = start(kind, thoth_bin, path)
    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        col = client.create_collection("bench", embedding_function=None, metadata={"hnsw:space": "cosine"})
        batch = min(5000, client.get_max_batch_size())
        ids = [f"id-{i}" for i in range(n)]
        began = time.perf_counter()
        for s in range(0, n, batch):
            col.add(ids=ids[s:s + batch], embeddings=vectors[s:s + batch], documents=documents[s:s + batch],
                    metadatas=metadatas[s:s + batch])
        ingest = n / (time.perf_counter() - began)
        first_after_ingest = timed(lambda: col.query(query_embeddings=[queries[-1]], n_results=10, include=[]))

        normed = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        latencies, hits = [], 0
        for q in queries:
            latencies.append(timed(lambda: col.query(query_embeddings=[q], n_results=10, include=[])))
        for q in queries[:100]:
            got = col.query(query_embeddings=[q], n_results=10, include=[])["ids"][0]
            exact = np.argsort(-(normed @ (q / np.linalg.norm(q))))[:10]
            hits += len(set(got) & {ids[j] for j in exact})
        recall = hits / 1000

        def p50(fn, reps=30):
            return float(np.median([timed(fn) for _ in range(reps)]) * 1000)

        q0 = queries[0]
        f1 = p50(lambda: col.query(query_embeddings=[q0], n_results=10, where={"bucket": 7}, include=[]))
        f50 = p50(lambda: col.query(query_embeddings=[q0], n_results=10, where={"even": True}, include=[]))
        contains = p50(lambda: col.query(query_embeddings=[q0], n_results=10, where_document={"$contains": contains_text}, include=[]))
        some = ids[::max(1, n // 100)][:100]
        get100 = p50(lambda: col.get(ids=some))

        # 8 threads, 100 queries each: through the official client (whose own CPU time, under
        # one GIL on the same cores, weighs on the figure), then as plain HTTP requests with
        # bodies serialised beforehand, which leaves the cores to the server.
        def worker(k):
            for i in range(100):
                col.query(query_embeddings=[queries[(k * 100 + i) % 200]], n_results=10, include=[])
        url = f"/api/v2/tenants/default_tenant/databases/default_database/collections/{col.id}/query"
        bodies = [json.dumps({"query_embeddings": [q.tolist()], "n_results": 10, "include": []}) for q in queries]

        def raw_worker(k):
            connection = http.client.HTTPConnection("127.0.0.1", port)
            for i in range(100):
                connection.request("POST", url, bodies[(k * 100 + i) % 200], {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                assert response.status == 200, response.status
            connection.close()

        def concurrent_qps(fn):
            cpu, own = cpu_seconds(process.pid), time.process_time()
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                elapsed = timed(lambda: list(pool.map(fn, range(8))))
            server, client = cpu_seconds(process.pid) - cpu, time.process_time() - own
            return 800 / elapsed, server / 800 * 1000, client / 800 * 1000

        qps, server_cpu, client_cpu = concurrent_qps(worker)
        raw_qps, raw_server_cpu, _ = concurrent_qps(raw_worker)
        rss = rss_mib(process.pid)
        collection_id = col.id
    finally:
        process.terminate()
        process.wait(timeout=60)
    # Restarted on the same data: start, then the first answer (what a cold open costs).
    began = time.perf_counter()
    process, port, _ = start(kind, thoth_bin, path)
    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        client.get_collection("bench").query(query_embeddings=[queries[1]], n_results=10, include=[])
        restart = time.perf_counter() - began
        col = client.get_collection("bench")
        assert col.id == collection_id
        # The same queries again, now that the collection has settled (thoth's grouping comes back
        # with its snapshot; Chroma's graph with its files).
        settled = [timed(lambda: col.query(query_embeddings=[q], n_results=10, include=[])) for q in queries]
    finally:
        process.terminate()
        process.wait(timeout=60)
    disk = dir_bytes(path)
    shutil.rmtree(root, ignore_errors=True)
    return {
        "ingest rec/s": ingest, "query p50 ms": float(np.percentile(latencies, 50) * 1000),
        "query p99 ms": float(np.percentile(latencies, 99) * 1000),
        "query p50 after the restart ms": float(np.percentile(settled, 50) * 1000), "recall@10": recall,
        "first query after ingest ms": first_after_ingest * 1000, "restart→first answer s": restart,
        "filter 1% p50 ms": f1, "filter 50% p50 ms": f50, "$contains p50 ms": contains, "get 100 ids p50 ms": get100,
        "8-thread QPS": qps, "server CPU ms/query (8 threads)": server_cpu,
        "client CPU ms/query (8 threads)": client_cpu, "8-thread QPS, plain HTTP": raw_qps,
        "server CPU ms/query (8 threads, plain HTTP)": raw_server_cpu, "server RSS MiB": rss, "start→heartbeat s": startup, "disk MiB": disk / 2**20,
    }


HIGHER_IS_BETTER = {"ingest rec/s", "recall@10", "8-thread QPS", "8-thread QPS, plain HTTP"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--thoth", default=".build/release/thoth")
    parser.add_argument("--data", help="prefix of real embeddings (Benchmarks/real_embeddings.py)")
    parser.add_argument("--contains", help="the $contains text (default: 'fox river'; with --data: 'install')")
    parser.add_argument("--only-thoth", action="store_true",
                        help="measure thoth alone (to re-measure it beside an earlier Chroma run on the same data)")
    args = parser.parse_args()
    contains_text = args.contains or ("install" if args.data else "fox river")
    for n in args.sizes:
        data = real_dataset(n, args.data) if args.data else dataset(n)
        thoth = run("thoth", args.thoth, n, data, contains_text)
        if args.only_thoth:
            print(f"\n### {n} records, thoth alone\n")
            for key, value in thoth.items():
                print(f"| {key} | {value:.3f} |")
            continue
        chroma = run("chroma", args.thoth, n, data, contains_text)
        kind = f"real embeddings ({args.data})" if args.data else "generated clusters"
        print(f"\n### {n} records × {DIM}, cosine, {kind}\n")
        print("| metric | Chroma 1.5.9 | thoth | thoth advantage |")
        print("|---|---|---|---|")
        for key in chroma:
            c, t = chroma[key], thoth[key]
            if key == "recall@10":
                ratio = f"{t:.3f} vs {c:.3f}"
            elif key in HIGHER_IS_BETTER:
                ratio = f"{t / c:.2f}×"
            else:
                ratio = f"{c / t:.2f}× less" if t > 0 else "–"
            print(f"| {key} | {c:.3f} | {t:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
