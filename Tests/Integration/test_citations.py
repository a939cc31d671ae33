"""Reference lists read by `thoth citations extract`: a plain list, a note, and a PDF made by groff
from real references (CrossRef records formatted by citeproc-py; see Tests/Fixtures/citations)."""

import json
import re
import subprocess
from urllib.parse import unquote

from conftest import ROOT, THOTH_BIN, thoth_only

pytestmark = thoth_only

FIXTURES = ROOT / "Tests" / "Fixtures" / "citations"


def extract(path):
    done = subprocess.run([THOTH_BIN, "citations", "extract", str(path), "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_plain_reference_list(tmp_path):
    entries = extract(FIXTURES / "references_apa.txt")
    assert len(entries) == 119
    first = entries[0]
    assert first["authors"] == ["Lynch, S."] or first["authors"] == ["Lynch, S"]
    assert first["year"] == 2020 and first["title"] == "Adding Additional Widget Sizes"
    assert first["doi"] == "10.1007/978-1-4842-6700-4_5" and first["raw"].startswith("Lynch, S. (2020).")


def test_the_references_of_a_note(tmp_path):
    ieee = (FIXTURES / "references_ieee.txt").read_text().splitlines()
    note = tmp_path / "paper.md"
    note.write_text("# A paper\n\nWidgets are studied in [1] and [2].\n\n## Results\n\n1. A numbered finding.\n\n"
                    "## References\n\n" + "\n".join(ieee[2:12]) + "\n")
    entries = extract(note)
    assert [e["title"] for e in entries[:2]] == ["Adding Additional Widget Sizes", "Adding a Widget Intent"]
    assert entries[2]["authors"] == ["P. Mendes", "M. Caceres", "B. Dwolatzky"] and entries[2]["pages"] == "1–6"


def test_the_references_of_a_pdf(tmp_path):
    text = " ".join((FIXTURES / "references_ieee.txt").read_text().splitlines()[2:])
    entries = [e.strip() for e in re.split(r"(?=\[\d+\])", text) if e.strip()][:40]
    source = tmp_path / "paper.ms"
    body = "\n".join(".LP\n" + e.replace("\\", "\\\\") for e in entries)
    source.write_text(".TL\nWidgets, surveyed\n.LP\nWidgets are studied in [1].\n.SH\nReferences\n" + body + "\n")
    pdf = tmp_path / "paper.pdf"
    with open(pdf, "wb") as out:
        subprocess.run(["groff", "-k", "-ms", "-Tpdf", str(source)], stdout=out, stderr=subprocess.DEVNULL, check=True)
    parsed = extract(pdf)
    assert len(parsed) == 40
    records = {r["DOI"]: r for r in json.loads((FIXTURES / "records.json").read_text())}
    right = sum(1 for p in parsed if p["doi"] in records and p["year"] == records[p["doi"]]["issued"]["date-parts"][0][0])
    assert right >= 38, [(p["doi"], p["year"]) for p in parsed]


PAPERS = {
    "alpha": ("Alpha widgets for exact search", "10.5555/alpha.2024", ["beta", "gamma"]),
    "beta": ("Beta graphs of widget engines", "10.5555/beta.2024", ["alpha"]),
    "gamma": ("Gamma a survey of widget toolkits", "10.5555/gamma.2024", ["alpha", "beta"]),
}
AUTHORS = {"alpha": "Abel, A.", "beta": "Berg, B.", "gamma": "Gauss, C."}


def paper_pdf(folder, key):
    """A small paper made by groff: title, its DOI, a paragraph, and an APA reference list."""
    title, doi, cites = PAPERS[key]
    references = "\n".join(
        f".LP\n{AUTHORS[c]} (2024). {PAPERS[c][0]}. Journal of Widgets, 3(1), 1–10. https://doi.org/{PAPERS[c][1]}"
        for c in cites)
    source = folder / f"{key}.ms"
    source.write_text(f".TL\n{title}\n.AU\n{AUTHORS[key]}\n.LP\ndoi:{doi}\n.LP\n"
                      f"This paper studies widgets and cites earlier work on widget engines.\n"
                      f".SH\nReferences\n{references}\n")
    pdf = folder / f"{key}.pdf"
    with open(pdf, "wb") as out:
        subprocess.run(["groff", "-k", "-ms", "-Tpdf", str(source)], stdout=out, stderr=subprocess.DEVNULL, check=True)
    return pdf


def process_in_order(tmp_path, order):
    from thoth_process import ThothServer

    server = ThothServer("--no-monitor", "--no-discovery")
    server.stop()
    for key in order:
        done = server.cli("process", str(paper_pdf(tmp_path, key)))
        assert done.returncode == 0, done.stderr + done.stdout
    notes = {}
    for path in (server.workspace / "notes").glob("*.md"):
        text = path.read_text()
        front_title = re.search(r"^title: *\"?([^\"\n]*)", text, re.M).group(1)
        for key, (title, _, _) in PAPERS.items():
            if front_title.lower() == title.lower():
                notes[key] = (path.stem, text)
    assert set(notes) == set(PAPERS), sorted(p.name for p in (server.workspace / "notes").glob("*.md"))
    graph = json.loads(server.cli("citations", "graph", notes["alpha"][0]).stdout)
    assert sorted(graph["cited_by"]) == sorted([notes["beta"][0], notes["gamma"][0]])
    assert [r["note"] for r in graph["references"]] == [notes["beta"][0], notes["gamma"][0]]
    notes["workspace"] = server.workspace
    return notes


def test_notes_link_the_papers_they_cite_whatever_the_arrival_order(tmp_path):
    for order in (["alpha", "beta", "gamma"], ["gamma", "beta", "alpha"]):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        notes = process_in_order(folder, order)
        workspace = notes.pop("workspace")
        for key, (_, text) in notes.items():
            section = text.split("<!-- thoth:references -->")[1].split("<!-- /thoth:references -->")[0]
            cited = PAPERS[key][2]
            assert section.count("[[") == len(cited), (order, key, section)
            for other in cited:
                assert f"[[{notes[other][0]}]]" in section, (order, key, section)
    # The three papers as a bibliography, read back by bibtexparser.
    import bibtexparser
    import requests
    from thoth_process import ThothServer

    running = ThothServer("--no-monitor", "--no-discovery", workspace=str(workspace))
    try:
        reply = requests.post(running.api + "/tools/execute", json={
            "tool_name": "export_bibliography", "parameters": {"format": "bibtex", "filename": "papers.bib"},
            "bypass_agent": True}, timeout=60).json()
        entries = bibtexparser.loads((workspace / "exports" / "papers.bib").read_text()).entries
        assert reply["result"]["count"] == len(entries)
        by_doi = {e.get("doi"): e for e in entries}
        for title, doi, _ in PAPERS.values():
            assert by_doi[doi]["title"].lower() == title.lower(), entries
        related = requests.post(running.api + "/tools/execute", json={
            "tool_name": "find_related_papers", "parameters": {"paper_identifier": PAPERS["alpha"][0]},
            "bypass_agent": True}, timeout=60).json()["result"]
        ties = {r["title"].lower(): r for r in related}
        beta = ties[PAPERS["beta"][0].lower()]
        assert "citations" in beta["found_by"] and "cites this paper" in beta["citation"], related
        assert "cited by this paper" in beta["citation"] and "cited together with it by 1 paper" in beta["citation"]
        summary = requests.post(running.api + "/tools/execute", json={
            "tool_name": "generate_research_summary", "parameters": {"topic_or_query": "widget engines"},
            "bypass_agent": True}, timeout=120).json()["result"]
        titles = {PAPERS[k][0] for k in PAPERS}
        assert summary["citations"] and all(any(t in line for t in titles) for line in summary["citations"])
        assert len(summary["citations"]) == len(set(summary["citations"]))  # each paper once, note and full text as one
        # The same papers in a citation style: each once, with its DOI as APA prints it.
        styled = requests.post(running.api + "/tools/execute", json={
            "tool_name": "format_citations", "parameters": {"style": "apa"}, "bypass_agent": True},
            timeout=60).json()["result"]
        assert styled["count"] == 3 and styled["style"] == "apa"
        for _, doi, _ in PAPERS.values():
            assert sum(f"https://doi.org/{doi}" in entry for entry in styled["entries"]) == 1, styled
        graph = requests.get(running.api + "/citations/graph", params={"note": notes["alpha"][0]}).json()
        assert sorted(graph["cited_by"]) == sorted([notes["beta"][0], notes["gamma"][0]])
        ris = requests.post(running.api + "/citations/export", json={"format": "ris"}).json()
        assert ris["count"] == 3 and ris["content"].count("ER  - ") == 3
        health = requests.get(running.api + "/health").json()["services"]["citations"]
        assert health["status"] == "healthy" and health["papers_with_notes"] == 3 and health["citations"] == 5
    finally:
        running.stop()


def test_enrichment_from_crossref_opencitations_and_semantic_scholar_with_a_cache(tmp_path):
    """Entries are completed from a local server replaying real answers: CrossRef by DOI, by title
    and authors, a title it does not know, one whose lookup fails (500) and a DOI it does not know
    (404); then OpenCitations Meta and Semantic Scholar's `paper/batch` for every DOI known by then,
    one request each (their records are the services' real answers for those DOIs — Meta's from
    its server's tests, Semantic Scholar's recorded by paper-qa; the lists around them are built as
    the APIs build them)."""
    from conftest import JSONHandler, serve
    from thoth_process import ThothServer

    crossref = FIXTURES / "crossref"
    semanticscholar = ROOT / "Tests" / "Fixtures" / "discovery" / "semanticscholar"
    papers = {f"DOI:{doi}": json.loads(json.loads((semanticscholar / f"paper_DOI_{doi.replace('/', '_')}.json")
                                                  .read_text())["body"])
              for doi in ("10.1073/pnas.1414271111", "10.1038/s42256-024-00832-8")}
    meta_records = json.loads((ROOT / "Tests" / "Fixtures" / "discovery" / "opencitations" /
                               "metadata_records.json").read_text())
    requests_seen, batches, meta_asked = [], [], []

    class Handler(JSONHandler):
        def do_GET(self):
            requests_seen.append(self.path)
            if self.path.startswith("/graph/v1/paper/search"):  # no paper by those titles
                return self.reply(200, {"total": 0, "offset": 0, "data": []})
            if self.path.startswith("/meta/api/v1/metadata/"):
                dois = {i.removeprefix("doi:") for i in unquote(self.path.split("/metadata/")[1]).split("__")}
                meta_asked.append(dois)
                return self.reply(200, [r for r in meta_records if dois & {i.removeprefix("doi:")
                                                                         for i in r["id"].split()}])
            if self.path.startswith("/works/10.1162/"):
                return self.reply(404, {"status": "error", "message": "Resource not found."})
            if self.path.startswith("/works/10.1073/pnas.1414271111"):
                name = "work_10.1073_pnas.1414271111.json"
            elif "query.title=Augmenting" in self.path:
                name = "works_title_chemistry_tools.json"
            elif "query.title=Zzyzx" in self.path:
                return self.reply(500, {"status": "error"}, headers={"Retry-After": "0"})
            else:
                name = "works_title_nonsense.json"
            self.reply_bytes(200, "application/json", json.loads((crossref / name).read_text())["body"].encode())

        def do_POST(self):
            ids = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["ids"]
            batches.append((self.path, self.headers.get("x-api-key"), ids))
            self.reply(200, [papers.get(i) for i in ids])

    replay = serve(Handler)
    try:
        server = ThothServer("--no-monitor", "--no-discovery")
        server.stop()
        listing = tmp_path / "references.txt"
        listing.write_text(
            "References\n"
            "[1] E. Makris, “Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced\n"
            "collagen cross-linking”, 2014. doi: 10.1073/pnas.1414271111.\n"
            "[2] A. M. Bran and S. Cox, “Augmenting large language models with chemistry tools”, 2024.\n"
            "[3] Q. Nobody, “Askldjrq jaw on nothing at all”, 1999.\n"
            "[4] Z. Zed, “Zzyzx road and the desert of lookups”, 2001.\n"
            "[5] A. Massari, F. Mariani, I. Heibi, S. Peroni and D. Shotton, “OpenCitations Meta”, 2024.\n"
            "doi: 10.1162/qss_a_00292.\n")
        root = f"http://127.0.0.1:{replay.server_address[1]}"
        env = {"THOTH_CROSSREF_URL": root, "THOTH_SEMANTICSCHOLAR_URL": root + "/graph/v1",
               "API_SEMANTICSCHOLAR_API_KEY": "s2-key", "THOTH_OPENCITATIONS_URL": root + "/meta/api/v1"}

        def run(extra=None):
            done = server.cli("citations", "extract", str(listing), "--json", "--enrich", env={**env, **(extra or {})})
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout), done.stderr

        (first, by_title, unknown, failing, meta), problems = run()
        assert first["resolved_by"] == "crossref,semanticscholar"
        assert first["venue"] == "Proceedings of the National Academy of Sciences"  # CrossRef's, kept
        assert by_title["doi"] == "10.1038/s42256-024-00832-8" and by_title["venue"] == "Nature Machine Intelligence"
        assert by_title["arxiv_id"] == "2304.05376" and by_title["resolved_by"] == "crossref,semanticscholar"
        assert unknown["doi"] is None and unknown["resolved_by"] is None
        assert failing["doi"] is None and "HTTP 500" in problems
        # CrossRef does not know the last one; OpenCitations Meta does (its fields, identifiers dropped).
        assert meta["resolved_by"] == "opencitations" and meta["publisher"] == "Mit Press"
        assert (meta["venue"], meta["volume"], meta["issue"], meta["pages"]) == ("Quantitative Science Studies", "5",
                                                                                 "1", "50-75")
        # One request each for every DOI known after CrossRef (two printed, one CrossRef found).
        dois = ["10.1073/pnas.1414271111", "10.1038/s42256-024-00832-8", "10.1162/qss_a_00292"]
        assert meta_asked == [set(dois)]
        assert batches == [("/graph/v1/paper/batch?fields=" + batches[0][0].split("fields=")[1], "s2-key",
                            ["DOI:" + doi for doi in dois])]
        asked = len(requests_seen)
        again, _ = run()
        assert again[:3] == [first, by_title, unknown] and again[4] == meta
        assert len(batches) == 1 and len(meta_asked) == 1
        # Answers (a miss too) are cached: only the failed lookup is asked again (with its retries).
        assert all("Zzyzx" in path for path in requests_seen[asked:])
        # Semantic Scholar can be left out.
        without, _ = run({"CITATION_USE_SEMANTICSCHOLAR": "false", "CITATION_USE_OPENCITATIONS": "false"})
        assert without[0]["resolved_by"] == "crossref" and without[1]["arxiv_id"] is None
        assert without[4]["resolved_by"] is None and without[4]["venue"] is None
    finally:
        replay.shutdown()


def test_exports_parse_back_to_the_same_fields():
    """Each style's list, read by Thoth and exported, read back by other tools: BibTeX by
    bibtexparser, RIS by rispy, CSL-JSON by citeproc-py (which renders it)."""
    import bibtexparser
    import rispy
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    def cli(*args):
        done = subprocess.run([THOTH_BIN, "citations", *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def family(name):  # "Family, G." or "G. H. Family" (the words after the initials)
        if "," in name:
            return name.split(",")[0].strip()
        words = name.split()
        initials = [i for i, w in enumerate(words) if w.endswith(".") and len(w) <= 3]
        return " ".join(words[initials[-1] + 1:]) if initials and initials[-1] < len(words) - 1 else words[-1]

    for style in ["ieee", "apa", "chicago-author-date"]:
        listing = FIXTURES / f"references_{style}.txt"
        parsed = json.loads(cli("extract", str(listing), "--json"))
        bib = bibtexparser.loads(cli("export", str(listing), "--format", "bibtex")).entries
        ris = rispy.loads(cli("export", str(listing), "--format", "ris"))
        csl = json.loads(cli("export", str(listing), "--format", "csl-json"))
        assert len(bib) == len(ris) == len(csl) == len(parsed), style
        for ours, b, r, c in zip(parsed, bib, ris, csl):
            assert b.get("title") == ours["title"].replace("&", "\\&").replace("%", "\\%").replace("_", "\\_") \
                if ours["title"] else "title" not in b, (style, b, ours)
            assert r.get("title") == ours["title"] and c.get("title") == ours["title"]
            assert b.get("doi") == ours["doi"] and r.get("doi") == ours["doi"] and c.get("DOI") == ours["doi"]
            year = str(ours["year"]) if ours["year"] else None
            assert b.get("year") == year and r.get("year") == year
            if ours["authors"] and not ours["authors"][0].startswith("and "):
                first = family(ours["authors"][0])
                assert b["author"].split(" and ")[0].split(",")[0] == first
                assert r["authors"][0].split(",")[0] == first
                assert (c["author"][0].get("family") or c["author"][0].get("literal")) == first
        # citeproc-py renders the CSL-JSON as it rendered the records.
        bibliography = CitationStylesBibliography(
            CitationStylesStyle("harvard-cite-them-right", validate=False), CiteProcJSON(csl), formatter.plain)
        for item in csl:
            bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = [str(entry) for entry in bibliography.bibliography()]
        assert len(rendered) == len(csl) and all(e.strip() for e in rendered)


def test_the_chat_model_reads_what_the_parser_could_not_and_is_checked(tmp_path):
    from thoth_process import FakeChatModel, ThothServer

    model = FakeChatModel()
    model.script = [
        {"content": json.dumps({"authors": ["Turing, A. M."], "title": "Computing machinery and intelligence",
                                "year": 1950, "venue": "Mind", "volume": "59", "pages": "433–460"})},
        # A reading the entry does not bear out: the title is invented, the year is printed.
        {"content": "```json\n" + json.dumps({"authors": ["Hallucinated, H."], "title": "A completely different work",
                                              "year": 2001}) + "\n```"},
    ]
    try:
        server = ThothServer("--no-monitor", "--no-discovery")
        server.stop()
        listing = tmp_path / "refs.txt"
        listing.write_text("References\n"
                           "[1] Turing A M 1950 Computing machinery and intelligence Mind 59 433–460\n"
                           "[2] Nobody X 2001 Something\n"
                           "[3] S. Lynch, “Adding Additional Widget Sizes”, in Introducing WidgetKit for iOS, Apress, 2020.\n")
        done = server.cli("citations", "extract", str(listing), "--json", "--refine", env=model.env())
        assert done.returncode == 0, done.stderr
        turing, nobody, lynch = json.loads(done.stdout)
        assert turing["title"] == "Computing machinery and intelligence" and turing["year"] == 1950
        assert turing["venue"] == "Mind" and turing["pages"] == "433–460" and turing["resolved_by"] == "llm"
        assert nobody["title"] != "A completely different work" and nobody["year"] == 2001
        assert "Hallucinated, H." not in nobody["authors"]
        assert lynch["resolved_by"] is None and len(model.requests) == 2  # the sure entry was not sent
        refused = server.cli("citations", "extract", str(listing), "--refine")
        assert refused.returncode != 0 and "chat model" in refused.stderr
    finally:
        model.close()


def test_sync_with_obsidian_follows_renamed_notes_and_forgets_deleted_ones(tmp_path):
    """Notes renamed and deleted outside Thoth (as Obsidian does): the renamed paper keeps its
    citation links under the new name, in the notes citing it too; the deleted one is unlinked."""
    import requests
    from thoth_process import ThothServer

    notes = process_in_order(tmp_path, ["alpha", "beta", "gamma"])
    workspace = notes.pop("workspace")
    folder = workspace / "notes"
    beta_old = folder / (notes["beta"][0] + ".md")
    beta_new = folder / "Beta renamed in Obsidian.md"
    beta_old.rename(beta_new)
    (folder / (notes["gamma"][0] + ".md")).unlink()
    running = ThothServer("--no-monitor", "--no-discovery", workspace=str(workspace))
    try:
        synced = requests.post(running.api + "/tools/execute", json={
            "tool_name": "sync_with_obsidian", "parameters": {}, "bypass_agent": True}, timeout=120).json()
        assert synced["is_error"] is False, synced
        report = synced["result"]
        assert report["renamed"] == [{"from": str(beta_old), "to": str(beta_new)}]
        assert report["deleted"] == [str(folder / (notes["gamma"][0] + ".md"))]
        alpha = (folder / (notes["alpha"][0] + ".md")).read_text()
        section = alpha.split("<!-- thoth:references -->")[1].split("<!-- /thoth:references -->")[0]
        assert "[[Beta renamed in Obsidian]]" in section and f"[[{notes['beta'][0]}]]" not in section
        assert f"[[{notes['gamma'][0]}]]" not in section  # gamma's note is gone: no link to it
        graph = json.loads(running.cli("citations", "graph", "Beta renamed in Obsidian").stdout)
        assert [r["note"] for r in graph["references"]] == [notes["alpha"][0]]
        assert graph["cited_by"] == [notes["alpha"][0]]
        # The index follows: the deleted note is not found, the renamed one is, under its new path.
        sources = {p["source"] for p in running.command("search", query="widget engines", k=10)}
        assert str(beta_new) in sources and str(beta_old) not in sources
        assert not any(notes["gamma"][0] in s and s.endswith(".md") and "/notes/" in s for s in sources)
    finally:
        running.stop()
