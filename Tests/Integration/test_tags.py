"""The notes' tags through the tools, the CLI and the command route, on the real server: a
workspace tagged `LLM`, `llms`, `Large Language Models` and `RAG` ends, after consolidation, with
one tag for the first three — in the notes' front matter and in the index's metadata; suggestions
for an untagged note; rename, merge, delete; the chat model's grouping when it answers as asked."""

import json

import chromadb
import pytest
import requests

from conftest import thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only

NOTES = {
    "notes/gpt.md": (["LLM"], "GPT models", "Large language models predict the next token of a text."),
    "notes/scaling.md": (["llms"], "Scaling laws", "Scaling laws relate model size, data and loss."),
    "notes/survey.md": (["Large Language Models", "RAG"], "A survey", "A survey of language models and retrieval."),
    "notes/rag.md": (["RAG"], "Retrieval", "Retrieval augmented generation grounds answers in passages."),
    "notes/untagged.md": ([], "Prompting", "Prompting an LLM: large language models follow instructions."),
}


def note(tags, title, body):
    return f"---\ntitle: \"{title}\"\ntags: {json.dumps(tags)}\n---\n# {title}\n\n{body}\n"


def front_tags(path):
    for line in path.read_text().split("---\n")[1].splitlines():
        if line.startswith("tags:"):
            return json.loads(line[len("tags:"):])
    return []


@pytest.fixture
def model():
    fake = FakeChatModel()
    yield fake
    fake.close()


@pytest.fixture
def thoth(model):
    server = ThothServer("--no-monitor", "--no-discovery", env=model.env())
    for path, (tags, title, body) in NOTES.items():
        server.write_note(path, note(tags, title, body))
    server.command("index")
    yield server
    assert server.stop() == 0, server.output()


def tool(server, name, **parameters):
    reply = requests.post(server.api + "/tools/execute",
                          json={"tool_name": name, "parameters": parameters, "bypass_agent": True}, timeout=120)
    return reply.json()


def index_tags(server, relative):
    client = chromadb.HttpClient(host="127.0.0.1", port=server.chroma_port)
    records = client.get_collection("thoth_knowledge").get(where={"source": str(server.workspace / relative)})
    return {m.get("tags") for m in records["metadatas"]}


def test_consolidation_leaves_one_tag_for_the_spellings_of_one(thoth):
    listed = tool(thoth, "manage_tag_vocabulary")["result"]["tags"]
    assert {t["tag"]: t["notes"] for t in listed} == {"LLM": 1, "llms": 1, "Large Language Models": 1, "RAG": 2}
    # The fake model's usual reply is no grouping: grouped offline, and the result says why.
    dry = tool(thoth, "consolidate_tags", dry_run=True)["result"]
    assert dry["judge"] == "offline" and "chat model failed" in dry["problem"]
    assert dry["groups"] == [{"keep": "LLM", "merge": ["llms", "Large Language Models"]}]
    assert dry["notes_changed"] == [] and front_tags(thoth.workspace / "notes/scaling.md") == ["llms"]

    done = tool(thoth, "consolidate_tags")["result"]
    assert sorted(done["notes_changed"]) == sorted(str(thoth.workspace / p) for p in
                                                   ["notes/scaling.md", "notes/survey.md"])
    assert front_tags(thoth.workspace / "notes/scaling.md") == ["LLM"]
    assert front_tags(thoth.workspace / "notes/survey.md") == ["LLM", "RAG"]
    assert index_tags(thoth, "notes/survey.md") == {"LLM, RAG"} and index_tags(thoth, "notes/scaling.md") == {"LLM"}
    after = tool(thoth, "manage_tag_vocabulary")["result"]
    assert {t["tag"]: t["notes"] for t in after["tags"] if t["notes"]} == {"LLM": 3, "RAG": 2}
    assert after["aliases"] == {"Large Language Models": "LLM", "llms": "LLM"}
    listing = thoth.cli("tags", "list")
    assert listing.returncode == 0 and listing.stdout.splitlines()[:2] == ["LLM (3)", "RAG (2)"]


def test_suggestions_rename_merge_and_delete(thoth, model):
    suggested = tool(thoth, "suggest_tags")["result"]  # the untagged note only
    untagged = str(thoth.workspace / "notes/untagged.md")
    assert list(suggested["suggestions"]) == [untagged] and suggested["judge"] == "offline"
    assert suggested["suggestions"][untagged][0] in ("LLM", "llms", "Large Language Models")
    assert front_tags(thoth.workspace / "notes/untagged.md") == []  # not applied
    # The chat model's choice when it answers as asked, applied.
    model.script = [{"content": json.dumps({"tags": ["LLM", "prompting"]})}]
    applied = tool(thoth, "suggest_tags", article_identifier="Prompting", apply=True)["result"]
    assert applied["judge"] == "llm" and applied["suggestions"] == {untagged: ["LLM", "prompting"]}
    assert front_tags(thoth.workspace / "notes/untagged.md") == ["LLM", "prompting"]
    assert index_tags(thoth, "notes/untagged.md") == {"LLM, prompting"}

    renamed = thoth.cli("tags", "rename", "RAG", "retrieval augmented generation")
    assert renamed.returncode == 0, renamed.stderr
    assert front_tags(thoth.workspace / "notes/rag.md") == ["retrieval augmented generation"]
    merged = tool(thoth, "manage_tag_vocabulary", action="merge", tags=["llms", "Large Language Models"],
                  new_tag="LLM")["result"]
    assert len(merged["notes_changed"]) == 2 and front_tags(thoth.workspace / "notes/survey.md") == [
        "LLM", "retrieval augmented generation"]
    tool(thoth, "manage_tag_vocabulary", action="delete", tag="prompting")
    assert front_tags(thoth.workspace / "notes/untagged.md") == ["LLM"]
    # Bad calls are tool errors naming the problem; a path outside the notes is refused.
    assert "merge needs" in tool(thoth, "manage_tag_vocabulary", action="merge", tags=["x"])["error"]
    outside = tool(thoth, "suggest_tags", article_identifier="/etc/hostname", apply=True)
    assert outside["is_error"] is True and "not a note" in outside["error"]


def test_the_chat_model_groups_and_the_command_route_applies(thoth, model):
    model.script = [{"content": json.dumps({"groups": [
        {"keep": "Large Language Models", "merge": ["LLM", "llms", "not-a-tag"]},
        {"keep": "RAG", "merge": ["LLM"]}]})}]  # the second reuses a tag: dropped
    result = requests.post(thoth.api + "/execute/command", json={"command": "notes", "args": ["consolidate-tags"]},
                           timeout=120).json()
    groups = result["result"]
    assert groups["judge"] == "llm"
    assert groups["groups"] == [{"keep": "Large Language Models", "merge": ["LLM", "llms"]}]
    assert front_tags(thoth.workspace / "notes/gpt.md") == ["Large Language Models"]
    assert front_tags(thoth.workspace / "notes/survey.md") == ["Large Language Models", "RAG"]
