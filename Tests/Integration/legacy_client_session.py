"""Run under the legacy client (chromadb-client 0.5.15, which speaks /api/v1) against a
server URL given as argv[1]; prints one line per check and exits non-zero on failure."""

import sys

import chromadb

host, port = sys.argv[1], int(sys.argv[2])
client = chromadb.HttpClient(host=host, port=port)
assert client.heartbeat() > 0
col = client.get_or_create_collection("legacy", metadata={"hnsw:space": "cosine"}, embedding_function=None)
col.add(ids=["a", "b", "c"], embeddings=[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        documents=["apple", "banana", None], metadatas=[{"k": 1}, {"k": 2.5}, None])
assert col.count() == 3, col.count()
result = col.query(query_embeddings=[[1, 0.1, 0]], n_results=2)
assert result["ids"] == [["a", "b"]], result
assert col.get(where={"k": {"$gt": 1}})["ids"] == ["b"]
assert col.peek()["ids"] == ["a", "b", "c"]
col.upsert(ids=["a"], embeddings=[[0, 0, 2]], metadatas=[{"k": 9}])
assert col.get(ids=["a"])["metadatas"] == [{"k": 9}]
col.update(ids=["b"], embeddings=[[0, 1, 1]], documents=["blueberry"])
col.delete(ids=["c"])
assert col.count() == 2
assert [c.name for c in client.list_collections()] == ["legacy"]
col.modify(name="legacy2", metadata={"m": 1})
assert client.get_collection("legacy2", embedding_function=None).metadata == {"m": 1}
client.delete_collection("legacy2")
assert client.list_collections() == []
print("legacy client ok", chromadb.__version__)
