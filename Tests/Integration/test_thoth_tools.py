"""The tool registry through the REST routes, and the research agent's tool-calling loop against
a scripted chat-completions server: tools run in-process, results go back to the model, the
limit and the timeout hold, and the chat session records every message."""

import json
import subprocess
import time

import pytest
import requests
from websockets.sync.client import connect

from conftest import THOTH_BIN, thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only

TOOLS = {"search_articles", "list_articles", "get_article_details", "collection_stats", "reindex_collection",
         "find_related_papers", "analyze_topic", "generate_research_summary", "list_queries", "create_query",
         "get_query", "update_query", "delete_query", "export_article_data", "backup_collection",
         "list_collections", "query_collection", "process_pdf", "batch_process_pdfs", "extract_pdf_metadata",
         "update_article_metadata", "delete_article", "list_discovery_sources", "create_arxiv_source",
         "create_crossref_source", "create_pubmed_source", "get_discovery_source", "run_discovery", "delete_discovery_source",
         "create_openalex_source", "create_biorxiv_source", "generate_reading_list", "locate_pdf", "download_pdf",
         "validate_pdf_sources", "extract_citations", "export_bibliography", "format_citations", "evaluate_article",
         "sync_with_obsidian", "suggest_tags", "consolidate_tags", "manage_tag_vocabulary", "consolidate_and_retag",
         "remember", "list_memories", "update_memory", "forget_memory", "create_custom_index", "optimize_search",
         "web_search"}

NOTES = {
    "notes/exact_search.md": "# Exact search\n\nExact search scores every stored vector. Its recall is one.\n",
    "notes/hnsw.md": "# HNSW\n\nHNSW graphs give approximate nearest neighbours with tunable recall.\n",
    "markdown/quantisation.md": "# Quantisation\n\nInt8 quantisation shrinks vectors four times before rescoring.\n",
}


@pytest.fixture(scope="module")
def model():
    fake = FakeChatModel()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def thoth(model):
    server = ThothServer(env={**model.env(), "THOTH_AGENT_MAX_TOOL_CALLS": "2"})
    for path, text in NOTES.items():
        server.write_note(path, text)
    server.command("index")
    yield server
    assert server.stop() == 0, server.output()


def execute(server, tool, **parameters):
    return requests.post(server.api + "/tools/execute",
                         json={"tool_name": tool, "parameters": parameters, "bypass_agent": True})


def test_registry_is_listed_with_schemas(thoth):
    listed = requests.get(thoth.api + "/agent/tools").json()
    assert {t["name"] for t in listed["tools"]} == TOOLS and listed["count"] == len(TOOLS)
    search = next(t for t in listed["tools"] if t["name"] == "search_articles")
    assert search["input_schema"]["required"] == ["query"]
    assert search["input_schema"]["properties"]["limit"]["default"] == 10
    status = requests.get(thoth.api + "/agent/status").json()
    assert status["tools_count"] == len(TOOLS) and status["mode"] == "agent"


def test_article_tools(thoth):
    found = execute(thoth, "search_articles", query="approximate neighbours", limit=2).json()
    assert found["is_error"] is False and found["result"][0]["title"] == "HNSW"
    notes = execute(thoth, "search_articles", query="vectors", document_type="note").json()["result"]
    assert notes and all(r["document_type"] == "note" for r in notes)

    listed = execute(thoth, "list_articles", limit=10).json()["result"]
    assert listed["total"] == 3 and [a["title"] for a in listed["articles"]] == ["Exact search", "HNSW", "Quantisation"]
    assert execute(thoth, "list_articles", filter_by_type="article").json()["result"]["total"] == 1

    details = execute(thoth, "get_article_details", article_identifier="exact_search.md").json()["result"]
    assert details["title"] == "Exact search" and "recall is one" in details["chunks_text"][0]
    related = execute(thoth, "find_related_papers", paper_identifier="hnsw", similarity_threshold=-1).json()
    assert related["is_error"] is False and "HNSW" not in [r["title"] for r in related["result"]]

    stats = execute(thoth, "collection_stats").json()["result"]
    assert stats["article_count"] == 3 and stats["collection_name"] == "thoth_knowledge"
    assert execute(thoth, "reindex_collection").json()["result"]["files_unchanged"] == 3

    csv = execute(thoth, "export_article_data", format="csv").json()["result"]["content"]
    assert csv.splitlines()[0] == "title,document_type,filename,source,chunks" and len(csv.splitlines()) == 4
    xml = execute(thoth, "export_article_data", format="xml", include_content=True).json()["result"]["content"]
    import xml.etree.ElementTree as ElementTree
    articles = ElementTree.fromstring(xml).findall("article")
    assert len(articles) == 3 and "recall is one" in articles[0].find("content").text
    import yaml
    listed = yaml.safe_load(execute(thoth, "export_article_data", format="yaml").json()["result"]["content"])
    assert [a["title"] for a in listed] == ["Exact search", "HNSW", "Quantisation"] and listed[0]["chunks"] == 1
    explained = execute(thoth, "find_related_papers", paper_identifier="hnsw", similarity_threshold=-1,
                        explain_connections=True).json()["result"]
    assert all(r["connection"] for r in explained) and "Exact search" in [r["title"] for r in explained]
    backup = execute(thoth, "backup_collection", backup_path="kb.jsonl").json()["result"]
    lines = open(backup["path"]).read().splitlines()
    assert backup["records"] == len(lines) == 3 and "document" in json.loads(lines[0])

    collections = execute(thoth, "list_collections").json()["result"]
    assert {"name": "thoth_knowledge", "count": 3, "space": "cosine"} in collections
    hits = execute(thoth, "query_collection", collection="thoth_knowledge", query_text="int8",
                   n_results=1, where={"document_type": "article"}).json()["result"]
    assert hits[0]["metadata"]["title"] == "Quantisation"


def test_summaries_go_through_the_language_model(thoth, model):
    summary = execute(thoth, "generate_research_summary", topic_or_query="recall").json()["result"]
    assert summary["answer"].startswith("FAKE ANSWER to: Write a overview research summary")
    topic = execute(thoth, "analyze_topic", topic="quantisation", depth="quick").json()["result"]
    assert topic["model"] == "fake-model" and len(topic["sources"]) <= 3


def test_an_article_is_evaluated_against_a_research_query(thoth, model):
    assert execute(thoth, "create_query", name="ann-graphs", description="Graph indexes for nearest neighbours",
                   research_question="How do HNSW graphs trade recall for speed?",
                   keywords=["hnsw", "graphs"]).json()["is_error"] is False
    try:
        # The chat model's judgement when it answers as asked.
        model.script = [{"content": json.dumps({"relevant": True, "score": 0.92, "reason": "It is about HNSW."})}]
        judged = execute(thoth, "evaluate_article", article_identifier="HNSW", query_name="ann-graphs").json()
        result = judged["result"]
        assert judged["is_error"] is False and result["judge"] == "llm" and result["relevant"] is True
        assert result["score"] == 0.92 and result["reason"] == "model: It is about HNSW."
        assert result["passages"] and all(p["title"] == "HNSW" for p in result["passages"])
        # The fake model's usual reply is no judgement: judged offline, and the result says why.
        graphs = execute(thoth, "evaluate_article", article_identifier="HNSW", query_name="ann-graphs").json()
        pasta = execute(thoth, "evaluate_article", article_identifier="quantisation", query_name="ann-graphs").json()
        assert graphs["result"]["judge"] == "offline" and "chat model failed" in graphs["result"]["problem"]
        assert graphs["result"]["score"] > pasta["result"]["score"]
        assert "similarity" in graphs["result"]["reason"] and "hnsw" in graphs["result"]["reason"]
        unknown = execute(thoth, "evaluate_article", article_identifier="HNSW", query_name="nope")
        assert unknown.status_code in (400, 404) and "No research query named 'nope'" in unknown.json()["error"]
    finally:
        execute(thoth, "delete_query", query_name="ann-graphs")


def test_a_custom_index_holds_one_topics_documents_and_search_can_be_tuned(thoth):
    made = execute(thoth, "create_custom_index", index_name="graph-index",
                   topic_filter="HNSW graphs for approximate nearest neighbours").json()
    assert made["is_error"] is False, made
    sources = [s.rsplit("/", 1)[-1] for s in made["result"]["sources"]]
    assert sources[0] == "hnsw.md" and made["result"]["chunks"] >= len(sources)
    hits = execute(thoth, "query_collection", collection="graph-index", query_text="ef search parameter").json()
    assert hits["result"][0]["metadata"]["custom_index"] == "graph-index"
    assert hits["result"][0]["metadata"]["filename"] == "hnsw.md"
    again = execute(thoth, "create_custom_index", index_name="graph-index", topic_filter="x").json()
    assert again["is_error"] is True and "already exists" in again["error"]
    own = execute(thoth, "create_custom_index", index_name="thoth_knowledge", topic_filter="x").json()
    assert own["is_error"] is True and "own collection" in own["error"]

    tuned = execute(thoth, "optimize_search", test_queries=["recall of exact search", "graph indexes"],
                    optimization_focus="relevance", analyze_performance=True).json()["result"]
    assert [row["k"] for row in tuned["by_k"]] == [2, 4, 8, 16] and len(tuned["per_query"]) == 8
    assert all(row["best_score"] >= row["last_score"] for row in tuned["by_k"])
    assert tuned["recommended"]["THOTH_RAG_DEFAULT_K"] in (2, 4, 8, 16) and tuned["current"]["THOTH_RAG_DEFAULT_K"] == 4
    assert execute(thoth, "optimize_search", optimization_focus="recall").json()["result"]["recommended"] == {
        "THOTH_RAG_DEFAULT_K": 16}


def test_query_tools_keep_queries_as_json_files(thoth):
    created = execute(thoth, "create_query", name="ann-search", description="ANN methods",
                      research_question="How do ANN indexes trade recall?", keywords=["hnsw", "ivf"]).json()
    assert created["is_error"] is False
    stored = json.loads((thoth.workspace / "queries" / "ann-search.json").read_text())
    assert stored["keywords"] == ["hnsw", "ivf"] and stored["minimum_relevance_score"] == 0.7
    again = execute(thoth, "create_query", name="ann-search", description="x", research_question="y")
    assert again.status_code == 400 and "already exists" in again.json()["error"]
    assert execute(thoth, "update_query", query_name="ann-search", keywords=["pq"]).json()["result"]["keywords"] == ["pq"]
    assert [q["name"] for q in execute(thoth, "list_queries").json()["result"]] == ["ann-search"]
    assert execute(thoth, "get_query", query_name="ann-search").json()["result"]["research_question"].startswith("How")
    assert execute(thoth, "delete_query", query_name="ann-search").json()["is_error"] is False
    assert execute(thoth, "get_query", query_name="ann-search").status_code == 400
    escape = execute(thoth, "create_query", name="../../etc/evil", description="x", research_question="y")
    assert escape.status_code == 400 and not (thoth.workspace / "etc").exists()


@pytest.mark.parametrize("tool,arguments,message", [
    ("search_articles", {}, "'query' is required"),
    ("search_articles", {"query": 3}, "'query' must be a string"),
    ("search_articles", {"query": "x", "limit": 0}, "'limit' must be between 1 and 100"),
    ("search_articles", {"query": "x", "document_type": "memo"}, "must be one of note, article"),
    ("list_articles", {"colour": "red"}, "Unknown argument 'colour'"),
    ("get_article_details", {"article_identifier": "no such paper"}, "No indexed article matches"),
    ("query_collection", {"collection": "missing", "query_text": "x"}, "No collection named 'missing'"),
    ("create_query", {"name": "q", "description": "d", "research_question": "r", "keywords": "hnsw"},
     "'keywords' must be a list of strings"),
])
def test_bad_arguments_are_errors_that_say_what_is_wrong(thoth, tool, arguments, message):
    reply = requests.post(thoth.api + "/tools/execute", json={"tool_name": tool, "parameters": arguments})
    assert reply.status_code == 400
    assert reply.json()["is_error"] is True and message in reply.json()["error"]


def test_unknown_tool_is_404(thoth):
    assert requests.post(thoth.api + "/tools/execute", json={"tool_name": "no_such_tool"}).status_code == 404


def test_agent_runs_tools_and_feeds_results_back(thoth, model):
    model.script = [{"tool_calls": [("search_articles", {"query": "int8 quantisation", "limit": 1})]},
                    {"content": "Quantisation shrinks vectors four times [1]."}]
    reply = requests.post(thoth.api + "/research/chat",
                          json={"message": "How much does quantisation shrink vectors?", "conversation_id": "agent-1"})
    body = reply.json()
    assert body["response"] == "Quantisation shrinks vectors four times [1]."
    assert body["tool_calls"] == [{"tool": "search_articles", "args": {"query": "int8 quantisation", "limit": 1},
                                   "is_error": False}]
    first, second = model.requests[-2], model.requests[-1]
    assert {t["function"]["name"] for t in first["tools"]} == TOOLS
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_0"
    assert "shrinks vectors four times" in tool_message["content"]
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == "search_articles"

    history = requests.get(thoth.api + "/chat/sessions/agent-1/messages").json()["messages"]
    assert [m["role"] for m in history] == ["user", "tool", "assistant"]
    assert history[1]["metadata"]["tool"] == "search_articles"


def test_agent_stops_calling_tools_at_the_limit(thoth, model):
    model.script = [{"tool_calls": [("collection_stats", {})]}, {"tool_calls": [("list_articles", {})]},
                    {"content": "Three articles."}]
    body = requests.post(thoth.api + "/research/chat", json={"message": "What is indexed?"}).json()
    assert [c["tool"] for c in body["tool_calls"]] == ["collection_stats", "list_articles"]
    assert body["response"] == "Three articles."
    assert "tools" not in model.requests[-1]  # at the limit the model must answer


def test_failing_tool_is_reported_to_the_model_not_raised(thoth, model):
    model.script = [{"tool_calls": [("get_article_details", {"article_identifier": "nothing like it"})]},
                    {"content": "I could not find it."}]
    body = requests.post(thoth.api + "/research/chat", json={"message": "Show me nothing like it"}).json()
    assert body["tool_calls"][0]["is_error"] is True and body["response"] == "I could not find it."
    assert model.requests[-1]["messages"][-1]["content"].startswith("Error: No indexed article matches")


def test_ws_chat_streams_tool_calls_before_the_answer(thoth, model):
    model.script = [{"tool_calls": [("list_collections", {})]}, {"content": "One collection."}]
    with connect(thoth.api.replace("http://", "ws://") + "/ws/chat") as socket:
        socket.send(json.dumps({"message": "Which collections exist?", "id": 9}))
        event = json.loads(socket.recv(timeout=30))
        final = json.loads(socket.recv(timeout=30))
    assert event == {"tool": "list_collections", "args": {}, "is_error": False, "type": "tool_call", "id": 9}
    assert final["type"] == "response" and final["response"] == "One collection." and final["id"] == 9


def test_ws_chat_streams_the_answer_as_it_is_written_when_asked(thoth, model):
    model.script = [{"tool_calls": [("list_collections", {})]}, {"content": "There is one collection of notes."}]
    with connect(thoth.api.replace("http://", "ws://") + "/ws/chat") as socket:
        socket.send(json.dumps({"message": "Which collections exist?", "id": "s1", "stream": True}))
        events = []
        while not events or events[-1]["type"] not in ("response", "error"):
            events.append(json.loads(socket.recv(timeout=30)))
    assert model.requests[-1]["stream"] is True and model.requests[-2]["stream"] is True
    assert [e["type"] for e in events] == ["tool_call"] + ["delta"] * 6 + ["response"]
    assert all(e["id"] == "s1" for e in events)
    assert "".join(e["text"] for e in events if e["type"] == "delta") == "There is one collection of notes."
    assert events[-1]["response"] == "There is one collection of notes."
    # Without `stream` (the Obsidian plugin's messages) nothing changes: no deltas, no streaming request.
    model.script = [{"content": "Plain."}]
    with connect(thoth.api.replace("http://", "ws://") + "/ws/chat") as socket:
        socket.send(json.dumps({"message": "Anything?", "id": "p1"}))
        assert json.loads(socket.recv(timeout=30))["type"] == "response"
    assert "stream" not in model.requests[-1]


def test_agent_timeout_degrades_to_a_retrieval_answer(model, tmp_path):
    server = ThothServer(env={**model.env(), "THOTH_AGENT_TIMEOUT_SECONDS": "1"}, workspace=str(tmp_path / "ws"))
    try:
        server.write_note("notes/exact_search.md", NOTES["notes/exact_search.md"])
        server.command("index")
        model.mode, model.stall = "stall", 3
        started = time.time()
        body = requests.post(server.api + "/research/chat", json={"message": "Why is exact recall one?"}).json()
        assert time.time() - started < 2.5
        assert body["model"] == "offline" and "did not finish within 1 s" in body["notes"][-1]
        assert "recall is one" in body["response"]
    finally:
        model.mode = "reply"
        server.stop()


def test_terminal_agent_chats_through_the_running_server(thoth, model):
    model.script = [{"tool_calls": [("collection_stats", {})]}, {"content": "Three articles are indexed."}]
    result = subprocess.run([THOTH_BIN, "agent", "--session", "terminal-test"], input="How many articles?\nexit\n",
                            env=thoth.env, cwd=thoth.workspace, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "via the running server" in result.stdout
    assert "↳ collection_stats({})" in result.stdout
    assert "thoth> Three articles are indexed." in result.stdout
    history = requests.get(thoth.api + "/chat/sessions/terminal-test/messages").json()["messages"]
    assert [m["role"] for m in history] == ["user", "tool", "assistant"]
