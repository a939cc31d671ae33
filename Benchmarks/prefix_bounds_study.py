"""How many rows a prefix bound leaves to read in full, on real embeddings (BENCHMARKS §18, §19).

For each held-out query (the file's first 1,000 rows), the rows whose upper bound on q·x
    q_head·x̂_head + ‖q_head‖·‖x_head − x̂_head‖ + ‖q⊥‖·‖x⊥‖
reaches the exact 10th best: x_head are the first P coordinates on the principal axes of a
16,384-row sample, x̂_head their code (none: exact floats; or `bits` per coordinate, one scale
per row, each coordinate first divided by its axis's spread when `dimscaled`). The query is not
quantised and the threshold is the exact 10th best, so these are floors for what a search bounds.

    python Benchmarks/prefix_bounds_study.py .build/bench-data/real1m.f32 float
    python Benchmarks/prefix_bounds_study.py .build/bench-data/real1m.f32 bits
"""

import sys

import numpy as np

path, study = sys.argv[1], sys.argv[2]
X = np.fromfile(path, dtype=np.float32).reshape(-1, 384)
Q = X[:1000][::10][:100] if study == "float" else X[:1000][::20][:50]
R = X[1000:]
S = R[np.random.default_rng(0).choice(len(R), 16384, replace=False)]
w, V = np.linalg.eigh(S.T.astype(np.float64) @ S)
V = V[:, ::-1].astype(np.float32)
w = w[::-1]
Rr, Qr = R @ V, Q @ V
threshold = -np.sort(-(Q @ R.T), axis=1)[:, 9]


def report(label, upper):
    left = (upper >= threshold[:, None]).sum(1)
    print(f"{label}: median {np.median(left):.0f}, p90 {np.percentile(left, 90):.0f}", flush=True)


if study == "float":
    print("energy share", [round(float(w[:p].sum() / w.sum()), 3) for p in (16, 32, 48, 64, 96, 128, 192)])
    for p in (16, 32, 48, 64, 96, 128, 192):
        tail = np.linalg.norm(Qr[:, p:], axis=1)[:, None] * np.linalg.norm(Rr[:, p:], axis=1)[None, :]
        report(f"{p} coordinates, exact", Qr[:, :p] @ Rr[:, :p].T + tail)
else:
    spread = np.sqrt(np.maximum(w, 0)).astype(np.float32)
    spread /= spread[0]
    for p in (96, 128, 192):
        tail = np.linalg.norm(Qr[:, p:], axis=1)[:, None] * np.linalg.norm(Rr[:, p:], axis=1)[None, :]
        head_norm = np.linalg.norm(Qr[:, :p], axis=1)[:, None]
        for bits in (2, 3, 4, 8):
            levels = 2 ** (bits - 1) - 1 if bits > 2 else 1.5
            for mode in ("row", "dimscaled"):
                x = Rr[:, :p] / spread[:p] if mode == "dimscaled" else Rr[:, :p]
                scale = np.abs(x).max(1, keepdims=True) / levels
                code = np.clip(np.floor(x / scale) + 0.5, -1.5, 1.5) if bits == 2 else np.round(x / scale)
                decoded = code * scale * (spread[:p] if mode == "dimscaled" else 1)
                error = np.linalg.norm(Rr[:, :p] - decoded, axis=1)[None, :]
                report(f"{p} coordinates, {bits}-bit {mode} ({p * bits // 8} B/row)",
                       Qr[:, :p] @ decoded.T + head_norm * error + tail)
