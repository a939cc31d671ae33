"""The OpenAI-compatible embeddings provider against a local server that speaks the protocol,
driven through `thoth embed`: retries after 429, batching and order, a rejected key, a missing
key, a malformed reply. Also the built-in model from the command line."""

import json
import os
import subprocess

import pytest

from conftest import THOTH_BIN, JSONHandler, serve, thoth_only

pytestmark = thoth_only


class EmbeddingServer:
    """Answers POST /v1/embeddings from a script of behaviours, recording every request."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        outer = self

        class Handler(JSONHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                behaviour = outer.script.pop(0) if outer.script else "ok"
                if behaviour == "429":
                    self.reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
                elif behaviour == "401":
                    self.reply(401, {"error": {"message": "Incorrect API key provided"}})
                elif behaviour == "malformed":
                    self.reply(200, {"object": "list", "dta": []})
                else:
                    inputs = body["input"]
                    # Entries in reverse order, each with its index: the client must reorder.
                    data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), float(i), 0.5]}
                            for i, t in reversed(list(enumerate(inputs)))]
                    self.reply(200, {"object": "list", "data": data, "model": body["model"]})

        self.server = serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()


def embed(texts, env):
    return subprocess.run([THOTH_BIN, "embed", "--json", "--stdin"], input=json.dumps(texts), capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


@pytest.fixture
def local_server():
    servers = []

    def make(*script):
        server = EmbeddingServer(script)
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.close()


def test_retries_after_429_and_keeps_order_across_batches(local_server):
    server = local_server("429", "ok", "ok", "ok")
    texts = [f"text number {i}" + "x" * (i % 7) for i in range(200)]
    result = embed(texts, {"RAG_EMBEDDING_MODEL": f"my-embedder@{server.url}", "THOTH_EMBEDDING_API_KEY": "k-123"})
    assert result.returncode == 0, result.stderr
    vectors = json.loads(result.stdout)
    assert [v[0] for v in vectors] == [float(len(t)) for t in texts]
    assert [r["path"] for r in server.requests] == ["/v1/embeddings"] * 4  # 429, then 96 + 96 + 8
    assert [len(r["body"]["input"]) for r in server.requests] == [96, 96, 96, 8]
    assert server.requests[0]["auth"] == "Bearer k-123" and server.requests[0]["body"]["model"] == "my-embedder"


def test_rejected_key_is_a_clear_error(local_server):
    server = local_server("401")
    result = embed(["a"], {"RAG_EMBEDDING_MODEL": "openai/text-embedding-3-small", "OPENAI_BASE_URL": server.url,
                           "API_OPENAI_KEY": "wrong"})
    assert result.returncode != 0
    assert "rejected the API key" in result.stderr and "API_OPENAI_KEY" in result.stderr


def test_missing_key_is_a_clear_error(local_server):
    server = local_server()
    env = {k: v for k, v in os.environ.items() if k not in ("API_OPENAI_KEY", "OPENAI_API_KEY")}
    result = subprocess.run([THOTH_BIN, "embed", "x"], capture_output=True, text=True, timeout=60,
                            env={**env, "RAG_EMBEDDING_MODEL": "openai/text-embedding-3-small", "OPENAI_BASE_URL": server.url})
    assert result.returncode != 0 and "needs an API key" in result.stderr
    assert server.requests == []


def test_malformed_reply_is_a_clear_error(local_server):
    server = local_server("malformed")
    result = embed(["a"], {"RAG_EMBEDDING_MODEL": f"m@{server.url}"})
    assert result.returncode != 0 and "malformed" in result.stderr


def test_builtin_model_from_the_command_line():
    texts = ["exact search", "", "control\u0007chars and ünïcödé", "x" * 20000]
    result = embed(texts, {})
    assert result.returncode == 0, result.stderr
    vectors = json.loads(result.stdout)
    assert len(vectors) == 4 and all(len(v) == 384 for v in vectors)
    assert all(abs(sum(x * x for x in v) - 1) < 1e-4 for v in vectors)


def test_stdin_must_be_an_array_of_valid_strings():
    result = subprocess.run([THOTH_BIN, "embed", "--stdin"], input='["a", 1]', capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "JSON array of strings" in result.stderr
    invalid = subprocess.run([THOTH_BIN, "embed", "--stdin"], input=b'["\xff\xfe"]', capture_output=True, timeout=60)
    assert invalid.returncode != 0 and b"UTF-8" in invalid.stderr
