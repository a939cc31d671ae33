"""Citations side by side.

Parsing: refextract (INSPIRE's reference extractor, PyPI) and Thoth's parser on the same reference
lists — real CrossRef records printed by citeproc-py in five CSL styles (Tests/Fixtures/citations).
Reports references/s and, for refextract, how many records come back with the right first author,
year and title (Thoth's figures: `swift test --filter CitationsTests`), so the speeds compare at
known accuracy.

Formatting (with --thoth): the 119 records, and ten renamed copies of them (1,190), formatted in the
five styles by citeproc-py (this Python must have it) and by `thoth citations format` end to end
(process start, CSL-JSON, pandoc's citeproc), with whether each prints what the reference
processor (pandoc on the records themselves) prints.

    python Benchmarks/citations_side_by_side.py --python /path/to/venv-with-refextract/bin/python \\
        --bench .build/release/thoth-bench --thoth .build/release/thoth
"""

import argparse
import json
import os
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


FORMAT_STYLES = {"ieee": "ieee", "apa": "apa", "mla": "modern-language-association",
                 "chicago": "chicago-author-date", "harvard": "harvard-cite-them-right"}
CSL_FOLDER = "/usr/share/citation-style-language/styles"


def timed(run, seconds=3):
    start, runs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds or runs == 0:
        result = run()
        runs += 1
    return runs / (time.perf_counter() - start), result


def formatting_side(thoth):
    import tempfile

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    records = json.loads((FIXTURES / "records.json").read_text())
    copies = [{**r, "id": f"{r['id']}-{k}", "title": f"{r['title']} {k}"} for k in range(10) for r in records]
    folder = Path(tempfile.mkdtemp(prefix="thoth-format-bench-"))
    print("| style | entries | citeproc-py entries/s | Thoth entries/s | speed | Thoth = pandoc | citeproc-py = pandoc |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, file in FORMAT_STYLES.items():
        for items in (records, copies):
            path = folder / f"records-{len(items)}.json"
            path.write_text(json.dumps(items))

            def citeproc_py():
                style = CitationStylesStyle(f"{CSL_FOLDER}/{file}.csl", validate=False)
                bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
                for item in items:
                    bibliography.register(Citation([CitationItem(item["id"])]))
                return [" ".join(str(entry).split()) for entry in bibliography.bibliography()]

            def ours():
                done = subprocess.run([thoth, "citations", "format", str(path), "--style", name], check=True,
                                      capture_output=True, text=True, env={**os.environ, "THOTH_WORKSPACE_DIR": str(folder)})
                return [" ".join(line.split()) for line in done.stdout.splitlines()]

            reference = subprocess.run(["pandoc", "-f", "csljson", "-t", "plain", "--citeproc", "--csl",
                                        f"{CSL_FOLDER}/{file}.csl", "--wrap=none", str(path)],
                                       check=True, capture_output=True, text=True).stdout
            reference = [" ".join(p.split()) for p in reference.split("\n\n") if p.strip()]
            python_rate, python_entries = timed(citeproc_py)
            thoth_rate, thoth_entries = timed(ours)
            same_python = len(set(python_entries) & set(reference))
            print(f"| {name} | {len(items):,} | {python_rate * len(items):,.0f} | {thoth_rate * len(items):,.0f} | "
                  f"{thoth_rate / python_rate:.1f}× | {sum(a == b for a, b in zip(thoth_entries, reference))}/{len(reference)} | "
                  f"{same_python}/{len(reference)} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", help="a Python with refextract installed (this one by default)")
    parser.add_argument("--bench", required=True)
    parser.add_argument("--thoth", help="a thoth binary: also compare formatting with citeproc-py")
    parser.add_argument("--refextract-only", action="store_true")
    args = parser.parse_args()
    if args.refextract_only:
        return refextract_side()
    if args.thoth:
        formatting_side(args.thoth)
        print()
    subprocess.run([args.python or sys.executable, __file__, "--refextract-only", "--bench", args.bench], check=True)
    print()
    print(subprocess.run([args.bench, "citations", str(FIXTURES)], check=True, capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
