"""schemathesis against the live API on 8000 (its own /openapi.json): generated and mutated
requests for every route, within a time budget. No answer may be a server error, and every
answer must match the schema the document gives for it."""

import os
import subprocess
import sys

from thoth_process import ThothServer

SECONDS = os.environ.get("THOTH_SCHEMATHESIS_SECONDS", "45")


def test_schemathesis_finds_no_server_error_and_no_schema_break(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"))
    server.write_note("notes/a.md", "# A note\n\nExact search scans every row.\n")
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    try:
        result = subprocess.run(
            [schemathesis, "run", server.api + "/openapi.json", "--checks",
             "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
             "--max-time", SECONDS, "--workers", "2", "--seed", "15",
             # Fuzzing it would make the server fetch arbitrary URLs; test_pdf_pipeline covers it.
             "--exclude-path", "/download-pdf"],
            capture_output=True, text=True, timeout=int(SECONDS) + 120, cwd=tmp_path)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert server.process.poll() is None, server.output()[-3000:]
    finally:
        server.stop()
