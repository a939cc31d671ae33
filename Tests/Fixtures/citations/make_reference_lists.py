"""Builds the citation round-trip fixtures: real CrossRef records (from habanero 2.9.2's recorded
cassettes) formatted by a reference CSL processor (citeproc-py) in five real CSL styles (Debian's
citation-style-language-styles), as the reference lists of papers print them.

    pip download --no-binary :all: --no-deps habanero==2.9.2   # then untar
    apt-get download citation-style-language-styles && dpkg -x citation-style-language-styles_*.deb styles
    pip install citeproc-py==0.11.1
    python make_reference_lists.py HABANERO_DIR STYLES_DIR

Writes records.json (the CSL-JSON records, the truth the extractor is scored against) and one
references_<style>.txt per style: a "References" heading, then the entries, each wrapped at 78
columns as text extracted from a PDF is.
"""

import glob
import gzip
import json
import sys
import textwrap
from pathlib import Path

import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

STYLES = ["ieee", "apa", "modern-language-association", "chicago-author-date", "harvard-cite-them-right"]
TYPES = {"journal-article": "article-journal", "book-chapter": "chapter", "proceedings-article": "paper-conference",
         "book": "book", "posted-content": "article", "report": "report", "dataset": "dataset"}


def works(habanero: Path):
    seen = {}
    for path in sorted(glob.glob(str(habanero / "test" / "cassettes" / "**" / "*.yaml"), recursive=True)):
        for interaction in yaml.safe_load(open(path)).get("interactions", []):
            if "api.crossref.org/works" not in interaction["request"]["uri"]:
                continue
            body = interaction["response"]["body"].get("string")
            if isinstance(body, bytes):
                try:
                    body = gzip.decompress(body)
                except OSError:
                    pass
                body = body.decode("utf-8", "replace")
            try:
                message = json.loads(body).get("message")
            except (json.JSONDecodeError, AttributeError):
                continue
            if not isinstance(message, dict):
                continue
            for work in message.get("items", [message]):
                if isinstance(work, dict) and work.get("title") and work.get("author") and work.get("DOI"):
                    seen.setdefault(work["DOI"].lower(), work)
    return list(seen.values())


def csl(work, index):
    item = {"id": f"r{index}", "type": TYPES.get(work.get("type"), "article"), "title": work["title"][0],
            "DOI": work["DOI"].lower(),
            "author": [{k: a[k] for k in ("family", "given") if k in a} if "family" in a else {"literal": a.get("name", "")}
                       for a in work["author"]]}
    for key in ("published-print", "published-online", "issued", "created"):
        parts = (work.get(key) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            item["issued"] = {"date-parts": [parts[0][:3]]}
            break
    for source, target in (("container-title", "container-title"), ("volume", "volume"), ("issue", "issue"),
                           ("page", "page"), ("publisher", "publisher")):
        value = work.get(source)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            item[target] = value
    return item


def main():
    habanero, styles = Path(sys.argv[1]), Path(sys.argv[2])
    records = [csl(work, i) for i, work in enumerate(works(habanero))]
    out = Path(__file__).resolve().parent
    (out / "records.json").write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")
    for style_name in STYLES:
        style = CitationStylesStyle(str(styles / f"{style_name}.csl"), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(records), formatter.plain)
        for record in records:
            bibliography.register(Citation([CitationItem(record["id"])]))
        entries = [str(entry) for entry in bibliography.bibliography()]
        lines = ["References", ""]
        for entry in entries:
            lines += textwrap.wrap(" ".join(entry.split()), 78)
        (out / f"references_{style_name}.txt").write_text("\n".join(lines) + "\n")
        # Which record each entry renders, in the order the style sorts them.
        keys = [item.key for item in bibliography.items]
        (out / f"order_{style_name}.json").write_text(json.dumps(keys) + "\n")
        print(style_name, len(entries))


if __name__ == "__main__":
    main()
