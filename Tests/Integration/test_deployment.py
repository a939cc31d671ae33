"""Deployment files and topologies, proven without a Docker engine: the Dockerfile passes
hadolint, every compose file validates against the Compose specification's schema, every
`make docker-*` target the guide uses exists, and the two topologies (a separate `chromadb`
service running `thoth chroma`, and the all-in-one process) pass RAG and `thoth health`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import re

import jsonschema
import pytest
import yaml

from conftest import ROOT, ChromaProcess, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

# Every make target the deployment guide (docs/DOCKER.md of the original) runs.
GUIDE_TARGETS = ["docker-init", "docker-dev", "docker-prod", "docker-build", "docker-build-dev", "docker-build-prod",
                 "docker-up", "docker-up-dev", "docker-up-prod", "docker-down", "docker-down-dev", "docker-down-prod",
                 "docker-logs", "docker-logs-dev", "docker-logs-app", "docker-ps", "docker-health", "docker-shell",
                 "docker-shell-dev", "docker-restart", "docker-rebuild", "docker-clean"]
COMPOSE_FILES = sorted((ROOT / "config").glob("docker-compose*.yml"))


def test_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), "-c", str(ROOT / "config" / "hadolint.yaml"), str(ROOT / "Dockerfile")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_file_follows_the_compose_specification(path):
    schema = json.loads(Path(os.environ["COMPOSE_SCHEMA"]).read_text())
    document = yaml.safe_load(path.read_text())
    jsonschema.validate(document, schema)
    # Every topology has something answering to `chromadb`: a service of that name or an alias.
    def aliases(service):
        networks = service.get("networks") or {}
        return [a for n in networks.values() if isinstance(networks, dict) for a in (n or {}).get("aliases", [])]

    services = document["services"]
    assert "chromadb" in services or any("chromadb" in aliases(s) for s in services.values()), path.name


def test_compose_files_are_four_topologies():
    assert [p.name for p in COMPOSE_FILES] == ["docker-compose.dev.yml", "docker-compose.prod.yml",
                                              "docker-compose.two-container.yml", "docker-compose.yml"]


@pytest.mark.parametrize("target", GUIDE_TARGETS)
def test_guide_make_target_exists(target):
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_env_examples_name_every_variable_the_binary_reads():
    sources = "\n".join(p.read_text() for p in (ROOT / "Sources").rglob("*.swift"))
    read = set(re.findall(r'"((?:THOTH|API|RAG|LLM|MCP|ENDPOINT|CHROMA|OPENAI)_[A-Z_]+)"', sources))
    read.discard("THOTH_ENV_FILE")  # names the env file itself
    for example in ("config/.env.docker.example", "config/.env.prod.example"):
        text = (ROOT / example).read_text()
        missing = sorted(name for name in read if name not in text)
        assert not missing, f"{example} lacks {missing}"


def run_rag_and_health(server):
    server.write_note("notes/topology.md", "# Topology\n\nOne binary can be both the app and the chromadb service.\n")
    assert server.command("index")["files_indexed"] == 1
    assert server.command("search", query="app and chromadb service", k=1)[0]["title"] == "Topology"
    health = server.cli("health", "--timeout", "20")
    report = json.loads(health.stdout)
    assert health.returncode == 1 and report["overall_status"] == "degraded"  # no LLM key: degraded, not down
    assert report["services"]["chromadb"]["status"] == "healthy"
    assert report["services"]["basic_functionality"]["status"] == "degraded"
    assert server.cli("health", "--simple").returncode == 0


def test_two_container_topology(tmp_path):
    (tmp_path / "chroma").mkdir()
    chromadb = ChromaProcess(path=str(tmp_path / "chroma"))
    server = ThothServer("--no-chroma", env={"CHROMADB_URL": chromadb.url}, workspace=str(tmp_path / "app"))
    try:
        run_rag_and_health(server)
        probe = server.cli("health", "--chroma-only", "--chroma-url", chromadb.url)
        assert (probe.returncode, probe.stdout) == (0, "healthy\n")
    finally:
        server.stop()
        chromadb.stop()


def test_all_in_one_topology(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "app"))
    try:
        run_rag_and_health(server)
    finally:
        server.stop()
