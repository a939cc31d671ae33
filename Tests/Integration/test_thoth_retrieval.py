"""The knowledge base's search modes on the real binary: words (BM25), meaning (MiniLM) and both
fused; headings and line ranges of chunks; answers reading passages in their context; MMR."""

import json

import requests

from conftest import ROOT, JSONHandler, serve
from thoth_process import ThothServer

NOTES = ROOT / "Tests" / "Fixtures" / "notes" / "pip"

CODES = """# Error codes

## Storage

The store answers E4471 when a write hits a full disk.

## Network

Timeouts surface as plain messages without a code.
"""


def search(server, query, **kwargs):
    return server.command("search", query=query, **kwargs)


def test_words_meaning_and_both(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        for note in NOTES.glob("*.md"):
            server.write_note(f"notes/pip/{note.name}", note.read_text())
        server.write_note("notes/codes.md", CODES)
        assert server.command("index")["errors"] == []
        # An identifier: words find it, meaning alone does not put it first.
        words = search(server, "E4471", k=3, mode="words")
        assert words[0]["source"].endswith("codes.md") and words[0]["score"] > 0
        hybrid = search(server, "E4471", k=3)
        assert hybrid[0]["source"].endswith("codes.md")
        assert 0 < hybrid[0]["score"] <= 1 and hybrid[0]["score"] >= hybrid[-1]["score"]
        # A paraphrase with no shared rare word: meaning finds it, and the fusion keeps it.
        question = "how do I stop pip from downloading the same file twice"
        dense = search(server, question, k=3, mode="dense")
        fused = search(server, question, k=3)
        assert "caching.md" in {p["source"].rsplit("/", 1)[-1] for p in dense}
        assert "caching.md" in {p["source"].rsplit("/", 1)[-1] for p in fused}
        # Chunks carry their heading path and lines; the tool says where.
        storage = search(server, "full disk write", k=1, mode="words")[0]["metadata"]
        assert storage["heading_path"] == "Error codes"  # the whole small note is one chunk
        assert (storage["line_start"], storage["line_end"]) == (1, 9)
        tool = requests.post(server.api + "/tools/execute", json={
            "tool_name": "search_articles", "parameters": {"query": "full disk", "limit": 1, "mode": "words"}}).json()
        assert "Error codes › Error codes, lines 1–9" in tool["response"]
        bad = requests.post(server.api + "/execute/command", json={
            "command": "rag", "args": ["search"], "kwargs": {"query": "x", "mode": "fuzzy"}})
        assert bad.status_code == 400 and "hybrid, dense or words" in bad.json()["message"]
        # The CLI says the same through the running server.
        cli = server.cli("rag", "search", "--query", "E4471", "--mode", "words", "--k", "1")
        assert cli.returncode == 0 and "codes.md" in cli.stdout
    finally:
        server.stop()


def test_answers_read_passages_with_their_neighbours_and_mmr_diversifies(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"), env={"THOTH_RAG_CHUNK_SIZE": "40",
                                                              "THOTH_RAG_CHUNK_OVERLAP": "0"})
    try:
        paragraphs = [f"Paragraph {n} talks about topic {n} in plain words, nothing more." for n in range(8)]
        paragraphs[4] = "The keyring backend stores the index password so pip never asks twice."
        server.write_note("notes/long.md", "---\ntags: [demo]\n---\n# Long\n\n" + "\n\n".join(paragraphs[:4])
                          + "\n\n## Keys\n\n" + "\n\n".join(paragraphs[4:]))
        server.command("index")
        answer = server.command("ask", question="where is the index password stored", k=1)
        source = answer["sources"][0]
        assert source["metadata"]["context_chunks"] == 2
        assert "Paragraph 3" in source["content"] or "Paragraph 3" in answer["answer"]
        assert source["location"].startswith("Long")
        last = search(server, "topic 7 plain words", k=1, mode="words")[0]["metadata"]
        assert last["heading_path"] == "Long › Keys" and last["line_end"] == 22  # front matter counted
    finally:
        server.stop()
    twins = ThothServer(workspace=str(tmp_path / "twins"), env={"THOTH_RAG_DIVERSITY": "0.3"})
    try:
        same = "The resolver backtracks when two requirements pin incompatible versions of a package."
        for n in range(3):
            twins.write_note(f"notes/copy{n}.md", f"# Copy {n}\n\n{same}\n")
        twins.write_note("notes/other.md", "# Other\n\nBacktracking resolvers try older versions of packages.\n")
        twins.command("index")
        found = [p["source"].rsplit("/", 1)[-1] for p in search(twins, "resolver backtracking versions", k=2)]
        assert "other.md" in found, found
    finally:
        twins.stop()


def test_a_configured_reranker_reorders_the_best_candidates_and_its_failure_does_not(tmp_path):
    calls = []

    class Rerank(JSONHandler):
        fail = False

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append(body)
            if Rerank.fail:
                return self.reply(500, {"message": "down"})
            # Prefers documents that mention "keyring", then the search's order reversed.
            order = sorted(range(len(body["documents"])),
                           key=lambda i: ("keyring" not in body["documents"][i].lower(), -i))
            self.reply(200, {"results": [{"index": i, "relevance_score": 1 - n / 10} for n, i in enumerate(order)]})

    service = serve(Rerank)
    server = ThothServer(workspace=str(tmp_path / "ws"), env={
        "THOTH_RERANK_BASE_URL": f"http://127.0.0.1:{service.server_address[1]}/v1", "THOTH_RERANK_MODEL": "m",
        "THOTH_RERANK_CANDIDATES": "10"})
    try:
        for note in NOTES.glob("*.md"):
            server.write_note(f"notes/pip/{note.name}", note.read_text())
        server.command("index")
        plain = search(server, "authentication credentials", k=3, mode="dense")
        assert calls and calls[-1]["model"] == "m" and len(calls[-1]["documents"]) == 10
        assert calls[-1]["query"] == "authentication credentials"
        assert "keyring" in plain[0]["content"].lower() and plain[0]["metadata"]["rerank_score"] == 1
        Rerank.fail = True
        fallback = search(server, "authentication credentials", k=3, mode="dense")
        assert fallback and all("rerank_score" not in p["metadata"] for p in fallback)
    finally:
        server.stop()
        service.shutdown()
