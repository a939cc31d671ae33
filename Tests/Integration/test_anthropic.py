"""The research agent on Anthropic's Messages API: the server talks to a local server answering
as Anthropic did in a recorded tool loop (Tests/Fixtures/anthropic, from langchain-anthropic's
cassettes) — the model asks for a tool, the agent answers with a tool result, the model's text
comes back as the reply."""

import json

import requests

from conftest import JSONHandler, ROOT, serve, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

EXCHANGE = json.loads((ROOT / "Tests" / "Fixtures" / "anthropic" / "agent_loop.json").read_text())


def test_the_agent_runs_a_tool_loop_on_the_messages_api():
    received = []

    class Handler(JSONHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, self.headers.get("x-api-key"), self.headers.get("anthropic-version"), body))
            answer = EXCHANGE[min(len(received), len(EXCHANGE)) - 1]
            self.reply_bytes(answer["status_code"], "application/json", answer["body"].encode())

    replay = serve(Handler)
    server = ThothServer("--no-monitor", "--no-discovery", env={
        "API_ANTHROPIC_KEY": "sk-ant-test", "THOTH_ANTHROPIC_URL": f"http://127.0.0.1:{replay.server_address[1]}",
        "LLM_MODEL": "claude-haiku-4-5-20251001"})
    try:
        reply = requests.post(server.api + "/research/chat", json={
            "message": "What is the weather in San Francisco, CA?", "conversation_id": "anthropic-1"}, timeout=120)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["response"].startswith("The weather in San Francisco, CA is currently **sunny**")
        assert [call["tool"] for call in body["tool_calls"]] == ["get_weather"]
        assert len(received) == 2 and all(r[0] == "/v1/messages" for r in received)
        assert all(r[1] == "sk-ant-test" and r[2] == "2023-06-01" for r in received)
        first, second = received[0][3], received[1][3]
        assert first["model"] == "claude-haiku-4-5-20251001" and first["system"] and first["tools"]
        assert {t["name"] for t in first["tools"]} >= {"search_articles", "format_citations"}
        # The tool the model asked for is not one of Thoth's: the agent says so in the tool result.
        result = second["messages"][-1]["content"][0]
        assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_01UErjDztewZZ6VWE7B7HyZY"
        assert "get_weather" in result["content"]
        health = requests.get(server.api + "/health").json()["services"]["llm"]
        assert "127.0.0.1" in json.dumps(health)
    finally:
        server.stop()
        replay.shutdown()
