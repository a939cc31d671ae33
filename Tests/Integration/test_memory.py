"""The research agent's memory on the real server: what the user asks it to remember in one chat
session is recalled into another; memories are listed, changed and forgotten over REST, the CLI
and as tools; forgotten means gone; a user keeps at most THOTH_MEMORY_MAX_ITEMS."""

import json

import pytest
import requests

from conftest import thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only

FACT = "The user studies graph indexes for exact nearest-neighbour search."


@pytest.fixture
def model():
    fake = FakeChatModel()
    yield fake
    fake.close()


def system_prompt(model):
    return model.requests[-1]["messages"][0]["content"]


def test_remembered_in_one_session_recalled_in_another_and_gone_when_forgotten(model, tmp_path):
    server = ThothServer("--no-monitor", "--no-discovery", env=model.env(), workspace=str(tmp_path / "ws"))
    try:
        model.script = [{"tool_calls": [("remember", {"text": FACT})]}, {"content": "Noted."}]
        first = requests.post(server.api + "/research/chat", json={
            "message": "Please remember that I study graph indexes for exact search.",
            "conversation_id": "session-one"}, timeout=120).json()
        assert first["response"] == "Noted." and [c["tool"] for c in first["tool_calls"]] == ["remember"]
        kept = requests.get(server.api + "/memory").json()["memories"]
        assert [m["text"] for m in kept] == [FACT] and kept[0]["kind"] == "told"

        model.script = [{"content": "Graph indexes, as you told me."}]
        second = requests.post(server.api + "/research/chat", json={
            "message": "Which papers fit my research on graph indexes?", "conversation_id": "session-two"},
            timeout=120).json()
        assert second["response"] == "Graph indexes, as you told me."
        assert "What you remember about the user:\n- " + FACT in system_prompt(model)

        memory_id = kept[0]["id"]
        changed = requests.put(server.api + f"/memory/{memory_id}", json={"text": "The user studies HNSW graphs."})
        assert changed.status_code == 200 and changed.json()["memory"]["text"] == "The user studies HNSW graphs."
        recalled = requests.get(server.api + "/memory", params={"query": "HNSW graph research"}).json()
        assert recalled["memories"][0]["id"] == memory_id and recalled["memories"][0]["score"] > 0.3
        listed = server.cli("memory", "list")
        assert listed.returncode == 0 and "The user studies HNSW graphs." in listed.stdout

        assert requests.delete(server.api + f"/memory/{memory_id}").status_code == 200
        assert requests.get(server.api + "/memory").json()["memories"] == []
        requests.post(server.api + "/research/chat", json={
            "message": "Which papers fit my research on graph indexes?", "conversation_id": "session-three"},
            timeout=120)
        assert "remember about the user" not in system_prompt(model) and "HNSW" not in system_prompt(model)
        again = requests.delete(server.api + f"/memory/{memory_id}")
        assert again.status_code == 404 and memory_id in again.json()["message"]
        assert requests.post(server.api + "/memory", json={"text": "  "}).status_code == 400
    finally:
        server.stop()


def test_a_user_keeps_at_most_the_configured_number(tmp_path):
    server = ThothServer("--no-monitor", "--no-discovery", env={"THOTH_MEMORY_MAX_ITEMS": "3"},
                         workspace=str(tmp_path / "ws"))
    try:
        for n in range(4):
            assert requests.post(server.api + "/memory", json={"text": f"Fact number {n}."}).status_code == 200
        requests.post(server.api + "/memory", json={"text": "Someone else's fact.", "user": "other"})
        texts = [m["text"] for m in requests.get(server.api + "/memory").json()["memories"]]
        assert texts == ["Fact number 3.", "Fact number 2.", "Fact number 1."]
        other = requests.get(server.api + "/memory", params={"user": "other"}).json()["memories"]
        assert [m["text"] for m in other] == ["Someone else's fact."]
        added = server.cli("memory", "add", "Added from the command line.")
        assert added.returncode == 0 and "Remembered" in added.stdout
        assert json.loads(server.cli("memory", "list", "--json").stdout)["memories"][0]["text"] == \
            "Added from the command line."
    finally:
        server.stop()
