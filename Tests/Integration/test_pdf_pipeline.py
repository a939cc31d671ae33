"""The research pipeline on real PDFs: pypdf's test files (made by XeTeX, pdflatex, LibreOffice,
a scanner), a two-column paper typeset by groff, a scan wrapped by Pillow, and hostile files.
PDFs become notes with `## Page N` full text, both indexed with their pages; the CLI, the
tools, the operations and the watcher all drive the same pipeline against the real binary."""

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import zlib
from pathlib import Path

import pytest
import requests
from PIL import Image

from conftest import ROOT, THOTH_BIN, JSONHandler, serve, thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only

PDFS = ROOT / "Tests" / "Fixtures" / "pdfs"
PAPER_SOURCE = ROOT / "Tests" / "Fixtures" / "papers" / "two_column.ms"
TITLE = "Exact Vector Search for Research Notes on a Laptop"
SENTINEL = "exact search answered every benchmark query within four milliseconds"


def typeset_paper(folder: Path) -> Path:
    """The two-column paper, typeset by groff (ms macros, pic for the figure)."""
    pdf = folder / "two_column.pdf"
    with open(pdf, "wb") as out:
        subprocess.run(["groff", "-ms", "-p", "-Tpdf", str(PAPER_SOURCE)], stdout=out, check=True)
    return pdf


def scan(pdf: Path, page: int, target: Path) -> Path:
    """Page `page` of `pdf` as a scanner would deliver it: rendered by pdftoppm, saved by Pillow as
    an image-only PDF (no text layer)."""
    png = subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    Image.open(io.BytesIO(png)).convert("L").save(target, "PDF", resolution=200)
    return target


def inflating_pdf(target: Path, gigabytes: float = 2.0) -> Path:
    """A valid one-page PDF whose content stream inflates from ~2 MB to gigabytes of text operators."""
    chunk = b"BT /F1 12 Tf 72 712 Td (overflowing) Tj ET\n" * 25_000
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(chunk) for _ in range(int(gigabytes * (1 << 30) / len(chunk))))
    body += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    target.write_bytes(bytes(out))
    return target


def ledger(server) -> list[dict]:
    with sqlite3.connect(server.workspace / "data" / "processed_documents.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM documents ORDER BY updated_at")]


def execute(server, tool, **parameters):
    return requests.post(server.api + "/tools/execute",
                         json={"tool_name": tool, "parameters": parameters, "bypass_agent": True}, timeout=300)


def wait_for(predicate, timeout=60.0, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def thoth():
    server = ThothServer("--no-monitor", env={"THOTH_PDF_PROCESSING_TIMEOUT": "10"})
    yield server
    assert server.stop() == 0, server.output()


@pytest.fixture(scope="module")
def paper(thoth):
    """The groff paper, processed through the process_pdf tool."""
    source = typeset_paper(thoth.workspace / "pdfs")
    reply = execute(thoth, "process_pdf", pdf_path="two_column.pdf")
    assert reply.status_code == 200, reply.text
    return reply.json()["result"]


def test_a_paper_becomes_a_note_with_paged_full_text(thoth, paper):
    assert paper["status"] == "processed" and paper["title"] == TITLE and paper["analysis"] == "offline"
    note = Path(paper["note"])
    assert note == thoth.workspace / "notes" / f"{TITLE}.md"
    text = note.read_text()
    front = text.split("---\n")[1]
    assert f'title: "{TITLE}"' in front
    assert 'authors: ["Grace Hopper","Alan Turing"]' in front
    assert 'doi: "10.5555/thoth.2026.0042"' in front
    assert 'tags: ["vector-search","retrieval-augmented-generation","knowledge-management"]' in front
    assert "analysis: offline" in front
    assert "We present an exact vector search engine for personal research notes." in text
    assert "- key_points: embedding" in text and "- tags: text" in text
    # The PDF is renamed after the title, the original name is gone.
    assert Path(paper["pdf"]) == thoth.workspace / "pdfs" / f"{TITLE}.pdf" and Path(paper["pdf"]).exists()
    assert not (thoth.workspace / "pdfs" / "two_column.pdf").exists()
    # The full text: the sentinel under page 3's heading, the hyphenated words whole, columns in order.
    markdown = Path(paper["markdown"]).read_text()
    page3, page4 = markdown.index("## Page 3\n"), markdown.index("## Page 4\n")
    assert page3 < markdown.index(SENTINEL) < page4
    assert "characterization of internationalization, electroencephalography" in " ".join(markdown.split())
    assert markdown.index("### 3. Method") < markdown.index("The scanner reads the matrix") \
        < markdown.index("### 4. Experimental Setup")


def test_chunks_carry_pages_and_sections_into_search_and_chat(thoth, paper):
    # The paper's filler is random words, so ranking is not what this checks: the chunk holding
    # the sentence must be among the hits and say where it sits.
    reply = execute(thoth, "search_articles", query=SENTINEL, limit=20)
    top = next(p for p in reply.json()["result"] if SENTINEL in p["content"])
    assert top["page"] == "p. 3" and top["metadata"]["page_start"] == 3 and top["metadata"]["page_end"] == 3
    assert top["metadata"]["section"] == "5. Results"
    assert top["metadata"]["document_type"] == "article" and top["metadata"]["year"] == 2026
    assert top["metadata"]["authors"] == "Grace Hopper, Alan Turing"
    chat = requests.post(thoth.api + "/research/chat", json={"message": "What did exact search answer within four milliseconds?"}).json()
    full_text = [s for s in chat["sources"] if "page_start" in s["metadata"]]
    assert full_text and all(s["page"] == f"p. {s['metadata']['page_start']}" for s in full_text), chat
    assert f"({TITLE}, p. " in chat["response"]


def test_search_articles_filters_by_author_year_journal_and_tags(thoth, paper):
    def titles(**filters):
        reply = execute(thoth, "search_articles", query="vector search on a laptop", limit=5, **filters)
        assert reply.status_code == 200, reply.text
        return {p["title"] for p in reply.json()["result"]}
    assert TITLE in titles(author="hopper")
    assert not titles(author="knuth")
    assert TITLE in titles(year_from=2026, year_to=2026)
    assert not titles(year_to=2000)
    assert TITLE in titles(tags=["vector-search"])
    assert not titles(tags=["vector-search", "biology"])
    assert not titles(journal="nature")


def test_the_same_pdf_is_processed_once_and_force_redoes_it(thoth, paper):
    copy = thoth.workspace / "pdfs" / "copy-of-paper.pdf"
    shutil.copy(paper["pdf"], copy)
    again = execute(thoth, "process_pdf", pdf_path=copy.name).json()["result"]
    assert again["status"] == "skipped" and "Already processed" in again["message"]
    forced = execute(thoth, "process_pdf", pdf_path=Path(paper["pdf"]).name, skip_existing=False).json()["result"]
    assert forced["status"] == "processed" and forced["note"] == paper["note"]
    notes = sorted(p.name for p in (thoth.workspace / "notes").iterdir())
    assert notes.count(f"{TITLE}.md") == 1 and not any("(2)" in n for n in notes)
    assert [row["status"] for row in ledger(thoth) if row["title"] == TITLE] == ["processed"]


def test_real_pdfs_from_other_tools(thoth):
    for name in ["metadata.pdf", "Seige_of_Vicksburg_Sample_OCR.pdf", "multilang.pdf"]:
        shutil.copy(PDFS / name, thoth.workspace / "pdfs" / name)
    reply = execute(thoth, "batch_process_pdfs", max_files=50)
    assert reply.status_code == 200, reply.text
    results = {Path(r["file"]).name: r for r in reply.json()["result"]["results"]}
    assert results["metadata.pdf"]["title"] == "The Title"
    note = Path(results["metadata.pdf"]["note"]).read_text()
    assert 'authors: ["Martin Thoma"]' in note and '"some-keywords"' in note
    vicksburg = Path(results["Seige_of_Vicksburg_Sample_OCR.pdf"]["markdown"]).read_text()
    page3 = vicksburg[vicksburg.index("## Page 3\n"):vicksburg.index("## Page 4\n")]
    assert "I have a great curiosity to see the court house at Vicksburg." in page3
    assert "Привет, мир" in Path(results["multilang.pdf"]["markdown"]).read_text()


def test_hostile_files_fail_clearly_and_leave_nothing(thoth):
    folder = thoth.workspace / "pdfs"
    whole = (PDFS / "pdflatex-outline.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "random.pdf").write_bytes(os.urandom(5000))
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(PDFS / "encrypted-file.pdf", folder / "encrypted.pdf")
    inflating_pdf(folder / "inflating.pdf")
    notes_before = set((thoth.workspace / "notes").iterdir())
    markdown_before = set((thoth.workspace / "markdown").iterdir())
    count_before = requests.post(thoth.api + "/execute/command", json={"command": "rag", "args": ["stats"]}).json()[
        "result"]["document_count"]
    expected = {"truncated.pdf": "truncated", "random.pdf": "not a PDF", "empty.pdf": "empty",
                "encrypted.pdf": "encrypted with a password", "inflating.pdf": "time limit"}
    started = time.time()
    for name, reason in expected.items():
        reply = execute(thoth, "process_pdf", pdf_path=name)
        assert reply.status_code == 400, reply.text
        error = reply.json()["error"]
        assert name in error and reason in error, error
    assert time.time() - started < 60
    assert requests.get(thoth.api + "/health", timeout=5).json()["healthy"] is True
    assert set((thoth.workspace / "notes").iterdir()) == notes_before
    assert set((thoth.workspace / "markdown").iterdir()) == markdown_before
    assert requests.post(thoth.api + "/execute/command", json={"command": "rag", "args": ["stats"]}).json()[
        "result"]["document_count"] == count_before
    failed = {Path(row["source_path"]).name: row for row in ledger(thoth) if row["status"] == "failed"}
    assert set(expected) <= set(failed)
    # A failure is retried only when asked.
    again = execute(thoth, "process_pdf", pdf_path="random.pdf").json()["result"]
    assert again["status"] == "skipped" and "Failed before" in again["message"]


def test_a_scanned_page_is_read_by_ocr(thoth, tmp_path):
    source = typeset_paper(tmp_path)
    scanned = scan(source, 3, thoth.workspace / "pdfs" / "scanned.pdf")
    assert subprocess.run(["pdftotext", str(scanned), "-"], capture_output=True, text=True).stdout.strip() == ""
    reply = execute(thoth, "process_pdf", pdf_path=scanned.name)
    assert reply.status_code == 200, reply.text
    result = reply.json()["result"]
    assert result["ocr_pages"] == [1]
    markdown = " ".join(Path(result["markdown"]).read_text().split())
    assert "sentinel sentence says that exact search answered every benchmark query" in markdown
    assert "OCR (tesseract) on pages 1" in Path(result["note"]).read_text()


def test_metadata_update_and_delete(thoth, paper):
    metadata = execute(thoth, "extract_pdf_metadata", pdf_path=Path(paper["pdf"]).name, analyze_structure=True)
    data = metadata.json()["result"]
    assert data["pages"] == 4 and data["doi"] == "10.5555/thoth.2026.0042"
    assert "3. Method" in data["headings"] and data["abstract"].startswith("We present an exact vector search")
    updated = execute(thoth, "update_article_metadata", article_identifier=TITLE, year=2019, journal="Journal of Tests")
    assert updated.status_code == 200, updated.text
    assert "year: 2019" in Path(paper["note"]).read_text()
    assert TITLE in {p["title"] for p in execute(thoth, "search_articles", query="exact search", limit=5,
                                                  year_from=2019, year_to=2019, journal="tests").json()["result"]}
    deleted = execute(thoth, "delete_article", article_identifier=TITLE)
    assert deleted.status_code == 200, deleted.text
    assert not Path(paper["note"]).exists() and not Path(paper["markdown"]).exists() and Path(paper["pdf"]).exists()
    assert TITLE not in {p["title"] for p in execute(thoth, "search_articles", query=SENTINEL, limit=10).json()["result"]}
    assert all(row["title"] != TITLE for row in ledger(thoth))
    # A note the pipeline did not make is not deleted.
    thoth.write_note("notes/mine.md", "# Mine\n\nMy own note.\n")
    assert execute(thoth, "delete_article", article_identifier=str(thoth.workspace / "notes" / "mine.md")).status_code == 400
    assert (thoth.workspace / "notes" / "mine.md").exists()


def test_tools_read_no_file_outside_the_workspace(thoth, tmp_path):
    outside = tmp_path / "secret.pdf"
    shutil.copy(PDFS / "crazyones.pdf", outside)
    for tool in ["process_pdf", "extract_pdf_metadata"]:
        reply = execute(thoth, tool, pdf_path=str(outside))
        assert reply.status_code == 400 and "outside the workspace" in reply.json()["error"]
    reply = requests.get(thoth.api + "/view-markdown", params={"path": "/etc/passwd"})
    assert reply.status_code == 403


def test_operations_report_progress_and_view_markdown(thoth):
    shutil.copy(PDFS / "crazyones.pdf", thoth.workspace / "pdfs" / "crazy.pdf")
    started = requests.post(thoth.api + "/operations/stream/operation",
                            json={"operation_type": "pdf_process", "parameters": {"pdf_path": "crazy.pdf"}}).json()
    status = wait_for(lambda: (s := requests.get(f"{thoth.api}/operations/{started['operation_id']}/status").json())
                      ["status"] != "running" and s)
    assert status["status"] == "completed", status
    note = Path(status["result"]["note"])
    viewed = requests.get(thoth.api + "/view-markdown", params={"path": note.name}).json()
    assert viewed["status"] == "success" and "The Crazy Ones" in viewed["content"]
    batch = requests.post(thoth.api + "/operations/batch/process",
                          json={"items": [{"path": "crazy.pdf"}] if (thoth.workspace / "pdfs" / "crazy.pdf").exists()
                                else [{"path": Path(status["result"]["pdf"]).name}], "operation_type": "pdf"}).json()
    done = wait_for(lambda: (s := requests.get(f"{thoth.api}/operations/{batch['operation_id']}/status").json())
                    ["status"] != "running" and s)
    assert done["status"] == "completed" and done["result"]["skipped"] == 1
    reprocessed = requests.post(thoth.api + "/execute/command",
                                json={"command": "notes", "args": ["reprocess-note", "--article-id", "The Crazy Ones"]})
    assert reprocessed.status_code == 200, reprocessed.text
    assert reprocessed.json()["result"]["status"] == "processed"


def test_health_reports_the_pipeline(thoth):
    processing = requests.get(thoth.api + "/health").json()["services"]["processing"]
    assert processing["status"] == "healthy" and processing["extractor"] == "poppler"
    assert processing["ocr"] == "tesseract" and processing["monitor"]["status"] == "stopped"


def test_the_llm_analyses_with_schema_retry_and_falls_back_on_timeout(tmp_path):
    model = FakeChatModel()
    server = ThothServer("--no-monitor", env={**model.env(), "THOTH_LLM_TIMEOUT_SECONDS": "2"})
    try:
        typeset_paper(server.workspace / "pdfs")
        analysis = {"title": "Exact Search, as the Model Read It", "authors": ["G. Hopper", "A. Turing"],
                    "year": 2026, "doi": "10.5555/thoth.2026.0042", "journal": "Journal of Tests",
                    "abstract": "An abstract.", "summary": "A summary.", "key_points": ["one", "two"],
                    "methodology": "Blocks.", "tags": ["exact-search"]}
        model.script = [{"content": "Sure! Here is the analysis: (no JSON, sorry)"},
                        {"content": "```json\n" + json.dumps(analysis) + "\n```"}]
        reply = execute(server, "process_pdf", pdf_path="two_column.pdf")
        assert reply.status_code == 200, reply.text
        result = reply.json()["result"]
        assert result["analysis"] == "llm" and result["title"] == analysis["title"]
        assert len(model.requests) == 2
        assert "does not match the schema" in model.requests[1]["messages"][-1]["content"]
        assert "## Page 3" in model.requests[0]["messages"][-1]["content"]
        note = Path(result["note"]).read_text()
        assert "analysis: llm" in note and "- one\n- two" in note and "(fake-model)" in note
        # A model that does not answer in time: the offline analysis writes the note.
        model.mode, model.stall = "stall", 5
        (server.workspace / "pdfs" / "again.pdf").write_bytes((PDFS / "crazyones.pdf").read_bytes())
        reply = execute(server, "process_pdf", pdf_path="again.pdf")
        assert reply.status_code == 200, reply.text
        slow = reply.json()["result"]
        assert slow["analysis"] == "offline" and "llm_error" in Path(slow["note"]).read_text()
    finally:
        server.stop()
        model.close()


def test_the_watcher_waits_for_a_slow_copy_then_processes_once(tmp_path):
    server = ThothServer(env={"THOTH_MONITOR_INTERVAL_SECONDS": "0.3"})
    try:
        source = typeset_paper(tmp_path).read_bytes()
        target = server.workspace / "pdfs" / "arriving.pdf"
        with open(target, "wb") as out:
            step = len(source) // 8
            for start in range(0, len(source), step):
                out.write(source[start:start + step])
                out.flush()
                time.sleep(0.5)
                assert not ledger(server), "the watcher read a file still being copied"
        rows = wait_for(lambda: [r for r in ledger(server) if r["status"] == "processed"], timeout=60)
        time.sleep(2)
        assert len(ledger(server)) == 1 and rows[0]["title"] == TITLE
        assert len(list((server.workspace / "notes").glob("*.md"))) == 1
        monitor = requests.get(server.api + "/health").json()["services"]["processing"]["monitor"]
        assert monitor["status"] == "watching" and monitor["mode"] == "inotify" and monitor["processed"] == "1"
    finally:
        assert server.stop() == 0, server.output()


def test_cli_process_and_monitor_without_a_server(tmp_path):
    server = ThothServer("--no-monitor")
    server.stop()
    pdf = typeset_paper(tmp_path)
    done = server.cli("process", str(pdf))
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    assert result["status"] == "processed" and result["title"] == TITLE
    assert Path(result["pdf"]).parent == server.workspace / "pdfs" and pdf.exists()  # copied, not moved
    again = server.cli("process", str(pdf))
    assert json.loads(again.stdout)[0]["status"] == "skipped"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    failed = server.cli("process", str(broken))
    assert failed.returncode == 1 and "truncated" in json.loads(failed.stdout)[0]["message"]


def test_download_pdf_fetches_only_pdfs_into_the_pdf_folder(thoth):
    class Handler(JSONHandler):
        def do_GET(self):
            body = (PDFS / "crazyones.pdf").read_bytes() if self.path.endswith(".pdf") else b"<html>not a pdf</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf" if self.path.endswith(".pdf") else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = serve(Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        reply = requests.get(thoth.api + "/download-pdf", params={"url": base + "/papers/crazy ones.pdf"})
        assert reply.status_code == 200, reply.text
        saved = Path(reply.json()["file_path"])
        assert saved.parent == thoth.workspace / "pdfs" and saved.read_bytes() == (PDFS / "crazyones.pdf").read_bytes()
        again = requests.get(thoth.api + "/download-pdf", params={"url": base + "/papers/crazy ones.pdf"}).json()
        assert Path(again["file_path"]) != saved  # a second download never overwrites the first
        refused = requests.get(thoth.api + "/download-pdf", params={"url": base + "/page.html"})
        assert refused.status_code == 400 and "did not answer with a PDF" in refused.json()["message"]
        assert requests.get(thoth.api + "/download-pdf", params={"url": "file:///etc/passwd"}).status_code == 400
    finally:
        server.shutdown()


def test_regenerate_all_notes_rewrites_every_processed_note(thoth):
    notes = {row["note_path"]: Path(row["note_path"]).stat().st_mtime_ns for row in ledger(thoth)
             if row["status"] == "processed"}
    assert notes
    reply = requests.post(thoth.api + "/execute/command", json={"command": "notes", "args": ["regenerate-all-notes"]},
                          timeout=600)
    assert reply.status_code == 200, reply.text
    result = reply.json()["result"]
    assert result["processed"] == len(notes) and result["failed"] == 0
    assert all(Path(note).stat().st_mtime_ns > mtime for note, mtime in notes.items())


def test_a_long_paper_is_analysed_in_parts_then_merged(tmp_path):
    model = FakeChatModel()
    server = ThothServer("--no-monitor", env=model.env())
    try:
        # About 60k characters of real prose: two parts of the paper, then the merge.
        source = tmp_path / "long.ms"
        prose = [" ".join(p.split()) for name in ("GPL-3", "Apache-2.0")
                 for p in Path("/usr/share/common-licenses", name).read_text().split("\n\n") if len(p.split()) > 8]
        source.write_text(".TL\nA Long Reading\n.AU\nRichard Stallman\n.2C\n"
                          + "".join(f".PP\n{p.lstrip('.')}\n" for p in prose))
        with open(server.workspace / "pdfs" / "long.pdf", "wb") as out:
            subprocess.run(["groff", "-ms", "-Tpdf", str(source)], stdout=out, check=True)
        part = {"title": "A Long Reading", "authors": ["Richard Stallman"], "year": None, "doi": None,
                "journal": None, "abstract": None, "summary": "part", "key_points": None, "tags": []}
        merged = {**part, "summary": "The merged summary.", "tags": ["licences"], "abstract": "Merged."}
        model.script = [{"content": json.dumps(part)}, {"content": json.dumps(part)}, {"content": json.dumps(merged)}]
        reply = execute(server, "process_pdf", pdf_path="long.pdf")
        assert reply.status_code == 200, reply.text
        prompts = [r["messages"][-1]["content"] for r in model.requests]
        assert len(prompts) == 3, [p[:200] for p in prompts]
        assert "part 1 of 2" in prompts[0] and "part 2 of 2" in prompts[1] and "Merge them" in prompts[2]
        assert "The merged summary." in Path(reply.json()["result"]["note"]).read_text()
    finally:
        server.stop()
        model.close()


def test_monitor_command_processes_arrivals_without_a_server(tmp_path):
    server = ThothServer("--no-monitor")
    server.stop()
    # The note template is there to edit from the first start.
    assert (server.workspace / "templates" / "paper_note.md").read_text().startswith("---\ntitle: {{{yaml.title}}}")
    monitor = subprocess.Popen([THOTH_BIN, "monitor", "--polling-interval", "0.3"], env=server.env,
                               cwd=server.workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1)
        shutil.copy(typeset_paper(tmp_path), server.workspace / "pdfs" / "dropped.pdf")
        rows = wait_for(lambda: [r for r in ledger(server) if r["status"] == "processed"], timeout=60)
        assert rows[0]["title"] == TITLE
    finally:
        monitor.send_signal(signal.SIGINT)
        output, _ = monitor.communicate(timeout=30)
    assert monitor.returncode == 0, output
    assert "Processed dropped.pdf" in output
