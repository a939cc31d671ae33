"""`logs/thoth.log` is rotated by size: a long-running server's logs stay bounded."""

import requests

from thoth_process import ThothServer


def test_log_file_is_rotated_by_size(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "ws"), env={
        "THOTH_LOG_LEVEL": "debug", "THOTH_LOG_MAX_BYTES": "4096", "THOTH_LOG_BACKUP_COUNT": "2"})
    try:
        for n in range(400):
            requests.get(server.api + f"/chat/sessions/missing-{n}")
        logs = server.workspace / "logs"
        names = sorted(p.name for p in logs.iterdir())
        assert names == ["thoth.log", "thoth.log.1", "thoth.log.2"], names
        for name in names:
            assert 0 < (logs / name).stat().st_size <= 4096 + 2048, name
        assert "missing-399" in (logs / "thoth.log").read_text() + (logs / "thoth.log.1").read_text()
    finally:
        server.stop()
