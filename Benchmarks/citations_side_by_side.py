"""Reference parsing side by side: refextract (INSPIRE's reference extractor, PyPI) and Thoth's
parser on the same reference lists — real CrossRef records printed by citeproc-py in five CSL
styles (Tests/Fixtures/citations). Reports references/s and, for refextract, how many records
come back with the right first author, year and title (Thoth's figures: `swift test --filter
CitationsTests`), so the speeds compare at known accuracy.

    python Benchmarks/citations_side_by_side.py --python /path/to/venv-with-refextract/bin/python \\
        --bench .build/release/thoth-bench
"""

import argparse
import json
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "citations"
STYLES = ["ieee", "apa", "modern-language-association", "chicago-author-date", "harvard-cite-them-right"]


def key(text):
    text = unicodedata.normalize("NFKD", text or "").casefold()
    return "".join(c for c in text if c.isalnum())


def refextract_side():
    from refextract import extract_references_from_string

    records = {r["DOI"]: r for r in json.loads((FIXTURES / "records.json").read_text())}
    extract_references_from_string("[1] A. Warm, “Up”, 2020.")  # loads its knowledge bases
    print("| style | refextract references/s | first author | year | title |")
    print("|---|---:|---:|---:|---:|")
    for style in STYLES:
        text = (FIXTURES / f"references_{style}.txt").read_text()
        start = time.perf_counter()
        runs, refs = 0, []
        while time.perf_counter() - start < 5 or runs == 0:
            refs = extract_references_from_string(text)
            runs += 1
        rate = runs * len(refs) / (time.perf_counter() - start)
        author = year = title = 0
        for ref in refs:
            doi = (ref.get("doi") or [""])[0].removeprefix("doi:").lower()
            record = records.get(doi)
            if not record:
                continue
            family = record["author"][0].get("family") or record["author"][0].get("literal") or ""
            author += key(family) in key((ref.get("author") or [""])[0])[: len(key(family)) + 12]
            issued = (record.get("issued") or {}).get("date-parts", [[None]])[0][0]
            year += str(issued) == (ref.get("year") or [""])[0]
            title += key(record["title"]) == key((ref.get("title") or [""])[0])
        n = len(records)
        print(f"| {style} | {rate:.0f} | {100 * author / n:.0f} % | {100 * year / n:.0f} % | {100 * title / n:.0f} % |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", help="a Python with refextract installed (this one by default)")
    parser.add_argument("--bench", required=True)
    parser.add_argument("--refextract-only", action="store_true")
    args = parser.parse_args()
    if args.refextract_only:
        return refextract_side()
    subprocess.run([args.python or sys.executable, __file__, "--refextract-only", "--bench", args.bench], check=True)
    print()
    print(subprocess.run([args.bench, "citations", str(FIXTURES)], check=True, capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
