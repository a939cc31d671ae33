"""Discovery parsing, the original's way, on the recordings Thoth's benchmark parses: feedparser for
arXiv's Atom, xml.etree for PubMed's efetch XML, json for CrossRef and OpenAlex. Each parser pulls
the fields Thoth's does (title, authors, abstract, ids, venue, date, links), so the two count
the same work. Prints articles/s per format, and runs `thoth-bench discovery` for Thoth's side.

    python Benchmarks/discovery_side_by_side.py --bench .build/release/thoth-bench --models models/all-MiniLM-L6-v2
"""

import argparse
import json
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "discovery"


def body(name):
    path = FIXTURES / name
    return path.read_bytes() if name.endswith(".xml") else json.loads(path.read_text())["body"].encode()


def arxiv(raw):
    feed = feedparser.parse(raw)
    return [{"title": e.title, "authors": [a.name for a in e.get("authors", [])], "abstract": e.summary,
             "id": e.id.rsplit("/", 1)[-1], "doi": e.get("arxiv_doi"), "published": e.published,
             "pdf": next((l.href for l in e.links if l.get("type") == "application/pdf"), None),
             "categories": [t.term for t in e.get("tags", [])]} for e in feed.entries]


def pubmed(raw):
    articles = []
    for node in ET.fromstring(raw).iter("PubmedArticle"):
        citation = node.find("MedlineCitation")
        article = citation.find("Article")
        authors = [" ".join(filter(None, [a.findtext("ForeName"), a.findtext("LastName")]))
                   for a in article.iter("Author")]
        ids = {i.get("IdType"): i.text for i in node.iter("ArticleId")}
        date = article.find("Journal/JournalIssue/PubDate")
        articles.append({"pmid": citation.findtext("PMID"), "title": article.findtext("ArticleTitle"),
                         "authors": authors, "abstract": "\n".join("".join(t.itertext()) for t in article.iter("AbstractText")),
                         "venue": article.findtext("Journal/Title"), "doi": ids.get("doi"), "pmc": ids.get("pmc"),
                         "year": date.findtext("Year") if date is not None else None})
    return articles


def crossref(raw):
    items = json.loads(raw)["message"]["items"]
    return [{"title": (w.get("title") or [None])[0], "doi": w.get("DOI"),
             "authors": [" ".join(filter(None, [a.get("given"), a.get("family")])) for a in w.get("author", [])],
             "venue": (w.get("container-title") or [None])[0], "abstract": w.get("abstract"),
             "published": (w.get("published") or w.get("issued") or {}).get("date-parts"),
             "pdf": next((l["URL"] for l in w.get("link", []) if l.get("content-type") == "application/pdf"), None)}
            for w in items]


def openalex(raw):
    results = json.loads(raw)["results"]
    out = []
    for w in results:
        index = w.get("abstract_inverted_index") or {}
        words = sorted((p, word) for word, positions in index.items() for p in positions)
        out.append({"title": w.get("title"), "doi": w.get("doi"),
                    "authors": [a["author"]["display_name"] for a in w.get("authorships", [])],
                    "abstract": " ".join(word for _, word in words), "published": w.get("publication_date"),
                    "venue": ((w.get("primary_location") or {}).get("source") or {}).get("display_name"),
                    "pdf": (w.get("best_oa_location") or {}).get("pdf_url")})
    return out


def rate(raw, parse, duration=2.0):
    articles, start = 0, time.perf_counter()
    while time.perf_counter() - start < duration:
        for _ in range(20):
            articles += len(parse(raw))
    return articles / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True)
    parser.add_argument("--models", required=True)
    args = parser.parse_args()
    formats = [("arXiv Atom", "arxiv/q_testing_s0_m10_bc5a6c384fe9.json", arxiv, "feedparser " + feedparser.__version__),
               ("PubMed efetch XML", "pubmed/pubmed2.xml", pubmed, "xml.etree"),
               ("CrossRef JSON", "crossref/works_query_ecology.json", crossref, "json"),
               ("OpenAlex JSON", "openalex/works_title_search_chemistry_tools.json", openalex, "json")]
    print("| format | original's parser | articles/s |")
    print("|---|---|---:|")
    for name, file, parse, library in formats:
        print(f"| {name} | {library} | {rate(body(file), parse):.0f} |")
    print()
    print(subprocess.run([args.bench, "discovery", str(FIXTURES), args.models], check=True, capture_output=True,
                         text=True).stdout)


if __name__ == "__main__":
    main()
