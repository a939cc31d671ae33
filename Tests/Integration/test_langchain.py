"""End to end through a higher-level client: LangChain's Chroma vector store, with a
deterministic local embedding, against the server."""

import chromadb
import pytest

langchain_chroma = pytest.importorskip("langchain_chroma")
from langchain_core.documents import Document  # noqa: E402
from langchain_core.embeddings import DeterministicFakeEmbedding  # noqa: E402


def test_langchain_vector_store_round_trip(client, server):
    store = langchain_chroma.Chroma(
        collection_name="langchain", embedding_function=DeterministicFakeEmbedding(size=64),
        client=chromadb.HttpClient(host="127.0.0.1", port=server.port),
        collection_metadata={"hnsw:space": "cosine"})
    texts = ["exact search beats approximate recall", "sqlite is the store of record",
             "bounded heaps select the top k", "one binary replaces two containers"]
    ids = store.add_documents(
        [Document(page_content=t, metadata={"n": i, "kind": "even" if i % 2 == 0 else "odd"}) for i, t in enumerate(texts)],
        ids=[f"doc-{i}" for i in range(len(texts))])
    assert ids == [f"doc-{i}" for i in range(len(texts))]

    hits = store.similarity_search_with_score("sqlite is the store of record", k=2)
    assert hits[0][0].page_content == "sqlite is the store of record"
    assert hits[0][0].metadata == {"n": 1, "kind": "odd"}
    assert hits[0][1] == pytest.approx(0.0, abs=1e-5)

    filtered = store.similarity_search("sqlite is the store of record", k=4, filter={"kind": "even"})
    assert {d.metadata["kind"] for d in filtered} == {"even"} and len(filtered) == 2

    store.delete(ids=["doc-0"])
    assert sorted(store.get()["ids"]) == ["doc-1", "doc-2", "doc-3"]
    relevant = store.similarity_search_with_relevance_scores("one binary replaces two containers", k=1)
    assert relevant[0][0].page_content == "one binary replaces two containers"
    assert relevant[0][1] == pytest.approx(1.0, abs=1e-5)
