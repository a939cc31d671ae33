"""Chroma's wire rules that clients rely on, and hostile input, over raw HTTP."""

import base64
import json
import struct

import pytest
import requests

from conftest import TARGET, ChromaProcess, thoth_only

V2 = "/api/v2/tenants/default_tenant/databases/default_database"


@pytest.fixture
def api(server, client):
    def call(method, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return requests.request(method, server.url + path, data=data, headers=headers or {}, timeout=30)
    return call


@pytest.fixture
def collection_id(api):
    response = api("POST", V2 + "/collections", {"name": "wire", "metadata": {"hnsw:space": "l2"}})
    assert response.status_code == 200
    return response.json()["id"]


def b64(vector):
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def assert_error(response, status, name):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == name and isinstance(body["message"], str)


def test_system_routes(api, collection_id):
    assert api("GET", "/api/v2/heartbeat").json()["nanosecond heartbeat"] > 0
    assert api("GET", "/api/v2").json()["nanosecond heartbeat"] > 0
    checks = api("GET", "/api/v2/pre-flight-checks").json()
    assert checks["max_batch_size"] > 0 and checks["supports_base64_encoding"] is True
    assert api("GET", f"{V2}/collections/{collection_id}/count").json() == 0
    assert api("GET", f"{V2}/collections_count").json() == 1
    assert api("GET", "/api/v2/healthcheck").status_code == 200


@thoth_only
def test_v1_heartbeat_and_json_404(api):
    # Chroma 1.5.9 answers /api/v1 with 410; the original Thoth health check and 0.4/0.5 clients need it.
    assert api("GET", "/api/v1/heartbeat").json()["nanosecond heartbeat"] > 0
    assert_error(api("GET", "/api/v2/no/such/route"), 404, "NotFoundError")


def test_bodies_without_content_type_are_json(api, collection_id):
    response = api("POST", f"{V2}/collections/{collection_id}/add", raw=json.dumps({"ids": ["a"], "embeddings": [[1, 2]]}))
    assert response.status_code == 201 and response.json() == {}


def test_wrong_content_type_is_415(api, collection_id):
    response = api("POST", f"{V2}/collections/{collection_id}/get", raw="{}",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415, "ChromaError")


def test_malformed_json_is_400_and_wrong_shape_422(api, collection_id):
    assert_error(api("POST", f"{V2}/collections/{collection_id}/add", raw="{\"ids\": [\"a\"], "), 400, "InvalidArgumentError")
    assert_error(api("POST", f"{V2}/collections/{collection_id}/add", {"ids": "a", "embeddings": [[1]]}), 422, "ChromaError")
    assert_error(api("POST", f"{V2}/collections/{collection_id}/add", {"ids": ["a"], "embeddings": [["x"]]}), 422, "ChromaError")
    assert_error(api("POST", f"{V2}/collections/{collection_id}/get", {"limit": -1}), 422, "ChromaError")
    assert api("POST", f"{V2}/collections/{collection_id}/get", {}).json()["ids"] == []


def test_base64_errors_and_nan_write_nothing(api, collection_id):
    url = f"{V2}/collections/{collection_id}/add"
    assert_error(api("POST", url, {"ids": ["a"], "embeddings": ["AAA"]}), 400, "InvalidArgumentError")
    assert_error(api("POST", url, {"ids": ["a"], "embeddings": ["!AAAAAAA"]}), 400, "InvalidArgumentError")
    assert_error(api("POST", url, {"ids": ["a"], "embeddings": ["AAAAAAAA"]}), 400, "InvalidArgumentError")
    nan = base64.b64encode(struct.pack("<2f", 1.0, float("nan"))).decode()
    assert_error(api("POST", url, {"ids": ["a", "b"], "embeddings": [b64([1, 2]), nan]}), 400, "InvalidArgumentError")
    assert_error(api("POST", url, {"ids": ["a"], "embeddings": [[1e39, 1]]}), 400, "InvalidArgumentError")
    assert api("GET", f"{V2}/collections/{collection_id}/count").json() == 0


def test_base64_and_float_lists_store_the_same_vector(api, collection_id):
    url = f"{V2}/collections/{collection_id}"
    assert api("POST", url + "/add", {"ids": ["a"], "embeddings": [b64([0.1, -2.5])]}).status_code == 201
    assert api("POST", url + "/add", {"ids": ["b"], "embeddings": [[0.10000000149011612, -2.5]]}).status_code == 201
    got = api("POST", url + "/get", {"include": ["embeddings"]}).json()
    assert got["embeddings"][0] == got["embeddings"][1] == [0.1, -2.5]
    assert got["include"] == ["embeddings"]


def test_query_response_shape(api, collection_id):
    url = f"{V2}/collections/{collection_id}"
    api("POST", url + "/add", {"ids": ["a", "b"], "embeddings": [[1, 0], [0, 1]], "uris": ["u1", None]})
    result = api("POST", url + "/query", {"query_embeddings": [[1, 0], [0, 1]], "n_results": 1,
                                          "include": ["distances", "uris", "embeddings"]}).json()
    assert result["ids"] == [["a"], ["b"]]
    assert result["uris"] == [["u1"], [None]]
    assert result["embeddings"] == [[[1.0, 0.0]], [[0.0, 1.0]]]
    assert result["documents"] is None
    assert api("POST", url + "/query", {"query_embeddings": []}).json()["ids"] == []
    assert_error(api("POST", url + "/query", {"query_embeddings": [b64([1, 0])]}), 422, "ChromaError")


def test_delete_counts(api, collection_id):
    url = f"{V2}/collections/{collection_id}"
    api("POST", url + "/add", {"ids": ["d1", "d2"], "embeddings": [[1], [2]]})
    # Chroma 1.5.9 counts the ids asked for (2 here); thoth reports what it deleted.
    expected = 1 if TARGET == "thoth" else 2
    assert api("POST", url + "/delete", {"ids": ["d1", "nonexist"]}).json() == {"deleted": expected}
    assert api("POST", url + "/delete", {}).json() == {"deleted": 0}
    assert_error(api("POST", url + "/delete", {"ids": []}), 400, "InvalidArgumentError")


@thoth_only
def test_fork_copies_a_collection(api, collection_id):
    # Chroma's local server answers 501 here; brute force makes a fork a plain copy.
    url = f"{V2}/collections/{collection_id}"
    api("POST", url + "/add", {"ids": ["a", "b"], "embeddings": [[1, 0], [0, 1]], "documents": ["x", "y"]})
    fork = api("POST", url + "/fork", {"new_name": "wire-copy"})
    assert fork.status_code == 200 and fork.json()["name"] == "wire-copy"
    copied = api("POST", f"{V2}/collections/{fork.json()['id']}/get", {"include": ["documents"]}).json()
    assert copied["ids"] == ["a", "b"] and copied["documents"] == ["x", "y"]
    assert api("GET", url + "/fork_count").json() == {"count": 1}
    assert_error(api("POST", url + "/fork", {"new_name": "wire-copy"}), 409, "UniqueConstraintError")
    assert api("GET", url + "/indexing_status").json()["op_indexing_progress"] == 1.0


def test_collection_id_rules(api):
    assert_error(api("POST", f"{V2}/collections/not-a-uuid/get", {}), 400, "InvalidArgumentError")
    assert_error(api("POST", f"{V2}/collections/00000000-0000-0000-0000-000000000009/get", {}), 404, "NotFoundError")
    assert_error(api("GET", f"{V2}/collections/by-id/not-a-uuid"), 400, "InvalidArgumentError")


def test_percent_encoded_tenant_names(api):
    assert api("POST", "/api/v2/tenants", {"name": "ab cd"}).status_code == 200
    assert api("GET", "/api/v2/tenants/ab%20cd").json() == {"name": "ab cd", "resource_name": None}
    # Chroma 1.5.9 names it ChromaError; thoth sends its subclass UniqueConstraintError (what 0.5/0.6 sent).
    response = api("POST", "/api/v2/tenants", {"name": "ab cd"})
    assert response.status_code == 409 and response.json()["error"] in ("UniqueConstraintError", "ChromaError")


def test_malformed_filters_get_clear_errors(api, collection_id):
    url = f"{V2}/collections/{collection_id}"
    assert_error(api("POST", url + "/get", {"where": {"a": 1, "b": 2}}), 400, "InvalidArgumentError")
    assert_error(api("POST", url + "/get", {"where": {"a": {"$gt": "x"}}}), 400, "InvalidArgumentError")
    assert_error(api("POST", url + "/get", {"where_document": {"$foo": "x"}}), 400, "InvalidArgumentError")
    assert_error(api("POST", url + "/get", {"where_document": {"$regex": "("}}), 400, "InvalidArgumentError")


@thoth_only
def test_hostile_filters_are_bounded(api, collection_id):
    # ICU's regex engine backtracks (Rust's, in Chroma, does not): thoth bounds its time instead.
    url = f"{V2}/collections/{collection_id}"
    api("POST", url + "/add", {"ids": ["a"], "embeddings": [[1]], "documents": ["a" * 5000 + "!"]})
    deep = {"n": 1}
    for _ in range(200):
        deep = {"$and": [deep]}
    assert api("POST", url + "/get", {"where": deep}).status_code == 400
    assert_error(api("POST", url + "/get", {"where_document": {"$regex": "(a+)+$"}}), 400, "InvalidArgumentError")
    assert api("GET", "/api/v2/heartbeat").status_code == 200


@thoth_only
def test_reset_is_refused_unless_enabled():
    server = ChromaProcess()
    try:
        response = requests.post(server.url + "/api/v2/reset", timeout=10)
        assert_error(response, 403, "ChromaError")
    finally:
        server.stop()


@thoth_only
def test_token_auth_and_body_limit():
    server = ChromaProcess("--max-body-mib", "1", env={"CHROMA_SERVER_AUTHN_CREDENTIALS": "s3cret"})
    try:
        identity = server.url + "/api/v2/auth/identity"
        assert requests.get(server.url + "/api/v2/heartbeat", timeout=10).status_code == 200
        assert_error(requests.get(identity, timeout=10), 401, "AuthorizationError")
        assert requests.get(identity, headers={"Authorization": "Bearer s3cret"}, timeout=10).status_code == 200
        assert requests.get(identity, headers={"X-Chroma-Token": "s3cret"}, timeout=10).status_code == 200
        big = json.dumps({"name": "x" * (2 << 20)})
        response = requests.post(server.url + "/api/v2/tenants", data=big, headers={"X-Chroma-Token": "s3cret"}, timeout=10)
        assert response.status_code == 413 and response.json()["error"] == "ChromaError"
    finally:
        server.stop()
