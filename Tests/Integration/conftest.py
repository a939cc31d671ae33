"""Integration tests: they start the real `thoth` binary and talk to it with real clients."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
THOTH_BIN = os.environ.get("THOTH_BIN", str(ROOT / ".build" / "debug" / "thoth"))
# "thoth" (default) runs the suite against our binary; "chroma" against a real Chroma server
# (`chroma run`, from the chromadb package in the same virtualenv), to check that the tests
# describe Chroma's behaviour rather than our guesses.
TARGET = os.environ.get("CHROMA_TARGET", "thoth")

thoth_only = pytest.mark.skipif(TARGET != "thoth", reason="checks a thoth-specific feature or guarantee")


class JSONHandler(BaseHTTPRequestHandler):
    """Base of the tests' local HTTP servers: quiet, answers JSON (plus `default_headers`)."""

    default_headers: dict = {}

    def log_message(self, *args):
        pass

    def reply(self, status, payload, headers=None):
        self.reply_bytes(status, "application/json", json.dumps(payload).encode(), headers)

    def reply_bytes(self, status, content_type, raw, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in {**self.default_headers, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)


def serve(handler) -> ThreadingHTTPServer:
    """`handler` on a free loopback port, served from a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports: the sockets stay bound until all are picked, so the kernel
    cannot hand the same port out twice."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class ChromaProcess:
    """`thoth chroma` on a free loopback port over a temporary store."""

    def __init__(self, *args: str, env: dict | None = None, path: str | None = None, target: str = "thoth"):
        self.port = free_port()
        self.path = path or tempfile.mkdtemp(prefix="thoth-it-")
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.path, "server.log"), "ab")
        if target == "chroma":
            config = os.path.join(self.path, "chroma.yaml")
            with open(config, "w") as f:
                f.write(f"persist_path: {self.path}/data\nport: {self.port}\nlisten_address: 127.0.0.1\n"
                        f"allow_reset: {'true' if '--allow-reset' in args else 'false'}\n")
            # The `chroma` command of the virtualenv running the tests (it may not be on PATH).
            chroma = os.path.join(os.path.dirname(sys.executable), "chroma")
            command = [chroma if os.path.exists(chroma) else "chroma", "run", config]
        else:
            command = [THOTH_BIN, "chroma", "--port", str(self.port), "--path", self.path, *args]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"thoth chroma exited with {self.process.returncode}")
            try:
                if requests.get(self.url + "/api/v2/heartbeat", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("thoth chroma did not answer its heartbeat")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server():
    """One server for the session, with reset allowed."""
    process = ChromaProcess("--allow-reset", target=TARGET)
    yield process
    process.stop()


@pytest.fixture
def client(server):
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    client.reset()
    return client
