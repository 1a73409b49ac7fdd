"""Pseudonyms: consistent per key, shaped like what they replace, recognised as placeholders."""

import os
import stat

import pytest

from minions.errors import UserError
from minions.scrub.pseudonyms import KEY_ENV, KEY_FILE, Pseudonyms, is_placeholder, load_key

A, B = Pseudonyms(b"key-a"), Pseudonyms(b"key-b")


def test_same_value_same_placeholder_per_key_and_unlinkable_across_keys():
    assert A.email("Jane.Doe@shop-example.org") == A.email("jane.doe@shop-example.org")
    assert A.email("jane@x.org") != A.email("john@x.org")
    assert A.email("jane@x.org") != B.email("jane@x.org")
    assert A.host("db01.corp.shop.internal") == Pseudonyms(b"key-a").host("DB01.corp.shop.internal")
    assert A.name("Dana Whitfield") != A.name("Dana Whitfiel")


def test_shapes():
    import re

    assert re.fullmatch(r"user-[0-9a-f]{4}@example\.com", A.email("jane@x.org"))
    assert re.fullmatch(r"host-[0-9a-f]{4}\.example", A.host("db01.corp.x.internal"))
    assert re.fullmatch(r"person-[0-9a-f]{4}", A.name("Dana Whitfield"))
    ip = A.ip("10.12.4.17")
    assert ip.startswith("192.0.2.") and 1 <= int(ip.rsplit(".", 1)[1]) <= 254
    phone = A.phone("+44 20 7946 0958")
    assert re.fullmatch(r"\+00 00 0000 \d{4}", phone) and phone == A.phone("+44 20 7946 0958")
    assert A.phone("(415) 555-0134")[:10] == "(000) 000-" and A.secret("github_token") == "<SECRET:github_token>"


@pytest.mark.parametrize(
    "value",
    [A.email("a@b.org"), A.host("x.corp.lan"), A.ip("10.0.0.1"), A.name("Ann Lee"), A.phone("+1 415 555 0134")]
    + ["<SECRET:aws_access_key_id>", "<NAME>"],
)
def test_placeholders_are_recognised(value):
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["jane@x.org", "10.12.4.17", "+1 415 555 0134", "<secret>", "person-", "12345678", "ab" * 32]
)
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_key_from_env_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "from-env")
    assert load_key(tmp_path) == b"from-env"
    assert not (tmp_path / KEY_FILE).exists(), "no key file when the env var gives the key"


def test_key_file_is_made_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    key = load_key(tmp_path / "ws")
    path = tmp_path / "ws" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 64
    assert load_key(tmp_path / "ws") == key
    os.chmod(path, 0o644)
    with pytest.raises(UserError, match="readable by others; run `chmod 600"):
        load_key(tmp_path / "ws")
    with pytest.raises(UserError, match=KEY_ENV):
        load_key(None)


def test_an_empty_or_short_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / KEY_FILE
    path.write_text("\n")
    os.chmod(path, 0o600)
    with pytest.raises(UserError, match="no usable key"):
        load_key(tmp_path)
