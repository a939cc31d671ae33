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
                self.reply_bytes(200, kind, body)

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
            self.reply_bytes(200, "text/xml", (fixtures / name).read_bytes())

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


FIXTURES = ROOT / "Tests" / "Fixtures" / "discovery"


def recorded(name: str) -> str:
    return json.loads((FIXTURES / name).read_text())["body"]


class Services:
    """Local stand-ins for OpenAlex, Semantic Scholar, CrossRef, Unpaywall, arXiv, PubMed Central
    and the publishers, answering with recorded responses. Links in the recordings are pointed
    here (`https://host/path` → `<root>/pub/host/path`) so downloads stay local; a publisher path
    in `html` answers with a web page (a paywall), any other `/pub/…` and `/pmc/…` with a PDF."""

    def __init__(self):
        self.paths, self.html, self.s2_keys = [], set(), []
        outer = self

        class Handler(JSONHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                if self.path.startswith("/s2/"):
                    outer.s2_keys.append(self.headers.get("x-api-key"))
                path = self.path.split("?")[0]
                self.reply_bytes(*outer.answer(path))

        self.server = serve(Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def local(self, body: str) -> bytes:
        return re.sub(r"https?://", self.root + "/pub/", body).encode()

    def answer(self, path):
        json_kind = "application/json"
        s2 = {"10.1038/s42256-024-00832-8": "paper_DOI_10.1038_s42256-024-00832-8.json",
              "10.1073/pnas.1414271111": "paper_DOI_10.1073_pnas.1414271111.json"}
        unpaywall = {"10.1073/pnas.1414271111": "10.1073_pnas.1414271111.json"}
        if path == "/openalex/works":
            return 200, json_kind, self.local(recorded("openalex/works_title_search_chemistry_tools.json"))
        if path == "/s2/paper/search":
            page = json.loads(recorded("semanticscholar/search_match_chemistry_tools.json"))
            page.update(total=1, offset=0)
            return 200, json_kind, self.local(json.dumps(page))
        if path.startswith("/s2/paper/DOI:") and path[len("/s2/paper/DOI:"):] in s2:
            return 200, json_kind, self.local(recorded("semanticscholar/" + s2[path[len("/s2/paper/DOI:"):]]))
        if path.startswith("/unpaywall/") and path[len("/unpaywall/"):] in unpaywall:
            return 200, json_kind, self.local(recorded("unpaywall/" + unpaywall[path[len("/unpaywall/"):]]))
        if path.startswith("/pub/") and path in self.html:
            return 200, "text/html", b"<html><body>Subscribe to read this article</body></html>"
        if path.startswith(("/pub/", "/pmc/", "/arxiv/pdf/")):
            return 200, "application/pdf", PDF
        return 404, "text/plain", b"Resource not found."

    def env(self):
        return {"THOTH_OPENALEX_URL": self.root + "/openalex", "THOTH_SEMANTICSCHOLAR_URL": self.root + "/s2",
                "THOTH_CROSSREF_URL": self.root + "/crossref", "THOTH_UNPAYWALL_URL": self.root + "/unpaywall",
                "THOTH_ARXIV_PDF_URL": self.root + "/arxiv/pdf", "THOTH_PMC_URL": self.root + "/pmc",
                "API_UNPAYWALL_EMAIL": "tests@example.org", "API_SEMANTICSCHOLAR_API_KEY": "s2-key"}

    def close(self):
        self.server.shutdown()


@pytest.fixture
def services():
    replay = Services()
    yield replay
    replay.close()


CHEMISTRY = {"name": "chem-agents", "description": "Large language model agents that use tools to do chemistry",
             "research_question": "How can language models plan and run chemistry tasks with tools?",
             "keywords": ["language models", "chemistry"], "relevance_threshold": 0.3}


def test_pdf_locate_walks_the_chain_in_order(services):
    server = ThothServer("--no-monitor")
    server.stop()
    env = services.env()
    located = server.cli("pdf-locate", "10.1073/pnas.1414271111", "--all", env=env)
    assert located.returncode == 0, located.stderr
    result = json.loads(located.stdout)
    assert result["article"]["doi"] == "10.1073/pnas.1414271111" and result["problems"] == []
    assert [c["source"] for c in result["candidates"]][0] == "unpaywall"
    assert result["candidates"][0]["url"] == services.root + "/pub/www.pnas.org/content/pnas/111/45/E4832.full.pdf"
    asked = [p.split("?")[0] for p in services.paths]
    assert asked[:3] == ["/crossref/works/10.1073/pnas.1414271111", "/unpaywall/10.1073/pnas.1414271111",
                         "/s2/paper/DOI:10.1073/pnas.1414271111"]
    assert "email=tests%40example.org" in services.paths[1] or "email=tests@example.org" in services.paths[1]
    # The publisher's copy is a paywall page: the download goes on to PubMed Central's copy.
    services.html.add("/pub/www.nature.com/articles/s42256-024-00832-8.pdf")
    fetched = server.cli("pdf-locate", "10.1038/s42256-024-00832-8", "--download", env=env)
    assert fetched.returncode == 0, fetched.stderr
    downloaded = json.loads(fetched.stdout)["downloaded"]
    assert downloaded and Path(downloaded).read_bytes() == PDF and "/pmc/PMC11116106/pdf/" in services.paths[-1]
    assert not [p for p in (server.workspace / "pdfs").iterdir() if p.suffix != ".pdf"]  # no partial file left
    unknown = server.cli("pdf-locate", "not an identifier", env=env)
    assert unknown.returncode != 0 and "neither a DOI" in unknown.stderr


def test_pdf_tools_over_http(services):
    services.html.add("/pub/www.nature.com/articles/s42256-024-00832-8.pdf")
    server = ThothServer("--no-monitor", "--no-discovery", env=services.env())
    try:
        def tool(name, **parameters):
            reply = requests.post(server.api + "/tools/execute", json={
                "tool_name": name, "parameters": parameters, "bypass_agent": True}, timeout=60)
            return reply.status_code, reply.json()

        status, body = tool("download_pdf", source="10.1073/pnas.1414271111", filename="pnas-paper")
        assert status == 200, body
        assert Path(body["result"]["downloaded"]).name == "pnas-paper.pdf"
        status, body = tool("download_pdf", source=services.root + "/pub/www.nature.com/articles/s42256-024-00832-8.pdf")
        assert status != 200 and "did not answer with a PDF" in json.dumps(body)
        status, body = tool("locate_pdf", article_identifier="arXiv:2304.05376")
        assert status == 200 and body["result"]["candidates"] == [
            {"source": "arxiv", "url": services.root + "/arxiv/pdf/2304.05376"}]
        status, body = tool("validate_pdf_sources", test_sample="10.1038/s42256-024-00832-8")
        checks = {c["source"]: c["status"] for c in body["result"]}
        assert checks == {"article": "no PDF for the sample", "crossref": "no PDF for the sample",
                          "unpaywall": "no PDF for the sample", "arxiv": "no PDF for the sample",
                          "semanticscholar": "ok", "pmc": "ok"}
        command = requests.post(server.api + "/execute/command", json={
            "command": "pdf-locate", "args": ["10.1073/pnas.1414271111"]}, timeout=60).json()
        assert command["result"]["candidates"][0]["source"] == "unpaywall", command
        assert services.s2_keys and set(services.s2_keys) == {"s2-key"}
    finally:
        server.stop()


def test_openalex_then_semantic_scholar_store_one_paper_once(services):
    services.html.add("/pub/www.nature.com/articles/s42256-024-00832-8.pdf")
    server = ThothServer("--no-monitor")
    server.stop()
    env = services.env()
    (server.workspace / "queries").mkdir(exist_ok=True)
    (server.workspace / "queries" / "chem-agents.json").write_text(json.dumps(CHEMISTRY))
    assert server.cli("discovery", "create", "openalex", "oa", "--query", "chemistry tools", env=env).returncode == 0
    record = json.loads(server.cli("discovery", "run", "oa", "--json", env=env).stdout)
    assert record["found"] == 2 and record["new"] == 2 and record["judge"] == "offline", record
    assert record["relevant"] == 2 and record["downloaded"] == 2 and record["errors"] == [], record
    # The published paper came through PubMed Central (its publisher's PDF is a paywall page),
    # the preprint from arXiv.
    assert any(p.startswith("/pmc/PMC11116106/pdf/") for p in services.paths)
    assert "/arxiv/pdf/2304.05376" in services.paths
    assert server.cli("discovery", "create", "semanticscholar", "s2", "--query", "chemistry tools",
                      env=env).returncode == 0
    again = json.loads(server.cli("discovery", "run", "s2", env=env).stdout)
    assert again["found"] == 1 and again["new"] == 0, again  # the same DOI OpenAlex brought
    running = ThothServer("--no-monitor", "--no-discovery", env=env, workspace=str(server.workspace))
    try:
        reply = requests.post(running.api + "/tools/execute", json={
            "tool_name": "generate_reading_list", "parameters": {"topic_or_query": "chem-agents"},
            "bypass_agent": True}, timeout=60).json()
        listed = reply["result"]
        assert len(listed) == 2 and all(a["pdf_path"] for a in listed)
        assert listed[0]["score"] >= listed[1]["score"] and "chem-agents" in listed[0]["relevance"]
    finally:
        running.stop()


def test_a_scheduled_run_reports_progress_on_the_websocket(arxiv):
    from websockets.sync.client import connect

    server = ThothServer("--no-monitor")
    server.stop()
    env = {"THOTH_ARXIV_URL": arxiv.root + "/api", "THOTH_ARXIV_PDF_URL": arxiv.root + "/pdf",
           "THOTH_DISCOVERY_CHECK_SECONDS": "0.5"}
    running = ThothServer("--no-monitor", env=env, workspace=str(server.workspace))
    try:
        with connect(running.api.replace("http", "ws") + "/ws/progress") as socket:
            created = requests.post(running.api + "/tools/execute", json={
                "tool_name": "create_arxiv_source", "parameters": {"name": "tick", "keywords": ["testing"]},
                "bypass_agent": True}, timeout=30)
            assert created.status_code == 200, created.text
            events = []
            deadline = time.time() + 60
            while time.time() < deadline and not any(e.get("status") == "completed" for e in events):
                event = json.loads(socket.recv(timeout=60))
                if event.get("operation_id") == "discovery-tick":
                    events.append(event)
        assert events[0]["status"] == "running" and events[-1]["status"] == "completed"
        # The replay answers every page with the same ten papers: fifty found, ten of them new.
        assert [e["message"] for e in events] == ["Searching tick", "Found 50, 10 new", "Found 50, new 10"]
        assert [e["progress"] for e in events] == [5, 30, 100]
    finally:
        running.stop()
