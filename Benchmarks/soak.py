"""Soak and crash runs of the whole server (issue: hardening). Bounded in time and count, all on
loopback.

    python Benchmarks/soak.py --thoth .build/release/thoth --minutes 30      # mixed load
    python Benchmarks/soak.py --thoth .build/release/thoth --kills 20        # kill -9 under load

Mixed load: the official chromadb client writing (500-record batches, upserts, deletes) and
querying on 8003; REST research chat and RAG search on 8000; MCP tool calls on 8001 (raw
streamable HTTP); WebSocket subscribers on /ws/progress and /ws/status plus /ws/chat messages.
Prints errors, p99 per minute by kind, and RSS over time (growth over the last 20 minutes).

Kill mode: the same writers, `kill -9` after a random 2–6 s, then `thoth store check` and a
check that every acknowledged write (add returned) is present; repeated.
"""

import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import warnings

import chromadb
import numpy as np
import requests
import websockets.sync.client as ws_client

DIM = 384
warnings.filterwarnings("ignore", category=DeprecationWarning)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, binary, workspace):
        self.workspace = workspace
        self.ports = {name: free_port() for name in ("api", "mcp", "chroma")}
        env = {**os.environ, "THOTH_WORKSPACE_DIR": workspace, "THOTH_API_PORT": str(self.ports["api"]),
               "THOTH_MCP_PORT": str(self.ports["mcp"]), "THOTH_CHROMA_PORT": str(self.ports["chroma"]),
               "THOTH_MAX_CONCURRENT_REQUESTS": "64",
               "THOTH_MODELS_DIR": os.environ.get("THOTH_MODELS_DIR", os.path.abspath("models"))}
        for key in ("API_OPENROUTER_KEY", "API_MISTRAL_KEY", "API_OPENAI_KEY", "OPENAI_API_KEY", "CHROMADB_URL"):
            env.pop(key, None)
        self.log = open(os.path.join(workspace, "server.out"), "ab")
        self.process = subprocess.Popen([os.path.abspath(binary), "server", "start"], env=env, cwd=workspace, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.api = f"http://127.0.0.1:{self.ports['api']}"
        self.mcp = f"http://127.0.0.1:{self.ports['mcp']}/mcp"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(self.api + "/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self, kill=False):
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(lambda: collections.defaultdict(list))
        self.errors = collections.Counter()
        self.samples = []
        self.started = time.time()

    def timed(self, kind, call):
        started = time.perf_counter()
        try:
            call()
        except Exception as error:  # every failure counts, whatever it is
            with self.lock:
                self.errors[f"{kind}: {type(error).__name__}: {str(error)[:120]}"] += 1
            return
        minute = int((time.time() - self.started) // 60)
        with self.lock:
            self.latencies[kind][minute].append((time.perf_counter() - started) * 1000)


def ok(response):
    if response.status_code >= 400:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    return response


def chroma_writer(server, recorder, stop, acked, seed, window=20):
    """Adds 500-record batches and deletes the batch `window` back, so the collection holds a
    steady ~10,000 records: memory that grows under this load is a leak, not data."""
    client = chromadb.HttpClient(host="127.0.0.1", port=server.ports["chroma"])
    collection = client.get_or_create_collection(f"soak-{seed}", embedding_function=None)
    rng = np.random.default_rng(seed)
    n = 0
    while not stop.is_set():
        ids = [f"w{seed}-{os.getpid()}-{time.time_ns()}-{i}" for i in range(500)]
        vectors = rng.standard_normal((500, DIM), dtype=np.float32)

        def add():
            collection.add(ids=ids, embeddings=vectors, documents=[f"doc {n} {i}" for i in range(500)],
                           metadatas=[{"n": n, "i": i} for i in range(500)])
            acked[seed].append(ids)
        recorder.timed("chroma add 500", add)
        recorder.timed("chroma upsert 50", lambda: collection.upsert(ids=ids[:50], embeddings=vectors[:50]))
        if len(acked[seed]) > window:
            # Once its delete is sent, a batch may be gone whether or not the answer arrives
            # (a kill can land between the commit and the reply): it is no longer expected.
            oldest = acked[seed].pop(0)
            recorder.timed("chroma delete 500", lambda: collection.delete(ids=oldest))
        recorder.timed("chroma query", lambda: collection.query(query_embeddings=vectors[:1], n_results=10))
        n += 1


def chroma_reader(server, recorder, stop):
    client = chromadb.HttpClient(host="127.0.0.1", port=server.ports["chroma"])
    rng = np.random.default_rng(99)
    while not stop.is_set():
        names = [c.name for c in client.list_collections()]
        if not names:
            time.sleep(0.2)
            continue
        collection = client.get_collection(random.choice(names), embedding_function=None)
        recorder.timed("chroma query filtered", lambda: collection.query(
            query_embeddings=rng.standard_normal((1, DIM)).tolist(), n_results=5, where={"i": {"$lt": 100}}))
        recorder.timed("chroma heartbeat", lambda: client.heartbeat())


def rest_client(server, recorder, stop):
    session = requests.Session()
    while not stop.is_set():
        recorder.timed("rest research chat", lambda: ok(session.post(
            server.api + "/research/chat", json={"message": "What do the notes say about exact search?",
                                                 "conversation_id": "soak"}, timeout=60)))
        recorder.timed("rest rag search", lambda: ok(session.post(
            server.api + "/execute/command", json={"command": "rag", "args": ["search"], "kwargs": {"query": "vector store"}},
            timeout=60)))
        recorder.timed("rest health", lambda: ok(session.get(server.api + "/health", timeout=60)))


def mcp_client(server, recorder, stop):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "soak", "version": "1"}}}
    session_id = None
    while not stop.is_set():
        if session_id is None:
            reply = requests.post(server.mcp, json=init, headers=headers, timeout=60)
            session_id = reply.headers.get("Mcp-Session-Id")
            continue
        with_session = {**headers, "Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-06-18"}

        def call():
            nonlocal session_id
            reply = requests.post(server.mcp, headers=with_session, timeout=60, json={
                "jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "search_articles", "arguments": {"query": "exact search"}}})
            if reply.status_code == 404:  # the session ended: initialize again, as the specification asks
                session_id = None
                return
            if "error" in ok(reply).json():
                raise RuntimeError(reply.text[:200])
        recorder.timed("mcp tools/call", call)


def websocket_clients(server, recorder, stop):
    base = f"ws://127.0.0.1:{server.ports['api']}"
    progress, status, chat = (ws_client.connect(base + path, open_timeout=30)
                              for path in ("/ws/progress", "/ws/status", "/ws/chat"))
    try:
        while not stop.is_set():
            def exchange():
                chat.send(json.dumps({"message": "exact search?", "id": 1}))
                while True:
                    reply = json.loads(chat.recv(timeout=60))
                    if reply.get("type") in ("response", "error"):
                        if reply["type"] == "error":
                            raise RuntimeError(reply["error"])
                        return
            recorder.timed("ws chat", exchange)
            time.sleep(0.5)
    finally:
        for socket_ in (progress, status, chat):
            socket_.close()


def write_notes(workspace):
    notes = os.path.join(workspace, "notes")
    os.makedirs(notes, exist_ok=True)
    for i in range(30):
        with open(os.path.join(notes, f"note-{i}.md"), "w") as f:
            f.write(f"# Note {i}\n\nExact vector search scans every row; approximate indexes trade recall for speed. "
                    f"This note, number {i}, discusses stores, embeddings and topic {i % 7}.\n")


def guarded(recorder, stop, body, *args):
    """Runs a client; a failure outside a timed call counts too, unless the run is ending (kill)."""
    try:
        body(*args)
    except Exception as error:
        if not stop.is_set():
            with recorder.lock:
                recorder.errors[f"{body.__name__}: {type(error).__name__}: {str(error)[:120]}"] += 1


def start_load(server, recorder, stop, acked):
    clients = [(chroma_writer, (server, recorder, stop, acked, seed)) for seed in (1, 2)]
    clients += [(f, (server, recorder, stop)) for f in (chroma_reader, rest_client, mcp_client, websocket_clients)]
    threads = [threading.Thread(target=guarded, args=(recorder, stop, body, *args)) for body, args in clients]
    for thread in threads:
        thread.daemon = True
        thread.start()
    return threads


def soak(binary, minutes):
    workspace = tempfile.mkdtemp(prefix="thoth-soak-")
    write_notes(workspace)
    server = Server(binary, workspace)
    ok(requests.post(server.api + "/execute/command", json={"command": "rag", "args": ["index"]}, timeout=600))
    recorder, stop, acked = Recorder(), threading.Event(), {1: [], 2: []}
    threads = start_load(server, recorder, stop, acked)
    rss = []
    end = time.time() + minutes * 60
    while time.time() < end and server.process.poll() is None:
        rss.append((time.time() - recorder.started, rss_mib(server.process.pid)))
        time.sleep(10)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    alive = server.process.poll() is None
    server.stop()
    print(f"server alive at the end: {alive}; errors: {sum(recorder.errors.values())}")
    for error, count in recorder.errors.most_common(10):
        print(f"  {count} × {error}")
    kinds = sorted(recorder.latencies)
    print("\n| minute | " + " | ".join(f"{k} p99 ms" for k in kinds) + " |")
    print("|---" * (len(kinds) + 1) + "|")
    for minute in range(int(minutes) + 1):
        cells = []
        for kind in kinds:
            values = recorder.latencies[kind].get(minute)
            cells.append(f"{np.percentile(values, 99):.1f} ({len(values)})" if values else "–")
        print(f"| {minute} | " + " | ".join(cells) + " |")
    window = min(20, minutes * 2 / 3)  # after warm-up: the last 20 minutes, or two thirds of a shorter run
    warm = [r for t, r in rss if t >= minutes * 60 - window * 60]
    if warm:
        print(f"\nRSS MiB over the last {window:.0f} min: {warm[0]:.0f} → {warm[-1]:.0f} (max {max(warm):.0f}), "
              f"growth {100 * (warm[-1] - warm[0]) / warm[0]:.1f} %")
        print("RSS MiB by minute: " + " ".join(f"{r:.0f}" for t, r in rss if int(t) % 60 < 10))
    shutil.rmtree(workspace, ignore_errors=True)


def kills(binary, rounds):
    workspace = tempfile.mkdtemp(prefix="thoth-kill-")
    write_notes(workspace)
    rng = random.Random(15)
    acked = {1: [], 2: []}
    for round_ in range(rounds):
        server = Server(binary, workspace)
        recorder, stop = Recorder(), threading.Event()
        threads = start_load(server, recorder, stop, acked)
        time.sleep(rng.uniform(2, 6))
        stop.set()  # requests in flight stay in flight: the kill lands mid-write
        server.stop(kill=True)
        for thread in threads:
            thread.join(timeout=60)
        check = subprocess.run([binary, "store", "check", "--path", os.path.join(workspace, "data")],
                               capture_output=True, text=True, timeout=300)
        report = json.loads(check.stdout) if check.returncode == 0 else {}
        with sqlite3.connect(os.path.join(workspace, "data", "vectors.sqlite3")) as db:
            present = {row[0] for row in db.execute("SELECT id FROM records")}
        # A batch whose delete was acknowledged left `acked`; one whose add was is in it.
        expected = [id_ for batches in acked.values() for batch in batches for id_ in batch]
        missing = [id_ for id_ in expected if id_ not in present]
        opened = sorted(c["rows"] for c in report.get("collections", []))
        print(f"round {round_ + 1}: store check {report.get('integrity')}, row files {report.get('rows')} "
              f"(opened: {', '.join(opened)}), acknowledged records {len(expected)}, missing {len(missing)}")
        assert report.get("integrity") == "ok" and report.get("rows") == "ok" and not missing, (
            check.stdout, check.stderr, missing[:5])
    shutil.rmtree(workspace, ignore_errors=True)
    print(f"{rounds} kills: every store check ok, every acknowledged write present")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--kills", type=int, default=0)
    args = parser.parse_args()
    if args.kills:
        kills(args.thoth, args.kills)
    else:
        soak(args.thoth, args.minutes)


if __name__ == "__main__":
    main()
