"""`thoth backup` while a writer is adding records to the running server, then `thoth restore`
into a new workspace: the restored store opens, passes the integrity check and holds every
record acknowledged before the backup began. Restore refuses a store in use."""

import json
import os
import subprocess
import threading
import time

import chromadb

from conftest import THOTH_BIN, ChromaProcess, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only


def thoth(workspace, *args):
    env = {**os.environ, "THOTH_WORKSPACE_DIR": str(workspace)}
    return subprocess.run([THOTH_BIN, *args], env=env, cwd=workspace, capture_output=True, text=True, timeout=300)


def test_backup_while_writing_then_restore(tmp_path):
    server = ThothServer(workspace=str(tmp_path / "live"))
    server.write_note("notes/kept.md", "# Kept\n\nThis note travels with the backup.\n")
    client = chromadb.HttpClient(host="127.0.0.1", port=server.chroma_port)
    collection = client.create_collection("writes", embedding_function=None)
    acknowledged = []  # (time acknowledged, ids)
    stop = threading.Event()

    def writer():
        batch = 0
        while not stop.is_set():
            ids = [f"b{batch}-{n}" for n in range(200)]
            collection.add(ids=ids, embeddings=[[float(batch), float(n), 1.0] for n in range(200)])
            acknowledged.append((time.time(), ids))
            batch += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(1.0)
        began = time.time()
        archive = tmp_path / "snapshot.tar.gz"
        backup = thoth(server.workspace, "backup", str(archive))
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join()
    assert backup.returncode == 0, backup.stderr
    manifest = json.loads(backup.stdout)["manifest"]
    assert manifest["format"] == "thoth-backup"
    before = [i for t, ids in acknowledged if t < began for i in ids]
    after = [i for t, ids in acknowledged if t >= began for i in ids]
    assert before and after, "the writer must have been writing during the backup"

    # The live store is in use: restoring over it is refused.
    refused = thoth(server.workspace, "restore", str(archive), "--force")
    assert refused.returncode != 0 and "in use" in refused.stderr
    assert server.stop() == 0

    restored_ws = tmp_path / "restored"
    restored_ws.mkdir()
    restore = thoth(restored_ws, "restore", str(archive))
    assert restore.returncode == 0, restore.stderr
    assert (restored_ws / "notes" / "kept.md").read_text().startswith("# Kept")
    check = thoth(restored_ws, "store", "check", "--path", str(restored_ws / "data"))
    assert check.returncode == 0 and json.loads(check.stdout)["integrity"] == "ok", check.stdout

    chroma = ChromaProcess(path=str(restored_ws / "data"))
    try:
        restored = chromadb.HttpClient(host="127.0.0.1", port=chroma.port).get_collection("writes")
        count = restored.count()
        counted = next(c["count"] for c in manifest["collections"] if c["name"] == "writes")
        assert count == counted >= len(before)
        present = set(restored.get(ids=before)["ids"])
        assert present == set(before)
    finally:
        chroma.stop()

    again = thoth(restored_ws, "restore", str(archive))
    assert again.returncode != 0 and "--force" in again.stderr
    assert thoth(restored_ws, "restore", str(archive), "--force").returncode == 0


def test_a_damaged_archive_is_refused_before_anything_is_replaced(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    result = thoth(workspace, "restore", str(tmp_path / "junk.tar.gz"))
    assert result.returncode != 0 and "tar" in result.stderr
    assert not (workspace / "data" / "vectors.sqlite3").exists()
