"""RAG indexing throughput and search latency of a running `thoth server start` (release build),
on a generated corpus of markdown notes, through the API as the plugin uses it.

    python Benchmarks/rag_benchmark.py --thoth .build/release/thoth --notes 1000
"""

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import requests

TOPICS = ["exact search", "graph indexes", "quantisation", "retrieval augmented generation", "citation graphs",
          "protein folding", "climate models", "compilers", "databases", "reinforcement learning"]
WORDS = ("vector query recall latency memory index score model paper method result dataset baseline "
         "experiment analysis error bound proof graph node edge layer token embedding cosine distance "
         "matrix kernel cache throughput benchmark sample estimate variance bias gradient loss").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def note(rng, n):
    topic = TOPICS[n % len(TOPICS)]
    paragraphs = []
    for p in range(rng.randint(3, 7)):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                     for _ in range(rng.randint(3, 6))]
        paragraphs.append(f"This part of note {n} on {topic} says: " + " ".join(sentences))
    return f"# Note {n}: {topic}\n\n" + "\n\n".join(paragraphs) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--models", default=str(Path(__file__).resolve().parents[1] / "models"))
    args = parser.parse_args()

    rng = random.Random(7)
    workspace = Path(tempfile.mkdtemp(prefix="thoth-rag-bench-"))
    (workspace / "notes").mkdir()
    total_bytes = 0
    for n in range(args.notes):
        text = note(rng, n)
        total_bytes += len(text)
        (workspace / "notes" / f"note_{n:05}.md").write_text(text)

    api = free_port()
    env = {**os.environ, "THOTH_WORKSPACE_DIR": str(workspace), "THOTH_MODELS_DIR": args.models,
           "THOTH_API_PORT": str(api), "THOTH_MCP_PORT": str(free_port()), "THOTH_CHROMA_PORT": str(free_port()),
           "THOTH_LOG_LEVEL": "warning"}
    server = subprocess.Popen([args.thoth, "server", "start"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{api}"
    try:
        for _ in range(600):
            try:
                if requests.get(url + "/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)

        def command(*command_args):
            reply = requests.post(url + "/execute/command", json={"command": "rag", "args": list(command_args)},
                                  timeout=3600)
            reply.raise_for_status()
            return reply.json()["result"]

        start = time.perf_counter()
        report = command("index")
        seconds = time.perf_counter() - start
        chunks = report["chunks_written"]
        print(f"corpus: {args.notes} notes, {total_bytes / 1e6:.1f} MB of markdown")
        print(f"index (cold, {chunks} chunks): {seconds:.1f} s = {chunks / seconds:.0f} chunks/s, "
              f"{args.notes / seconds:.0f} notes/s")

        start = time.perf_counter()
        unchanged = command("index")
        print(f"re-index, nothing changed: {time.perf_counter() - start:.2f} s "
              f"({unchanged['files_unchanged']} files unchanged)")

        for n in range(0, args.notes, 100):
            (workspace / "notes" / f"note_{n:05}.md").write_text(note(rng, n + 1_000_000))
        start = time.perf_counter()
        edited = command("index")
        print(f"re-index after editing {edited['files_indexed']} notes: {time.perf_counter() - start:.2f} s")

        latencies = []
        for q in range(args.queries):
            query = f"{rng.choice(TOPICS)} {rng.choice(WORDS)} {rng.choice(WORDS)}"
            start = time.perf_counter()
            requests.post(url + "/execute/command", json={"command": "rag", "args": ["search", "--query", query,
                                                                                        "--k", "4"]}).raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        print(f"search over {chunks} chunks via the API ({args.queries} distinct queries): "
              f"p50 {statistics.median(latencies):.1f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms")
        rss = int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0]) / 1024
        print(f"server RSS after the run: {rss:.0f} MiB")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
