"""First load of the web console in headless Chromium, cache empty each time: bytes transferred
(what the network carried, gzip included: the Resource Timing API's transferSize of the page and
every file and API answer it fetched) and time to interactive (navigation start to the console's
`thoth:ready` mark, set once the page's data is shown and it answers input). The API docs page
is measured the same way, for comparison (Swagger UI, served from the binary).

    python Benchmarks/console_load.py --thoth .build/release/thoth --runs 15
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
from local_thoth import start_server  # noqa: E402

WEIGHT = """
const entries = [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")];
return entries.map((e) => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);
"""


def chrome():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def load(driver, url, ready_script):
    driver.get("about:blank")
    driver.get(url)
    deadline = time.time() + 30
    while time.time() < deadline:
        ready = driver.execute_script(ready_script)
        if ready is not None:
            return ready, driver.execute_script(WEIGHT)
        time.sleep(0.01)
    raise RuntimeError(f"{url} never became ready")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--thoth", required=True, type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--models", default=str(ROOT / "models"), type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    workspace = Path(tempfile.mkdtemp(prefix="thoth-console-bench-"))
    notes = workspace / "notes" / "pip"
    notes.mkdir(parents=True)
    for note in (ROOT / "Tests" / "Fixtures" / "notes" / "pip").glob("*.md"):
        shutil.copy(note, notes)
    server, base = start_server(args.thoth, workspace, args.models)
    try:
        requests.post(base + "/execute/command", json={"command": "rag", "args": ["index"]}, timeout=600)
        pages = {
            "console (#/library)": (base + "/console#/library",
                                    "const m = performance.getEntriesByName('thoth:ready')[0]; return m ? m.startTime : null"),
            "console (#/ask)": (base + "/console#/ask",
                                "const m = performance.getEntriesByName('thoth:ready')[0]; return m ? m.startTime : null"),
            "API docs (/docs)": (base + "/docs",
                                 "return document.querySelector('.opblock-summary-path') ? performance.now() : null"),
        }
        print(f"| page | transferred (gzip) | decoded | requests | interactive p50 | max |")
        print(f"|---|---|---|---|---|---|")
        for name, (url, ready) in pages.items():
            driver = chrome()
            try:
                times, weights = [], []
                load(driver, url, ready)  # one warm-up: Chromium's own start-up is not the page's
                for _ in range(args.runs):
                    elapsed, entries = load(driver, url, ready)
                    times.append(elapsed)
                    weights.append((sum(e[1] for e in entries), sum(e[3] for e in entries), len(entries)))
                transferred, decoded, count = weights[-1]
                print(f"| {name} | {transferred / 1024:.1f} KB | {decoded / 1024:.1f} KB | {count} | "
                      f"{statistics.median(times):.0f} ms | {max(times):.0f} ms |")
            finally:
                driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
