"""Chroma 1.5.9's collection schema, trace ids and id-filtered queries, with the official client.
The same tests pass against a real `chroma run` (`make test-against-chroma`), so they describe
Chroma, not our guesses."""

import pytest
import requests
from chromadb import Schema
from chromadb.api.types import FtsIndexConfig, SparseVectorIndexConfig, StringInvertedIndexConfig, VectorIndexConfig
from chromadb.errors import ChromaError, InternalError, InvalidArgumentError

from conftest import TARGET


def index(schema, key, value_type, name):
    """`{"enabled", "config"}` of one index in a collection's schema, as the server returned it."""
    section = schema["keys"][key] if key else schema["defaults"]
    return section[value_type][name]


def served_schema(client, name):
    return client.get_collection(name, embedding_function=None).schema.serialize_to_json()


def test_a_new_collection_has_the_resolved_default_schema(client):
    created = client.create_collection("plain", embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
    for schema in [created.schema.serialize_to_json(), served_schema(client, "plain"),
                   client.get_or_create_collection("plain", embedding_function=None).schema.serialize_to_json(),
                   next(c for c in client.list_collections() if c.name == "plain").schema.serialize_to_json()]:
        assert index(schema, None, "string", "string_inverted_index")["enabled"] is True
        assert index(schema, None, "string", "fts_index")["enabled"] is False
        for value_type in ["int", "float", "bool"]:
            assert index(schema, None, value_type, f"{value_type}_inverted_index")["enabled"] is True
        assert index(schema, None, "sparse_vector", "sparse_vector_index")["enabled"] is False
        assert index(schema, "#document", "string", "fts_index")["enabled"] is True
        assert index(schema, "#document", "string", "string_inverted_index")["enabled"] is False
        vector = index(schema, "#embedding", "float_list", "vector_index")
        assert vector["enabled"] is True and vector["config"]["space"] == "cosine"
        assert vector["config"]["source_key"] == "#document"
        assert vector["config"]["hnsw"]["ef_search"] == 100 and vector["config"]["hnsw"]["max_neighbors"] == 16


def test_metadata_keys_are_discovered_with_their_types(client):
    collection = client.create_collection("discovered", embedding_function=None)
    collection.add(ids=["a", "b"], embeddings=[[1.0, 0.0], [0.0, 1.0]],
                   metadatas=[{"topic": "search", "year": 2020}, {"score": 0.5, "read": True}])
    keys = served_schema(client, "discovered")["keys"]
    assert keys["topic"]["string"]["string_inverted_index"]["enabled"] is True
    assert set(keys["year"]) == {"int"} and set(keys["score"]) == {"float"} and set(keys["read"]) == {"bool"}
    # A second type for a key joins the first.
    collection.upsert(ids=["c"], embeddings=[[1.0, 1.0]], metadatas=[{"year": "unknown"}])
    assert set(served_schema(client, "discovered")["keys"]["year"]) == {"int", "string"}
    assert collection.get(where={"year": "unknown"})["ids"] == ["c"]


def test_a_disabled_inverted_index_refuses_where_on_that_key(client):
    schema = Schema()
    schema.delete_index(config=StringInvertedIndexConfig(), key="secret")
    collection = client.create_collection("switched", schema=schema, embedding_function=None)
    collection.add(ids=["a"], embeddings=[[1.0, 0.0]], metadatas=[{"secret": "x", "open": "y"}], documents=["hello"])
    served = served_schema(client, "switched")
    assert index(served, "secret", "string", "string_inverted_index")["enabled"] is False
    with pytest.raises(InvalidArgumentError, match="Cannot filter using metadata key 'secret' with type 'Str' "
                                                   "because indexing is disabled"):
        collection.get(where={"secret": "x"})
    with pytest.raises(InvalidArgumentError):
        collection.query(query_embeddings=[[1.0, 0.0]], where={"$or": [{"open": "y"}, {"secret": "x"}]})
    assert collection.get(where={"open": "y"})["ids"] == ["a"]
    # Another type on the same key is still indexed.
    collection.add(ids=["b"], embeddings=[[0.0, 1.0]], metadatas=[{"secret": 3}])
    assert collection.get(where={"secret": 3})["ids"] == ["b"]
    # Deleting and re-creating the collection starts from the default schema again.
    client.delete_collection("switched")
    again = client.create_collection("switched", embedding_function=None)
    again.add(ids=["a"], embeddings=[[1.0, 0.0]], metadatas=[{"secret": "x"}])
    assert again.get(where={"secret": "x"})["ids"] == ["a"]


def test_disabled_full_text_search_refuses_where_document(client):
    schema = Schema()
    schema.delete_index(config=FtsIndexConfig(), key="#document")
    collection = client.create_collection("no-fts", schema=schema, embedding_function=None)
    collection.add(ids=["a"], embeddings=[[1.0, 0.0]], documents=["hello world"])
    assert index(served_schema(client, "no-fts"), "#document", "string", "fts_index")["enabled"] is False
    with pytest.raises(InvalidArgumentError, match="Cannot filter using full-text search because FTS indexing is "
                                                   "disabled"):
        collection.get(where_document={"$contains": "hello"})
    assert collection.get(ids=["a"])["documents"] == ["hello world"]


def test_a_sparse_vector_index_is_served_here_where_local_chroma_refuses_it(client, server):
    schema = Schema()
    schema.create_index(config=SparseVectorIndexConfig(), key="sparse")
    if TARGET == "chroma":
        with pytest.raises(InvalidArgumentError, match="Sparse vector indexing is not enabled in local"):
            client.create_collection("sparse", schema=schema, embedding_function=None)
        assert "sparse" not in [c.name for c in client.list_collections()]
        return
    # The Search API's sparse $knn needs it (test_chroma_search.py); one per collection.
    client.create_collection("sparse", schema=schema, embedding_function=None)
    assert index(served_schema(client, "sparse"), "sparse", "sparse_vector", "sparse_vector_index")["enabled"] is True
    two = {"keys": {name: {"sparse_vector": {"sparse_vector_index": {"enabled": True, "config": {}}}}
                    for name in ("a", "b")}}
    reply = requests.post(server.url + "/api/v2/tenants/default_tenant/databases/default_database/collections",
                          json={"name": "two-sparse", "schema": two})
    assert reply.status_code == 400 and "Only one sparse vector index" in reply.json()["message"]


def test_schema_and_configuration_stay_in_step(client):
    collection = client.create_collection("tuned", embedding_function=None,
                                          configuration={"hnsw": {"space": "ip", "ef_search": 50}})
    vector = index(served_schema(client, "tuned"), "#embedding", "float_list", "vector_index")["config"]
    assert vector["space"] == "ip" and vector["hnsw"]["ef_search"] == 50
    collection.modify(configuration={"hnsw": {"ef_search": 77}})
    fetched = client.get_collection("tuned", embedding_function=None)
    assert fetched.configuration_json["hnsw"]["ef_search"] == 77
    assert index(fetched.schema.serialize_to_json(), "#embedding", "float_list", "vector_index")["config"]["hnsw"][
        "ef_search"] == 77
    # A schema that names the space decides the collection's space.
    schema = Schema()
    schema.create_index(config=VectorIndexConfig(space="cosine"))
    spaced = client.create_collection("spaced", schema=schema, embedding_function=None)
    assert index(spaced.schema.serialize_to_json(), "#embedding", "float_list", "vector_index")["config"]["space"] \
        == "cosine"
    spaced.add(ids=["a"], embeddings=[[3.0, 0.0]])
    assert spaced.query(query_embeddings=[[1.0, 0.0]], n_results=1)["distances"][0][0] == pytest.approx(0.0, abs=1e-6)
    # Both at once is refused.
    with pytest.raises(InvalidArgumentError, match="Cannot set both collection config and schema simultaneously"):
        client.create_collection("both", schema=schema, embedding_function=None,
                                 configuration={"hnsw": {"space": "cosine"}})


def test_errors_carry_a_trace_id(client, server):
    response = requests.post(f"{server.url}/api/v2/tenants/default_tenant/databases/default_database/collections"
                             "/not-a-uuid/get", json={})
    assert response.status_code == 400 and len(response.headers["chroma-trace-id"]) == 32
    int(response.headers["chroma-trace-id"], 16)
    with pytest.raises(ChromaError) as raised:
        client.get_collection("nobody-made-this")
    assert raised.value.trace_id is not None


def test_query_by_ids_names_missing_ids_and_sees_upserts(client):
    collection = client.create_collection("by-ids", embedding_function=None)
    collection.add(ids=["a", "b"], embeddings=[[1.0, 0.0], [0.0, 1.0]], metadatas=[{"v": 1}, {"v": 1}])
    collection.delete(ids=["b"])
    with pytest.raises(InternalError, match="Error finding id"):
        collection.query(query_embeddings=[[1.0, 0.0]], ids=["a", "b"], n_results=1)
    collection.upsert(ids=["a"], embeddings=[[1.0, 0.0]], metadatas=[{"v": 2}])
    found = collection.query(query_embeddings=[[1.0, 0.0]], ids=["a"], n_results=1)
    assert found["ids"] == [["a"]] and found["metadatas"] == [[{"v": 2}]]


def test_the_configuration_decides_the_vector_index_settings(client, server):
    """A schema sent with its own embedding function and no hnsw settings: the server keeps the
    configuration's embedding function (none, or the one sent) and fills in the hnsw settings."""
    collections = f"{server.url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    schema = Schema().serialize_to_json()
    assert schema["keys"]["#embedding"]["float_list"]["vector_index"]["config"]["embedding_function"]["name"] \
        == "default"
    plain = requests.post(collections, json={"name": "schema-only", "schema": schema}).json()
    vector = plain["schema"]["keys"]["#embedding"]["float_list"]["vector_index"]["config"]
    assert "embedding_function" not in vector and vector["hnsw"]["max_neighbors"] == 16
    assert plain["configuration_json"]["embedding_function"] is None
    function = {"type": "known", "name": "openai", "config": {"model_name": "text-embedding-3-small"}}
    both = requests.post(collections, json={"name": "schema-and-function", "schema": schema,
                                            "configuration": {"embedding_function": function}}).json()
    for section in [both["schema"]["keys"]["#embedding"], both["schema"]["defaults"]]:
        assert section["float_list"]["vector_index"]["config"]["embedding_function"] == function
    assert both["configuration_json"]["embedding_function"] == function


def test_an_index_disabled_by_default_can_be_enabled_for_one_key(client):
    schema = Schema()
    schema.delete_index(config=StringInvertedIndexConfig())  # off for every key…
    schema.create_index(config=StringInvertedIndexConfig(), key="kept")  # …but this one
    collection = client.create_collection("reenabled", schema=schema, embedding_function=None)
    collection.add(ids=["a"], embeddings=[[1.0, 0.0]], metadatas=[{"kept": "x", "other": "y"}])
    assert collection.get(where={"kept": "x"})["ids"] == ["a"]
    with pytest.raises(InvalidArgumentError, match="Cannot filter using metadata key 'other' with type 'Str'"):
        collection.get(where={"other": "y"})
    served = served_schema(client, "reenabled")
    assert index(served, None, "string", "string_inverted_index")["enabled"] is False
    assert index(served, "kept", "string", "string_inverted_index")["enabled"] is True
