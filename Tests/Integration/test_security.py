"""The holes found in testing (issue: hardening), each tried as an attacker would, against the
real binary: a test per hole that failed on the main before the fix."""

import base64
import json
import subprocess
from pathlib import Path

import pytest
import requests
import websockets
import websockets.sync.client as ws_client

from conftest import ROOT, THOTH_BIN, ChromaProcess, thoth_only
from thoth_process import FakeChatModel, ThothServer

SECRET = "a-secret-long-enough-for-hs256-0123456789"
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


# 1. Chroma token auth decided by the route matched, not by how the path ends.

@thoth_only
@pytest.mark.parametrize("name", ["heartbeat", "healthcheck", "version"])
def test_chroma_collection_named_like_an_open_route_needs_the_token(name):
    server = ChromaProcess(env={"CHROMA_SERVER_AUTHN_CREDENTIALS": "s3cret"})
    token = {"X-Chroma-Token": "s3cret"}
    base = server.url + "/api/v2/tenants/default_tenant/databases/default_database/collections"
    try:
        assert requests.post(base, json={"name": name}, headers=token, timeout=10).status_code == 200
        for method in ("get", "delete"):
            refused = requests.request(method, f"{base}/{name}", timeout=10)
            assert refused.status_code == 401 and refused.json()["error"] == "AuthorizationError", refused.text
        assert requests.get(f"{base}/{name}/count", timeout=10).status_code == 401
        v1 = requests.delete(f"{server.url}/api/v1/collections/{name}", timeout=10)
        assert v1.status_code == 401
        assert requests.get(f"{base}/{name}", headers=token, timeout=10).json()["name"] == name
        # The real open routes stay open.
        for path in ("/api/v2/heartbeat", "/api/v2/healthcheck", "/api/v2/version", "/api/v1/heartbeat", "/api/v2"):
            assert requests.get(server.url + path, timeout=10).status_code == 200, path
        # A near miss of the token is refused like a wrong one.
        assert requests.get(f"{base}/{name}", headers={"X-Chroma-Token": "s3cre"}, timeout=10).status_code == 401
        assert requests.get(f"{base}/{name}", headers={"Authorization": "Bearer s3cret "}, timeout=10).status_code == 200
    finally:
        server.stop()


def test_chroma_token_applies_on_the_full_server_too():
    server = ThothServer(env={"CHROMA_SERVER_AUTHN_CREDENTIALS": "s3cret"})
    try:
        base = server.chroma + "/api/v2/tenants/default_tenant/databases/default_database/collections"
        assert requests.post(base, json={"name": "heartbeat"}, headers={"X-Chroma-Token": "s3cret"}).status_code == 200
        assert requests.delete(base + "/heartbeat").status_code == 401
        assert requests.get(base + "/heartbeat", headers={"X-Chroma-Token": "s3cret"}).status_code == 200
    finally:
        server.stop()


# 2. A web page the user visits cannot change the server's settings.

def test_cross_site_settings_writes_are_refused(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    attack = json.dumps({"settings": {"thoth_llm_base_url": "http://attacker.example/v1", "thoth_api_host": "0.0.0.0"}})
    try:
        # The simple request a browser sends cross-site without a preflight.
        simple = requests.post(server.api + "/agent/config", data=attack, headers={"Content-Type": "text/plain"})
        assert simple.status_code == 415 and simple.json()["status"] == "error"
        form = requests.post(server.api + "/agent/sync-settings", data={"llmBaseUrl": "http://attacker.example/v1"})
        assert form.status_code == 415
        for path in ["/citations/extract", "/citations/export", "/citations/format"]:  # the citation routes take JSON alone too
            assert requests.post(server.api + path, data="text=x", headers={"Content-Type": "text/plain"}).status_code == 415
        # So do the memory routes: a page cannot plant a memory or change one.
        assert requests.post(server.api + "/memory", data='{"text": "x"}',
                             headers={"Content-Type": "text/plain"}).status_code == 415
        assert requests.put(server.api + "/memory/some-id", data='{"text": "x"}',
                            headers={"Content-Type": "text/plain"}).status_code == 415
        # And the console's: a page cannot drop a file into the library or query a collection.
        upload = json.dumps({"filename": "planted.md", "content_base64": base64.b64encode(b"# x").decode()})
        assert requests.post(server.api + "/library/files", data=upload,
                             headers={"Content-Type": "text/plain"}).status_code == 415
        assert not (tmp_path / "ws" / "notes" / "planted.md").exists()
        assert requests.post(server.api + "/vectors/collections/x/query", data='{"query_text": "x"}',
                             headers={"Content-Type": "text/plain"}).status_code == 415
        assert requests.delete(server.api + "/vectors/collections/x",
                               headers={"Origin": "http://evil.example"}).status_code == 403
        # JSON from a foreign page (a preflight would have failed; a non-browser could forge it).
        foreign = requests.post(server.api + "/agent/config", data=attack,
                                headers={"Content-Type": "application/json", "Origin": "http://evil.example"})
        assert foreign.status_code == 403
        bodiless = requests.post(server.api + "/agent/restart", headers={"Origin": "http://evil.example"})
        assert bodiless.status_code == 403
        # Even from a trusted client, listen addresses and unknown names are refused whole.
        direct = requests.post(server.api + "/agent/config", json=json.loads(attack))
        assert direct.status_code == 400 and "THOTH_API_HOST" in direct.json()["message"]
        unknown = requests.post(server.api + "/agent/config", json={"settings": {"ld_preload": "/tmp/x.so"}})
        assert unknown.status_code == 400 and "not a known setting" in unknown.json()["message"]
        assert not (server.workspace / "data" / "settings.json").exists()
        assert requests.get(server.api + "/agent/config").json()["llm_models"]["offline"] is True
        imported = requests.post(server.api + "/config/import", json={"endpointHost": "0.0.0.0", "endpointPort": 80})
        assert imported.status_code == 200 and imported.json()["synced_environment_vars"] == []
        # A page served by this machine (the console, a local dev server) is allowed.
        local = requests.post(server.api + "/agent/config", json={"settings": {"thoth_llm_model": "m"}},
                              headers={"Origin": f"http://localhost:{server.api_port}"})
        assert local.status_code == 200
    finally:
        server.stop()


def test_settings_file_cannot_move_the_listeners(tmp_path):
    workspace = tmp_path / "ws"
    (workspace / "data").mkdir(parents=True)
    (workspace / "data" / "settings.json").write_text(json.dumps({"THOTH_API_HOST": "0.0.0.0", "LD_PRELOAD": "x"}))
    server = ThothServer(workspace=str(workspace))
    try:
        assert requests.get(server.api + "/agent/config").json()["api_server"]["host"] == "127.0.0.1"
    finally:
        server.stop()


def test_websocket_from_a_foreign_page_is_refused(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    url = f"ws://127.0.0.1:{server.api_port}/ws/status"
    try:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            ws_client.connect(url, origin="http://evil.example", open_timeout=10)
        # Refused before the upgrade (NIO answers a declined upgrade itself, 400).
        assert 400 <= refused.value.response.status_code < 500
        with ws_client.connect(url, origin=f"http://localhost:{server.api_port}", open_timeout=10) as socket:
            assert json.loads(socket.recv(timeout=10)) == {"status": "running"}
    finally:
        server.stop()


# 3. MCP validates Origin and Host.

def test_mcp_refuses_foreign_origins_and_rebound_hosts(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    url = server.mcp + "/mcp"
    try:
        evil = requests.post(url, json=INIT, headers={**MCP_HEADERS, "Origin": "http://evil.example"})
        assert evil.status_code == 403 and "Mcp-Session-Id" not in evil.headers
        rebound = requests.post(url, json=INIT, headers={**MCP_HEADERS, "Host": f"evil.example:{server.mcp_port}"})
        assert rebound.status_code == 403
        local = requests.post(url, json=INIT, headers={**MCP_HEADERS, "Origin": f"http://127.0.0.1:{server.mcp_port}"})
        assert local.status_code == 200 and local.headers["Mcp-Session-Id"]
        assert requests.post(url, json=INIT, headers=MCP_HEADERS).status_code == 200
    finally:
        server.stop()


def test_cors_allow_list_extends_the_origins(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"), env={"THOTH_CORS_ALLOWED_ORIGINS": "https://notes.example.org"})
    try:
        allowed = requests.post(server.mcp + "/mcp", json=INIT, headers={**MCP_HEADERS, "Origin": "https://notes.example.org"})
        assert allowed.status_code == 200
    finally:
        server.stop()


# 4. Auth fails closed: a start with an unusable security setting stops with a clear message.

@pytest.mark.parametrize("env, message", [
    ({"THOTH_AUTH_ENABLED": "true"}, "no secret is set"),
    ({"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY_FILE": "/nonexistent/jwt_secret_key"}, "cannot be read"),
    ({"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY": "short"}, "at least 32"),
    ({"THOTH_AUTH_ENABLED": "ture", "THOTH_JWT_SECRET_KEY": SECRET}, "THOTH_AUTH_ENABLED"),
    ({"THOTH_AGENT_TIMEOUT_SECONDS": "inf"}, "THOTH_AGENT_TIMEOUT_SECONDS"),
    ({"THOTH_API_PORT": "99999"}, "THOTH_API_PORT"),
    ({"THOTH_RAG_CHUNK_SIZE": "lots"}, "THOTH_RAG_CHUNK_SIZE"),
    ({"API_MISTRAL_KEY_FILE": "/nonexistent/key"}, "API_MISTRAL_KEY_FILE"),
])
def test_unusable_configuration_stops_the_start(tmp_path, env, message):
    with pytest.raises(RuntimeError) as failed:
        ThothServer(workspace=str(tmp_path / "ws"), env=env)
    assert "exited with" in str(failed.value) and "exited with 0" not in str(failed.value)
    assert message in str(failed.value)


@thoth_only
def test_chroma_server_with_an_unreadable_token_file_does_not_start(tmp_path):
    result = subprocess.run([THOTH_BIN, "chroma", "--port", "1", "--path", str(tmp_path)], capture_output=True,
                            text=True, timeout=60,
                            env={"CHROMA_SERVER_AUTHN_CREDENTIALS_FILE": str(tmp_path / "missing"), "PATH": "/usr/bin"})
    assert result.returncode != 0 and "cannot be read" in result.stderr


def test_secret_from_a_file_protects_every_listener_and_health_tells_the_truth(tmp_path):
    secret_file = tmp_path / "jwt_secret_key"
    secret_file.write_text(SECRET + "\n")
    server = ThothServer(workspace=str(tmp_path / "ws"),
                         env={"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY_FILE": str(secret_file)})
    try:
        assert requests.get(server.api + "/agent/status").status_code == 401
        # The PDF and discovery routes sit behind the same guard.
        assert requests.get(server.api + "/download-pdf", params={"url": "http://127.0.0.1:9/x.pdf"}).status_code == 401
        assert requests.get(server.api + "/view-markdown", params={"path": "a.md"}).status_code == 401
        assert requests.post(server.api + "/citations/extract", json={"text": "x"}).status_code == 401
        assert requests.post(server.api + "/citations/export", json={}).status_code == 401
        assert requests.post(server.api + "/citations/format", json={}).status_code == 401
        assert requests.get(server.api + "/citations/graph").status_code == 401
        assert requests.get(server.api + "/memory").status_code == 401
        assert requests.post(server.api + "/memory", json={"text": "x"}).status_code == 401
        assert requests.put(server.api + "/memory/some-id", json={"text": "x"}).status_code == 401
        assert requests.delete(server.api + "/memory/some-id").status_code == 401
        for method, path in [("get", "/operations"), ("post", "/library/files"), ("get", "/library/pdf?path=a.pdf"),
                             ("get", "/vectors/collections"), ("get", "/vectors/collections/x/records"),
                             ("post", "/vectors/collections/x/query"), ("delete", "/vectors/collections/x")]:
            assert requests.request(method, server.api + path, json={}).status_code == 401, path
        # The console's own files are public (they hold no data); the sign-in happens in them.
        assert requests.get(server.api + "/console").status_code == 200
        assert requests.get(server.api + "/docs").status_code == 200
        assert requests.post(server.api + "/operations/batch/process",
                             json={"items": [{"path": "a.pdf"}]}).status_code == 401
        assert requests.post(server.api + "/operations/stream/operation",
                             json={"operation_type": "discovery_run", "parameters": {"source_name": "x"}}).status_code == 401
        assert requests.post(server.mcp + "/mcp", json=INIT, headers=MCP_HEADERS).status_code == 401
        assert requests.get(server.api + "/health").status_code == 200
        token = server.cli("token", "create").stdout.strip()
        assert requests.get(server.api + "/agent/status", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        report = server.cli("health")
        checks = json.loads(report.stdout)["services"]
        assert checks["agent_system"]["status"] == "healthy", report.stdout
        assert checks["basic_functionality"]["status"] in ("healthy", "degraded"), report.stdout
        assert checks["basic_functionality"].get("status_code") != 401
    finally:
        server.stop()


# 5. Nothing an upstream sends can crash the process.

@pytest.mark.parametrize("retry_after", ["nan", "inf", "-inf", "-1e300", "1e400", "garbage", "9" * 400,
                                         "Wed, 21 Oct 2015 07:28:00 GMT", "\u00ff\u00fe"])
def test_hostile_retry_after_from_the_chat_model(tmp_path, retry_after):
    model = FakeChatModel()
    model.rate_limit = [retry_after]
    server = ThothServer(workspace=str(tmp_path / "ws"), env=model.env())
    try:
        reply = requests.post(server.api + "/research/chat", json={"message": "still alive?"}, timeout=120)
        assert reply.status_code == 200 and reply.json()["response"].startswith("FAKE ANSWER"), reply.text
        assert server.process.poll() is None
        assert requests.get(server.api + "/health").status_code == 200
    finally:
        server.stop()
        model.close()


# Huge numbers from a client are answered, never trapped on (found by schemathesis: a 14-digit
# max_results made the server try to reserve petabytes).

def test_huge_counts_from_clients(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        server.write_note("notes/a.md", "# A\n\nExact search scans every row.\n")
        server.command("index")
        huge = 177843714048004
        research = requests.post(server.api + "/research/query", json={"query": "exact search", "max_results": huge})
        assert research.status_code in (200, 400), research.text
        search = requests.post(server.api + "/execute/command",
                               json={"command": "rag", "args": ["search"], "kwargs": {"query": "exact", "k": huge}})
        assert search.status_code in (200, 400), search.text
        collections = server.chroma + "/api/v2/tenants/default_tenant/databases/default_database/collections"
        created = requests.post(collections, json={"name": "nums"}).json()
        requests.post(f"{collections}/{created['id']}/add", json={"ids": ["a", "b"], "embeddings": [[1, 0], [0, 1]]})
        # The largest n_results the wire accepts (an i32, as our v1 reading of Chroma has it).
        query = requests.post(f"{collections}/{created['id']}/query",
                              json={"query_embeddings": [[1, 0]], "n_results": 2147483647, "include": ["distances"]})
        assert query.status_code == 200 and query.json()["ids"] == [["a", "b"]], query.text
        assert requests.get(server.api + "/health").status_code == 200 and server.process.poll() is None
    finally:
        server.stop()


# Files added through the console land in the notes or PDF folder, whole, under a plain name, over nothing.

def test_library_uploads_stay_in_their_folders_and_overwrite_nothing(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    notes = tmp_path / "ws" / "notes"

    def upload(name, content):
        return requests.post(server.api + "/library/files",
                             json={"filename": name, "content_base64": base64.b64encode(content).decode()})
    try:
        for name in ["../escape.md", "a/b.md", ".hidden.md", "/etc/cron.d/x.md", "x.sh", "notes\\..\\x.md", "",
                     "nul\x00.md"]:
            refused = upload(name, b"# x\n")
            assert refused.status_code == 400 and refused.json()["status"] == "error", name
        assert upload("fake.pdf", b"#!/bin/sh\n").status_code == 400
        assert upload("binary.md", b"\xff\xfe\x00").status_code == 400
        assert upload("empty.md", b"").status_code == 400
        not_base64 = requests.post(server.api + "/library/files", json={"filename": "a.md", "content_base64": "%%%"})
        assert not_base64.status_code == 400
        assert not (tmp_path / "escape.md").exists() and not (tmp_path / "ws" / "escape.md").exists()
        (notes / "kept.md").write_text("# Kept\n")
        first = upload("kept.md", b"# Another\n").json()
        second = upload("kept.md", b"# A third\n").json()
        assert first["path"].endswith("notes/kept (2).md") and second["path"].endswith("notes/kept (3).md")
        assert (notes / "kept.md").read_text() == "# Kept\n"
        assert not [p for p in notes.iterdir() if p.name.startswith(".upload-")]
        # A PDF goes to the PDF folder; only PDFs inside the workspace are served back.
        pdf = (ROOT / "Tests" / "Fixtures" / "pdfs" / "crazyones.pdf").read_bytes()
        added = upload("paper.pdf", pdf).json()
        assert added["kind"] == "pdf" and Path(added["path"]).read_bytes() == pdf
        served = requests.get(server.api + "/library/pdf", params={"path": "paper.pdf"})
        assert served.status_code == 200 and served.content == pdf
        assert served.headers["Content-Type"] == "application/pdf"
        for outside in ["/etc/passwd", "../../../../etc/passwd", "/proc/self/environ"]:
            assert requests.get(server.api + "/library/pdf", params={"path": outside}).status_code == 404
        (tmp_path / "ws" / "notes" / "secret.txt").write_text("not a pdf")
        assert requests.get(server.api + "/library/pdf", params={"path": "../notes/secret.txt"}).status_code == 404
    finally:
        server.stop()
