"""Sentences per second: sentence-transformers (PyTorch, CPU) and thoth's native MiniLM, in one
run on the same texts and batch sizes.

    make bench-embeddings
    # = HF_HUB_OFFLINE=1 .build/venv-st/bin/python Benchmarks/embedding_side_by_side.py models/all-MiniLM-L6-v2

The two take turns for several rounds (`--rounds`, three by default) and the table shows medians
with each round's ratio: on a shared host throughput swings from one minute to the next, so a
single back-to-back pair can favour either side. `--float32` keeps thoth off AMX tiles, as on
CPUs without them.
"""

import argparse
import json
import statistics
import subprocess
import time

import torch
from sentence_transformers import SentenceTransformer

WORDS = ["exact", "vector", "search", "returns", "the", "true", "nearest", "neighbours", "for", "every", "query",
         "while", "approximate", "indexes", "trade", "recall", "speed", "research", "papers", "notes"]


def passage(index, count):
    return " ".join(WORDS[(i * 7 + index * 13) % len(WORDS)] for i in range(count)) + f" {index}."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("bench", nargs="?", default=".build/release/thoth-bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--float32", action="store_true")
    arguments = parser.parse_args()
    model_dir, bench, rounds = arguments.model_dir, arguments.bench, arguments.rounds
    model = SentenceTransformer(model_dir, device="cpu")
    short = [passage(i, 14) for i in range(512)]
    long = [passage(i, 300) for i in range(64)]
    model.encode(short[:64])
    cases = [("batch 1, short", short[:128], 1), ("batch 32, short", short, 32), ("batch 256, short", short, 256),
             ("batch 32, 256-token", long, 32)]
    reference = {name: [] for name, _, _ in cases}
    ours = {name: [] for name, _, _ in cases}
    for _ in range(rounds):
        for name, texts, batch in cases:
            start = time.perf_counter()
            for offset in range(0, len(texts), batch):
                model.encode(texts[offset:offset + batch], batch_size=batch)
            reference[name].append(len(texts) / (time.perf_counter() - start))
        command = [bench, "embed", model_dir] + (["--float32"] if arguments.float32 else [])
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        for row in map(json.loads, output.splitlines()):
            ours[row["case"]].append(row["sentences_per_second"])
    kernels = "float32 kernels only" if arguments.float32 else "AMX where available"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; thoth {kernels}; {rounds} rounds (medians)\n")
    print("| case | sentence-transformers sent/s | thoth sent/s | ratio | ratio per round |")
    print("|---|---|---|---|---|")
    for name, _, _ in cases:
        theirs, mine = statistics.median(reference[name]), statistics.median(ours[name])
        per_round = ", ".join(f"{m / t:.2f}" for t, m in zip(reference[name], ours[name]))
        print(f"| {name} | {theirs:.0f} | {mine:.0f} | {mine / theirs:.2f}× | {per_round} |")


if __name__ == "__main__":
    main()
