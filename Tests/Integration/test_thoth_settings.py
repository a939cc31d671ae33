"""Settings changed at run time through the plugin's routes (`/agent/*`, `/config/*`): keys and
the chat model apply at once, everything is saved and survives a restart, secrets never leave."""

import requests

from conftest import thoth_only
from thoth_process import FakeChatModel, ThothServer

pytestmark = thoth_only


def test_plugin_settings_apply_live_and_survive_a_restart(tmp_path):
    model = FakeChatModel()
    server = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        assert requests.get(server.api + "/agent/config").json()["llm_models"]["offline"] is True
        synced = requests.post(server.api + "/agent/sync-settings", json={
            "llmBaseUrl": model.url, "llmModel": "fake-model", "openrouterKey": "sk-or-secret", "somethingElse": 1})
        assert synced.status_code == 200, synced.text
        assert synced.json()["updated_keys"] == ["API_OPENROUTER_KEY", "THOTH_LLM_BASE_URL", "THOTH_LLM_MODEL"]
        assert synced.json()["synced_settings_count"] == 3

        reply = requests.post(server.api + "/research/chat", json={"message": "live?"}).json()
        assert reply["response"] == "FAKE ANSWER to: live?" and reply["model"] == "fake-model"
        config = requests.get(server.api + "/agent/config").json()
        assert config["has_api_keys"]["openrouter"] is True and config["llm_models"]["model"] == "fake-model"
        assert "sk-or-secret" not in requests.get(server.api + "/agent/config").text
        # A role's own model applies at once too; the others keep the chat model.
        assert requests.post(server.api + "/agent/sync-settings", json={"tagModel": "fake-tagger"}).status_code == 200
        roles = requests.get(server.api + "/agent/config").json()["llm_models"]["roles"]
        assert roles["tags"].startswith("fake-tagger @ ") and roles["analysis"].startswith("fake-model @ ")
        assert roles["chat"] == roles["citations"] == roles["relevance"] == roles["analysis"]

        exported = requests.get(server.api + "/config/export").json()
        assert exported["config_version"] == "1.0.0"
        assert exported["config"]["openrouterKey"] == "********" and exported["config"]["mistralKey"] == ""
        assert exported["config"]["llmModel"] == "fake-model"
        assert "sk-or-secret" not in requests.get(server.api + "/config/export").text
    finally:
        server.stop()

    again = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        reply = requests.post(again.api + "/research/chat", json={"message": "after restart?"}).json()
        assert reply["response"] == "FAKE ANSWER to: after restart?"
        # Importing an export back leaves the redacted secret as it was.
        exported = requests.get(again.api + "/config/export").json()["config"]
        imported = requests.post(again.api + "/config/import", json={"config": exported})
        assert imported.status_code == 200 and imported.json()["status"] == "success"
        assert "API_OPENROUTER_KEY" not in imported.json()["synced_environment_vars"]
        assert requests.get(again.api + "/agent/config").json()["has_api_keys"]["openrouter"] is True
    finally:
        again.stop()
        model.close()


def test_invalid_settings_are_refused_whole(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        refused = requests.post(server.api + "/config/import",
                                json={"ragChunkSize": "huge", "endpointPort": 70000, "llmModel": "kept-out"})
        assert refused.status_code == 400
        body = refused.json()
        assert body["status"] == "validation_failed" and len(body["errors"]) == 2
        assert requests.get(server.api + "/config/export").json()["config"]["llmModel"] is None

        valid = requests.post(server.api + "/config/validate", json={"ragChunkSize": 400}).json()
        assert valid["is_valid"] is True and valid["source"] == "request"
        assert "ragChunkSize applies after a restart" in valid["warnings"]
        current = requests.post(server.api + "/config/validate").json()
        assert current["source"] == "current" and current["status"] == "valid"
        assert any("No language model key" in w for w in current["warnings"])

        bad_sync = requests.post(server.api + "/agent/sync-settings", json={"llmTemperature": 9})
        assert bad_sync.status_code == 400 and "llmTemperature" in bad_sync.json()["message"]

        schema = requests.get(server.api + "/config/schema").json()["settings"]
        keys = {s["key"] for s in schema}
        assert {"mistralKey", "openrouterKey", "notesDirectory", "ragChunkSize"} <= keys
        defaults = requests.get(server.api + "/config/defaults").json()
        assert defaults["ragChunkSize"] == "500" and "mistralKey" not in defaults
    finally:
        server.stop()


def test_agent_config_and_restart(tmp_path):
    model = FakeChatModel()
    server = ThothServer(workspace=str(tmp_path / "ws"))
    try:
        changed = requests.post(server.api + "/agent/config", json={
            "api_keys": {"openrouter": "sk-1"}, "directories": {"pdf": "papers"},
            "settings": {"thoth_llm_base_url": model.url}})
        assert changed.status_code == 200
        assert changed.json()["updated_keys"] == ["API_OPENROUTER_KEY", "THOTH_LLM_BASE_URL", "THOTH_PDF_DIR"]
        assert requests.post(server.api + "/research/chat", json={"message": "x"}).json()["model"] != "offline"

        restarted = requests.post(server.api + "/agent/restart", json={
            "update_config": True, "new_config": {"llmModel": "other-model"}}).json()
        assert restarted["status"] == "success" and restarted["llm"] == "other-model"
        assert model.requests and requests.post(server.api + "/research/chat",
                                                json={"message": "y"}).json()["model"] == "other-model"
        bad = requests.post(server.api + "/agent/config", json={"api_keys": {"mistral": ["not", "text"]}})
        assert bad.status_code == 400
    finally:
        server.stop()
        model.close()
