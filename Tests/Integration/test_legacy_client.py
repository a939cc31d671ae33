"""Legacy clients on /api/v1, each in its own virtualenv: chromadb 0.4.24 (python-requests,
five-key collections) and chromadb-client 0.5.15 (httpx, legacy `configuration_json`).
The same session also runs against a real chromadb 0.4.24 server, so it describes Chroma's
v1 behaviour rather than our guesses (Chroma 1.5.9 answers /api/v1 with 410)."""

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import free_port, thoth_only

SESSION = Path(__file__).with_name("legacy_client_session.py")
CLIENTS = {"0.5.15": os.environ.get("LEGACY_PYTHON"), "0.4.24": os.environ.get("CHROMA04_PYTHON")}


def run_session(python: str, port: int) -> subprocess.CompletedProcess:
    return subprocess.run([python, str(SESSION), "127.0.0.1", str(port)], capture_output=True, text=True, timeout=180)


@thoth_only
@pytest.mark.parametrize("version", sorted(CLIENTS))
def test_legacy_client_session(server, client, version):
    python = CLIENTS[version]
    if not python:
        pytest.skip(f"no virtualenv with the {version} client (make test provides it)")
    result = run_session(python, server.port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"legacy client ok {version}" in result.stdout


@pytest.mark.skipif(not CLIENTS["0.4.24"], reason="CHROMA04_PYTHON (chromadb 0.4.24 virtualenv) is not set")
def test_session_matches_a_real_chroma_0_4_24_server():
    python = CLIENTS["0.4.24"]
    port = free_port()
    path = tempfile.mkdtemp(prefix="chroma04-")
    chroma = str(Path(python).with_name("chroma"))
    server = subprocess.Popen([chroma, "run", "--path", path + "/data", "--port", str(port)], cwd=path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "ALLOW_RESET": "TRUE", "ANONYMIZED_TELEMETRY": "FALSE"})
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/v1/heartbeat", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        result = run_session(python, port)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "legacy client ok 0.4.24" in result.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
