"""Real embeddings for the scale benchmarks: lines of the documentation Debian ships
(`/usr/share/doc`: changelogs, READMEs, NEWS; then the English manual pages under
`/usr/share/man`, for sets larger than the ~745,000 documentation lines — text no one here
wrote), embedded by the built-in MiniLM through `thoth embed`, cached as raw float32 rows.

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
import re
import subprocess
import sys

import numpy as np

DIMENSION = 384


def usable(line):
    """The line with its whitespace folded, or None when it is too short, too long or mostly not words."""
    line = " ".join(line.split()).lstrip("*-+ ")
    letters = sum(character.isalpha() for character in line)
    return line if 40 <= len(line) <= 300 and letters >= 0.6 * len(line) else None


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
            yield from filter(None, map(usable, text.splitlines()))


# troff escapes: fonts (`\fB`, `\f[B]`), named characters (`\(em`, `\[em]`), size changes, and the
# one-character ones that print nothing.
TROFF_ESCAPE = re.compile(r"\\f(\[[^]]*\]|\(..|.)|\\\(..|\\\[[^]]*\]|\\s[-+]?\d|\\[&e|^%]")


def manual_lines(root="/usr/share/man"):
    """The text lines of the English manual pages (`man1` … `man8`), troff requests dropped."""
    for section in sorted(name for name in os.listdir(root) if name.startswith("man")):
        directory = os.path.join(root, section)
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.islink(path) or not name.endswith(".gz"):
                continue
            try:
                with gzip.open(path, "rt", encoding="utf-8", errors="strict") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError, EOFError):
                continue
            for line in text.splitlines():
                if not line.startswith((".", "'", '\\"')):
                    line = TROFF_ESCAPE.sub("", line).replace("\\-", "-").replace("\\", "")
                    if line := usable(line):
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
        for line in manual_lines():
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if len(lines) < arguments.count:
        sys.exit(f"only {len(lines)} distinct lines of documentation and manual pages, {arguments.count} asked")
    random.Random(20261130).shuffle(lines)
    lines = lines[: arguments.count]
    os.makedirs(os.path.dirname(arguments.out) or ".", exist_ok=True)
    text = "\n".join(lines) + "\n"
    partial = arguments.out + ".f32.partial"
    # An interrupted run of the same lines goes on where it stopped (a million lines take an hour).
    done = 0
    if os.path.exists(partial) and os.path.exists(arguments.out + ".txt"):
        with open(arguments.out + ".txt", encoding="utf-8") as handle:
            if handle.read() == text:
                done = os.path.getsize(partial) // (DIMENSION * 4)
    with open(arguments.out + ".txt", "w", encoding="utf-8") as handle:
        handle.write(text)

    environment = dict(os.environ, THOTH_MODELS_DIR=os.environ.get("THOTH_MODELS_DIR", "models"))
    with open(partial, "r+b" if done else "wb") as output:
        output.truncate(done * DIMENSION * 4)
        output.seek(done * DIMENSION * 4)
        for start in range(done, len(lines), arguments.batch):
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
    os.replace(partial, arguments.out + ".f32")


if __name__ == "__main__":
    main()
