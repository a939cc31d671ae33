"""Is the Chroma API responsive while it is being written to? One process adds 5,000-record
batches (384-d, with documents and metadata) through the official client in a loop; another
sends a heartbeat and a small query (n_results 5 on a 1,000-record collection) every 20 ms
over plain HTTP. Reports p50 / p99 / max of both, idle and under the writes, for each binary.

    python Benchmarks/responsiveness_under_writes.py --thoth .build/release/thoth [--thoth OTHER] [--seconds 60]

Target (issue: hardening): heartbeat and small-query p99 under 20 ms while the writes run.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import tempfile
import time

import numpy as np

DIM = 384


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def writer(port, name, stop, batches):
    import chromadb

    collection = chromadb.HttpClient(host="127.0.0.1", port=port).get_collection(name, embedding_function=None)
    rng = np.random.default_rng(1)
    n = 0
    while not stop.is_set():
        vectors = rng.standard_normal((5000, DIM), dtype=np.float32)
        ids = [f"b{n}-{i}" for i in range(5000)]
        collection.add(ids=ids, embeddings=vectors, documents=[f"document {n} {i} about topic {i % 50}" for i in range(5000)],
                       metadatas=[{"batch": n, "topic": i % 50} for i in range(5000)])
        n += 1
        batches.value = n


def probe(port, small_id, seconds, interval=0.02):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = np.random.default_rng(2)
    query_path = f"/api/v2/tenants/default_tenant/databases/default_database/collections/{small_id}/query"
    heartbeats, queries = [], []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        connection.request("GET", "/api/v2/heartbeat")
        connection.getresponse().read()
        heartbeats.append((time.perf_counter() - started) * 1000)
        body = json.dumps({"query_embeddings": [rng.standard_normal(DIM).tolist()], "n_results": 5,
                           "include": ["distances"]})
        started = time.perf_counter()
        connection.request("POST", query_path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        queries.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0, interval - (time.perf_counter() - started)))
    return heartbeats, queries


def summary(values):
    values = np.array(values)
    return f"{np.percentile(values, 50):.2f} / {np.percentile(values, 99):.2f} / {values.max():.1f}"


def run(binary, seconds):
    import chromadb

    path = tempfile.mkdtemp(prefix="thoth-resp-")
    port = free_port()
    server = subprocess.Popen([binary, "chroma", "--port", str(port), "--path", path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/api/v2/heartbeat")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        small = client.create_collection("small", embedding_function=None)
        rng = np.random.default_rng(3)
        small.add(ids=[str(i) for i in range(1000)], embeddings=rng.standard_normal((1000, DIM), dtype=np.float32))
        big = client.create_collection("big", embedding_function=None)
        idle = probe(port, small.id, min(10, seconds))
        stop, batches = multiprocessing.Event(), multiprocessing.Value("i", 0)
        process = multiprocessing.Process(target=writer, args=(port, big.name, stop, batches))
        process.start()
        time.sleep(1)
        busy = probe(port, small.id, seconds)
        stop.set()
        process.join()
        return idle, busy, batches.value
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(path, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", action="append", required=True, help="a thoth binary (repeat to compare)")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    print("| binary | phase | heartbeat p50 / p99 / max ms | small query p50 / p99 / max ms | batches of 5,000 written |")
    print("|---|---|---|---|---|")
    for binary in args.thoth:
        idle, busy, written = run(binary, args.seconds)
        name = os.path.relpath(binary)
        print(f"| {name} | idle | {summary(idle[0])} | {summary(idle[1])} | – |")
        print(f"| {name} | writing | {summary(busy[0])} | {summary(busy[1])} | {written} |")


if __name__ == "__main__":
    main()
