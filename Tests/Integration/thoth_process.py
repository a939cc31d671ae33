"""Helpers for the Thoth server tests: the real `thoth server start` on free ports in a
temporary workspace, and a local server speaking OpenAI's chat-completions protocol."""

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from conftest import ROOT, THOTH_BIN, JSONHandler, free_ports, serve

MODELS_DIR = os.environ.get("THOTH_MODELS_DIR", str(ROOT / "models"))


class ThothServer:
    """`thoth server start` over its own workspace; every listener on a free port."""

    def __init__(self, *args: str, env: dict | None = None, workspace: str | None = None):
        self.workspace = Path(workspace or tempfile.mkdtemp(prefix="thoth-ws-"))
        self.api_port, self.mcp_port, self.chroma_port = free_ports(3)
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.mcp = f"http://127.0.0.1:{self.mcp_port}"
        self.chroma = f"http://127.0.0.1:{self.chroma_port}"
        self.env = {
            **os.environ,
            "THOTH_WORKSPACE_DIR": str(self.workspace),
            "THOTH_MODELS_DIR": MODELS_DIR,
            "THOTH_API_PORT": str(self.api_port),
            "THOTH_MCP_PORT": str(self.mcp_port),
            "THOTH_CHROMA_PORT": str(self.chroma_port),
            "THOTH_LOG_LEVEL": "info",
            **(env or {}),
        }
        for key in ("API_OPENROUTER_KEY", "API_MISTRAL_KEY", "API_OPENAI_KEY", "OPENAI_API_KEY", "CHROMADB_URL"):
            if env is None or key not in env:
                self.env.pop(key, None)
        self.log_path = self.workspace / "server.out"
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen([THOTH_BIN, "server", "start", *args], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=self.env, cwd=self.workspace)
        probe = self.api + "/health" if "--no-api" not in args else self.mcp + "/health"
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"thoth server exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(probe, timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("thoth server did not come up:\n" + self.output())

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def cli(self, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        """`thoth ARGS` with this server's configuration (the same workspace and ports)."""
        return subprocess.run([THOTH_BIN, *args], env={**self.env, **(env or {})}, cwd=self.workspace,
                              capture_output=True, text=True, timeout=timeout)

    def write_note(self, relative: str, text: str) -> Path:
        path = self.workspace / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def command(self, *args, **kwargs):
        """The command route, returning `result`."""
        reply = requests.post(self.api + "/execute/command", json={"command": "rag", "args": list(args),
                                                                     "kwargs": kwargs}, timeout=300)
        assert reply.status_code == 200, reply.text
        return reply.json()["result"]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


class FakeChatModel:
    """A local server speaking `POST /v1/chat/completions`. It replies `FAKE ANSWER to: <question>`
    unless the test sets `mode` to "500" (always fails) or "stall" (answers after `stall` seconds),
    or queues scripted replies in `script`: `{"tool_calls": [(name, arguments), ...]}` asks for
    tool calls, `{"content": text}` answers. `rate_limit` queues 429 answers, each with the
    `Retry-After` value given, before any other. A request with `"stream": true` gets the same
    answer as server-sent chat-completion chunks, a word at a time, `piece_delay` seconds apart.
    Every request body is recorded."""

    def __init__(self):
        self.mode = "reply"
        self.rate_limit = []
        self.stall = 2.0
        self.requests = []
        self.script = []
        self.piece_delay = 0.0
        outer = self

        class Handler(JSONHandler):
            default_headers = {"Retry-After": "0"}

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if outer.rate_limit:
                    value = outer.rate_limit.pop(0)
                    self.send_response(429)
                    self.send_header("Retry-After", value.encode("latin-1", "replace").decode("latin-1"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if outer.mode == "500":
                    return self.reply(500, {"error": {"message": "the fake model is down"}})
                if outer.mode == "stall":
                    time.sleep(outer.stall)
                if body.get("stream"):
                    step = outer.script.pop(0) if outer.script else {
                        "content": f"FAKE ANSWER to: {body['messages'][-1]['content']}"}
                    return self.stream(body["model"], step)
                if outer.script:
                    step = outer.script.pop(0)
                    message = {"role": "assistant", "content": step.get("content")}
                    if "tool_calls" in step:
                        message["tool_calls"] = [
                            {"id": f"call_{n}", "type": "function",
                             "function": {"name": name, "arguments": json.dumps(arguments)}}
                            for n, (name, arguments) in enumerate(step["tool_calls"])]
                    return self.reply(200, {"id": "x", "object": "chat.completion", "model": body["model"],
                                            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})
                question = body["messages"][-1]["content"]
                self.reply(200, {"id": "x", "object": "chat.completion", "model": body["model"], "choices": [
                    {"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": f"FAKE ANSWER to: {question}"}}]})

            def stream(self, model, step):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

                def send(delta):
                    chunk = {"id": "x", "object": "chat.completion.chunk", "model": model,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()

                for n, (name, arguments) in enumerate(step.get("tool_calls", [])):
                    send({"tool_calls": [{"index": n, "id": f"call_{n}", "type": "function",
                                          "function": {"name": name, "arguments": json.dumps(arguments)}}]})
                words = (step.get("content") or "").split(" ")
                for n, word in enumerate(words if step.get("content") else []):
                    send({"content": word if n == 0 else " " + word})
                    time.sleep(outer.piece_delay)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self.server = serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def env(self) -> dict:
        return {"THOTH_LLM_BASE_URL": self.url, "THOTH_LLM_MODEL": "fake-model", "THOTH_LLM_TIMEOUT_SECONDS": "30"}

    def close(self):
        self.server.shutdown()
