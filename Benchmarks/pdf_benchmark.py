"""PDF pipeline benchmark: extraction pages/s of `thoth pdf-text` (Poppler in a child process)
against pypdf's `extract_text` (the original's local fallback), on the same files, in alternating
rounds; and papers end to end offline (`thoth process --local`: extraction, offline analysis
with MiniLM, note, indexing).

Corpora: every PDF in pypdf's own `resources/` (real files from many producers), and papers
typeset by groff from real prose (the licence texts in /usr/share/common-licenses), 20 pages each.

    python Benchmarks/pdf_benchmark.py --thoth .build/release/thoth --resources DIR --models models
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

LICENCES = ["GPL-3", "Apache-2.0", "LGPL-3", "MPL-2.0", "Artistic", "GFDL-1.3", "GPL-2", "LGPL-2.1", "MPL-1.1"]


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def typeset(target: Path, order: list[str], pages: int = 20, columns: int = 2) -> Path:
    """A paper from real prose (two columns, or one as most preprints), cut to `pages` pages."""
    paragraphs = []
    for name in order:
        text = Path("/usr/share/common-licenses", name).read_text(errors="replace")
        paragraphs += [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) > 8]
    source = [".TL", f"On {order[0]} and Friends: a Reading", ".AU", "Richard Stallman", ".AU", "Roy Fielding",
              ".AB", paragraphs[0], ".AE"] + ([".2C"] if columns == 2 else [])
    for number, paragraph in enumerate(paragraphs[1:], 1):
        if number % 12 == 1:
            source += [".NH", f"Section {number // 12 + 1}"]
        source += [".PP", paragraph.replace("\\", "\\\\").lstrip(".'")]
    with tempfile.NamedTemporaryFile("w", suffix=".ms", delete=False) as f:
        f.write("\n".join(source) + "\n")
    full = target.with_suffix(".full.pdf")
    with open(full, "wb") as out:
        subprocess.run(["groff", "-ms", "-Tpdf", f.name], stdout=out, check=True, stderr=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as parts:
        subprocess.run(["pdfseparate", "-l", str(pages), str(full), f"{parts}/p-%d.pdf"], check=True)
        subprocess.run(["pdfunite", *[f"{parts}/p-{i}.pdf" for i in range(1, pages + 1)], str(target)], check=True)
    full.unlink()
    return target


def time_thoth(thoth: str, files: list[Path], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([thoth, "pdf-text", "--no-ocr", *map(str, files)], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_pypdf(files: list[Path]) -> float:
    started = time.perf_counter()
    for pdf in files:
        for page in PdfReader(pdf).pages:
            page.extract_text()
    return time.perf_counter() - started


def readable_by_both(thoth: str, files: list[Path], env: dict) -> list[Path]:
    kept = []
    for pdf in files:
        ours = subprocess.run([thoth, "pdf-text", "--no-ocr", str(pdf)], env=env, capture_output=True).returncode == 0
        try:
            for page in PdfReader(pdf).pages:
                page.extract_text()
            theirs = True
        except Exception:
            theirs = False
        if ours and theirs:
            kept.append(pdf)
    return kept


def extraction(label: str, thoth: str, files: list[Path], env: dict, rounds: int):
    pages = sum(pages_of(f) for f in files)
    ours, theirs = [], []
    for _ in range(rounds):  # alternating rounds: this host's speed drifts for minutes at a time
        ours.append(time_thoth(thoth, files, env))
        theirs.append(time_pypdf(files))
    o, t = statistics.median(ours), statistics.median(theirs)
    print(f"| {label} | {len(files)} files, {pages} pages | {pages / o:,.0f} pages/s ({o:.2f} s) | "
          f"{pages / t:,.0f} pages/s ({t:.2f} s) | {t / o:.1f}× |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True)
    parser.add_argument("--resources", required=True, help="pypdf's resources/ folder")
    parser.add_argument("--models", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--papers", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="thoth-pdf-bench-"))
    env = {**os.environ, "THOTH_WORKSPACE_DIR": str(work / "ws"), "THOTH_MODELS_DIR": args.models,
           "THOTH_LOG_LEVEL": "error"}
    for key in ("API_OPENROUTER_KEY", "API_MISTRAL_KEY", "API_OPENAI_KEY", "OPENAI_API_KEY", "THOTH_LLM_BASE_URL"):
        env.pop(key, None)

    real = readable_by_both(args.thoth, sorted(Path(args.resources).glob("*.pdf")), env)
    papers = [typeset(work / f"paper-{i}.pdf", LICENCES[i % len(LICENCES):] + LICENCES[:i % len(LICENCES)])
              for i in range(args.papers)]
    print("| corpus | size | thoth pdf-text (Poppler, child process) | pypdf extract_text | ratio |")
    print("|---|---|---|---|---|")
    extraction("pypdf's resources/ (real files)", args.thoth, real, env, args.rounds)
    extraction("20-page two-column papers (groff, real prose)", args.thoth, papers, env, args.rounds)

    # End to end, offline: one paper alone (the ≤ 5 s target), then a batch in one run.
    single_column = typeset(work / "single-column.pdf", LICENCES, columns=1)
    print()
    print("| paper (20 pages) | words | in the pipeline | wall, with start-up |")
    print("|---|---|---|---|")
    for label, pdf in [("two columns, 10 pt", papers[0]), ("one column, 10 pt", single_column)]:
        words = len(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        started = time.perf_counter()
        run = subprocess.run([args.thoth, "process", "--local", str(pdf)], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        outcome = json.loads(run.stdout)[0]
        assert outcome["status"] == "processed", run.stderr
        print(f"| {label} | {words:,} | {outcome['seconds']:.2f} s | {wall:.2f} s |")
    started = time.perf_counter()
    batch = subprocess.run([args.thoth, "process", "--local", *map(str, papers[1:])], env=env, capture_output=True,
                           text=True)
    wall = time.perf_counter() - started
    outcomes = json.loads(batch.stdout)
    assert all(o["status"] == "processed" for o in outcomes), batch.stderr
    print()
    print(f"Batch of {len(outcomes)} two-column papers in one run: median "
          f"{statistics.median(o['seconds'] for o in outcomes):.2f} s per paper, "
          f"{len(outcomes) * 60 / wall:.1f} papers/min ({wall:.1f} s wall).")


if __name__ == "__main__":
    sys.exit(main())
