"""API keys per team: the key file's two key forms, its refusals, bearer parsing and allow-lists."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest
import yaml

from helpers import ROOT
from minions.errors import UserError
from minions.serving.auth import KEYS_ENV, Caller, key_file_from_env, load_keys


def new_key() -> str:
    return "mk-" + secrets.token_hex(16)


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def write_keys(tmp_path: Path, entries) -> Path:
    path = tmp_path / "api-keys.yaml"
    path.write_text(yaml.safe_dump({"keys": entries}))
    return path


@pytest.fixture
def book(tmp_path):
    """Three entries: payments by env var, ops (admin) by sha256, and a second payments key."""
    keys = {"payments": new_key(), "ops": new_key(), "payments-new": new_key()}
    env = {"MINIONS_KEY_PAYMENTS": keys["payments"], "MINIONS_KEY_PAYMENTS_NEW": keys["payments-new"]}
    path = write_keys(
        tmp_path,
        [
            {"team": "payments", "key_env": "MINIONS_KEY_PAYMENTS", "adapters": ["billing", "tax@02"]},
            {"team": "ops", "key_sha256": sha(keys["ops"]).upper(), "admin": True, "adapters": ["*"]},
            {"team": "payments", "key_env": "MINIONS_KEY_PAYMENTS_NEW"},
        ],
    )
    return load_keys(path, env), keys


def test_env_and_sha256_keys_both_find_their_team(book):
    book, keys = book
    assert book.caller(f"Bearer {keys['payments']}") == Caller("payments", False, frozenset({"billing", "tax@2"}))
    assert book.caller(f"Bearer {keys['ops']}") == Caller("ops", True, frozenset({"*"}))
    assert book.caller(f"Bearer {keys['payments-new']}") == Caller("payments", False, frozenset())
    assert book.caller(f"Bearer {new_key()}") is None
    assert book.teams == ["payments", "ops"]


def test_bearer_parsing(book):
    book, keys = book
    key = keys["ops"]
    for header in (f"Bearer {key}", f"bearer {key}", f"BEARER   {key}", f"  Bearer {key}  "):
        assert book.caller(header) is not None, header
    for header in (None, "", "Bearer", "Bearer ", key, f"Basic {key}", f"Bearer {key} extra", f"Bearer{key}"):
        assert book.caller(header) is None, header


def test_caller_for_key_is_the_raw_header_form(book):
    book, keys = book
    assert book.caller_for_key(keys["ops"]).team == "ops"
    assert book.caller_for_key(keys["payments-new"]).team == "payments"
    assert book.caller_for_key("") is None
    assert book.caller_for_key(f"Bearer {keys['ops']}") is None
    assert book.caller_for_key(keys["ops"][:-1]) is None


def test_allow_list_name_allows_every_version_name_at_n_one_star_all():
    caller = Caller("t", False, frozenset({"billing", "tax@2"}))
    assert caller.may_use("billing", 1) and caller.may_use("billing", 7) and caller.may_use("billing", None)
    assert caller.may_use("tax", 2)
    assert not caller.may_use("tax", 3) and not caller.may_use("tax", None)
    assert not caller.may_use("billing2", 1) and not caller.may_use("bill", 1)
    star = Caller("t", False, frozenset({"*"}))
    assert star.may_use("anything", 4) and star.may_use("other", None)
    assert not Caller("t", False, frozenset()).may_use("billing", 1)


def test_key_file_from_env(tmp_path):
    assert key_file_from_env({KEYS_ENV: str(tmp_path / "k.yaml")}) == tmp_path / "k.yaml"
    assert key_file_from_env({KEYS_ENV: "~/k.yaml"}) == Path.home() / "k.yaml"
    assert key_file_from_env({}) is None
    assert key_file_from_env({KEYS_ENV: "  "}) is None


def test_the_example_key_file_loads(tmp_path):
    path = ROOT / "docs" / "examples" / "api-keys.yaml"
    names = [e["key_env"] for e in yaml.safe_load(path.read_text())["keys"] if "key_env" in e]
    env = {name: new_key() for name in names}
    book = load_keys(path, env)
    assert book.teams and all(book.caller_for_key(key) is not None for key in env.values())
    assert any(book.caller_for_key(key).admin for key in env.values())


KEY = "the entry's key"  # placeholder in the cases below, replaced by a fresh key at run time

REFUSALS = {
    "plain key": ([{"team": "payments", "key": KEY}], ["payments", "plain `key:`", "key_env", "key_sha256"]),
    "unset env var": ([{"team": "payments", "key_env": "MINIONS_TEST_UNSET"}], ["payments", "$MINIONS_TEST_UNSET"]),
    "empty env var": ([{"team": "payments", "key_env": "MINIONS_TEST_EMPTY"}], ["payments", "unset or empty"]),
    "short key": ([{"team": "payments", "key_env": "MINIONS_TEST_SHORT"}], ["payments", "shorter than 16"]),
    "bad env name": ([{"team": "payments", "key_env": "not a name"}], ["payments", "not an env var name"]),
    "sha256 too short": ([{"team": "ops", "key_sha256": "ab" * 31}], ["ops", "not a sha256 hex digest"]),
    "sha256 not hex": ([{"team": "ops", "key_sha256": "zz" * 32}], ["ops", "not a sha256 hex digest"]),
    "both key forms": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "key_sha256": "sha"}], ["ops", "exactly one"]),
    "no key": ([{"team": "ops", "adapters": []}], ["ops", "exactly one of key_env and key_sha256"]),
    "duplicate key": (
        [{"team": "a", "key_env": "MINIONS_TEST_KEY"}, {"team": "b", "key_sha256": "sha"}],
        ["entry 2 (team b)", "same key as entry 1 (team a)", "its own key"],
    ),
    "missing team": ([{"key_env": "MINIONS_TEST_KEY"}], ["entry 1", "no `team`"]),
    "blank team": ([{"team": " ", "key_env": "MINIONS_TEST_KEY"}], ["entry 1", "no `team`"]),
    "unknown field": (
        [{"team": "ops", "key_env": "MINIONS_TEST_KEY", "secret": KEY}],
        ["ops", "unknown field(s) secret", "use only team"],
    ),
    "admin not bool": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "admin": "yes"}], ["ops", "admin: true"]),
    "adapters not list": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "adapters": "billing"}], ["not a list"]),
    "base allowed": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "adapters": ["base"]}], ["`base`", "remove"]),
    "version 0": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "adapters": ["billing@0"]}], ["'billing@0'"]),
    "bad name": ([{"team": "ops", "key_env": "MINIONS_TEST_KEY", "adapters": ["no spaces"]}], ["'no spaces'"]),
    "entry not mapping": (["payments"], ["entry 1", "not a mapping"]),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_key_file_refusals_are_one_line_name_file_entry_fix_and_never_the_key(tmp_path, case):
    entries, expected = REFUSALS[case]
    key = new_key()
    env = {"MINIONS_TEST_KEY": key, "MINIONS_TEST_EMPTY": "", "MINIONS_TEST_SHORT": "mk-" + secrets.token_hex(4)}
    entries = [
        {k: key if v == KEY else sha(key) if v == "sha" else v for k, v in e.items()} if isinstance(e, dict) else e
        for e in entries
    ]
    path = write_keys(tmp_path, entries)
    with pytest.raises(UserError) as err:
        load_keys(path, env)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and ";" in message
    for part in expected:
        assert part in message, (part, message)
    for secret in (key, sha(key), env["MINIONS_TEST_SHORT"]):
        assert secret not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("keys: []\n", "`keys:` is empty"),
        ("keys:\n", "`keys:` is empty"),
        ("- team: ops\n", "one mapping with a `keys:` list"),
        ("keys: []\nteams: []\n", "one mapping with a `keys:` list"),
        ("keys: [\n", "not valid YAML at line"),
    ],
)
def test_whole_file_refusals(tmp_path, text, expected):
    path = tmp_path / "keys.yaml"
    path.write_text(text)
    with pytest.raises(UserError, match="^" + str(path).replace(".", r"\.")) as err:
        load_keys(path, {})
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_missing_key_file_says_where_it_was_named(tmp_path):
    with pytest.raises(UserError, match=r"cannot read the API key file .*missing\.yaml.*--api-keys"):
        load_keys(tmp_path / "missing.yaml", {})
