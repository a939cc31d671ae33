"""Citations in real CSL styles: 119 real CrossRef records (Tests/Fixtures/citations/records.json)
formatted by Thoth in five Debian CSL styles equal what the reference processor — pandoc's citeproc,
run on the records themselves — prints; the exports of those records parse back with bibtexparser
and rispy; `/citations/format` and `format_citations` take printed, CSL-JSON and Thoth references
and the user's own style files."""

import json
import os
import subprocess

import pytest
import requests

from conftest import ROOT, THOTH_BIN, thoth_only
from thoth_process import ThothServer

pytestmark = thoth_only

FIXTURES = ROOT / "Tests" / "Fixtures" / "citations"
RECORDS = FIXTURES / "records.json"
DEBIAN_STYLES = "/usr/share/citation-style-language/styles"
STYLES = {"ieee": "ieee", "apa": "apa", "mla": "modern-language-association", "chicago": "chicago-author-date",
          "harvard": "harvard-cite-them-right"}
# A style of the user's own: title, then the year in brackets.
BRIEF_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Brief</title><id>brief</id><updated>2026-11-30T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title"/><date variable="issued" prefix=" [" suffix="]">
    <date-part name="year"/></date></layout></bibliography>
</style>
"""


def reference_processor(records_path, style_file, writer="plain"):
    """pandoc's citeproc on CSL-JSON, one entry per paragraph."""
    done = subprocess.run(["pandoc", "-f", "csljson", "-t", writer, "--citeproc", "--csl", style_file,
                           "--wrap=none", str(records_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [" ".join(p.split()) for p in done.stdout.split("\n\n") if p.strip()]


def thoth(*args, env=None):
    done = subprocess.run([THOTH_BIN, "citations", *args], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("style", sorted(STYLES))
def test_real_records_print_as_the_reference_processor_prints_them(style, tmp_path):
    env = {**os.environ, "THOTH_WORKSPACE_DIR": str(tmp_path)}
    ours = [" ".join(line.split()) for line in thoth("format", str(RECORDS), "--style", style, env=env).splitlines()]
    expected = reference_processor(RECORDS, f"{DEBIAN_STYLES}/{STYLES[style]}.csl")
    assert len(expected) == 119
    assert ours == expected
    if style == "apa":  # sorted by author, same author and year told apart
        assert ours[0].startswith("-, S. (2015).") and any("(2020a)" in entry for entry in ours)
        markdown = [" ".join(line.split()) for line in
                    thoth("format", str(RECORDS), "--style", style, "--markdown", env=env).splitlines()]
        assert markdown == reference_processor(RECORDS, f"{DEBIAN_STYLES}/apa.csl", "commonmark-raw_html")
    if style == "ieee":  # numbered in the order given
        assert [entry.split("]")[0] for entry in ours] == [f"[{n}" for n in range(1, 120)]


def test_the_records_export_to_every_format_and_parse_back():
    """records.json → CSL-JSON, BibTeX, RIS: the fields the styles print survive, read back by
    other tools."""
    import bibtexparser
    import rispy

    records = json.loads(RECORDS.read_text())
    csl = json.loads(thoth("export", str(RECORDS), "--format", "csl-json"))
    bib = bibtexparser.loads(thoth("export", str(RECORDS), "--format", "bibtex")).entries
    ris = rispy.loads(thoth("export", str(RECORDS), "--format", "ris"))
    assert len(csl) == len(bib) == len(ris) == len(records)
    bib_types = {"article-journal": "article", "chapter": "incollection", "paper-conference": "inproceedings",
                 "report": "techreport", "dataset": "misc", "article": "misc"}
    ris_types = {"article-journal": "JOUR", "chapter": "CHAP", "paper-conference": "CONF", "report": "RPRT",
                 "dataset": "GEN", "article": "GEN"}
    for record, c, b, r in zip(records, csl, bib, ris):
        for key in ("type", "title", "DOI", "issued", "container-title", "volume", "issue", "page", "publisher"):
            assert c.get(key) == record.get(key), (key, record, c)
        assert [a.get("family") or a.get("literal") for a in c["author"]] == \
            [a.get("family") or a.get("literal") for a in record["author"]]
        assert b["ENTRYTYPE"] == bib_types[record["type"]] and r["type_of_reference"] == ris_types[record["type"]]
        tex = record.get("publisher", "").replace("&", "\\&").replace("%", "\\%").replace("_", "\\_")
        assert b.get("publisher", "") == tex and r.get("publisher") == record.get("publisher")
        assert b.get("doi") == record["DOI"] and r.get("doi") == record["DOI"]
        assert b.get("year") == (str(record["issued"]["date-parts"][0][0]) if "issued" in record else None)


def test_format_over_rest_and_as_a_tool():
    records = json.loads(RECORDS.read_text())
    server = ThothServer("--no-monitor", "--no-discovery")
    try:
        (server.workspace / "styles").mkdir(exist_ok=True)
        (server.workspace / "styles" / "brief.csl").write_text(BRIEF_CSL)
        api = server.api + "/citations/format"
        # CSL-JSON items, as CrossRef gives them.
        some = records[:12]
        (server.workspace / "some.json").write_text(json.dumps(some))
        for style, file in STYLES.items():
            reply = requests.post(api, json={"articles": some, "style": style}, timeout=60)
            assert reply.status_code == 200, reply.text
            assert reply.json()["entries"] == reference_processor(server.workspace / "some.json",
                                                                 f"{DEBIAN_STYLES}/{file}.csl"), style
        # A printed reference is read first; Thoth's own fields work too.
        printed = ("Mendes, P., Caceres, M., & Dwolatzky, B. (2009). A review of the widget landscape and "
                   "incompatibilities between widget engines. AFRICON 2009, 1–6. https://doi.org/10.1109/afrcon.2009.5308146")
        mine = {"authors": ["Lynch, Stewart"], "title": "Adding a Widget Intent", "year": 2020,
                "venue": "Introducing WidgetKit for iOS", "publisher": "Apress", "type": "chapter"}
        ieee = requests.post(api, json={"articles": [printed, mine], "style": "ieee", "output": "markdown"}).json()
        assert ieee["count"] == 2 and ieee["output"] == "markdown"
        assert ieee["entries"][0].startswith("\\[1\\] P. Mendes, M. Caceres, and B. Dwolatzky, “A review of the widget")
        assert "*AFRICON 2009*" in ieee["entries"][0] and "doi: [10.1109/afrcon.2009.5308146]" in ieee["entries"][0]
        assert ieee["entries"][1].startswith("\\[2\\] S. Lynch, “Adding a Widget Intent,” in *Introducing WidgetKit")
        # The user's own style, by its file name.
        brief = requests.post(api, json={"articles": [mine], "style": "brief"}).json()
        assert brief["entries"] == ["Adding a Widget Intent [2020]"]
        # Clear errors: unknown styles, paths, wrong shapes.
        for style in ["no-such-style", "../styles/brief", "/usr/share/citation-style-language/styles/apa.csl"]:
            bad = requests.post(api, json={"articles": [mine], "style": style})
            assert bad.status_code == 400 and "no citation style named" in bad.json()["message"], bad.text
        assert requests.post(api, json={"articles": "x"}).status_code == 400
        assert requests.post(api, json={"articles": [mine], "output": "html"}).status_code == 400
        # The tool, with the configured default style (IEEE).
        tool = requests.post(server.api + "/tools/execute", json={
            "tool_name": "format_citations", "parameters": {"articles": [printed]}, "bypass_agent": True},
            timeout=60).json()
        assert tool["is_error"] is False and tool["result"]["style"] == "ieee"
        assert tool["result"]["entries"][0].startswith("[1] P. Mendes")
        # Nothing to format is an empty list, not an error.
        assert requests.post(api, json={"articles": []}).json() == {
            "style": "ieee", "output": "text", "count": 0, "entries": []}
        health = requests.get(server.api + "/health").json()["services"]["citations"]
        assert "pandoc" in health["formatting"] and health["styles"] > 2000
        assert health["enrichment"] == ["crossref", "opencitations", "semanticscholar"]
    finally:
        assert server.stop() == 0, server.output()
