"""Chroma's Search API (`collection.search`), which the local `chroma run` does not serve, on our
binary through the official 1.5.9 client's builders (Search, Knn, Rrf, GroupBy, Select, Limit)
and its BM25 sparse embedding function. Every answer is checked against a brute-force numpy
evaluation of the same expression over the same records, written from Chroma's documented rules:
a record is ranked when it is in every `$knn` without a default and at least one `$knn`; the
rest get the defaults; lower scores first, ties in insertion order."""

import math
import shutil
from pathlib import Path

import chromadb
import numpy as np
import pytest
import requests
from chromadb import Knn, Rrf, Schema, Search, SparseVectorIndexConfig, VectorIndexConfig, K
from chromadb.execution.expression.operator import GroupBy, MaxK, MinK
from chromadb.utils.embedding_functions import ChromaBm25EmbeddingFunction

from conftest import ROOT, ChromaProcess, thoth_only

pytestmark = thoth_only

NOTES = ROOT / "Tests" / "Fixtures" / "notes" / "pip"
DIM = 12


def paragraphs():
    """Real text: the paragraphs of pip's user-guide pages (Tests/Fixtures/notes)."""
    found = []
    for note in sorted(NOTES.glob("*.md")):
        for block in note.read_text().split("\n\n"):
            block = " ".join(block.split())
            if len(block) > 40 and not block.startswith("```"):
                found.append(block)
    return found


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    process = ChromaProcess(path=str(tmp_path_factory.mktemp("search")))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def corpus(store):
    client = chromadb.HttpClient(host="127.0.0.1", port=store.port)
    schema = Schema().create_index(config=VectorIndexConfig(space="cosine")).create_index(
        config=SparseVectorIndexConfig(source_key=K.DOCUMENT, embedding_function=ChromaBm25EmbeddingFunction(),
                                       bm25=True), key="bm25")
    collection = client.create_collection("papers", schema=schema, embedding_function=None)
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    texts = paragraphs()
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(texts), DIM)).astype(np.float32)
    ids = [f"p{i:03}" for i in range(len(texts))]
    metadatas = [{"group": i % 4, "n": i, "kind": ["a", "b", "c"][i % 3]} for i in range(len(texts))]
    for start in range(0, len(texts), 100):
        collection.add(ids=ids[start:start + 100], embeddings=vectors[start:start + 100].tolist(),
                       documents=texts[start:start + 100], metadatas=metadatas[start:start + 100])
    stored = collection.get(include=["metadatas", "documents", "embeddings"])
    return collection, stored


class Brute:
    """The same search, by brute force over what the collection holds."""

    def __init__(self, stored, space="cosine", bm25=True):
        self.ids = stored["ids"]
        self.X = np.array(stored["embeddings"], dtype=np.float64)
        self.docs = stored["documents"]
        self.metas = stored["metadatas"]
        self.space = space
        self.bm25 = bm25
        self.sparse = [m.get("bm25") if m else None for m in self.metas]

    def allowed(self, where):
        return [i for i in range(len(self.ids)) if where is None or self.match(where, i)]

    def match(self, where, i):
        if not where:
            return True
        (key, value), = where.items()
        if key == "$and":
            return all(self.match(w, i) for w in value)
        if key == "$or":
            return any(self.match(w, i) for w in value)
        if key == "#id":
            (op, operand), = value.items()
            return (self.ids[i] in operand) if op == "$in" else (self.ids[i] not in operand)
        if key == "#document":
            (op, operand), = value.items()
            return (operand in self.docs[i]) == (op == "$contains")
        stored = self.metas[i].get(key)
        op, operand = next(iter(value.items())) if isinstance(value, dict) else ("$eq", value)
        if op in ("$eq", "$ne"):
            return (stored == operand) == (op == "$eq")
        if op in ("$in", "$nin"):
            return (stored in operand) == (op == "$in")
        if stored is None:
            return False
        return {"$gt": stored > operand, "$gte": stored >= operand, "$lt": stored < operand,
                "$lte": stored <= operand}[op]

    def knn(self, spec, rows):
        query = spec["query"]
        if isinstance(query, str):  # the client embeds a text query with the key's BM25 function
            embedded = ChromaBm25EmbeddingFunction().embed_query([query])[0]
            query = {"indices": embedded.indices, "values": embedded.values}
        if isinstance(query, dict):
            q = dict(zip(query["indices"], query["values"]))
            if self.bm25:
                n = len(self.ids)
                for index in q:
                    nt = sum(1 for s in self.sparse if s and index in s.indices)
                    q[index] *= math.log1p((n - nt + 0.5) / (nt + 0.5))
            scored = []
            for i in rows:
                s = self.sparse[i]
                if s is None:
                    continue
                overlap = [v * q[d] for d, v in zip(s.indices, s.values) if d in q]
                if overlap:
                    scored.append((1 - sum(overlap), i))
        else:
            q = np.array(query, dtype=np.float64)
            if self.space == "cosine":
                X = self.X / np.linalg.norm(self.X, axis=1, keepdims=True)
                d = 1 - X @ (q / np.linalg.norm(q))
            elif self.space == "ip":
                d = 1 - self.X @ q
            else:
                d = ((self.X - q) ** 2).sum(1)
            scored = [(d[i], i) for i in rows]
        scored.sort()
        top = scored[:spec.get("limit", 16)]
        return {i: (float(pos) if spec.get("return_rank") else float(s)) for pos, (s, i) in enumerate(top)}, \
            spec.get("default")

    def rank(self, expr, rows):
        (op, arg), = expr.items()
        if op == "$knn":
            return self.knn(arg, rows)
        if op == "$val":
            return {}, arg
        if op in ("$abs", "$exp", "$log"):
            f = {"$abs": abs, "$exp": math.exp, "$log": lambda v: math.log(v) if v > 0 else float("nan")}[op]
            support, default = self.rank(arg, rows)
            return {i: f(v) for i, v in support.items()}, (None if default is None else f(default))
        if op in ("$sub", "$div"):
            parts = [self.rank(arg["left"], rows), self.rank(arg["right"], rows)]
            f = (lambda a, b: a - b) if op == "$sub" else (lambda a, b: a / b)
        else:
            parts = [self.rank(a, rows) for a in arg]
            f = {"$sum": lambda a, b: a + b, "$mul": lambda a, b: a * b, "$max": max, "$min": min}[op]
            start = {"$sum": 0.0, "$mul": 1.0, "$max": -3.4028234663852886e38, "$min": 3.4028234663852886e38}[op]
            parts = [({}, start)] + parts
        support, default = parts[0]
        for other, other_default in parts[1:]:
            keys = (set(support) | set(other)) if default is not None and other_default is not None else \
                set(other) if default is not None else set(support) if other_default is not None else \
                set(support) & set(other)
            support = {i: f(support.get(i, default), other.get(i, other_default)) for i in keys}
            default = f(default, other_default) if default is not None and other_default is not None else None
        return support, default

    def search(self, s):
        d = s.to_dict()
        rows = self.allowed(d["filter"])
        if d["rank"] is None:
            ranked = [(None, i) for i in rows]
        else:
            support, _ = self.rank(d["rank"], rows)
            ranked = sorted((v, i) for i, v in support.items())
        group = d["group_by"]
        if group:
            def value(key, entry):
                return entry[0] if key == "#score" else self.metas[entry[1]].get(key)
            groups = {}
            for entry in ranked:
                groups.setdefault(tuple(value(k, entry) for k in group["keys"]), []).append(entry)
            (agg, spec), = group["aggregate"].items()
            kept = []
            for members in groups.values():
                members = sorted(members, key=lambda e: tuple(value(k, e) for k in spec["keys"]),
                                 reverse=(agg == "$max_k"))
                kept += members[:spec["k"]]
            ranked = sorted(kept)
        limit = d["limit"]
        start = limit.get("offset", 0)
        end = start + limit["limit"] if limit.get("limit") is not None else None
        return ranked[start:end]


def check(collection, stored, searches, brute=None):
    brute = brute or Brute(stored)
    result = collection.search(searches)
    for n, s in enumerate(searches):
        expected = brute.search(s)
        assert result["ids"][n] == [brute.ids[i] for _, i in expected], s.to_dict()
        if result["scores"][n] is not None and expected and expected[0][0] is not None:
            np.testing.assert_allclose(result["scores"][n], [v for v, _ in expected], rtol=1e-4, atol=1e-5)
    return result


def test_dense_knn_is_exact_with_filters_and_pages(corpus):
    collection, stored = corpus
    rng = np.random.default_rng(11)
    q = rng.normal(size=DIM).tolist()
    check(collection, stored, [
        Search().rank(Knn(query=q, limit=25)).limit(10).select(K.SCORE),
        Search().where(K("group") == 2).rank(Knn(query=q, limit=40)).limit(5, offset=3).select(K.SCORE, K.DOCUMENT),
        Search().where((K("n") >= 30) & (K("kind") != "b")).rank(Knn(query=q, limit=12, return_rank=True)).select(K.SCORE),
        Search().where(K.ID.is_in(["p001", "p005", "p007", "p100"])).rank(Knn(query=q)).select(K.SCORE),
        Search().where(K.DOCUMENT.contains("hash")).rank(Knn(query=q, limit=100)).select(K.SCORE),
        Search().where(K("group").is_in([0, 3])).limit(7),
    ])


def test_bm25_sparse_knn_is_exact_and_weighted_by_idf(corpus):
    collection, stored = corpus
    assert stored["metadatas"][0]["bm25"].indices, "the client's BM25 function filled the sparse key"
    for text in ["percent-encoding of special characters in a password", "hash-checking mode requirements",
                 "keyring authentication", "cache directory"]:
        check(collection, stored, [
            Search().rank(Knn(query=text, key="bm25", limit=20)).limit(10).select(K.SCORE, K.DOCUMENT),
            Search().where(K("group") != 1).rank(Knn(query=text, key="bm25", limit=8)).select(K.SCORE),
        ])
    top = collection.search(Search().rank(Knn(query="netrc file credentials", key="bm25")).limit(1).select(K.DOCUMENT))
    assert "netrc" in top["documents"][0][0]


def test_hybrid_rrf_and_rank_arithmetic(corpus):
    collection, stored = corpus
    rng = np.random.default_rng(3)
    q = rng.normal(size=DIM).tolist()
    text = "installing from a requirements file with hashes"
    dense = Knn(query=q, return_rank=True, limit=60)
    sparse = Knn(query=text, key="bm25", return_rank=True, limit=60)
    check(collection, stored, [
        Search().rank(Rrf([dense, sparse])).limit(10).select(K.SCORE),
        Search().rank(Rrf([dense, sparse], weights=[3.0, 1.0], normalize=True, k=20)).limit(10).select(K.SCORE),
        Search().rank(Knn(query=q, limit=50) * 0.5 + Knn(query=text, key="bm25", limit=50, default=1.0) * 0.5)
        .limit(15).select(K.SCORE),
        Search().rank(Knn(query=q, limit=30).abs().max(Knn(query=text, key="bm25", limit=30, default=0.9)))
        .select(K.SCORE),
        Search().rank((Knn(query=q, limit=30) + 1).log() - Knn(query=q, limit=30).exp() / 4).select(K.SCORE),
        Search().rank(Knn(query=q, limit=30, default=5.0).min(Knn(query=text, key="bm25", limit=30, default=5.0)))
        .limit(20).select(K.SCORE),
    ])


def test_group_by_keeps_k_per_group_in_score_order(corpus):
    collection, stored = corpus
    q = np.random.default_rng(5).normal(size=DIM).tolist()
    result = check(collection, stored, [
        Search().rank(Knn(query=q, limit=80)).group_by(GroupBy(keys=K("group"), aggregate=MinK(keys=K.SCORE, k=2)))
        .select(K.SCORE, "group"),
        Search().rank(Knn(query=q, limit=80)).group_by(GroupBy(keys=[K("group"), K("kind")],
                                                               aggregate=MaxK(keys=K("n"), k=1))).select(K.SCORE),
    ])
    groups = [m["group"] for m in result["metadatas"][0]]
    assert sorted(groups) == [0, 0, 1, 1, 2, 2, 3, 3]


def test_select_and_the_response_shape(corpus):
    collection, stored = corpus
    q = np.random.default_rng(9).normal(size=DIM).tolist()
    result = collection.search([
        Search().rank(Knn(query=q)).limit(2).select(K.DOCUMENT, K.EMBEDDING, K.METADATA, K.SCORE),
        Search().rank(Knn(query=q)).limit(2).select("kind", "n"),
        Search().rank(Knn(query=q)).limit(2),
    ])
    assert result["select"] == [["#document", "#embedding", "#metadata", "#score"], ["kind", "n"], []]
    assert len(result["embeddings"][0][0]) == DIM and "bm25" in result["metadatas"][0][0]
    assert set(result["metadatas"][1][0]) == {"kind", "n"}
    assert result["documents"][1] is None and result["scores"][1] is None and result["metadatas"][2] is None
    rows = result.rows()
    assert rows[0][0]["id"] == result["ids"][0][0] and rows[0][0]["score"] == result["scores"][0][0]


HOSTILE = [
    ({"rank": {"$abs": {"$abs": {}}}}, "exactly one operator"),
    ({"rank": {"$knn": {"query": "text"}}}, "embedded by the client"),
    ({"rank": {"$knn": {"query": [1.0, 2.0], "limit": 10 ** 12}}}, "limit"),
    ({"rank": {"$knn": {"query": [0.1] * DIM, "key": "bm25"}}}, "sparse vectors"),
    ({"rank": {"$knn": {"query": [0.1] * 3}}}, "dimension"),
    ({"rank": {"$knn": {"query": [0.1] * DIM}, "extra": 1}}, "exactly one operator"),
    ({"rank": {"$pow": [{"$val": 1}]}}, "Unknown rank operator"),
    ({"rank": {"$knn": {"query": [0.1] * DIM, "bogus": 1}}}, "Unknown $knn field"),
    ({"filter": {"n": {"$near": 3}}}, "Invalid filter"),
    ({"group_by": {"keys": ["group"]}}, "group_by"),
    ({"limit": {"limit": -1}}, "limit"),
    ({"select": {"keys": [3]}}, "select"),
    ({"unknown": 1}, "Unknown search field"),
]


@pytest.mark.parametrize("search,message", HOSTILE)
def test_malformed_searches_are_clear_errors(corpus, store, search, message):
    collection, _ = corpus
    url = f"{store.url}/api/v2/tenants/default_tenant/databases/default_database/collections/{collection.id}/search"
    reply = requests.post(url, json={"searches": [search]})
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "InvalidArgumentError" and message in reply.json()["message"]


def test_hostile_arithmetic_and_nesting_fail_cleanly(corpus, store):
    collection, _ = corpus
    url = f"{store.url}/api/v2/tenants/default_tenant/databases/default_database/collections/{collection.id}/search"
    knn = {"$knn": {"query": [0.2] * DIM, "limit": 5}}
    for rank in [{"$div": {"left": knn, "right": {"$val": 0}}}, {"$log": {"$mul": [knn, {"$val": -1}]}}]:
        reply = requests.post(url, json={"searches": [{"rank": rank, "select": {"keys": ["#score"]}}]})
        assert reply.status_code == 400 and "not a finite number" in reply.json()["message"]
    deep = knn
    for _ in range(200):
        deep = {"$abs": deep}
    reply = requests.post(url, json={"searches": [{"rank": deep}]})
    assert reply.status_code in (400, 422) and reply.json()["message"]
    assert requests.get(f"{store.url}/api/v2/heartbeat").ok
    # A malformed sparse vector is refused on write, whole batch, nothing written.
    add = url.replace("/search", "/add")
    bad = {"#type": "sparse_vector", "indices": [5, 2], "values": [1.0, 2.0]}
    reply = requests.post(add, json={"ids": ["x1", "x2"], "embeddings": [[0.0] * DIM, [0.0] * DIM],
                                     "metadatas": [{"bm25": bad}, {"n": 1}]})
    assert reply.status_code in (400, 422) and "metadata" in reply.json()["message"].lower(), reply.text
    assert collection.get(ids=["x1", "x2"])["ids"] == []


def test_writes_keep_the_sparse_index_in_step_and_it_survives_a_restart(store, tmp_path):
    client = chromadb.HttpClient(host="127.0.0.1", port=store.port)
    schema = Schema().create_index(config=SparseVectorIndexConfig(
        source_key=K.DOCUMENT, embedding_function=ChromaBm25EmbeddingFunction(), bm25=True), key="bm25")
    collection = client.create_collection("changing", schema=schema, embedding_function=None)
    texts = paragraphs()[:120]
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(len(texts), DIM)).tolist()
    collection.add(ids=[f"c{i}" for i in range(len(texts))], embeddings=vectors, documents=texts)
    collection.delete(ids=[f"c{i}" for i in range(0, 120, 7)])
    collection.update(ids=["c3", "c10"], embeddings=rng.normal(size=(2, DIM)).tolist(),
                      documents=["pip caches wheels it builds", "keyring and netrc credentials"])
    collection.upsert(ids=["c500"], embeddings=[rng.normal(size=DIM).tolist()], documents=["hash checking of caches"])
    searches = [Search().rank(Knn(query=t, key="bm25", limit=15)).select(K.SCORE)
                for t in ["caches wheels", "netrc credentials", "hash checking", "constraints file"]]
    stored = collection.get(include=["metadatas", "documents", "embeddings"])
    before = check(collection, stored, searches, Brute(stored, space="l2"))
    # The updated documents are found by their new words, the deleted ones not at all.
    assert "c3" in before["ids"][0] and "c10" in before["ids"][1] and "c500" in before["ids"][2]
    assert not {f"c{i}" for i in range(0, 120, 7)} & {i for ids in before["ids"] for i in ids}
    store.stop()
    again = ChromaProcess(path=store.path)
    try:
        reopened = chromadb.HttpClient(host="127.0.0.1", port=again.port).get_collection("changing")
        assert reopened.search(searches)["ids"] == before["ids"]
    finally:
        again.stop()
