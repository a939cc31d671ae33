"""The web console and the API docs page in a real browser: Debian's headless Chromium driven by
Selenium, against the real binary over a workspace of real notes (pip's user guide, see
Tests/Fixtures/notes). Each page must load without console errors; a screenshot of each is
written to .build/screenshots (not committed)."""

import gzip
import importlib.util
import shutil
import time
from pathlib import Path

import chromadb
import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT
from thoth_process import FakeChatModel, ThothServer

NOTES = ROOT / "Tests" / "Fixtures" / "notes" / "pip"
SCREENSHOTS = ROOT / ".build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PAGES = ["ask", "search", "library", "collections", "status"]


@pytest.fixture(scope="module")
def model():
    fake = FakeChatModel()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def thoth(model):
    server = ThothServer(env=model.env())
    for note in NOTES.glob("*.md"):
        server.write_note(f"notes/pip/{note.name}", note.read_text())
    report = server.command("index")
    assert report["files_indexed"] == len(list(NOTES.glob("*.md"))), report
    yield server
    server.stop()


def chrome(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = chrome()
    yield driver
    driver.quit()


def wait(driver, condition, timeout=30):
    # The console re-renders a view as its data arrives: an element found a moment before may be
    # gone by the time its text is read, so such a condition is simply tried again.
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(condition)


def errors(driver):
    """Console errors since the last call (Chrome logs failed loads and uncaught exceptions as SEVERE)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def shoot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def open_page(driver, server, page):
    driver.get(f"{server.api}/console#/{page}")
    driver.refresh()  # a hash change alone would not reload the module scripts
    return wait(driver, seen.presence_of_element_located((By.CSS_SELECTOR, "main h1")))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_loads_without_console_errors(thoth, browser, page):
    errors(browser)
    heading = open_page(browser, thoth, page)
    assert heading.text.lower().startswith(page if page != "ask" else "ask")
    if page == "status":
        wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "form[aria-label=Settings] input")))
    if page == "library":
        wait(browser, lambda d: "file(s)" in d.find_element(By.CSS_SELECTOR, "main p.muted").text)
    if page == "collections":
        wait(browser, seen.presence_of_element_located((By.XPATH, "//td/a[text()='thoth_knowledge']")))
    time.sleep(0.3)
    shoot(browser, page)
    assert errors(browser) == []
    current = browser.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
    assert current.get_attribute("href").endswith(f"#/{page}")


AXE = Path(importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]) / "axe.min.js"


@pytest.mark.parametrize("page", PAGES)
def test_each_page_passes_axe_wcag_aa_checks(thoth, browser, page):
    """axe-core 4.12 (Deque's accessibility engine) over each page once its data is shown: labels,
    names, roles, contrast, landmarks — no WCAG 2 A or AA violation."""
    open_page(browser, thoth, page)
    time.sleep(1)
    browser.execute_script(AXE.read_text())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(done, (e) => done({error: String(e)}));")
    assert "error" not in result, result
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == [], problems


def test_the_api_docs_render_the_openapi_document_from_the_binary(thoth, browser):
    errors(browser)
    browser.get(f"{thoth.api}/docs")
    wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary-path")))
    paths = {e.get_attribute("data-path") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/health", "/research/chat", "/vectors/collections"} <= paths
    shoot(browser, "docs")
    assert errors(browser) == []
    # Served from the binary, compressed: no CDN anywhere in the page.
    scripts = [e.get_attribute("src") for e in browser.find_elements(By.TAG_NAME, "script")]
    assert scripts and all(s.startswith(thoth.api) for s in scripts)


def test_a_question_gets_an_answer_with_its_tool_calls_and_sources(thoth, browser, model):
    answer = "Pin every requirement with its hash and install with --require-hashes, as the notes say."
    model.script = [{"tool_calls": [("search_articles", {"query": "hash-checking mode requirements"})]},
                    {"content": answer}]
    model.mode, model.stall, model.piece_delay = "stall", 1.5, 0.25
    try:
        open_page(browser, thoth, "ask")
        box = browser.find_element(By.ID, "question")
        box.send_keys("How do I make installs repeatable?")
        box.send_keys(Keys.CONTROL, Keys.ENTER)
        # The tool call shows as it runs, before any of the answer.
        call = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, ".message.assistant .tool-call")))
        assert "search_articles" in call.text
        assert browser.find_element(By.CSS_SELECTOR, ".message.assistant .text").text == "Thinking…"
        # Then the answer, word by word: part of it is on the page before the rest is written.
        text = lambda d: d.find_element(By.CSS_SELECTOR, ".message.assistant .text").text
        partial = wait(browser, lambda d: (t := text(d)).startswith("Pin every") and t != answer and t)
        assert answer.startswith(partial) and not browser.find_elements(By.CSS_SELECTOR, ".message.assistant .sources")
        wait(browser, lambda d: text(d) == answer)
    finally:
        model.mode, model.piece_delay = "reply", 0.0
    assert model.requests[-1]["stream"] is True
    sources = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".message.assistant .sources li"))
    assert sources and any("repeatable-installs.md" in s.text for s in sources)
    # The conversation is listed, named after the question, and survives a reload.
    wait(browser, seen.presence_of_element_located((By.XPATH, "//ul[@aria-label='Conversations']//button[contains(., 'repeatable')]")))
    browser.refresh()
    wait(browser, lambda d: any(answer in m.text for m in d.find_elements(By.CSS_SELECTOR, ".message.assistant")))
    assert browser.find_elements(By.CSS_SELECTOR, ".message.user")[0].text == "How do I make installs repeatable?"
    # A source opens its file with the passage marked.
    browser.find_element(By.CSS_SELECTOR, ".message.assistant .sources li a").click()
    wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "dialog[open] pre")))
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open] pre").text != "Loading…")
    shoot(browser, "ask-answer")
    assert errors(browser) == []


def test_conversations_are_renamed_archived_and_deleted_from_the_list(thoth, browser):
    ids = [requests.post(thoth.api + "/chat/sessions", json={"title": t}, timeout=10).json()["session"]["id"]
           for t in ("Keep me", "Archive me", "Delete me")]
    open_page(browser, thoth, "ask")
    listed = "//ul[@aria-label='Conversations']"
    wait(browser, seen.presence_of_element_located((By.XPATH, f"{listed}//button[text()='Keep me']")))
    browser.find_element(By.XPATH, f"{listed}//button[@aria-label='Rename Keep me']").click()
    prompt = wait(browser, seen.alert_is_present())
    prompt.send_keys("Kept and renamed")
    prompt.accept()
    wait(browser, seen.presence_of_element_located((By.XPATH, f"{listed}//button[text()='Kept and renamed']")))
    browser.find_element(By.XPATH, f"{listed}//button[@aria-label='Archive Archive me']").click()
    wait(browser, seen.presence_of_element_located(
        (By.XPATH, "//ul[@aria-label='Archived conversations']//button[text()='Archive me']")))
    browser.find_element(By.XPATH, f"{listed}//button[@aria-label='Delete Delete me']").click()
    wait(browser, seen.element_to_be_clickable((By.XPATH, "//dialog[@open]//button[text()='Delete']"))).click()
    wait(browser, seen.invisibility_of_element_located((By.XPATH, f"{listed}//button[text()='Delete me']")))
    sessions = {s["id"]: s for s in requests.get(thoth.api + "/chat/sessions?active_only=false&limit=200",
                                                   timeout=10).json()["sessions"]}
    assert sessions[ids[0]]["title"] == "Kept and renamed" and sessions[ids[0]]["is_active"]
    assert sessions[ids[1]]["is_active"] is False and ids[2] not in sessions
    assert errors(browser) == []


def test_a_search_finds_the_expected_note_with_the_words_marked(thoth, browser):
    open_page(browser, thoth, "search")
    browser.find_element(By.ID, "query").send_keys("percent-encoding special characters in a password", Keys.ENTER)
    first = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "article.result")))
    assert "authentication.md" in first.text
    assert [m.text.lower() for m in first.find_elements(By.TAG_NAME, "mark")], "no query word was highlighted"
    # Filters: by file, then by a type no note has.
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.ID, "source").send_keys("secure-installs")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    wait(browser, lambda d: (results := d.find_elements(By.CSS_SELECTOR, "article.result"))
         and all("secure-installs.md" in r.text for r in results))
    Select(browser.find_element(By.ID, "document_type")).select_by_value("article")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    wait(browser, lambda d: "0 passage(s)" in d.find_element(By.CSS_SELECTOR, "section[aria-label=Results]").text)
    shoot(browser, "search-results")
    assert errors(browser) == []


def test_a_dropped_markdown_file_is_indexed_and_found(thoth, browser):
    open_page(browser, thoth, "library")
    wait(browser, lambda d: "file(s)" in d.find_element(By.CSS_SELECTOR, "main p.muted").text)
    note = "# Quokka husbandry\n\nQuokkas on Rottnest Island eat grasses, sedges and the leaves of shrubs.\n"
    browser.execute_script("""
        const transfer = new DataTransfer();
        transfer.items.add(new File([arguments[0]], "quokkas.md", {type: "text/markdown"}));
        document.getElementById("drop-zone").dispatchEvent(
            new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    """, note)
    wait(browser, lambda d: "completed" in d.find_element(By.ID, "activity").text, timeout=60)
    wait(browser, seen.presence_of_element_located((By.XPATH, "//tbody//a[text()='Quokka husbandry']")))
    assert (thoth.workspace / "notes" / "quokkas.md").read_text() == note
    shoot(browser, "library-added")
    found = thoth.command("search", "--query", "what do quokkas eat")
    assert found[0]["source"].endswith("notes/quokkas.md")
    # Its details: metadata and chunks.
    browser.find_element(By.XPATH, "//tbody//a[text()='Quokka husbandry']").click()
    details = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "#library-details article h2")))
    assert details.text == "Quokka husbandry"
    assert errors(browser) == []


def test_a_pdf_chosen_with_the_file_picker_becomes_a_note_with_its_pdf_and_citations(thoth, browser):
    open_page(browser, thoth, "library")
    browser.find_element(By.ID, "library-file").send_keys(str(ROOT / "Tests" / "Fixtures" / "pdfs" / "crazyones.pdf"))
    wait(browser, lambda d: "crazyones.pdf: Completed" in d.find_element(By.ID, "activity").text, timeout=120)
    # The pipeline made a note and a full text; the note is the one with the PDF and the references.
    link = wait(browser, seen.element_to_be_clickable((By.XPATH, "//tr[td[text()='note']]//a[text()='The Crazy Ones']")))
    link.click()
    wait(browser, seen.presence_of_element_located((By.XPATH, "//section[@id='library-details']//h2[text()='The Crazy Ones']")))
    wait(browser, lambda d: "Cites" in d.find_element(By.ID, "library-details").text)
    assert "null" not in browser.find_element(By.ID, "library-details").text.split()
    before = set(browser.window_handles)
    browser.find_element(By.XPATH, "//button[text()='Open the PDF']").click()
    wait(browser, lambda d: len(d.window_handles) > len(before))
    main = browser.current_window_handle
    browser.switch_to.window((set(browser.window_handles) - before).pop())
    assert browser.current_url.startswith("blob:" + thoth.api)
    browser.close()
    browser.switch_to.window(main)
    shoot(browser, "library-pdf")
    assert errors(browser) == []


def test_a_collection_query_shows_the_nearest_record_and_delete_asks_first(thoth, browser):
    client = chromadb.HttpClient(host="127.0.0.1", port=thoth.chroma_port)
    scratch = client.create_collection("scratch", metadata={"hnsw:space": "cosine"})
    scratch.add(ids=["a", "b"], embeddings=[[1.0, 0.0], [0.0, 1.0]], documents=["east", "north"])
    open_page(browser, thoth, "collections")
    wait(browser, seen.element_to_be_clickable((By.XPATH, "//td/a[text()='thoth_knowledge']"))).click()
    browser.find_element(By.ID, "query-text").send_keys("trusted certificates for HTTPS")
    browser.find_element(By.CSS_SELECTOR, "#collection-panel form button[type=submit]").click()
    first = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "#query-results tbody tr")))
    assert "https-certificates.md" in first.text
    shoot(browser, "collections-query")
    # Nearest to a record, in the scratch collection.
    open_page(browser, thoth, "collections")
    wait(browser, seen.element_to_be_clickable((By.XPATH, "//td/a[text()='scratch']"))).click()
    browser.find_element(By.ID, "query-record").send_keys("b")
    browser.find_element(By.CSS_SELECTOR, "#collection-panel form button[type=submit]").click()
    first = wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, "#query-results tbody tr")))
    assert first.text.startswith("b ")
    # Delete: cancelled first, then confirmed.
    delete = "//tr[td/a[text()='scratch']]//button[contains(., 'Delete')]"
    browser.find_element(By.XPATH, delete).click()
    wait(browser, seen.element_to_be_clickable((By.XPATH, "//dialog[@open]//button[text()='Cancel']"))).click()
    assert "scratch" in [c.name for c in client.list_collections()]
    browser.find_element(By.XPATH, delete).click()
    wait(browser, seen.element_to_be_clickable((By.XPATH, "//dialog[@open]//button[text()='Delete']"))).click()
    wait(browser, seen.invisibility_of_element_located((By.XPATH, "//td/a[text()='scratch']")))
    assert "scratch" not in [c.name for c in client.list_collections()]
    assert errors(browser) == []


def test_settings_are_masked_and_changed_through_the_validated_route(thoth, browser, model):
    open_page(browser, thoth, "status")
    field = wait(browser, seen.presence_of_element_located((By.ID, "setting-openaiKey")))
    assert field.get_attribute("type") == "password" and field.get_attribute("value") == ""
    target = browser.find_element(By.ID, "setting-llmBaseUrl")
    assert target.get_attribute("value") == model.url
    target.clear()
    target.send_keys("ftp://attacker.example/v1")
    browser.find_element(By.CSS_SELECTOR, "form[aria-label=Settings] button[type=submit]").click()
    status = browser.find_element(By.CSS_SELECTOR, "form[aria-label=Settings] p[role=status]")
    wait(browser, lambda d: status.text)
    assert "llmBaseUrl must be an http(s) URL" in status.text and "nothing was imported" in status.text
    assert requests.get(thoth.api + "/config/export", timeout=10).json()["config"]["llmBaseUrl"] == model.url


def test_a_narrow_window_keeps_every_section_reachable(thoth):
    driver = chrome()
    try:
        # A phone's viewport (a headless window cannot be narrower than 500 px).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        driver.get(f"{thoth.api}/console#/search")
        wait(driver, seen.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
        for page in PAGES:
            open_page(driver, thoth, page)
            time.sleep(0.5)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, f"#/{page} is {width}px wide in a 390px window"
            shoot(driver, f"narrow-{page}")
        for link in driver.find_elements(By.CSS_SELECTOR, "nav a"):
            assert link.is_displayed()
        # Keyboard: the skip link comes first and moves focus to the content.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert driver.switch_to.active_element.text == "Skip to content"
        assert errors(driver) == []
    finally:
        driver.quit()


def test_with_auth_on_nothing_but_the_sign_in_page_is_served_without_a_token(tmp_path):
    secret = "s" * 48
    server = ThothServer(env={"THOTH_AUTH_ENABLED": "true", "THOTH_JWT_SECRET_KEY": secret})
    driver = chrome()
    try:
        for path in ["/agent/status", "/vectors/collections", "/operations", "/library/pdf?path=x.pdf",
                     "/openapi.json", "/chat/sessions"]:
            assert requests.get(server.api + path, timeout=10).status_code == 401, path
        driver.get(f"{server.api}/console#/collections")
        form = wait(driver, seen.presence_of_element_located((By.CSS_SELECTOR, "form.login")))
        assert "Sign in" in form.text and not driver.find_elements(By.CSS_SELECTOR, "table")
        shoot(driver, "sign-in")
        driver.get_log("browser")  # the refused probe is logged as a failed load; that is the point
        token = server.cli("token", "create").stdout.strip()
        driver.find_element(By.ID, "token").send_keys("not-a-token", Keys.ENTER)
        wait(driver, lambda d: "refused" in d.find_element(By.CSS_SELECTOR, "form.login .error").text)
        field = driver.find_element(By.ID, "token")
        field.clear()
        field.send_keys(token, Keys.ENTER)
        wait(driver, seen.presence_of_element_located((By.XPATH, "//main/h1[text()='Collections']")))
        wait(driver, seen.presence_of_element_located((By.CSS_SELECTOR, "main table")))
        # The docs page sends the same token for the OpenAPI document.
        driver.get(f"{server.api}/docs")
        wait(driver, seen.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary-path")))
    finally:
        driver.quit()
        server.stop()


def test_static_files_are_compressed_cached_and_locked_down(thoth):
    page = requests.get(thoth.api + "/console", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    again = requests.get(thoth.api + "/console", headers={"If-None-Match": page.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    plain = requests.get(thoth.api + "/console/app.js", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.headers["Content-Type"].startswith("text/javascript")
    zipped = requests.get(thoth.api + "/console/app.js", stream=True, timeout=10)
    assert gzip.decompress(zipped.raw.read()) == plain.content
    root = requests.get(thoth.api + "/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/console"
    assert requests.get(thoth.api + "/console/../Package.swift", timeout=10).status_code == 404
    bundle = requests.get(thoth.api + "/docs/swagger-ui/swagger-ui-bundle.js", timeout=10)
    assert bundle.content == (ROOT / "Sources/WebAssets/docs/swagger-ui/swagger-ui-bundle.js").read_bytes()
