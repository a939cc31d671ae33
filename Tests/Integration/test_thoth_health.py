"""`thoth health` (the container health check) and `thoth server status` against real servers,
whole and with parts disabled: exit codes 0 healthy, 1 degraded, 2 unhealthy."""

import json
import subprocess


from conftest import THOTH_BIN, free_port, thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only


def health(server, *args):
    result = server.cli("health", *args, "--timeout", "20")
    return result.returncode, result.stdout


def test_full_server_with_a_model_is_healthy():
    model = FakeChatModel()
    server = ThothServer(env=model.env())
    try:
        code, out = health(server)
        report = json.loads(out)
        assert code == 0, out
        assert report["overall_status"] == "healthy"
        assert set(report["services"]) == {"api_server", "mcp_server", "chromadb", "agent_system",
                                           "basic_functionality"}
        assert report["summary"] == {"total_checks": 5, "healthy": 5, "degraded": 0, "unhealthy": 0}
        assert report["services"]["chromadb"]["heartbeat"] > 0
        assert model.requests[-1]["messages"][-1]["content"] == "health check test"
        assert health(server, "--simple") == (0, "healthy\n")
    finally:
        server.stop()
        model.close()


def test_without_a_model_the_chat_check_is_degraded():
    server = ThothServer()
    try:
        code, out = health(server)
        report = json.loads(out)
        assert code == 1 and report["overall_status"] == "degraded"
        assert report["services"]["basic_functionality"]["status"] == "degraded"
        assert report["services"]["api_server"]["status"] == "healthy"
        status = server.cli("server", "status")
        assert status.returncode == 0
        lines = status.stdout.splitlines()
        assert [line.split()[0] for line in lines] == ["api", "mcp", "chroma"]
        assert all("running" in line for line in lines)
    finally:
        server.stop()


def test_disabled_listeners_are_reported_not_hidden():
    server = ThothServer("--no-mcp", "--no-chroma")
    try:
        code, out = health(server)
        report = json.loads(out)
        assert code == 1
        assert report["services"]["mcp_server"]["status"] == "degraded"
        assert "disabled" in report["services"]["mcp_server"]["message"]
        assert report["services"]["chromadb"]["status"] == "degraded"
        status = server.cli("server", "status")
        assert status.returncode == 1
        assert "not running" in [line for line in status.stdout.splitlines() if line.startswith("mcp")][0]
    finally:
        server.stop()


def test_nothing_running_is_unhealthy(tmp_path):
    port = str(free_port())
    env = {"THOTH_API_PORT": port, "THOTH_MCP_PORT": str(free_port()), "THOTH_CHROMA_PORT": str(free_port())}
    import os

    run = lambda *a: subprocess.run([THOTH_BIN, *a], env={**os.environ, **env}, cwd=tmp_path,
                                    capture_output=True, text=True, timeout=60)
    full = run("health")
    assert full.returncode == 2
    assert json.loads(full.stdout)["summary"]["unhealthy"] == 5
    simple = run("health", "--simple")
    assert (simple.returncode, simple.stdout) == (1, "unhealthy\n")
    status = run("server", "status", "--json")
    assert status.returncode == 1
    assert all(not entry["up"] for entry in json.loads(status.stdout).values())


def test_a_check_that_cannot_run_exits_3(tmp_path):
    import os

    result = subprocess.run([THOTH_BIN, "health", "--api-url", "http://[not-a-host"], env=os.environ, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3 and "health check crashed" in result.stderr
