"""Real embeddings for the scale benchmarks: lines of the documentation Debian ships
(`/usr/share/doc`: changelogs, READMEs, NEWS — text no one here wrote), embedded by the
built-in MiniLM through `thoth embed`, cached as raw float32 rows.

    python Benchmarks/real_embeddings.py --count 101000 --out .build/bench-data/real

writes `real.txt` (one line per row) and `real.f32` (count × 384 float32, row-major). The
lines are distinct, 40–300 characters, mostly letters, in a fixed pseudo-random order: the
benchmarks hold out the first rows as queries and index the rest.
"""

import argparse
import gzip
import json
import os
import random
import subprocess
import sys

import numpy as np

DIMENSION = 384


def documentation_lines(root="/usr/share/doc"):
    """Every usable line of the text files under `root`, files in sorted order."""
    for directory, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = os.path.join(directory, name)
            if os.path.islink(path) or not any(
                key in name.lower() for key in ("changelog", "readme", "news", "changes", "faq", "todo")
            ):
                continue
            try:
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rt", encoding="utf-8", errors="strict") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError, EOFError):
                continue
            for line in text.splitlines():
                line = " ".join(line.split()).lstrip("*-+ ")
                letters = sum(character.isalpha() for character in line)
                if 40 <= len(line) <= 300 and letters >= 0.6 * len(line):
                    yield line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=101_000)
    parser.add_argument("--out", default=".build/bench-data/real")
    parser.add_argument("--thoth", default=".build/release/thoth")
    parser.add_argument("--batch", type=int, default=2_000)
    arguments = parser.parse_args()

    seen, lines = set(), []
    for line in documentation_lines():
        if line not in seen:
            seen.add(line)
            lines.append(line)
    if len(lines) < arguments.count:
        sys.exit(f"only {len(lines)} distinct lines under /usr/share/doc, {arguments.count} asked")
    random.Random(20261130).shuffle(lines)
    lines = lines[: arguments.count]
    os.makedirs(os.path.dirname(arguments.out) or ".", exist_ok=True)
    with open(arguments.out + ".txt", "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")

    environment = dict(os.environ, THOTH_MODELS_DIR=os.environ.get("THOTH_MODELS_DIR", "models"))
    with open(arguments.out + ".f32.partial", "wb") as output:
        for start in range(0, len(lines), arguments.batch):
            batch = lines[start : start + arguments.batch]
            result = subprocess.run(
                [arguments.thoth, "embed", "--stdin", "--json"],
                input=json.dumps(batch).encode(),
                capture_output=True,
                env=environment,
                check=True,
            )
            vectors = np.asarray(json.loads(result.stdout), dtype=np.float32)
            assert vectors.shape == (len(batch), DIMENSION), vectors.shape
            output.write(vectors.tobytes())
            print(f"{start + len(batch)} / {len(lines)}", file=sys.stderr, flush=True)
    os.replace(arguments.out + ".f32.partial", arguments.out + ".f32")


if __name__ == "__main__":
    main()
