"""The release binary as the benchmarks start it: `thoth server start` over a workspace on free
ports (or `thoth chroma` alone), ready once its health route answers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "Integration"))
from conftest import free_port, free_ports  # noqa: E402


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def start_server(thoth: str, workspace: Path, models: str, *args: str) -> tuple[subprocess.Popen, str]:
    """`thoth server start ARGS` over `workspace`; returns the process and the API's base URL."""
    api, mcp, chroma = free_ports(3)
    env = {**os.environ, "THOTH_WORKSPACE_DIR": str(workspace), "THOTH_MODELS_DIR": models,
           "THOTH_API_PORT": str(api), "THOTH_MCP_PORT": str(mcp), "THOTH_CHROMA_PORT": str(chroma)}
    process = subprocess.Popen([thoth, "server", "start", *args], env=env, cwd=workspace,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{api}"
    wait_until_up(base + "/health")
    return process, base


def start_chroma(thoth: str, path: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """`thoth chroma` alone over the store at `path`; returns the process and its port."""
    port = free_port()
    process = subprocess.Popen([thoth, "chroma", "--port", str(port), "--path", path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat")
    return process, port
