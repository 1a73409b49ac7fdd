"""The /ui page's JSON API on a real `minions serve` (127.0.0.1): eval records, side-by-side generation
with scores, marks kept in the workspace and exported as preference pairs; with a key file, the /v1
rules (401, 403) and the caller's team, never the key, in the workspace."""

import json
import os
import secrets
import sqlite3
import urllib.error
import urllib.request

import pytest

from helpers import run_cli
from minions.records import SYSTEM_PROMPT
from minions.serving.compare import output_scores
from serve_helpers import export_preferences, start_server, ui_server_args, workspace_with_tiny
from serving.conftest import STORY

SAY_HI = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "Say hi"}]


def call(url: str, path: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict, dict]:
    """(status, JSON body, headers) of a GET (no body) or POST."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data, headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)


@pytest.fixture(scope="module")
def open_ui(session_ws, ui_adapters, ui_eval_data, tmp_path_factory):
    """A server without keys, with its own workspace (the marks of this module only)."""
    root = tmp_path_factory.mktemp("ui-open")
    ws = workspace_with_tiny(session_ws, root / "ws")
    proc, url = start_server(ui_server_args(ui_adapters, ui_eval_data, ws), root / "serve.log")
    try:
        yield url, ws
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_page_and_its_files_are_served(open_ui):
    url, _ = open_ui
    with urllib.request.urlopen(url + "/ui", timeout=10) as r:
        page, headers = r.read().decode(), r.headers
    assert r.status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<script src="/ui/ui.js"' in page and "/ui/ui.css" in page and "http" not in page.split("<body>")[0]
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    with urllib.request.urlopen(url + "/ui/ui.js", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/javascript") and b"/ui/api/compare" in r.read()
    status, body, _ = call(url, "/ui/secret.txt")
    assert status == 404 and "the page is /ui" in body["error"]["message"]
    assert call(url, "/ui/api/info")[:2] == (200, {"auth": False})


def test_records_are_listed_by_task(open_ui):
    url, _ = open_ui
    status, listing, _ = call(url, "/ui/api/records")
    assert status == 200
    assert listing["tasks"] == [{"task": "implement-method", "count": 1}, {"task": "user-story", "count": 1}]
    assert [r["id"] for r in listing["data"]] == ["hi-1", "story-1"]
    _, stories, _ = call(url, "/ui/api/records?task=user-story")
    # a chat-form record: its user turn is the instruction
    assert stories["data"] == [
        {
            "id": "story-1",
            "task": "user-story",
            "instruction": "Write the user story of a refund.\n\nShop: orders, payments, refunds",
            "input_preview": "",
        }
    ]
    _, one, _ = call(url, "/ui/api/records/story-1")
    assert one["reference"] == STORY and one["input"] == ""
    status, body, _ = call(url, "/ui/api/records/nope")
    assert status == 404 and "/ui/api/records" in body["error"]["message"]


def test_compare_generates_for_each_model_and_scores_against_the_reference(open_ui):
    url, _ = open_ui
    status, c, _ = call(url, "/ui/api/compare", {"models": ["hello", "bye"], "record_id": "hi-1"})
    assert status == 200, c
    assert c["prompt"] == SAY_HI and c["reference"] == "hello friend" and c["task"] == "implement-method"
    hello, bye = c["outputs"]
    assert (hello["model"], hello["output"], hello["finish_reason"]) == ("hello", "hello friend", "stop")
    assert hello["scores"] == {"exact_match": 1.0, "edit_similarity": 1.0, "bleu": 1.0}
    assert (bye["model"], bye["output"]) == ("bye", "bye now")
    # "bye now" -> "hello friend": 11 edits over 12 characters; no word in common, so BLEU 0
    assert bye["scores"] == pytest.approx({"exact_match": 0.0, "edit_similarity": 1 - 11 / 12, "bleu": 0.0})


def test_compare_is_the_chat_completions_path(open_ui):
    """The base model's output on the page is what /v1/chat/completions answers greedily."""
    url, _ = open_ui
    _, c, _ = call(url, "/ui/api/compare", {"models": ["tiny", "hello"], "record_id": "hi-1", "max_tokens": 12})
    _, v1, _ = call(url, "/v1/chat/completions", {"model": "tiny", "messages": SAY_HI, "max_tokens": 12})
    assert c["outputs"][0]["output"] == v1["choices"][0]["message"]["content"]
    assert c["outputs"][0]["tokens"] == v1["usage"]["completion_tokens"] <= 12 and c["max_tokens"] == 12


def test_story_record_and_typed_input(open_ui):
    url, _ = open_ui
    _, c, _ = call(url, "/ui/api/compare", {"models": ["tiny", "bye"], "record_id": "story-1", "max_tokens": 8})
    assert c["prompt"][0] == {"role": "system", "content": "You are a product owner."}, "the record's own system turn"
    for o in c["outputs"]:
        assert set(o["scores"]) == {"exact_match", "edit_similarity", "bleu", "story_structure"}
        assert o["scores"] == output_scores(o["output"], STORY, "user-story")
    typed = {"models": ["hello", "bye"], "instruction": "Say", "input": "hi", "task": "user-story", "max_tokens": 8}
    _, t, _ = call(url, "/ui/api/compare", typed)
    assert t["record_id"] is None and t["reference"] is None and t["task"] == "user-story"
    assert t["prompt"][1] == {"role": "user", "content": "Say\n\nhi"}
    assert all(set(o["scores"]) == {"story_structure"} for o in t["outputs"]), "no reference: structure only"
    _, plain, _ = call(url, "/ui/api/compare", {"models": ["hello", "bye"], "instruction": "Say hi"})
    assert plain["task"] == "typed" and [o["output"] for o in plain["outputs"]] == ["hello friend", "bye now"]
    assert all(o["scores"] == {} for o in plain["outputs"])


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"models": ["hello"], "record_id": "hi-1"}, 400, "models"),
        ({"models": ["base", "hello", "tiny"], "record_id": "hi-1"}, 400, "pick different models"),
        ({"models": ["hello", "nope"], "record_id": "hi-1"}, 404, "'nope' is not served"),
        ({"models": ["hello", "bye"], "record_id": "hi-1", "instruction": "x"}, 400, "not both"),
        ({"models": ["hello", "bye"], "instruction": "  "}, 400, "type an instruction"),
        ({"models": ["hello", "bye"], "record_id": "gone"}, 404, "no eval record 'gone'"),
    ],
)
def test_bad_compare_requests_are_refused(open_ui, body, status, says):
    got, answer, _ = call(open_ui[0], "/ui/api/compare", body)
    assert got == status and says in answer["error"]["message"], answer


def test_marks_are_stored_and_exported_as_preference_pairs(open_ui, tmp_path):
    url, ws = open_ui
    _, c, _ = call(url, "/ui/api/compare", {"models": ["hello", "tiny", "bye"], "record_id": "hi-1", "max_tokens": 6})
    outputs = {o["model"]: o["output"] for o in c["outputs"]}
    assert call(url, "/ui/api/marks", {"comparison": c["comparison"], "chosen": "tiny"})[:2] == (
        200,
        {"id": c["comparison"], "chosen": "tiny", "tie": False},
    )
    # a changed mind replaces the mark
    assert call(url, "/ui/api/marks", {"comparison": c["comparison"], "chosen": "hello"})[0] == 200
    _, tie, _ = call(url, "/ui/api/compare", {"models": ["hello", "bye"], "instruction": "Say hi", "max_tokens": 4})
    assert call(url, "/ui/api/marks", {"comparison": tie["comparison"], "tie": True})[1]["tie"] is True
    for bad, status, says in [
        ({"comparison": "nope", "chosen": "hello"}, 404, "generate again"),
        ({"comparison": c["comparison"], "chosen": "bye@2"}, 400, "not one of this comparison's models"),
        ({"comparison": c["comparison"], "chosen": "hello", "tie": True}, 400, "one of them"),
        ({"comparison": c["comparison"]}, 400, "one of them"),
    ]:
        got, body, _ = call(url, "/ui/api/marks", bad)
        assert got == status and says in body["error"]["message"], body

    pairs, stderr = export_preferences(ws, tmp_path / "prefs.jsonl")
    assert "2 mark(s), 2 pair(s) written, 1 tie(s)" in stderr
    assert pairs == [
        {
            "prompt": SAY_HI,
            "chosen": [{"role": "assistant", "content": "hello friend"}],
            "rejected": [{"role": "assistant", "content": outputs[other]}],
            "task": "implement-method",
            "record_id": "hi-1",
            "chosen_model": "hello",
            "rejected_model": other,
        }
        for other in ("tiny", "bye")
    ]
    rows = sqlite3.connect(ws / "catalog.sqlite").execute("SELECT team, chosen FROM preferences").fetchall()
    assert set(rows) == {("", None), ("", "hello")}, "no keys: no team"


def test_export_to_a_folder_is_refused(tmp_path):
    p = run_cli("preferences", "export", "--out", str(tmp_path), "--workspace", str(tmp_path / "ws"))
    assert p.returncode == 2 and "is a folder" in p.stderr


@pytest.fixture(scope="module")
def keyed_ui(session_ws, ui_adapters, ui_eval_data, tmp_path_factory):
    """Team `team` may use `hello` (not `bye`); `ops` may use every adapter."""
    root = tmp_path_factory.mktemp("ui-keyed")
    ws = workspace_with_tiny(session_ws, root / "ws")
    (root / "keys.yaml").write_text(
        "keys:\n"
        "  - {team: team, key_env: MK_TEAM, adapters: [hello]}\n"
        "  - {team: ops, key_env: MK_OPS, adapters: ['*']}\n"
    )
    keys = {"MK_TEAM": "mk-" + secrets.token_hex(16), "MK_OPS": "mk-" + secrets.token_hex(16)}
    args = [*ui_server_args(ui_adapters, ui_eval_data, ws), "--api-keys", str(root / "keys.yaml")]
    proc, url = start_server(args, root / "serve.log", {**os.environ, **keys})
    try:
        yield url, ws, keys["MK_TEAM"], keys["MK_OPS"], root / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_keys_follow_the_v1_rules_and_the_team_is_stored_never_the_key(keyed_ui, tmp_path):
    url, ws, team_key, ops_key, log = keyed_ui
    assert call(url, "/ui/api/info")[:2] == (200, {"auth": True}), "the page learns it must ask for a key"
    with urllib.request.urlopen(url + "/ui", timeout=10) as r:
        assert r.status == 200, "the page itself holds no data"
    compare = {"models": ["tiny", "hello"], "record_id": "hi-1", "max_tokens": 4}
    for path, body in [("/ui/api/records", None), ("/ui/api/records/hi-1", None), ("/ui/api/compare", compare)]:
        for key in (None, "mk-" + "0" * 32):
            status, answer, _ = call(url, path, body, key)
            assert status == 401 and answer["error"]["code"] == "invalid_api_key", (path, key)
    status, answer, _ = call(url, "/ui/api/compare", {**compare, "models": ["tiny", "bye"]}, team_key)
    assert status == 403 and answer["error"]["code"] == "model_not_allowed"
    assert call(url, "/ui/api/records", key=team_key)[0] == 200
    status, c, _ = call(url, "/ui/api/compare", compare, team_key)
    assert status == 200 and [o["model"] for o in c["outputs"]] == ["tiny", "hello"]
    mark = {"comparison": c["comparison"], "chosen": "hello"}
    assert call(url, "/ui/api/marks", mark)[0] == 401
    assert call(url, "/ui/api/marks", mark, ops_key)[0] == 404, "another team cannot mark it"
    assert call(url, "/ui/api/marks", mark, team_key)[0] == 200

    rows = sqlite3.connect(ws / "catalog.sqlite").execute("SELECT team, chosen, record_id FROM preferences").fetchall()
    assert rows == [("team", "hello", "hi-1")]
    pairs, _ = export_preferences(ws, tmp_path / "prefs.jsonl")
    assert [(p["chosen_model"], p["rejected_model"]) for p in pairs] == [("hello", "tiny")]
    written = [p for p in ws.rglob("*") if p.is_file()] + [tmp_path / "prefs.jsonl", log]
    assert ws / "catalog.sqlite" in written
    for path in written:
        data = path.read_bytes()
        for key in (team_key, ops_key):
            assert key.encode() not in data, f"a key was written to {path}"
