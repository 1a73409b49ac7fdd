"""API keys per team for `minions serve`: who is calling, and which adapters they may use.

The key file (`--api-keys FILE`, or the path in $MINIONS_API_KEYS) is YAML and holds no secret:

```yaml
keys:
  - team: payments
    key_env: MINIONS_KEY_PAYMENTS      # the key's value comes from this env var, or
    # key_sha256: <hex>                 # the sha256 hex of the key (printf %s "$KEY" | sha256sum)
    adapters: [billing, "billing@2"]  # allow-list: a name allows every version; name@N one version;
                                       # "*" all adapters. The base model is always allowed.
  - team: ops
    key_env: MINIONS_KEY_OPS
    admin: true                        # may call the admin endpoints
    adapters: ["*"]
```

Each entry needs `team` and exactly one of `key_env` / `key_sha256`; `adapters` (default: none, the
base model only) and `admin` (default false) are optional. A team may have several entries (a new key
beside the old one while clients move over). A plain `key:` is refused: key files get committed.
Clients send `Authorization: Bearer <key>` (or the key alone in an `api-key` / `x-api-key` header).
Only sha256 digests are kept, compared in constant time; no key value ever reaches an error or a log.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from minions.config import adapter_name_problem
from minions.errors import UserError

KEYS_ENV = "MINIONS_API_KEYS"
ALL = "*"
FIELDS = ("team", "key_env", "key_sha256", "adapters", "admin")
MIN_KEY_CHARS = 16
NEW_KEY_HINT = """make one with: python -c 'import secrets; print("mk-" + secrets.token_hex(16))'"""
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Caller:
    """The team behind a key: may it call the admin endpoints, which adapters may it use."""

    team: str
    admin: bool
    adapters: frozenset[str]  # adapter names, `name@N`, or "*"

    def may_use(self, name: str, version: int | None) -> bool:
        """May this caller use adapter `name` at `version` (the concrete version being served)?
        The server does not ask about the base model: every caller may use it."""
        if ALL in self.adapters or name in self.adapters:
            return True
        return version is not None and f"{name}@{version}" in self.adapters


OPEN = Caller(team="", admin=True, adapters=frozenset({ALL}))  # no key file: loopback only, all allowed


@dataclass(frozen=True)
class KeyBook:
    """The keys of one key file, as sha256 digests, each with the caller it stands for."""

    path: Path
    entries: tuple[tuple[bytes, Caller], ...] = field(repr=False)

    @property
    def teams(self) -> list[str]:
        """The teams, each once, in file order."""
        return list(dict.fromkeys(caller.team for _, caller in self.entries))

    def caller_for_key(self, key: str) -> Caller | None:
        """The caller a raw key belongs to (an `api-key` / `x-api-key` header), or None."""
        if not key:
            return None
        digest = hashlib.sha256(key.encode()).digest()
        found = None
        for known, caller in self.entries:  # every entry is compared: no early exit
            if hmac.compare_digest(known, digest):
                found = caller
        return found

    def caller_of_headers(self, headers: Mapping[str, str]) -> Caller | None:
        """The caller of a request's headers: `Authorization: Bearer <key>`, else the key alone in
        `api-key` / `x-api-key`; None when there is no valid key."""
        authorization = headers.get("authorization")
        if authorization:
            return self.caller(authorization)
        return self.caller_for_key(headers.get("api-key") or headers.get("x-api-key") or "")

    def caller(self, authorization: str | None) -> Caller | None:
        """The caller of an `Authorization: Bearer <key>` header (scheme in any case), or None."""
        parts = (authorization or "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            return None
        return self.caller_for_key(parts[1])


def key_file_from_env(env: Mapping[str, str] = os.environ) -> Path | None:
    """The key file named by $MINIONS_API_KEYS, or None when it is unset or empty."""
    value = env.get(KEYS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def load_keys(path: Path, env: Mapping[str, str] = os.environ) -> KeyBook:
    """Read and check a key file; a bad one is a one-line UserError naming the file, entry and fix."""
    entries = [_entry(path, i, raw, env) for i, raw in enumerate(_raw_entries(path), start=1)]
    seen: dict[bytes, str] = {}
    for i, (digest, caller) in enumerate(entries, start=1):
        if digest in seen:
            raise _bad(path, i, caller.team, f"has the same key as {seen[digest]}", "give every entry its own key")
        seen[digest] = f"entry {i} (team {caller.team})"
    return KeyBook(path, tuple(entries))


def _bad(path: Path, i: int, team: str | None, problem: str, fix: str) -> UserError:
    who = f"entry {i} (team {team})" if team else f"entry {i}"
    return UserError(f"{path}: {who} {problem}; {fix}")


def _raw_entries(path: Path) -> list:
    try:
        text = path.read_text()
    except OSError as e:
        raise UserError(f"cannot read the API key file {path}: {e.strerror}; check --api-keys / ${KEYS_ENV}") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}: not valid YAML{where}; see the format in minions/serving/auth.py") from e
    if data is None:
        raise UserError(f"{path} is empty; list the keys under `keys:` (format in minions/serving/auth.py)")
    if not isinstance(data, dict) or set(data) != {"keys"}:
        raise UserError(f"{path}: the file must be one mapping with a `keys:` list and nothing else")
    if not isinstance(data["keys"], list) or not data["keys"]:
        raise UserError(f"{path}: `keys:` is empty or not a list; add an entry per team (team, key_env, adapters)")
    return data["keys"]


def _entry(path: Path, i: int, raw: object, env: Mapping[str, str]) -> tuple[bytes, Caller]:
    if not isinstance(raw, dict):
        raise _bad(path, i, None, "is not a mapping", "write `- team: NAME` followed by its fields")
    team = raw.get("team")
    team = team.strip() if isinstance(team, str) else None
    if "key" in raw:
        raise _bad(path, i, team, "has a plain `key:`", "use key_env (an env var holding the key) or key_sha256")
    if unknown := sorted(str(k) for k in raw if k not in FIELDS):
        raise _bad(path, i, team, f"has unknown field(s) {', '.join(unknown)}", f"use only {', '.join(FIELDS)}")
    if not team:
        raise _bad(path, i, None, "has no `team`", "name the team the key belongs to")
    admin = raw.get("admin", False)
    if not isinstance(admin, bool):
        raise _bad(path, i, team, "has a non-boolean `admin`", "write admin: true or admin: false")
    caller = Caller(team, admin, _allow_list(path, i, team, raw.get("adapters", [])))
    return _digest(path, i, team, raw, env), caller


def _digest(path: Path, i: int, team: str, raw: dict, env: Mapping[str, str]) -> bytes:
    if ("key_env" in raw) == ("key_sha256" in raw):
        fix = "give key_env (an env var holding the key) or key_sha256 (its sha256 hex), not both"
        raise _bad(path, i, team, "needs exactly one of key_env and key_sha256", fix)
    if "key_sha256" in raw:
        value = raw["key_sha256"]
        if not isinstance(value, str) or not _SHA256.fullmatch(value.strip()):
            fix = 'write the 64 hex digits of the key\'s sha256 (printf %s "$KEY" | sha256sum)'
            raise _bad(path, i, team, "has a key_sha256 that is not a sha256 hex digest", fix)
        return bytes.fromhex(value.strip())
    name = raw["key_env"]
    if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
        raise _bad(path, i, team, "has a key_env that is not an env var name", "write a name like MINIONS_KEY_OPS")
    key = env.get(name, "").strip()
    if not key:
        raise _bad(path, i, team, f"reads its key from ${name}, which is unset or empty", f"export {name}=<the key>")
    if len(key) < MIN_KEY_CHARS:
        raise _bad(path, i, team, f"has a key in ${name} shorter than {MIN_KEY_CHARS} characters", NEW_KEY_HINT)
    return hashlib.sha256(key.encode()).digest()


def _allow_list(path: Path, i: int, team: str, adapters: object) -> frozenset[str]:
    if not isinstance(adapters, list):
        raise _bad(path, i, team, "has `adapters` that is not a list", 'write e.g. adapters: [billing, "billing@2"]')
    return frozenset(_allowed(path, i, team, item) for item in adapters)


def _allowed(path: Path, i: int, team: str, item: object) -> str:
    """One allow-list item, checked and written canonically (`name@02` -> `name@2`)."""
    fix = 'use an adapter name, NAME@VERSION (VERSION from 1) or "*"'
    if not isinstance(item, str):
        raise _bad(path, i, team, f"allows {item!r}, which is not a string", fix)
    if item == ALL:
        return item
    name, at, version = item.partition("@")
    if name.lower() == "base":
        raise _bad(path, i, team, "allows `base`", "remove it: every caller may use the base model")
    if adapter_name_problem(name) or (at and not (version.isascii() and version.isdigit() and int(version) >= 1)):
        raise _bad(path, i, team, f"allows {item!r}, which is not an adapter reference", fix)
    return f"{name}@{int(version)}" if at else name
