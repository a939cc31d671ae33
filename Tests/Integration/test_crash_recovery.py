"""Kill a writer with SIGKILL mid-batch; every acknowledged batch must survive, no partial
batch may appear, the store must pass SQLite's integrity check, and the collection's row files
(rows/) must give an index equal to one built from SQLite."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections import Counter

from conftest import THOTH_BIN, thoth_only

BATCH = 200


def run_and_kill(path: str, delay: float, start: int, pause: float = 0) -> list[tuple[int, int]]:
    """Starts `thoth store fill`, kills it after `delay` seconds, returns the acknowledged batches."""
    process = subprocess.Popen(
        [THOTH_BIN, "store", "fill", "--path", path, "--count", "1000000", "--batch", str(BATCH),
         "--dimension", "16", "--start", str(start), "--seed", str(start), "--pause", str(pause)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate()
    acks = []
    for line in output.decode().splitlines():
        _, _, first, size = line.split()
        acks.append((int(first), int(size)))
    return acks


def check(path: str) -> dict:
    """`thoth store check`: SQLite's integrity and each collection's index against SQLite."""
    result = subprocess.run([THOTH_BIN, "store", "check", "--path", path], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["integrity"] == "ok" and report["rows"] == "ok", report
    return report


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

        report = check(path)

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


@thoth_only
def test_sigkill_leaves_row_files_that_answer_as_sqlite():
    """Twenty kills of a writer that pauses 4 s after each batch, so that its store saves the
    collection's index (2 s after writes pause) between batches: some kills land after a save
    (the next open maps the snapshot), most after appends to the rows file that no snapshot
    vouches for (the next open rebuilds from SQLite). Each reopen must equal SQLite, bit for bit."""
    path = tempfile.mkdtemp(prefix="thoth-rows-crash-")
    rng = random.Random(20261130)
    opened = Counter()
    acknowledged = 0
    start = 0
    for _ in range(20):
        acknowledged += sum(size for _, size in run_and_kill(path, rng.uniform(0.5, 9.0), start, pause=4))
        start += 10_000_000
        (collection,) = check(path)["collections"]
        opened[collection["rows"]] += 1
        assert collection["count"] >= acknowledged and collection["count"] % BATCH == 0, collection
    assert opened["snapshot"] >= 1 and opened["rebuilt"] >= 1, opened
    assert set(os.listdir(os.path.join(path, "rows"))) == {
        "owner.lock", collection["id"] + ".f32", collection["id"] + ".rows"}
