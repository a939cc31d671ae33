"""A legacy client (chromadb-client 0.5.15, /api/v1 routes) in its own virtualenv."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import thoth_only

LEGACY_PYTHON = os.environ.get("LEGACY_PYTHON")


@thoth_only  # Chroma 1.5.9 no longer serves /api/v1 (410)
@pytest.mark.skipif(not LEGACY_PYTHON, reason="LEGACY_PYTHON (the legacy client's venv) is not set; make test sets it")
def test_legacy_client_session(server, client):
    script = Path(__file__).with_name("legacy_client_session.py")
    result = subprocess.run([LEGACY_PYTHON, str(script), "127.0.0.1", str(server.port)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "legacy client ok 0.5.15" in result.stdout
