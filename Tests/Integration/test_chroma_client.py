"""The official Python client, chromadb 1.5.9, through every route it uses."""

import chromadb
import numpy as np
import pytest
from chromadb.errors import ChromaError, InvalidArgumentError, NotFoundError

from conftest import thoth_only


def make(client, name="demo", space="l2"):
    return client.create_collection(name, embedding_function=None, metadata={"hnsw:space": space})


def test_heartbeat_version_and_identity(client):
    assert client.heartbeat() > 1_700_000_000 * 10**9
    assert isinstance(client.get_version(), str)
    assert client.get_user_identity().tenant == "default_tenant"


def test_create_get_list_count_and_delete_collections(client):
    created = make(client, "papers")
    assert client.get_collection("papers").id == created.id
    for name in ["bbb", "ccc"]:
        make(client, name)
    assert client.count_collections() == 3
    assert len(client.list_collections(limit=2)) == 2
    assert len(client.list_collections(limit=2, offset=2)) == 1
    client.delete_collection("bbb")
    assert sorted(c.name for c in client.list_collections()) == ["ccc", "papers"]
    with pytest.raises(NotFoundError):
        client.get_collection("bbb")
    with pytest.raises(NotFoundError):
        client.delete_collection("bbb")


def test_duplicate_create_conflicts_and_get_or_create_returns_existing(client):
    first = client.create_collection("dup", embedding_function=None, metadata={"a": 1})
    with pytest.raises(ChromaError):
        client.create_collection("dup", embedding_function=None)
    again = client.get_or_create_collection("dup", embedding_function=None, metadata={"b": 2})
    assert again.id == first.id
    assert again.metadata == {"a": 1}


def test_invalid_collection_name_is_rejected(client):
    with pytest.raises(Exception):
        client.create_collection("c1", embedding_function=None)


def test_add_get_query_round_trip_with_base64_embeddings(client):
    col = make(client)
    col.add(
        ids=["a", "b", "c"],
        embeddings=[[1, 0, 0], [0, 1, 0], [0, 0, 1.5]],
        documents=["apple pie", "banana split", None],
        metadatas=[{"k": 1, "s": "x"}, {"k": 2, "f": 1.5, "b": True}, None],
    )
    assert col.count() == 3
    got = col.get(include=["embeddings", "documents", "metadatas"])
    assert got["ids"] == ["a", "b", "c"]
    assert np.allclose(got["embeddings"], [[1, 0, 0], [0, 1, 0], [0, 0, 1.5]])
    assert got["documents"] == ["apple pie", "banana split", None]
    assert got["metadatas"] == [{"k": 1, "s": "x"}, {"k": 2, "f": 1.5, "b": True}, None]
    result = col.query(query_embeddings=[[1, 0, 0]], n_results=2)
    assert result["ids"] == [["a", "b"]]
    assert result["distances"] == [[0.0, 2.0]]


def test_ints_and_floats_stay_distinct(client):
    col = make(client)
    col.add(ids=["a"], embeddings=[[1, 2]], metadatas=[{"i": 1, "f": 1.0}])
    metadata = col.get()["metadatas"][0]
    assert type(metadata["i"]) is int and type(metadata["f"]) is float


@pytest.mark.parametrize(
    "space,expected",
    [("l2", [0.0, 2.0]), ("ip", [-9.0, -1.0]), ("cosine", [0.10557282, 0.10557282])],
)
def test_distances_per_space(client, space, expected):
    col = make(client, "space-" + space, space)
    col.add(ids=["x", "y"], embeddings=[[3, 4], [1, 0]] if space != "l2" else [[2, 1], [3, 2]])
    query = [[2, 1]]
    result = col.query(query_embeddings=query, n_results=2, include=["distances"])
    assert np.allclose(sorted(result["distances"][0]), sorted(expected), atol=1e-6)


def test_upsert_update_and_delete(client):
    col = make(client)
    col.add(ids=["a", "b"], embeddings=[[1, 0], [0, 1]], metadatas=[{"color": "blue", "n": 2}, None])
    col.upsert(ids=["a", "c"], embeddings=[[2, 0], [1, 1]], metadatas=[{"color": "green", "extra": None}, {"n": 3}])
    col.update(ids=["b", "zz"], embeddings=[[0, 2], [5, 5]], documents=["bee", "nope"])
    got = col.get(include=["metadatas", "documents", "embeddings"])
    assert got["ids"] == ["a", "b", "c"]
    assert got["metadatas"][0] == {"color": "green", "n": 2}
    assert got["documents"] == [None, "bee", None]
    assert np.allclose(got["embeddings"][0], [2, 0])
    col.delete(ids=["b"])
    col.delete(where={"n": 3})
    assert col.get()["ids"] == ["a"]


def test_where_and_where_document_filters(client):
    col = make(client)
    col.add(
        ids=[f"r{i}" for i in range(6)],
        embeddings=[[float(i), 1.0] for i in range(6)],
        documents=["the quick fox", "lazy dog", None, "FOX news", "fox", "dog"],
        metadatas=[{"g": i % 2, "name": f"n{i}"} for i in range(6)],
    )
    assert col.get(where={"g": 1})["ids"] == ["r1", "r3", "r5"]
    assert col.get(where={"$or": [{"name": "n0"}, {"name": {"$in": ["n4", "n5"]}}]})["ids"] == ["r0", "r4", "r5"]
    assert col.get(where={"name": {"$ne": "n0"}}, limit=2, offset=1)["ids"] == ["r2", "r3"]
    assert col.get(where_document={"$contains": "fox"})["ids"] == ["r0", "r4"]
    assert col.get(where_document={"$not_contains": "fox"})["ids"] == ["r1", "r2", "r3", "r5"]
    assert col.get(where_document={"$regex": "(?i)^fox"})["ids"] == ["r3", "r4"]
    result = col.query(query_embeddings=[[5.0, 1.0]], n_results=10, where={"g": 0}, where_document={"$contains": "o"})
    assert result["ids"] == [["r4", "r0"]]


def test_peek_and_modify(client):
    col = make(client)
    col.add(ids=[str(i) for i in range(12)], embeddings=[[float(i)] for i in range(12)])
    assert col.peek()["ids"] == [str(i) for i in range(10)]
    col.modify(name="renamed", metadata={"m": 1})
    fetched = client.get_collection("renamed")
    assert fetched.metadata == {"m": 1}
    assert fetched.count() == 12


@thoth_only
def test_fork_through_the_client(client):
    col = make(client)
    col.add(ids=["a", "b"], embeddings=[[1, 0], [0, 1]], metadatas=[{"k": 1}, None])
    fork = col.fork("demo-fork")
    assert fork.name == "demo-fork" and fork.count() == 2
    assert fork.get()["metadatas"] == [{"k": 1}, None]


def test_dimension_mismatch_is_invalid_argument(client):
    col = make(client)
    col.add(ids=["a"], embeddings=[[1, 2, 3]])
    with pytest.raises(InvalidArgumentError, match="dimension of 3, got 2"):
        col.add(ids=["b"], embeddings=[[1, 2]])
    with pytest.raises(InvalidArgumentError):
        col.query(query_embeddings=[[1, 2]])
    assert col.count() == 1


def test_existing_ids_are_ignored_on_add(client):
    col = make(client)
    col.add(ids=["a"], embeddings=[[1, 0]], documents=["first"])
    col.add(ids=["a"], embeddings=[[0, 1]], documents=["second"])
    assert col.get(include=["documents"])["documents"] == ["first"]


def test_missing_collection_is_not_found(client):
    col = make(client)
    client.delete_collection("demo")
    with pytest.raises(NotFoundError):
        col.count()
    with pytest.raises(NotFoundError):
        col.add(ids=["a"], embeddings=[[1]])


def test_tenants_and_databases(client, server):
    from chromadb.config import Settings

    admin = chromadb.AdminClient(Settings(chroma_api_impl="chromadb.api.fastapi.FastAPI",
                                          chroma_server_host="127.0.0.1", chroma_server_http_port=server.port))
    admin.create_tenant("tenant-one")
    admin.create_database("research", tenant="tenant-one")
    assert admin.get_database("research", tenant="tenant-one")["name"] == "research"
    assert [d["name"] for d in admin.list_databases(tenant="tenant-one")] == ["research"]
    scoped = chromadb.HttpClient(host="127.0.0.1", port=server.port, tenant="tenant-one", database="research")
    scoped.create_collection("scoped", embedding_function=None)
    assert [c.name for c in scoped.list_collections()] == ["scoped"]
    assert client.list_collections() == []
    admin.delete_database("research", tenant="tenant-one")


def test_many_records_in_one_add(client):
    col = make(client, space="cosine")
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 64)).astype(np.float32)
    col.add(ids=[f"v{i}" for i in range(3000)], embeddings=vectors)
    queries = vectors[:5]
    result = col.query(query_embeddings=queries, n_results=5, include=["distances"])
    normed = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for i, ids in enumerate(result["ids"]):
        expected = np.argsort(1 - normed @ normed[i], kind="stable")[:5]
        assert ids == [f"v{j}" for j in expected]
