"""`CHROMADB_URL` pointing at another Chroma server: RAG's vectors live there, not in the
local store. Checked against `thoth chroma` in a second process and against real Chroma 1.5.9."""

import chromadb
import pytest
import requests

from conftest import ChromaProcess, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

NOTE = """# Exact search

Exact nearest-neighbour search scores every stored vector against the query.
Its recall is one by construction, because no candidate is ever skipped.
"""


@pytest.mark.parametrize("target", ["thoth", "chroma"])
def test_rag_runs_against_a_remote_chroma(target, tmp_path):
    remote = ChromaProcess(target=target)
    server = ThothServer("--no-chroma", env={"CHROMADB_URL": remote.url}, workspace=str(tmp_path / "ws"))
    try:
        server.write_note("notes/exact_search.md", NOTE)
        server.write_note("markdown/other.md", "# Other\n\nSomething about approximate graphs and their recall.\n")
        assert server.command("index")["files_indexed"] == 2
        results = server.command("search", query="why is exact recall one", k=1)
        assert results[0]["title"] == "Exact search" and 0 < results[0]["score"] <= 1
        # A remote Chroma's local server has no Search API: meaning only, said plainly when asked for words.
        words = requests.post(server.api + "/execute/command", json={
            "command": "rag", "args": ["search"], "kwargs": {"query": "recall", "mode": "words"}})
        assert words.status_code == 400 and "needs the embedded store" in words.json()["message"]

        collection = chromadb.HttpClient(host="127.0.0.1", port=remote.port).get_collection("thoth_knowledge")
        assert collection.count() == 2
        assert collection.metadata.get("hnsw:space") == "cosine"
        path = str(server.workspace / "notes" / "exact_search.md")
        assert collection.get(ids=[f"{path}#0"])["metadatas"][0]["source"] == path

        # Re-indexing against the remote store is incremental too.
        assert server.command("index")["files_unchanged"] == 2
        (server.workspace / "markdown" / "other.md").unlink()
        assert server.command("index")["files_removed"] == 1
        assert collection.count() == 1

        health = server.cli("health", "--timeout", "20")
        assert '"chromadb":{"status":"healthy"' in health.stdout
        stats = server.command("stats")
        assert stats["persist_directory"].startswith("remote (" + remote.url)
        # The local store was never used for RAG.
        assert not (server.workspace / "data" / "vectors.sqlite3").exists()
    finally:
        server.stop()
        remote.stop()
