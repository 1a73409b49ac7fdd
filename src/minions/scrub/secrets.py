"""Built-in detectors for credentials: cloud keys, tokens, private keys, passwords."""

import re

from minions.scrub.rules import register_detector

register_detector(
    "private-key",
    "secret",
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
    "<PRIVATE_KEY>",
    description="PEM private key blocks",
)
register_detector(
    "aws-access-key-id",
    "secret",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "<AWS_ACCESS_KEY_ID>",
    description="AWS key ids",
)
register_detector(
    "aws-secret-access-key",
    "secret",
    r"aws[_.-]?secret[_.-]?access[_.-]?key[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
    "<AWS_SECRET_ACCESS_KEY>",
    group=1,
    flags=re.IGNORECASE,
    description="AWS secret keys next to their key name",
)
register_detector(
    "github-token",
    "secret",
    r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b",
    "<GITHUB_TOKEN>",
    description="GitHub personal, OAuth and app tokens",
)
register_detector(
    "slack-token", "secret", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", "<SLACK_TOKEN>", description="Slack tokens"
)
register_detector(
    "jwt",
    "secret",
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    "<JWT>",
    description="JSON web tokens",
)
register_detector(
    "url-credentials",
    "secret",
    r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!<)([^@\s/'\"]+)@",
    "<PASSWORD>",
    group=1,
    description="passwords inside connection URLs",
)
register_detector(
    "stripe-key", "secret", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", "<STRIPE_KEY>", description="Stripe secret keys"
)
register_detector(
    "gitlab-token", "secret", r"\bglpat-[A-Za-z0-9_-]{20,}", "<GITLAB_TOKEN>", description="GitLab access tokens"
)
register_detector(
    "bearer-token",
    "secret",
    r"\bBearer[ \t]+([A-Za-z0-9._~+/-]{20,}=*)",
    "<TOKEN>",
    group=1,
    description="bearer tokens in Authorization headers",
)
_KEY = r"[\w.-]*(?:password|passwd|pwd|secret|api[_-]?key|apikey|token|credentials?)[\w.-]*"
# A quoted string assigned to a secret-sounding name, in code or JSON: the whole literal goes.
# Placeholders (${VAR}, <...>, {x}, %s) are not values.
register_detector(
    "password-assignment",
    "secret",
    _KEY + r"[\"']?[ \t]*(?:[:=]|=>)[ \t]*([\"'])(?![$<{%])([^\"'\n]{6,})\1",
    "<SECRET>",
    group=2,
    flags=re.IGNORECASE,
    description="quoted values assigned to password, secret, api key or token names",
)
# An unquoted value on its own line of a config file (.properties, .env, YAML): it must hold a
# digit, so identifiers and calls (`pwd = Path.cwd()`, `password = secret_value`) are left alone.
register_detector(
    "config-secret",
    "secret",
    r"^[ \t]*(?:export[ \t]+)?" + _KEY + r"[ \t]*[:=][ \t]*(?![$<{%\"'])(?=[^\s]*\d)([^\s#\"'(),;]{6,})[ \t]*$",
    "<SECRET>",
    group=1,
    flags=re.IGNORECASE | re.MULTILINE,
    description="unquoted secret values in config files",
)
