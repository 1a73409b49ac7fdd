"""The /ui page in a real headless Chromium (Debian's `chromium`, driven by Playwright through
`executable_path`; no browser download): pick a record and two models, generate, read the outputs and
their scores, mark one, find the mark in the export; with keys, the page asks for one first."""

import os
import re
import secrets
import shutil
import sqlite3
import time

import pytest

from serve_helpers import export_preferences, start_server, ui_server_args, workspace_with_tiny

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 60_000


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Debian's chromium is not installed (scripts/install-test-deps.sh installs it as root)")
    return found


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the dev extra) is not installed")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    path = chromium_path()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Watched:
    """A page, the URLs it requested and the errors its scripts threw or logged."""

    def __init__(self, browser, url: str):
        self.url = url
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{m.text} {m.location}"))

    def check_clean(self, allowed_errors: tuple[str, ...] = ()) -> None:
        assert all(r.startswith(self.url + "/") for r in self.requests), "the page loads nothing from elsewhere"
        assert [e for e in self.errors if not any(a in e for a in allowed_errors)] == []


def serve(session_ws, ui_adapters, ui_eval_data, root, extra=(), env=None):
    ws = workspace_with_tiny(session_ws, root / "ws")
    args = [*ui_server_args(ui_adapters, ui_eval_data, ws), *extra]
    proc, url = start_server(args, root / "serve.log", env)
    return proc, url, ws


@pytest.fixture(scope="module")
def open_ui(session_ws, ui_adapters, ui_eval_data, tmp_path_factory):
    proc, url, ws = serve(session_ws, ui_adapters, ui_eval_data, tmp_path_factory.mktemp("ui-browser"))
    try:
        yield url, ws
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_pick_record_and_models_generate_compare_and_mark(browser, open_ui, tmp_path):
    url, ws = open_ui
    t0 = time.monotonic()
    w = Watched(browser, url)
    page = w.page
    page.goto(url + "/ui")
    page.wait_for_selector("#main:not([hidden])")
    assert page.text_content("#status") == "Ready."
    assert page.locator("#key-panel").is_hidden(), "no keys: no key asked for"

    page.select_option("#task", "implement-method")
    page.wait_for_selector('#record option[value="hi-1"]', state="attached")
    page.select_option("#record", "hi-1")
    expect(page.locator("#instruction")).to_have_value("Say hi")
    assert page.locator("#instruction").get_attribute("readonly") is not None, "a record's prompt is shown, not edited"
    assert page.text_content("#reference") == "hello friend"
    assert page.locator("#models input").evaluate_all("boxes => boxes.map(b => b.value)") == ["tiny", "bye", "hello"]
    page.check('#models input[value="hello"]')
    page.check('#models input[value="bye"]')
    page.click("#generate")
    page.wait_for_selector("#results:not([hidden]) .output >> nth=1")

    hello, bye = page.locator('.output[data-model="hello"]'), page.locator('.output[data-model="bye"]')
    assert hello.locator("pre").text_content() == "hello friend"
    assert bye.locator("pre").text_content() == "bye now"
    assert hello.locator('tr[data-score="exact_match"] td.value').text_content() == "1.000"
    assert hello.locator('tr[data-score="bleu"] td.value').text_content() == "1.000"
    assert bye.locator('tr[data-score="edit_similarity"] td.value').text_content() == "0.083"  # 1 - 11/12
    assert bye.locator('tr[data-score="exact_match"] td.value').text_content() == "0.000"

    hello.locator("button.choose").click()
    expect(page.locator("#mark-status")).to_have_text("Marked: hello is better.")
    expect(hello).to_have_class("output chosen")
    expect(bye).to_have_class("output")
    shot = tmp_path / "ui.png"
    page.screenshot(path=str(shot), full_page=True)
    seconds = time.monotonic() - t0
    w.check_clean()
    page.close()

    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, len(data)
    pairs, stderr = export_preferences(ws, tmp_path / "prefs.jsonl")
    assert [(p["record_id"], p["chosen_model"], p["rejected_model"]) for p in pairs] == [("hi-1", "hello", "bye")]
    assert pairs[0]["chosen"] == [{"role": "assistant", "content": "hello friend"}]
    assert pairs[0]["rejected"] == [{"role": "assistant", "content": "bye now"}]
    print(f"browser flow took {seconds:.1f} s; screenshot {len(data)} bytes")


@pytest.fixture(scope="module")
def keyed_ui(session_ws, ui_adapters, ui_eval_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("ui-browser-keyed")
    (root / "keys.yaml").write_text("keys:\n  - {team: team, key_env: MK_TEAM, adapters: [hello]}\n")
    key = "mk-" + secrets.token_hex(16)
    extra = ["--api-keys", str(root / "keys.yaml")]
    proc, url, ws = serve(session_ws, ui_adapters, ui_eval_data, root, extra, {**os.environ, "MK_TEAM": key})
    try:
        yield url, ws, key
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_with_keys_the_page_asks_for_one_and_works_after(browser, keyed_ui, tmp_path):
    url, ws, key = keyed_ui
    w = Watched(browser, url)
    page = w.page
    page.goto(url + "/ui")
    page.wait_for_selector("#key-panel:not([hidden])")
    assert page.locator("#main").is_hidden()

    page.fill("#key", "mk-" + "0" * 32)
    page.click("#key-save")
    expect(page.locator("#status")).to_have_text(re.compile("^That key was not accepted"))
    assert page.locator("#main").is_hidden() and page.evaluate("sessionStorage.length") == 0

    page.fill("#key", key)
    page.click("#key-save")
    page.wait_for_selector("#main:not([hidden])")
    assert page.evaluate("sessionStorage.getItem('minions-api-key')") == key
    # the key may use hello, not bye: /v1/models lists only what it may use
    assert page.locator("#models input").evaluate_all("boxes => boxes.map(b => b.value)") == ["tiny", "hello"]
    page.select_option("#task", "typed")
    expect(page.locator("#instruction")).to_be_editable()
    page.fill("#instruction", "Say hi")
    page.fill("#max-tokens", "6")
    page.check('#models input[value="tiny"]')
    page.check('#models input[value="hello"]')
    page.click("#generate")
    page.wait_for_selector("#results:not([hidden]) .output >> nth=1")
    assert page.locator('.output[data-model="hello"] pre').text_content() == "hello friend"
    assert page.locator('.output[data-model="hello"] .meta').nth(1).text_content() == "no reference: no scores"
    page.click("#tie")
    expect(page.locator("#mark-status")).to_have_text("Marked: tie.")
    page.screenshot(path=str(tmp_path / "keyed.png"))
    w.check_clean(allowed_errors=("401",))  # the refused key's request, logged by the browser
    page.close()

    rows = sqlite3.connect(ws / "catalog.sqlite").execute("SELECT team, chosen, task FROM preferences").fetchall()
    assert rows == [("team", None, "typed")]
    assert key.encode() not in (ws / "catalog.sqlite").read_bytes()
    pairs, stderr = export_preferences(ws, tmp_path / "prefs.jsonl")
    assert pairs == [] and "1 mark(s), 0 pair(s) written, 1 tie(s)" in stderr
