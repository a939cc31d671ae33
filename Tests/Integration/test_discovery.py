"""Discovery end to end against a local server replaying arXiv: a source searched, articles
stored once, judged offline against a research query with the built-in model, relevant PDFs
downloaded (an HTML "PDF" refused), and the pipeline turning them into notes."""

import json
import re
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT, JSONHandler, serve, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

RECORDING = ROOT / "Tests" / "Fixtures" / "discovery" / "arxiv" / "q_testing_s0_m10_bc5a6c384fe9.json"
PDF = (ROOT / "Tests" / "Fixtures" / "pdfs" / "crazyones.pdf").read_bytes()


class ArxivReplay:
    """`/api/query` answers with arXiv's recorded feed; `/pdf/<id>` with a real PDF, except for
    the ids in `html`, which get a web page (as a paywall or an error page would)."""

    def __init__(self):
        self.queries, self.html = [], set()
        feed = json.loads(RECORDING.read_text())["body"].encode()
        outer = self

        class Handler(JSONHandler):
            def do_GET(self):
                if self.path.startswith("/api/query"):
                    outer.queries.append(self.path)
                    body, kind = feed, "application/atom+xml"
                elif self.path.startswith("/pdf/"):
                    html = self.path.rsplit("/", 1)[1] in outer.html
                    body, kind = (b"<html>Sign in</html>", "text/html") if html else (PDF, "application/pdf")
                else:
                    return self.reply(404, {"error": "not found"})
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = serve(Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def arxiv():
    replay = ArxivReplay()
    yield replay
    replay.close()


def test_a_run_finds_judges_and_downloads_then_notes_appear(arxiv):
    ids = re.findall(r"<id>http://arxiv.org/abs/([^<]+)</id>", json.loads(RECORDING.read_text())["body"])
    arxiv.html.add(ids[0])
    server = ThothServer("--no-monitor")
    server.stop()
    env = {"THOTH_ARXIV_URL": arxiv.root + "/api", "THOTH_ARXIV_PDF_URL": arxiv.root + "/pdf",
           "THOTH_CONTACT_EMAIL": "tests@example.org", "THOTH_MONITOR_INTERVAL_SECONDS": "0.3"}
    queries = server.workspace / "queries"
    queries.mkdir(exist_ok=True)
    (queries / "testing.json").write_text(json.dumps({
        "name": "testing", "description": "Software testing: test generation, test automation and testing tools",
        "research_question": "How are software tests generated and automated?", "keywords": ["software testing"],
        "relevance_threshold": 0.3}))
    created = server.cli("discovery", "create", "arxiv", "testing-feed", "--query", "testing", "--max-articles", "10",
                         env=env)
    assert created.returncode == 0, created.stderr
    first = server.cli("discovery", "run", "testing-feed", "--json", env=env)
    assert first.returncode == 0, first.stderr
    record = json.loads(first.stdout)
    assert record["found"] == 10 and record["new"] == 10
    assert 5 <= record["relevant"] <= 10 and record["filtered"] == 10 - record["relevant"]
    assert "(ti:testing OR abs:testing)" in arxiv.queries[0].replace("+", " ").replace("%20", " ").replace(
        "%28", "(").replace("%29", ")").replace("%3A", ":")
    pdfs = sorted((server.workspace / "pdfs").glob("*.pdf"))
    html_refused = any("did not answer with a PDF" in e for e in record["errors"])
    assert record["downloaded"] == len(pdfs) == record["relevant"] - (1 if html_refused else 0)
    assert all(p.read_bytes() == PDF for p in pdfs)
    # Run again: the same feed brings nothing new.
    again = json.loads(server.cli("discovery", "run", "testing-feed", env=env).stdout)
    assert again["found"] == 10 and again["new"] == 0 and again["downloaded"] == 0
    shown = json.loads(server.cli("discovery", "show", "testing-feed", env=env).stdout)
    assert [run["new"] for run in shown["runs"]] == [0, 10]
    # The server's watcher hands the downloaded PDFs to the pipeline.
    running = ThothServer(env=env, workspace=str(server.workspace))
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list((server.workspace / "notes").glob("*.md"))) < 1:
            time.sleep(0.5)
        assert list((server.workspace / "notes").glob("*.md")), running.output()[-3000:]
    finally:
        running.stop()


def test_a_source_that_fails_leaves_a_record(arxiv):
    server = ThothServer("--no-monitor")
    server.stop()
    env = {"THOTH_ARXIV_URL": "http://127.0.0.1:9/api"}  # nothing listens on port 9
    assert server.cli("discovery", "create", "arxiv", "down", "--query", "x", env=env).returncode == 0
    run = server.cli("discovery", "run", "down", env=env)
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["found"] == 0 and record["errors"] and record["errors"][0].startswith("search:")
    refused = server.cli("discovery", "create", "gopher", "bad", "--query", "x", env=env)
    assert refused.returncode != 0 and "type" in refused.stderr


def test_the_scheduler_runs_a_due_source_once_across_restarts(arxiv):
    server = ThothServer("--no-monitor")
    server.stop()
    env = {"THOTH_ARXIV_URL": arxiv.root + "/api", "THOTH_ARXIV_PDF_URL": arxiv.root + "/pdf"}
    assert server.cli("discovery", "create", "arxiv", "daily", "--query", "testing", "--max-articles", "10",
                      env=env).returncode == 0

    def runs(running):
        reply = requests.post(running.api + "/tools/execute", json={
            "tool_name": "get_discovery_source", "parameters": {"source_name": "daily"}, "bypass_agent": True})
        return reply.json()["result"]["runs"]

    first = ThothServer("--no-monitor", env=env, workspace=str(server.workspace))
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not runs(first):
            time.sleep(0.5)
        assert len(runs(first)) == 1 and runs(first)[0]["found"] == 10
        health = requests.get(first.api + "/health").json()["services"]["discovery"]
        assert health["status"] == "running" and health["runs_started"] == 1
    finally:
        assert first.stop() == 0
    second = ThothServer("--no-monitor", env=env, workspace=str(server.workspace))
    try:
        time.sleep(3)
        assert len(runs(second)) == 1  # ran 24 h ago at most: not due again
        assert requests.get(second.api + "/health").json()["services"]["discovery"]["runs_started"] == 0
    finally:
        assert second.stop() == 0
    third = ThothServer("--no-monitor", "--no-discovery", env=env, workspace=str(server.workspace))
    try:
        assert requests.get(third.api + "/health").json()["services"]["discovery"]["status"] == "stopped"
    finally:
        third.stop()


def test_a_pubmed_source_searches_then_fetches():
    fixtures = ROOT / "Tests" / "Fixtures" / "discovery" / "pubmed"
    calls = []

    class Handler(JSONHandler):
        def do_GET(self):
            calls.append(self.path)
            name = "esearch1.xml" if "esearch.fcgi" in self.path else "pubmed2.xml"
            body = (fixtures / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    replay = serve(Handler)
    try:
        server = ThothServer("--no-monitor")
        server.stop()
        env = {"THOTH_PUBMED_URL": f"http://127.0.0.1:{replay.server_address[1]}/eutils",
               "THOTH_CONTACT_EMAIL": "tests@example.org", "API_NCBI_KEY": "test-key"}
        assert server.cli("discovery", "create", "pubmed", "cryo", "--query", "cryopreservation",
                          "--max-articles", "2", env=env).returncode == 0
        record = json.loads(server.cli("discovery", "run", "cryo", env=env).stdout)
        assert record["found"] == 2 and record["new"] == 2 and record["errors"] == [
            "no research queries to judge articles against"]
        assert "esearch.fcgi" in calls[0] and "term=cryopreservation" in calls[0] and "api_key=test-key" in calls[0]
        assert "efetch.fcgi" in calls[1] and "retmode=xml" in calls[1] and "email=tests@example.org" in calls[1]
    finally:
        replay.shutdown()
