"""The WebSockets of the API port, with a real WebSocket client: `/ws/chat`, `/ws/status`, and
`/ws/progress` following a background indexing operation started over REST."""

import json
import time

import pytest
import requests
from websockets.sync.client import connect

from conftest import thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only


@pytest.fixture(scope="module")
def thoth():
    server = ThothServer()
    for n in range(12):
        server.write_note(f"notes/note_{n:02}.md", f"# Note {n}\n\nNote number {n} is about topic {n % 3}.\n")
    yield server
    assert server.stop() == 0, server.output()


def ws_url(server, path):
    return server.api.replace("http://", "ws://") + path


def test_ws_chat_answers_each_message_with_its_id_and_stores_the_session(thoth):
    with connect(ws_url(thoth, "/ws/chat")) as socket:
        socket.send(json.dumps({"message": "What is note 3 about?", "id": "req-1", "session_id": "ws-session"}))
        reply = json.loads(socket.recv(timeout=30))
        assert reply["type"] == "response" and reply["id"] == "req-1" and reply["tool_calls"] == []
        assert reply["session_id"] == "ws-session" and reply["response"]
        socket.send(json.dumps({"id": 2}))
        error = json.loads(socket.recv(timeout=30))
        assert error == {"error": "Field 'message' is required", "type": "error", "id": 2}
        socket.send("not json")
        assert json.loads(socket.recv(timeout=30))["type"] == "error"
    history = requests.get(thoth.api + "/chat/sessions/ws-session/messages").json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]


def test_ws_status_says_running(thoth):
    with connect(ws_url(thoth, "/ws/status")) as socket:
        assert json.loads(socket.recv(timeout=10)) == {"status": "running"}


def test_ws_progress_follows_an_indexing_operation(thoth):
    with connect(ws_url(thoth, "/ws/progress")) as socket:
        time.sleep(0.2)  # the subscription is in place once the upgrade has been handled
        started = requests.post(thoth.api + "/operations/stream/operation",
                                json={"operation_type": "rag_index", "operation_id": "index-1"})
        assert started.status_code == 200
        assert started.json() == {"operation_id": "index-1", "status": "started",
                                  "message": "Operation rag_index started"}
        events = []
        while not events or events[-1]["status"] == "running":
            events.append(json.loads(socket.recv(timeout=60)))
    assert all(e["operation_id"] == "index-1" for e in events)
    assert events[-1]["status"] == "completed" and events[-1]["progress"] == 100
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and len(events) >= 3
    status = requests.get(thoth.api + "/operations/index-1/status").json()
    assert status["status"] == "completed" and status["result"]["files_indexed"] == 12


def test_operation_errors(thoth):
    unknown = requests.get(thoth.api + "/operations/nope/status")
    assert unknown.status_code == 404 and unknown.json()["status"] == "error"
    unsupported = requests.post(thoth.api + "/operations/stream/operation", json={"operation_type": "citation_run"})
    assert unsupported.status_code == 400 and "Unknown operation_type 'citation_run'" in unsupported.json()["message"]
    missing = requests.post(thoth.api + "/operations/stream/operation", json={})
    assert missing.status_code == 400


def test_websockets_need_a_token_when_auth_is_on():
    server = ThothServer(env={"THOTH_AUTH_ENABLED": "1", "THOTH_JWT_SECRET_KEY": "ws-secret-ws-secret-ws-secret-ws-32"})
    try:
        with pytest.raises(Exception):
            with connect(ws_url(server, "/ws/status")) as socket:
                socket.recv(timeout=5)
        token = server.cli("token", "create").stdout.strip()
        with connect(ws_url(server, f"/ws/status?token={token}")) as socket:
            assert json.loads(socket.recv(timeout=10)) == {"status": "running"}
    finally:
        server.stop()
