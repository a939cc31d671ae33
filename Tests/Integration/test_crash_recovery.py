"""Kill a writer with SIGKILL mid-batch; every acknowledged batch must survive, no partial
batch may appear, and the store must pass SQLite's integrity check."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time

from conftest import THOTH_BIN, thoth_only

BATCH = 200


def run_and_kill(path: str, delay: float, start: int) -> list[tuple[int, int]]:
    """Starts `thoth store fill`, kills it after `delay` seconds, returns the acknowledged batches."""
    process = subprocess.Popen(
        [THOTH_BIN, "store", "fill", "--path", path, "--count", "1000000", "--batch", str(BATCH),
         "--dimension", "16", "--start", str(start), "--seed", str(start)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate()
    acks = []
    for line in output.decode().splitlines():
        _, _, first, size = line.split()
        acks.append((int(first), int(size)))
    return acks


@thoth_only
def test_sigkill_during_writes_loses_no_acknowledged_batch():
    path = tempfile.mkdtemp(prefix="thoth-crash-")
    rng = random.Random(20261126)
    acknowledged = []
    start = 0
    for _ in range(8):
        acks = run_and_kill(path, rng.uniform(0.3, 1.5), start)
        acknowledged += acks
        start += 10_000_000  # each run writes its own id range

        check = subprocess.run([THOTH_BIN, "store", "check", "--path", path], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stdout + check.stderr
        report = json.loads(check.stdout)
        assert report["integrity"] == "ok"

        with sqlite3.connect(os.path.join(path, "vectors.sqlite3")) as db:
            ids = {row[0] for row in db.execute("SELECT id FROM records")}
        for first, size in acknowledged:
            batch = {f"rec-{i}" for i in range(first, first + size)}
            assert batch <= ids, f"acknowledged batch at {first} lost"
        # Whole batches only: every id present belongs to a batch that is complete.
        numbers = sorted(int(i.split("-")[1]) for i in ids)
        by_batch = {}
        for n in numbers:
            by_batch.setdefault((n // BATCH) * BATCH, 0)
            by_batch[(n // BATCH) * BATCH] += 1
        assert all(count == BATCH for count in by_batch.values()), "a partial batch is visible"
    assert len(acknowledged) > 8
