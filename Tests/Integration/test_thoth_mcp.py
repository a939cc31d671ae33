"""MCP on its own port, with the official Python MCP client (`mcp` from PyPI) over streamable
HTTP and over stdio against the real binary, plus the raw HTTP rules of the transport."""

import asyncio
import shutil
from functools import partial
from http.server import SimpleHTTPRequestHandler
import json
import os

import httpx
import pytest
import requests
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from conftest import ROOT, THOTH_BIN, serve, thoth_only
from thoth_process import ThothServer


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# download_pdf fetches a real PDF from this local file server (a daemon thread for the module).
PDF_FILES = serve(partial(QuietFiles, directory=str(ROOT / "Tests" / "Fixtures" / "pdfs")))
PDF_URL = f"http://127.0.0.1:{PDF_FILES.server_address[1]}/crazyones.pdf"


class DuckDuckGoPage(QuietFiles):
    """web_search's default engine, answering every query with the results page of the fixtures."""

    def do_GET(self):
        page = (ROOT / "Tests" / "Fixtures" / "discovery" / "websearch" / "duckduckgo_documented.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


WEB = serve(DuckDuckGoPage)

pytestmark = thoth_only

TOOL_COUNT = 51
# The original's 45 tools (../shared/thoth-reference.md §3), every one served by its name.
ORIGINAL_TOOLS = {"analyze_topic", "backup_collection", "batch_process_pdfs", "collection_stats",
                  "consolidate_and_retag", "consolidate_tags", "create_arxiv_source", "create_biorxiv_source",
                  "create_crossref_source", "create_custom_index", "create_openalex_source",
                  "create_pubmed_source", "create_query", "delete_article", "delete_discovery_source",
                  "delete_query", "download_pdf", "evaluate_article", "export_article_data", "export_bibliography",
                  "extract_citations", "extract_pdf_metadata", "find_related_papers", "format_citations",
                  "generate_reading_list", "generate_research_summary", "get_article_details",
                  "get_discovery_source", "get_query", "list_articles", "list_discovery_sources", "list_queries",
                  "locate_pdf", "manage_tag_vocabulary", "optimize_search", "process_pdf", "reindex_collection",
                  "run_discovery", "search_articles", "suggest_tags", "sync_with_obsidian",
                  "update_article_metadata", "update_query", "validate_pdf_sources", "web_search"}
VALID_CALLS = {
    "search_articles": {"query": "recall of exact search"},
    "list_articles": {},
    "get_article_details": {"article_identifier": "exact search"},
    "collection_stats": {},
    "reindex_collection": {},
    "find_related_papers": {"paper_identifier": "exact search", "similarity_threshold": -1},
    "analyze_topic": {"topic": "recall", "depth": "quick"},
    "generate_research_summary": {"topic_or_query": "graphs"},
    "create_query": {"name": "mcp-query", "description": "d", "research_question": "q?"},
    "list_queries": {},
    "get_query": {"query_name": "mcp-query"},
    "update_query": {"query_name": "mcp-query", "keywords": ["a"]},
    "evaluate_article": {"article_identifier": "exact search", "query_name": "mcp-query"},
    "sync_with_obsidian": {},
    "suggest_tags": {"force_all": True},
    "consolidate_tags": {"dry_run": True},
    "manage_tag_vocabulary": {"action": "add", "tags": ["retrieval"]},
    "consolidate_and_retag": {},
    "remember": {"text": "The user studies exact search."},
    "list_memories": {"query": "exact search"},
    "update_memory": {"memory_id": "{remembered}", "text": "The user studies graphs."},
    "forget_memory": {"memory_id": "{remembered}"},
    "create_custom_index": {"index_name": "mcp-custom", "topic_filter": "exact search"},
    "optimize_search": {"test_queries": ["exact search"]},
    "web_search": {"query": "nearest neighbour search", "max_results": 2},
    "delete_query": {"query_name": "mcp-query"},
    "export_article_data": {"format": "markdown"},
    "backup_collection": {},
    "list_collections": {},
    "query_collection": {"collection": "thoth_knowledge", "query_text": "graphs"},
    # In this order: the PDF is processed (and renamed after its title) before the others use it.
    "process_pdf": {"pdf_path": "crazyones.pdf"},
    "batch_process_pdfs": {},
    "extract_pdf_metadata": {"pdf_path": "The Crazy Ones.pdf"},
    "update_article_metadata": {"article_identifier": "The Crazy Ones", "year": 1998},
    "delete_article": {"article_identifier": "The Crazy Ones"},
    "list_discovery_sources": {},
    "create_arxiv_source": {"name": "mcp-arxiv", "keywords": ["retrieval"], "categories": ["cs.IR"]},
    "create_crossref_source": {"name": "mcp-crossref", "keywords": ["retrieval"]},
    "create_pubmed_source": {"name": "mcp-pubmed", "keywords": ["crispr"]},
    "get_discovery_source": {"source_name": "mcp-arxiv"},
    "run_discovery": {"source_name": "mcp-arxiv"},  # arXiv is unreachable here: the run records the error
    "delete_discovery_source": {"source_name": "mcp-crossref"},
    "create_openalex_source": {"name": "mcp-openalex", "keywords": ["retrieval"]},
    "create_biorxiv_source": {"name": "mcp-biorxiv", "start_date": "2025-01-01", "end_date": "2025-01-07"},
    "generate_reading_list": {"topic_or_query": "retrieval"},
    "locate_pdf": {"article_identifier": "arXiv:2304.05376"},  # the arXiv step names it without asking anyone
    "download_pdf": {"source": PDF_URL, "filename": "downloaded"},
    "validate_pdf_sources": {"source_name": "arxiv", "test_sample": "2304.05376"},
    "extract_citations": {"article_identifier": "exact search"},
    "export_bibliography": {"format": "bibtex"},
    "format_citations": {"articles": ["Lynch, S. (2020). Adding a Widget Intent. In Introducing WidgetKit for iOS. "
                                      "Apress."], "style": "apa"},
}


@pytest.fixture(scope="module")
def thoth():
    # The tools, not the watcher, process the PDF here; the discovery services point at a port
    # nothing listens on, and download_pdf fetches from a local file server.
    nowhere = "http://127.0.0.1:9"
    server = ThothServer("--no-monitor", "--no-discovery", env={
        "THOTH_ARXIV_URL": nowhere + "/api", "THOTH_CROSSREF_URL": nowhere, "THOTH_UNPAYWALL_URL": nowhere,
        "THOTH_SEMANTICSCHOLAR_URL": nowhere, "THOTH_PMC_URL": nowhere,
        "THOTH_DUCKDUCKGO_URL": f"http://127.0.0.1:{WEB.server_address[1]}"})
    server.write_note("notes/exact_search.md", "# Exact search\n\nExact search scores every vector; recall is one.\n")
    server.write_note("notes/sub/graphs.md", "# Graphs\n\nHNSW graphs trade recall for speed.\n")
    shutil.copy(ROOT / "Tests" / "Fixtures" / "pdfs" / "crazyones.pdf", server.workspace / "pdfs" / "crazyones.pdf")
    server.command("index")
    yield server
    assert server.stop() == 0, server.output()


def run(coroutine):
    return asyncio.run(coroutine)


async def with_session(url, body, headers=None):
    client = httpx.AsyncClient(headers=headers or {}, timeout=60) if headers else None
    async with streamable_http_client(url, http_client=client) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            return await body(session)


def test_every_tool_answers_over_streamable_http(thoth):
    async def body(session):
        tools = (await session.list_tools()).tools
        assert len(tools) == TOOL_COUNT and set(VALID_CALLS) == {t.name for t in tools}
        assert len(ORIGINAL_TOOLS) == 45 and ORIGINAL_TOOLS <= {t.name for t in tools}
        schema = next(t for t in tools if t.name == "search_articles").input_schema
        assert schema["required"] == ["query"]
        remembered = None
        for name, arguments in VALID_CALLS.items():
            arguments = {k: remembered if v == "{remembered}" else v for k, v in arguments.items()}
            result = await session.call_tool(name, arguments)
            assert result.is_error is False, (name, result.content[0].text)
            assert result.content[0].text
            if name == "remember":
                remembered = result.content[0].text.split("[")[1].split("]")[0]
        for name in VALID_CALLS:  # every tool refuses an argument it does not know, saying which
            refused = await session.call_tool(name, {**VALID_CALLS[name], "bogus": 1})
            assert refused.is_error is True and "Unknown argument 'bogus'" in refused.content[0].text, name
        bad = await session.call_tool("search_articles", {"query": "x", "limit": "ten"})
        assert bad.is_error is True and "'limit' must be an integer" in bad.content[0].text
        unknown = await session.call_tool("no_such_tool", {})
        assert unknown.is_error is True and "Unknown tool" in unknown.content[0].text
    run(with_session(thoth.mcp + "/mcp", body))


def test_notes_are_resources_and_prompts_are_offered(thoth):
    async def body(session):
        resources = (await session.list_resources()).resources
        assert [str(r.uri) for r in resources] == ["note://exact_search.md", "note://sub/graphs.md"]
        text = (await session.read_resource("note://sub/graphs.md")).contents[0].text
        assert text.startswith("# Graphs")
        with pytest.raises(Exception):
            await session.read_resource("note://../data/settings.json")
        prompts = (await session.list_prompts()).prompts
        assert {p.name for p in prompts} == {"research_summary", "related_work"}
        prompt = await session.get_prompt("research_summary", {"topic": "recall"})
        assert "search_articles" in prompt.messages[0].content.text
    run(with_session(thoth.mcp + "/mcp", body))


def test_initialize_twice_gives_two_working_sessions(thoth):
    async def body(session):
        return (await session.call_tool("collection_stats", {})).is_error
    assert run(with_session(thoth.mcp + "/mcp", body)) is False
    assert run(with_session(thoth.mcp + "/mcp", body)) is False


def test_raw_http_rules(thoth):
    url = thoth.mcp + "/mcp"
    json_only = {"Content-Type": "application/json", "Accept": "application/json"}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
    first = requests.post(url, json=init, headers=json_only)
    second = requests.post(url, json=init, headers=json_only)
    assert first.status_code == second.status_code == 200
    assert first.headers["Content-Type"] == "application/json"
    assert first.json()["result"]["serverInfo"]["name"] == "Thoth Research Assistant"
    session = first.headers["Mcp-Session-Id"]
    assert session != second.headers["Mcp-Session-Id"]
    with_session_id = {**json_only, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
    notified = requests.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=with_session_id)
    assert notified.status_code == 202
    listed = requests.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=with_session_id)
    assert len(listed.json()["result"]["tools"]) == TOOL_COUNT
    both = requests.post(url, json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
                         headers={**with_session_id, "Accept": "application/json, text/event-stream"})
    assert both.headers["Content-Type"] == "application/json" and both.json()["id"] == 3
    streamed = requests.post(url, json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
                             headers={**with_session_id, "Accept": "text/event-stream"})
    assert streamed.headers["Content-Type"].startswith("text/event-stream")
    assert any(line.startswith("data: {") for line in streamed.text.splitlines())
    assert requests.delete(url, headers=with_session_id).status_code == 200
    gone = requests.post(url, json={"jsonrpc": "2.0", "id": 4, "method": "tools/list"}, headers=with_session_id)
    assert gone.status_code == 404
    no_session = requests.post(url, json={"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, headers=json_only)
    assert no_session.status_code == 400
    assert requests.get(thoth.mcp + "/health").json() == {"status": "ok", "protocol": "MCP", "version": "2025-06-18"}


def test_stdio_transport(thoth, tmp_path):
    workspace = tmp_path / "ws"
    (workspace / "notes").mkdir(parents=True)
    (workspace / "notes" / "note.md").write_text("# A note\n\nStdio clients read it.\n")
    params = StdioServerParameters(command=THOTH_BIN, args=["mcp", "stdio"], cwd=str(workspace),
                                   env={**os.environ, "THOTH_WORKSPACE_DIR": str(workspace),
                                        "THOTH_MODELS_DIR": thoth.env["THOTH_MODELS_DIR"]})

    async def main():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                assert len((await session.list_tools()).tools) == TOOL_COUNT
                indexed = await session.call_tool("reindex_collection", {})
                assert json.loads(indexed.content[0].text)["files_indexed"] == 1
                found = await session.call_tool("search_articles", {"query": "stdio"})
                assert "Stdio clients read it" in found.content[0].text
                resources = (await session.list_resources()).resources
                assert [str(r.uri) for r in resources] == ["note://note.md"]
    run(main())


def test_auth_applies_to_mcp_too():
    server = ThothServer(env={"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY": "mcp-secret-mcp-secret-mcp-secret-32"})
    try:
        refused = requests.post(server.mcp + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "initialize"},
                                headers={"Accept": "application/json"})
        assert refused.status_code == 401
        assert requests.get(server.mcp + "/health").status_code == 200
        token = server.cli("token", "create").stdout.strip()

        async def body(session):
            return len((await session.list_tools()).tools)
        assert run(with_session(server.mcp + "/mcp", body, headers={"Authorization": f"Bearer {token}"})) == TOOL_COUNT
    finally:
        server.stop()


def test_a_session_ends_after_its_request_quota_and_the_client_initializes_again(thoth):
    """The SDK's transport keeps every message of a session for resumption: a session ends after
    1,000 requests (404, as for an expired session), which bounds that memory."""
    url = thoth.mcp + "/mcp"
    json_only = {"Content-Type": "application/json", "Accept": "application/json"}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "q", "version": "1"}}}
    http = requests.Session()
    session = http.post(url, json=init, headers=json_only).headers["Mcp-Session-Id"]
    headers = {**json_only, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
    replies = [http.post(url, json={"jsonrpc": "2.0", "id": n, "method": "tools/list"}, headers=headers)
               for n in range(2, 1003)]
    assert [r.status_code for r in replies] == [200] * 1000 + [404]
    # Every answered request got its reply, the last one before the session ended too.
    assert all(len(r.json()["result"]["tools"]) > 0 for r in replies[:1000])
    again = http.post(url, json=init, headers=json_only)
    assert again.status_code == 200 and again.headers["Mcp-Session-Id"] != session
