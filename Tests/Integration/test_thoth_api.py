import base64
"""Thoth's REST API on its own port, from the real binary: health, chat sessions, research chat,
the command route, metrics, the OpenAPI document, CORS, auth, the concurrency limit and a
graceful stop."""

import concurrent.futures
import signal
import time

import pytest
import requests

from conftest import ROOT, JSONHandler, serve, thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only


@pytest.fixture(scope="module")
def thoth():
    server = ThothServer()
    yield server
    assert server.stop() == 0, server.output()


def test_health_reports_every_service_truthfully(thoth):
    reply = requests.get(thoth.api + "/health")
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "healthy" and body["healthy"] is True
    services = body["services"]
    assert set(services) >= {"api", "vector_store", "rag", "llm", "chat", "mcp", "chroma"}
    assert services["llm"]["status"] == "offline"  # no key: answers come from the passages
    assert services["mcp"]["status"] == "healthy" and services["mcp"]["port"] == thoth.mcp_port
    assert services["chroma"]["status"] == "healthy"
    assert services["rag"]["embedding_model"] == "all-MiniLM-L6-v2"
    assert requests.get(thoth.mcp + "/health").json() == {"status": "ok", "protocol": "MCP", "version": "2025-06-18"}
    assert "nanosecond heartbeat" in requests.get(thoth.chroma + "/api/v2/heartbeat").json()


def test_chat_session_lifecycle(thoth):
    created = requests.post(thoth.api + "/chat/sessions", json={"title": "Reading list", "metadata": {"k": 1}})
    assert created.status_code == 200
    session = created.json()["session"]
    assert created.json()["status"] == "success"
    assert session["title"] == "Reading list" and session["metadata"] == {"k": 1}
    assert session["is_active"] is True and session["message_count"] == 0
    sid = session["id"]

    assert requests.get(f"{thoth.api}/chat/sessions/{sid}").json()["session"]["id"] == sid
    assert sid in [s["id"] for s in requests.get(thoth.api + "/chat/sessions").json()["sessions"]]

    updated = requests.put(f"{thoth.api}/chat/sessions/{sid}", json={"title": "Renamed"}).json()
    assert updated["session"]["title"] == "Renamed" and updated["session"]["metadata"] == {"k": 1}

    messages = requests.get(f"{thoth.api}/chat/sessions/{sid}/messages").json()
    assert messages["messages"] == [] and messages["total_count"] == 0 and messages["has_more"] is False

    assert requests.post(f"{thoth.api}/chat/sessions/{sid}/archive").json()["status"] == "success"
    active = requests.get(thoth.api + "/chat/sessions").json()["sessions"]
    assert sid not in [s["id"] for s in active]
    everything = requests.get(thoth.api + "/chat/sessions", params={"active_only": "false"}).json()["sessions"]
    assert sid in [s["id"] for s in everything]

    assert requests.delete(f"{thoth.api}/chat/sessions/{sid}").json()["status"] == "success"
    missing = requests.get(f"{thoth.api}/chat/sessions/{sid}")
    assert missing.status_code == 404
    assert missing.json()["status"] == "error" and sid in missing.json()["message"]


def test_bad_requests_get_json_errors(thoth):
    bad_json = requests.post(thoth.api + "/chat/sessions", data="{not json",
                             headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["status"] == "error"
    not_object = requests.put(thoth.api + "/chat/sessions/x", json={"metadata": [1, 2]})
    assert not_object.status_code == 400
    no_message = requests.post(thoth.api + "/research/chat", json={"conversation_id": "c"})
    assert no_message.status_code == 400 and "message" in no_message.json()["message"]
    unknown = requests.get(thoth.api + "/no/such/route")
    assert unknown.status_code == 404 and unknown.json()["status"] == "error"
    bad_limit = requests.get(thoth.api + "/chat/sessions", params={"limit": "many"})
    assert bad_limit.status_code == 400


def test_research_chat_keeps_the_conversation_under_its_id(thoth):
    first = requests.post(thoth.api + "/research/chat",
                          json={"message": "What is exact search?", "conversation_id": "conv-1", "id": 7})
    assert first.status_code == 200
    body = first.json()
    assert body["id"] == 7 and body["session_id"] == "conv-1" and body["tool_calls"] == []
    assert body["model"] == "offline" and "No language model is configured" in body["response"]
    requests.post(thoth.api + "/research/chat", json={"message": "And HNSW?", "conversation_id": "conv-1"})

    history = requests.get(thoth.api + "/chat/sessions/conv-1/messages").json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant", "user", "assistant"]
    assert history["messages"][0]["content"] == "What is exact search?"
    assert history["session_info"]["message_count"] == 4
    found = requests.get(thoth.api + "/chat/search", params={"query": "hnsw"}).json()
    assert [m["session_id"] for m in found["messages"]] == ["conv-1"]
    assert found["messages"][0]["relevance_score"] == 1.0

    plugin = requests.post(thoth.api + "/research/chat", json={"message": "hi there", "timestamp": 1700000000})
    assert plugin.json()["session_id"] == "obsidian-1700000000"


def test_command_route_answers_at_both_paths(thoth):
    for path in ("/tools/execute/command", "/execute/command"):
        reply = requests.post(thoth.api + path, json={"command": "rag", "args": ["stats"]})
        assert reply.status_code == 200
        body = reply.json()
        assert body["command"] == "rag" and body["args"] == ["stats"] and "timestamp" in body
        assert body["result"]["collection_name"] == "thoth_knowledge"
    sources = requests.post(thoth.api + "/execute/command", json={"command": "discovery", "args": ["list"]})
    assert sources.status_code == 200 and sources.json()["result"] == []
    unknown = requests.post(thoth.api + "/execute/command", json={"command": "citations", "args": ["list"]})
    assert unknown.status_code == 400 and unknown.json()["status"] == "error"
    assert "Unknown command 'citations'" in unknown.json()["message"]
    missing = requests.post(thoth.api + "/execute/command", json={"command": "rag", "args": ["search"]})
    assert missing.status_code == 400 and "query" in missing.json()["message"]


def test_metrics_count_requests_by_route(thoth):
    for _ in range(3):
        requests.get(thoth.api + "/agent/status")
    requests.get(thoth.api + "/chat/sessions/does-not-exist")
    text = requests.get(thoth.api + "/metrics").text
    assert '# TYPE thoth_http_requests_total counter' in text
    line = next(l for l in text.splitlines()
                if l.startswith('thoth_http_requests_total{method="GET",route="/agent/status",status="200"}'))
    assert int(line.split()[-1]) >= 3
    assert 'route="/chat/sessions/{id}",status="404"' in text
    assert "thoth_http_request_duration_seconds_bucket" in text


def test_openapi_document_lists_only_routes_that_answer(thoth):
    document = requests.get(thoth.api + "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    bodies = {"/chat/sessions": {"title": "t"}, "/research/chat": {"message": "hello"},
              "/research/query": {"query": "search"}, "/tools/execute/command": {"command": "rag", "args": ["stats"]},
              "/execute/command": {"command": "rag", "args": ["stats"]},
              "/operations/stream/operation": {"operation_type": "rag_index"},
              "/tools/execute": {"tool_name": "collection_stats", "bypass_agent": True},
              "/citations/extract": {"text": "References\n[1] A. Author, “A title of a paper”, 2020.\n"},
              "/memory": {"text": "The user reads about exact search."}, "/memory/{id}": {"text": "Changed."},
              "/library/files": {"filename": "dropped.md", "content_base64": base64.b64encode(b"# Dropped\n").decode()},
              "/vectors/collections/{id}/query": {"record_id": "r1", "n_results": 1}}
    # The PDF routes need a PDF, a note and a page to download from.
    pdf = (ROOT / "Tests" / "Fixtures" / "pdfs" / "crazyones.pdf").read_bytes()
    listed = thoth.workspace / "inbox" / "listed.pdf"  # outside the watched folder, so it keeps its name
    listed.parent.mkdir(exist_ok=True)
    listed.write_bytes(pdf)
    thoth.write_note("notes/listed.md", "# Listed\n")

    class PDFHandler(JSONHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(pdf)))
            self.end_headers()
            self.wfile.write(pdf)

    source = serve(PDFHandler)
    bodies["/operations/batch/process"] = {"items": [{"path": str(listed)}], "operation_type": "pdf"}
    query = {"/chat/search": {"query": "x"}, "/view-markdown": {"path": "listed.md"}, "/library/pdf": {"path": str(listed)},
             "/download-pdf": {"url": f"http://127.0.0.1:{source.server_address[1]}/paper.pdf"}}
    for path, operations in document["paths"].items():
        for method in operations:
            if path.startswith("/operations/{id}"):
                sid = requests.post(thoth.api + "/operations/stream/operation",
                                    json={"operation_type": "rag_index"}).json()["operation_id"]
            elif path.startswith("/vectors/collections/{id}"):
                # A collection of its own each time: one of these routes deletes it.
                sid = requests.post(thoth.chroma + "/api/v2/tenants/default_tenant/databases/default_database/collections",
                                    json={"name": f"routes-{method}-{path.count('/')}"}).json()["id"]
                requests.post(thoth.chroma + f"/api/v2/tenants/default_tenant/databases/default_database/collections/{sid}/add",
                              json={"ids": ["r1"], "embeddings": [[1.0, 0.0]], "documents": ["one"]})
            elif path.startswith("/memory/{id}"):
                sid = requests.post(thoth.api + "/memory", json={"text": "A fact to change."}).json()["memory"]["id"]
            else:
                sid = requests.post(thoth.api + "/chat/sessions", json={}).json()["session"]["id"]
            url = thoth.api + path.replace("{id}", sid)
            params = query.get(path)
            reply = requests.request(method, url, json=bodies.get(path, {}), params=params)
            assert reply.status_code == 200, (method, path, reply.status_code, reply.text)
    source.shutdown()


def test_cors_allows_only_configured_origins(thoth):
    allowed = requests.get(thoth.api + "/health", headers={"Origin": "http://localhost:3000"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    refused = requests.get(thoth.api + "/health", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = requests.options(thoth.api + "/research/chat", headers={
        "Origin": "http://localhost:8080", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    error = requests.get(thoth.api + "/chat/sessions/nope", headers={"Origin": "http://localhost:3000"})
    assert error.status_code == 404 and error.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_auth_requires_a_valid_bearer_token():
    server = ThothServer(env={"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY": "integration-secret-integration-secret"})
    try:
        assert requests.get(server.api + "/health").status_code == 200
        refused = requests.get(server.api + "/chat/sessions")
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
        assert refused.json()["status"] == "error"
        minted = server.cli("token", "create", "--subject", "tester")
        assert minted.returncode == 0, minted.stderr
        token = minted.stdout.strip()
        ok = requests.get(server.api + "/chat/sessions", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        forged = server.cli("token", "create", env={"THOTH_JWT_SECRET_KEY": "another-secret-another-secret-another"}).stdout.strip()
        assert requests.get(server.api + "/chat/sessions",
                            headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        # The CLI signs its own requests when it talks to a protected server.
        stats = server.cli("rag", "stats")
        assert stats.returncode == 0, stats.stderr
    finally:
        assert server.stop() == 0


def test_concurrency_limit_answers_503_instead_of_queueing():
    model = FakeChatModel()
    model.mode, model.stall = "stall", 1.5
    server = ThothServer(env={**model.env(), "THOTH_MAX_CONCURRENT_REQUESTS": "2"})
    try:
        def chat(n):
            return requests.post(server.api + "/research/chat", json={"message": f"question {n}"}, timeout=30)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(chat, n) for n in range(6)]
            time.sleep(0.5)
            during = requests.get(server.api + "/health", timeout=5)
            replies = [f.result() for f in futures]
        codes = sorted(r.status_code for r in replies)
        assert codes.count(200) == 2 and codes.count(503) == 4, codes
        rejected = next(r for r in replies if r.status_code == 503)
        assert rejected.headers["Retry-After"] == "1" and rejected.json()["status"] == "error"
        assert during.status_code == 200  # health checks are never limited
    finally:
        server.stop()
        model.close()


def test_sigterm_finishes_in_flight_requests_then_exits_cleanly():
    model = FakeChatModel()
    model.mode, model.stall = "stall", 1.5
    server = ThothServer(env=model.env())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(requests.post, server.api + "/research/chat", json={"message": "slow one"}, timeout=30)
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        reply = pending.result()
    assert reply.status_code == 200 and reply.json()["response"] == "FAKE ANSWER to: slow one"
    assert server.process.wait(timeout=20) == 0
    assert "Stopped; store closed" in server.output()
    log_file = (server.workspace / "logs" / "thoth.log").read_text()  # logs go to the logs folder too
    assert "Stopped; store closed" in log_file and "info thoth.api" in log_file
    with pytest.raises(requests.ConnectionError):
        requests.get(server.api + "/health", timeout=2)
    model.close()


@pytest.mark.parametrize("ttl,expected_model_calls", [("3600", 1), ("0", 2)])
def test_language_model_replies_are_cached_for_the_ttl(ttl, expected_model_calls):
    model = FakeChatModel()
    server = ThothServer(env={**model.env(), "THOTH_CACHE_TTL": ttl})
    try:
        for _ in range(2):
            reply = requests.post(server.api + "/research/query", json={"query": "what is cached?"})
            assert reply.json()["summary"].startswith("FAKE ANSWER")
        assert len(model.requests) == expected_model_calls
    finally:
        server.stop()
        model.close()
