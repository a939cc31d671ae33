"""Reference lists read by `thoth citations extract`: a plain list, a note, and a PDF made by groff
from real references (CrossRef records formatted by citeproc-py; see Tests/Fixtures/citations)."""

import json
import re
import subprocess

from conftest import ROOT, THOTH_BIN, thoth_only

pytestmark = thoth_only

FIXTURES = ROOT / "Tests" / "Fixtures" / "citations"


def extract(path):
    done = subprocess.run([THOTH_BIN, "citations", "extract", str(path), "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_plain_reference_list(tmp_path):
    entries = extract(FIXTURES / "references_apa.txt")
    assert len(entries) == 119
    first = entries[0]
    assert first["authors"] == ["Lynch, S."] or first["authors"] == ["Lynch, S"]
    assert first["year"] == 2020 and first["title"] == "Adding Additional Widget Sizes"
    assert first["doi"] == "10.1007/978-1-4842-6700-4_5" and first["raw"].startswith("Lynch, S. (2020).")


def test_the_references_of_a_note(tmp_path):
    ieee = (FIXTURES / "references_ieee.txt").read_text().splitlines()
    note = tmp_path / "paper.md"
    note.write_text("# A paper\n\nWidgets are studied in [1] and [2].\n\n## Results\n\n1. A numbered finding.\n\n"
                    "## References\n\n" + "\n".join(ieee[2:12]) + "\n")
    entries = extract(note)
    assert [e["title"] for e in entries[:2]] == ["Adding Additional Widget Sizes", "Adding a Widget Intent"]
    assert entries[2]["authors"] == ["P. Mendes", "M. Caceres", "B. Dwolatzky"] and entries[2]["pages"] == "1–6"


def test_the_references_of_a_pdf(tmp_path):
    text = " ".join((FIXTURES / "references_ieee.txt").read_text().splitlines()[2:])
    entries = [e.strip() for e in re.split(r"(?=\[\d+\])", text) if e.strip()][:40]
    source = tmp_path / "paper.ms"
    body = "\n".join(".LP\n" + e.replace("\\", "\\\\") for e in entries)
    source.write_text(".TL\nWidgets, surveyed\n.LP\nWidgets are studied in [1].\n.SH\nReferences\n" + body + "\n")
    pdf = tmp_path / "paper.pdf"
    with open(pdf, "wb") as out:
        subprocess.run(["groff", "-k", "-ms", "-Tpdf", str(source)], stdout=out, stderr=subprocess.DEVNULL, check=True)
    parsed = extract(pdf)
    assert len(parsed) == 40
    records = {r["DOI"]: r for r in json.loads((FIXTURES / "records.json").read_text())}
    right = sum(1 for p in parsed if p["doi"] in records and p["year"] == records[p["doi"]]["issued"]["date-parts"][0][0])
    assert right >= 38, [(p["doi"], p["year"]) for p in parsed]
