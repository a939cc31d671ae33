"""RAG through the real server: index the workspace's markdown, search it, ask it, re-index
after edits and deletions. The collection is inspected with the official chromadb client on
the same process's Chroma port, so ids and metadata are checked where clients see them."""

import json

import chromadb
import pytest
import requests

from conftest import thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only

EXACT = """# Exact search

Exact nearest-neighbour search scores every stored vector against the query.
Its recall is one by construction, because no candidate is ever skipped.

![a plot of recall](figures/recall.png)
"""

HNSW = """# HNSW graphs

Hierarchical navigable small world graphs answer approximate nearest-neighbour queries.
Their recall depends on the ef search parameter and on the graph degree.
"""

PASTA = """# Carbonara

Cook the spaghetti in salted water. Whisk eggs with pecorino and black pepper.
Toss the hot pasta with crisp guanciale, then with the egg mixture off the heat.
"""


@pytest.fixture(scope="module")
def thoth():
    server = ThothServer()
    server.write_note("notes/exact_search.md", EXACT)
    server.write_note("notes/cooking/carbonara.md", PASTA)
    server.write_note("markdown/hnsw-paper.md", HNSW)
    server.write_note("notes/.obsidian/workspace.md", "hidden settings, never indexed")
    yield server
    assert server.stop() == 0, server.output()


def knowledge(server):
    client = chromadb.HttpClient(host="127.0.0.1", port=server.chroma_port)
    return client.get_collection("thoth_knowledge")


def test_index_then_search_then_ask(thoth):
    report = thoth.command("index")
    assert report["files_seen"] == 3 and report["files_indexed"] == 3 and report["errors"] == []

    collection = knowledge(thoth)
    records = collection.get(include=["metadatas", "documents"])
    exact_path = str(thoth.workspace / "notes" / "exact_search.md")
    assert f"{exact_path}#0" in records["ids"]
    meta = records["metadatas"][records["ids"].index(f"{exact_path}#0")]
    assert meta["source"] == exact_path and meta["filename"] == "exact_search.md"
    assert meta["file_type"] == ".md" and meta["document_type"] == "note" and meta["title"] == "Exact search"
    assert meta["chunk_index"] == 0 and meta["total_chunks"] >= 1
    # Image syntax is stripped, the file is still indexed (with the alt text).
    document = records["documents"][records["ids"].index(f"{exact_path}#0")]
    assert "![" not in document and "a plot of recall" in document
    hnsw_meta = [m for m in records["metadatas"] if m["filename"] == "hnsw-paper.md"]
    assert hnsw_meta and all(m["document_type"] == "article" for m in hnsw_meta)

    results = thoth.command("search", query="approximate neighbours in a graph", k=3)
    assert results[0]["title"] == "HNSW graphs"
    assert results[0]["score"] > results[-1]["score"]  # a similarity: higher is better
    assert all(-1.0 <= r["score"] <= 1.0 for r in results)
    notes_only = thoth.command("search", "--query", "nearest neighbour recall", "--filter-type", "note")
    assert notes_only and all(r["document_type"] == "note" for r in notes_only)

    answer = thoth.command("ask", question="Why is the recall of exact search one?", k=2)
    assert "quoted from the knowledge base" in answer["answer"]
    assert "no candidate is ever skipped" in answer["answer"]
    assert answer["sources"][0]["metadata"]["title"] == "Exact search"
    assert answer["model"] == "offline"

    stats = thoth.command("stats")
    assert stats["document_count"] == collection.count() and stats["collection_name"] == "thoth_knowledge"


def test_reindexing_touches_only_what_changed(thoth):
    thoth.command("index")
    before = knowledge(thoth).count()
    again = thoth.command("index")
    assert again["files_indexed"] == 0 and again["files_unchanged"] == 3
    assert knowledge(thoth).count() == before  # stable ids: nothing duplicated

    thoth.write_note("notes/exact_search.md", EXACT.replace("scores every stored vector",
                                                            "scores every stored vector with BLAS kernels"))
    edited = thoth.command("index")
    assert edited["files_indexed"] == 1 and edited["files_unchanged"] == 2
    documents = knowledge(thoth).get(where={"filename": "exact_search.md"})["documents"]
    assert any("BLAS kernels" in d for d in documents)

    (thoth.workspace / "notes" / "cooking" / "carbonara.md").unlink()
    removed = thoth.command("index")
    assert removed["files_removed"] == 1 and removed["chunks_deleted"] >= 1
    assert knowledge(thoth).get(where={"filename": "carbonara.md"})["ids"] == []
    assert all(r["title"] != "Carbonara" for r in thoth.command("search", query="pasta with eggs", k=5))


def test_long_notes_are_chunked_to_the_model_window(thoth):
    paragraphs = [f"Paragraph {n} discusses vector quantisation trade-offs in some depth, {'with detail ' * 20}."
                  for n in range(40)]
    thoth.write_note("notes/long.md", "\n\n".join(paragraphs))
    thoth.command("index")
    chunks = knowledge(thoth).get(where={"filename": "long.md"}, include=["metadatas", "documents"])
    total = len(chunks["ids"])
    assert total > 3
    assert sorted(m["chunk_index"] for m in chunks["metadatas"]) == list(range(total))
    assert all(m["total_chunks"] == total for m in chunks["metadatas"])
    # Every paragraph is in some chunk, and neighbouring chunks overlap.
    joined = "\n".join(chunks["documents"])
    assert all(f"Paragraph {n} " in joined for n in range(40))
    (thoth.workspace / "notes" / "long.md").unlink()
    thoth.command("index")


def test_force_reembeds_everything(thoth):
    thoth.command("index")
    forced = thoth.command("index", "--force")
    assert forced["files_indexed"] == forced["files_seen"] and forced["files_unchanged"] == 0


def test_cli_uses_the_running_server_and_works_without_one(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    server.write_note("notes/exact_search.md", EXACT)
    for n in range(40):  # enough files for the bar to be seen moving
        server.write_note(f"notes/bulk/n{n}.md", f"# Note {n}\n\n" + "Recall and graphs of vectors. " * 200)
    remote = server.cli("rag", "index")
    assert remote.returncode == 0, remote.stderr
    # The server indexes (an operation) and the CLI follows it with the local bar.
    assert "Indexing on the running server" in remote.stderr and "files · " in remote.stderr
    assert "chunks/s" in remote.stderr
    report = json.loads(remote.stdout)
    assert report["files_indexed"] == 41 and report["chunks_written"] > 41
    searched = server.cli("rag", "search", "--query", "recall of exact search", "--k", "1")
    assert "answered by the running server" in searched.stderr
    assert server.stop() == 0

    local = server.cli("rag", "search", "--query", "recall of exact search", "--k", "1")
    assert local.returncode == 0, local.stderr
    assert "running server" not in local.stderr and "Exact search" in local.stdout
    server.write_note("markdown/hnsw-paper.md", HNSW)
    indexed = server.cli("rag", "index")
    assert indexed.returncode == 0 and '"files_indexed":1' in indexed.stdout
    assert "/42 files · " in indexed.stderr and "chunks/s" in indexed.stderr  # the progress bar
    assert server.cli("rag", "clear").returncode != 0  # needs --confirm
    cleared = server.cli("rag", "clear", "--confirm")
    assert cleared.returncode == 0, cleared.stderr
    assert '"document_count":0' in server.cli("rag", "stats").stdout


def test_answers_come_from_the_language_model_when_one_is_configured(tmp_path):
    model = FakeChatModel()
    server = ThothServer(env=model.env(), workspace=str(tmp_path / "ws"))
    try:
        server.write_note("notes/exact_search.md", EXACT)
        server.command("index")
        reply = requests.post(server.api + "/research/chat",
                              json={"message": "Why is exact recall one?", "conversation_id": "llm"}).json()
        assert reply["response"] == "FAKE ANSWER to: Why is exact recall one?" and reply["model"] == "fake-model"
        sent = model.requests[-1]
        assert sent["model"] == "fake-model"
        assert sent["messages"][0]["role"] == "system"
        assert "no candidate is ever skipped" in sent["messages"][0]["content"]  # the passage went along

        # The next turn carries the conversation so far.
        requests.post(server.api + "/research/chat", json={"message": "And approximate?", "conversation_id": "llm"})
        roles = [m["role"] for m in model.requests[-1]["messages"]]
        assert roles == ["system", "user", "assistant", "user"]

        query = requests.post(server.api + "/research/query", json={"query": "exact search recall", "max_results": 2})
        body = query.json()
        assert body["summary"].startswith("FAKE ANSWER") and body["results"][0]["title"] == "Exact search"
        assert body["sources_used"] == [str(server.workspace / "notes" / "exact_search.md")]

        model.mode = "500"
        degraded = requests.post(server.api + "/research/chat", json={"message": "Is the model down?"})
        assert degraded.status_code == 200
        assert degraded.json()["model"] == "offline" and "could not answer" in degraded.json()["response"]
        assert "HTTP 500" in degraded.json()["notes"][-1]
    finally:
        server.stop()
        model.close()
