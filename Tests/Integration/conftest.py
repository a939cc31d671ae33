"""Integration tests: they start the real `thoth` binary and talk to it with real clients."""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
THOTH_BIN = os.environ.get("THOTH_BIN", str(ROOT / ".build" / "debug" / "thoth"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaProcess:
    """`thoth chroma` on a free loopback port over a temporary store."""

    def __init__(self, *args: str, env: dict | None = None, path: str | None = None):
        self.port = free_port()
        self.path = path or tempfile.mkdtemp(prefix="thoth-it-")
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.path, "server.log"), "ab")
        self.process = subprocess.Popen(
            [THOTH_BIN, "chroma", "--port", str(self.port), "--path", self.path, *args],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.time() + 30
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
    process = ChromaProcess("--allow-reset")
    yield process
    process.stop()


@pytest.fixture
def client(server):
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    client.reset()
    return client
