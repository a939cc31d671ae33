"""web_search on the real server, against local servers: Brave's real recorded answer (with the
key it needs) and DuckDuckGo's results page (the keyless default); clear errors for an engine
that is not configured or not known."""

import requests

from conftest import JSONHandler, ROOT, serve, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

FIXTURES = ROOT / "Tests" / "Fixtures" / "discovery" / "websearch"


def test_web_search_through_brave_and_duckduckgo():
    seen = []

    class Handler(JSONHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("X-Subscription-Token")))
            if self.path.startswith("/res/v1/web/search"):
                return self.reply_bytes(200, "application/json", (FIXTURES / "brave_web_hello_world.json").read_bytes())
            self.reply_bytes(200, "text/html", (FIXTURES / "duckduckgo_documented.html").read_bytes())

    engines = serve(Handler)
    root = f"http://127.0.0.1:{engines.server_address[1]}"
    server = ThothServer("--no-monitor", "--no-discovery", env={
        "API_BRAVE_KEY": "brave-key", "THOTH_BRAVE_URL": root, "THOTH_DUCKDUCKGO_URL": root})
    try:
        def search(**parameters):
            return requests.post(server.api + "/tools/execute", json={
                "tool_name": "web_search", "parameters": parameters, "bypass_agent": True}, timeout=60).json()

        brave = search(query="hello world", max_results=3)  # auto: Brave, its key being set
        assert brave["is_error"] is False and brave["result"]["engine"] == "brave"
        assert [r["title"] for r in brave["result"]["results"]][0] == "\"Hello, World!\" program - Wikipedia"
        assert brave["result"]["count"] == 3 and seen[-1][1] == "brave-key"
        duck = search(query="nearest neighbour search", search_engine="duckduckgo", time_range="week")
        assert duck["result"]["engine"] == "duckduckgo"
        assert [r["url"] for r in duck["result"]["results"]] == [
            "https://en.wikipedia.org/wiki/Nearest_neighbor_search", "https://github.com/facebookresearch/faiss"]
        assert seen[-1][0].startswith("/html/?") and "df=w" in seen[-1][0]
        searx = search(query="x", search_engine="searxng")
        assert searx["is_error"] is True and "THOTH_SEARXNG_URL" in searx["error"]
        unknown = search(query="x", search_engine="altavista")
        assert unknown["is_error"] is True and "must be one of" in unknown["error"]
    finally:
        server.stop()
        engines.shutdown()
