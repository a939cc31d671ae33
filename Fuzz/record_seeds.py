"""Records real request bodies of the official chromadb client (1.x: base64 embeddings) as seeds
for the fuzzing harnesses: a proxy between the client and `thoth chroma` saves every POST body.

    .build/venv/bin/python Fuzz/record_seeds.py .build/debug/thoth

Writes Fuzz/Seeds/{json,batch,filter}/ (the chunker's seeds, in Fuzz/Text/Seeds, are pieces of this repository's
README, the tokenizer's a few lines of text in several scripts).
"""

import hashlib
import http.client
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import chromadb
import numpy as np
import requests

SEEDS = Path(__file__).parent / "Seeds"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy(upstream_port, saved):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if body:
                saved.append((self.path, body))
            connection = http.client.HTTPConnection("127.0.0.1", upstream_port)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def session(port):
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    rng = np.random.default_rng(7)
    papers = client.create_collection("papers", embedding_function=None, metadata={"hnsw:space": "cosine"})
    papers.add(ids=[f"p{i}" for i in range(20)], embeddings=rng.standard_normal((20, 8), dtype=np.float32),
               documents=[f"Paper {i} on exact vector search, ünïcode and emoji 🔍 #{i}" for i in range(20)],
               metadatas=[{"year": 2000 + i, "score": i / 3, "open": i % 2 == 0, "venue": f"V{i % 4}",
                           "tags": ["a", "b"] if i % 3 else ["c"]} for i in range(20)])
    papers.upsert(ids=["p1", "new"], embeddings=[[0.5] * 8, [1e-30] * 8], documents=["updated", None],
                  metadatas=[{"year": 1999}, None])
    papers.update(ids=["p2"], metadatas=[{"venue": None, "score": -1.5e10}])
    papers.query(query_embeddings=rng.standard_normal((2, 8)).tolist(), n_results=3,
                 where={"$and": [{"year": {"$gte": 2005}}, {"venue": {"$in": ["V1", "V2"]}}]},
                 where_document={"$or": [{"$contains": "search"}, {"$not_contains": "emoji"}]},
                 include=["documents", "metadatas", "distances", "embeddings"])
    papers.query(query_embeddings=[[0.1] * 8], n_results=1, where={"open": True})
    papers.get(where={"$or": [{"score": {"$lt": 2.5}}, {"tags": {"$contains": "c"}}]}, limit=5, offset=1,
               include=["metadatas"])
    papers.get(ids=["p3", "p4"], where_document={"$regex": "Paper [0-9]+ on"})
    papers.get(where={"$and": [{"venue": {"$nin": ["V0"]}}, {"year": {"$ne": 2003}}]})
    papers.delete(where={"year": {"$lte": 2001}})
    papers.delete(ids=["p19"])
    papers.modify(name="papers2", metadata={"topic": "search"})
    # The legacy clients (0.4/0.5) send embeddings as JSON number arrays.
    url = f"http://127.0.0.1:{port}/api/v2/tenants/default_tenant/databases/default_database/collections/{papers.id}"
    requests.post(url + "/add", json={"ids": ["l1", "l2"], "embeddings": [[0.25, -1.0, 3e-8, 1e3, 0, 0, 0, 1],
                                                                          [1, 2, 3, 4, 5, 6, 7, 8.5]],
                                      "documents": ["legacy", "client"], "metadatas": [{"k": 1}, None]})


def main():
    binary = sys.argv[1]
    path = tempfile.mkdtemp(prefix="thoth-seeds-")
    port = free_port()
    server = subprocess.Popen([binary, "chroma", "--port", str(port), "--path", path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        saved = []
        front = proxy(port, saved)
        session(front.server_address[1])
        for path_, body in saved:
            kinds = ["json"]
            if path_.endswith(("/add", "/upsert", "/update")):
                kinds.append("batch")
            if path_.endswith(("/query", "/get", "/delete")):
                kinds.append("filter")
            for kind in kinds:
                folder = SEEDS / kind
                folder.mkdir(parents=True, exist_ok=True)
                (folder / hashlib.sha1(body).hexdigest()[:16]).write_bytes(body)
        print(f"recorded {len(saved)} bodies")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
