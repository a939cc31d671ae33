"""Mistral's OCR path (`API_MISTRAL_KEY`): the PDF is uploaded, a signed URL fetched and
`mistral-ocr-latest` run on the pages without text, against a local server that speaks Mistral's
protocol. The official `mistralai` SDK is run against the same server first, so the server's
answers are ones the real client accepts; then the real binary uses it, and falls back to
Tesseract when the service fails."""

import email.parser
import email.policy
import json
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from mistralai.client import Mistral

from conftest import JSONHandler, serve, thoth_only
from test_pdf_pipeline import execute, scan, typeset_paper
from thoth_process import ThothServer

pytestmark = thoth_only

KEY = "test-mistral-key"


class FakeMistral:
    """`/v1/files` (multipart upload, purpose `ocr`), `/v1/files/{id}/url`, `/v1/ocr`,
    `DELETE /v1/files/{id}`, as Mistral's API answers them; `mode = "500"` makes it fail."""

    def __init__(self):
        self.files, self.requests, self.mode = {}, [], "ok"
        outer = self

        class Handler(JSONHandler):
            def _record(self, body=None):
                outer.requests.append({"method": self.command, "path": self.path,
                                       "auth": self.headers.get("Authorization"), "body": body})
                if self.headers.get("Authorization") != f"Bearer {KEY}":
                    self.reply(401, {"detail": "Unauthorized"})
                    return False
                if outer.mode == "500":
                    self.reply(500, {"detail": "the fake service is down"})
                    return False
                return True

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/v1/files":
                    if not self._record({"content_type": self.headers["Content-Type"]}):
                        return
                    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw)
                    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
                    assert parts["purpose"].get_content().strip() == "ocr"
                    upload = parts["file"]
                    content = upload.get_payload(decode=True)
                    assert content.startswith(b"%PDF-")
                    file_id = str(uuid.uuid4())
                    outer.files[file_id] = content
                    return self.reply(200, {"id": file_id, "object": "file", "bytes": len(content),
                                            "created_at": int(time.time()), "filename": upload.get_filename(),
                                            "purpose": "ocr", "sample_type": "ocr_input", "source": "upload",
                                            "num_lines": None, "mimetype": "application/pdf"})
                if self.path == "/v1/ocr":
                    body = json.loads(raw)
                    if not self._record(body):
                        return
                    assert body["model"] == "mistral-ocr-latest" and body["document"]["type"] == "document_url"
                    file_id = body["document"]["document_url"].rsplit("/", 1)[-1]
                    assert file_id in outer.files
                    pages = body.get("pages") or [0]
                    return self.reply(200, {
                        "pages": [{"index": i, "markdown": f"# Read by Mistral\n\nPage {i + 1} says hello from the service.",
                                   "images": [], "dimensions": {"dpi": 200, "height": 2200, "width": 1700}}
                                  for i in pages],
                        "model": "mistral-ocr-2505-completion",
                        "usage_info": {"pages_processed": len(pages), "doc_size_bytes": len(outer.files[file_id])}})
                self.reply(404, {"detail": "Not Found"})

            def do_GET(self):
                match = re.fullmatch(r"/v1/files/([^/]+)/url\?expiry=(\d+)", self.path)
                if match and self._record():
                    return self.reply(200, {"url": f"https://files.example/signed/{match.group(1)}"})
                if not match:
                    self.reply(404, {"detail": "Not Found"})

            def do_DELETE(self):
                file_id = self.path.rsplit("/", 1)[-1]
                if self._record():
                    outer.files.pop(file_id, None)
                    self.reply(200, {"id": file_id, "object": "file", "deleted": True})

        self.server = serve(Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def mistral():
    fake = FakeMistral()
    yield fake
    fake.close()


def test_the_official_client_accepts_the_servers_answers(mistral, tmp_path):
    pdf = typeset_paper(tmp_path)
    with Mistral(api_key=KEY, server_url=mistral.root) as client:
        uploaded = client.files.upload(file={"file_name": pdf.name, "content": pdf.read_bytes()}, purpose="ocr")
        signed = client.files.get_signed_url(file_id=uploaded.id)
        result = client.ocr.process(model="mistral-ocr-latest",
                                    document={"type": "document_url", "document_url": signed.url}, pages=[2])
        assert [page.index for page in result.pages] == [2] and "hello from the service" in result.pages[0].markdown
        assert client.files.delete(file_id=uploaded.id).deleted


def test_scanned_pages_go_to_mistral_and_the_upload_is_deleted(mistral, tmp_path):
    server = ThothServer("--no-monitor", env={"API_MISTRAL_KEY": KEY, "THOTH_MISTRAL_BASE_URL": mistral.root + "/v1"})
    try:
        scan(typeset_paper(tmp_path), 2, server.workspace / "pdfs" / "scanned.pdf")
        reply = execute(server, "process_pdf", pdf_path="scanned.pdf")
        assert reply.status_code == 200, reply.text
        result = reply.json()["result"]
        assert result["ocr_pages"] == [1]
        assert "Page 1 says hello from the service." in Path(result["markdown"]).read_text()
        assert "OCR (mistral-ocr-latest) on pages 1" in Path(result["note"]).read_text()
        calls = [(r["method"], r["path"].split("?")[0].rsplit("/", 1)[-1] if r["method"] != "POST" else r["path"])
                 for r in mistral.requests]
        assert [c[0] for c in calls] == ["POST", "GET", "POST", "DELETE"], calls
        assert mistral.requests[2]["body"]["pages"] == [0]
        assert all(r["auth"] == f"Bearer {KEY}" for r in mistral.requests)
        time.sleep(0.5)
        assert mistral.files == {}
        # The service failing: Tesseract reads the page instead.
        mistral.mode = "500"
        scan(typeset_paper(tmp_path), 3, server.workspace / "pdfs" / "scanned-again.pdf")
        reply = execute(server, "process_pdf", pdf_path="scanned-again.pdf")
        assert reply.status_code == 200, reply.text
        fallback = reply.json()["result"]
        assert "OCR (tesseract) on pages 1" in Path(fallback["note"]).read_text()
        assert "sentinel sentence" in Path(fallback["markdown"]).read_text()
    finally:
        assert server.stop() == 0, server.output()
