"""Consistent pseudonyms: the same value gets the same placeholder in every file, run and process.

A placeholder derives from an HMAC of the value, keyed by `MINIONS_SCRUB_KEY` or else by a key
file made once in the workspace (`scrub.key`, mode 0600, written nowhere else). Code stays
readable: an e-mail becomes `user-3f2a@example.com`, a host `host-9c1d.example`, a private IP an
address of 192.0.2.0/24 (documentation range), a phone number one of the same shape that nobody
can have (every digit 0 but the last four), a name `person-3f2a`, a secret a typed
`<SECRET:aws_access_key_id>` (a model learns where a secret goes without seeing one).

Placeholders are recognised (`is_placeholder`), so re-scanning scrubbed text (the gate) never flags
them. minions' own ids and hashes are not listed: a 64-hex value may as well be a webhook token,
and no rule that could fire on an id or hash in a record's own line runs today.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError
from minions.workspace import create_private_file

KEY_ENV = "MINIONS_SCRUB_KEY"
KEY_FILE = "scrub.key"

PLACEHOLDER = re.compile(
    r"<[A-Z][A-Z_]*(?::[a-z0-9_]+)?>"  # <SECRET:github_token>, <NAME>
    r"|user-[0-9a-f]{4,}@example\.com"
    r"|host-[0-9a-f]{4,}\.example"
    r"|person-[0-9a-f]{4,}"
    r"|192\.0\.2\.\d{1,3}"
)


_PHONE_CHARS = re.compile(r"[+(\d][\d .()-]*")


def is_placeholder(value: str) -> bool:
    """True for a placeholder minions wrote: never a finding."""
    if PLACEHOLDER.fullmatch(value):
        return True
    digits = [c for c in value if c.isdigit()]
    # a phone placeholder: every digit 0 but the last four
    return bool(_PHONE_CHARS.fullmatch(value)) and len(digits) >= 8 and set(digits[:-4]) == {"0"}


def load_key(workspace_root: Path | None) -> bytes:
    """The pseudonym key: $MINIONS_SCRUB_KEY, else `<workspace>/scrub.key` (made once, mode 0600)."""
    if env := os.environ.get(KEY_ENV):
        return env.encode()
    if workspace_root is None:
        raise UserError(f"no pseudonym key: set {KEY_ENV} or pass a workspace (--workspace)")
    path = workspace_root / KEY_FILE
    if not path.exists():
        create_private_file(path, secrets.token_hex(32) + "\n")  # False: another process made it; read theirs
    if path.stat().st_mode & 0o077:
        raise UserError(f"{path} is readable by others; run `chmod 600 {path}`")
    for _ in range(20):  # another process may have made the file and not yet written it
        key = path.read_text().strip()
        if len(key) >= 32:
            return key.encode()
        time.sleep(0.05)
    raise UserError(
        f"{path} holds no usable key (under 32 characters); delete it to make a new one (pseudonyms will "
        f"change) or set {KEY_ENV}"
    )


@dataclass(frozen=True)
class Pseudonyms:
    """Placeholders keyed by an HMAC of (kind, value): deterministic for one key, unlinkable without it."""

    key: bytes

    def digest(self, kind: str, value: str) -> str:
        return hmac.new(self.key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()

    def email(self, value: str) -> str:
        return f"user-{self.digest('email', value.lower())[:4]}@example.com"

    def host(self, value: str) -> str:
        return f"host-{self.digest('host', value.lower())[:4]}.example"

    def ip(self, value: str) -> str:
        return f"192.0.2.{int(self.digest('ip', value)[:4], 16) % 254 + 1}"

    def name(self, value: str) -> str:
        return f"person-{self.digest('name', value)[:4]}"

    def phone(self, value: str) -> str:
        """Same shape (separators, length); every digit 0 but the last four, which come from the HMAC."""
        digits = [c for c in value if c.isdigit()]
        tail = str(int(self.digest("phone", "".join(digits))[:8], 16) % 10_000).zfill(4)
        fill = iter(["0"] * (len(digits) - 4) + list(tail[-min(4, len(digits)) :]))
        return "".join(next(fill) if c.isdigit() else c for c in value)

    @staticmethod
    def secret(kind: str) -> str:
        return f"<SECRET:{kind}>"
