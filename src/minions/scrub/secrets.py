"""Built-in detectors for credentials: cloud keys, tokens, private keys, passwords."""

import re

from minions.scrub.rules import register_detector

register_detector(
    "private-key",
    "secret",
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
    "<PRIVATE_KEY>",
    description="PEM private key blocks",
    positives=(
        "-----BEGIN RSA PRIVATE KEY-----\n⟦«Aa9/:64»⟧\n⟦«Aa9/:64»⟧\n⟦«Aa9/:40»⟧\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n⟦«Aa9/:64»⟧\n-----END PRIVATE KEY-----",
    ),
    negatives=("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",),
)
register_detector(
    "aws-access-key-id",
    "secret",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "<AWS_ACCESS_KEY_ID>",
    description="AWS key ids",
    positives=(
        "aws.accessKeyId=⟦AKIA«A9:16»⟧",
        'client = boto3.client("s3", aws_access_key_id="⟦ASIA«A9:16»⟧")',
    ),
    negatives=(
        'KEY_PREFIX = "AKIA"',
        "AKIAEXAMPLE",
    ),
)
register_detector(
    "aws-secret-access-key",
    "secret",
    r"aws[_.-]?secret[_.-]?access[_.-]?key[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
    "<AWS_SECRET_ACCESS_KEY>",
    group=1,
    flags=re.IGNORECASE,
    description="AWS secret keys next to their key name",
    positives=(
        "aws_secret_access_key = ⟦«Aa9/:40»⟧",
        'AWS_SECRET_ACCESS_KEY: "⟦«Aa9/:40»⟧"',
    ),
    negatives=('aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]',),
)
register_detector(
    "github-token",
    "secret",
    r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b",
    "<GITHUB_TOKEN>",
    description="GitHub personal, OAuth and app tokens",
    positives=(
        "export GH_TOKEN=⟦ghp_«Aa9:36»⟧",
        "token: ⟦github_pat_«Aa9:70»⟧",
    ),
    negatives=(
        'GITHUB_TOKEN = os.getenv("GITHUB_TOKEN")',
        'if token.startswith("ghp_"):',
    ),
)
register_detector(
    "slack-token",
    "secret",
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "<SLACK_TOKEN>",
    description="Slack tokens",
    positives=('private static final String HOOK = "⟦xoxb-«9:12»-«9:13»-«Aa9:24»⟧";',),
    negatives=('String prefix = "xoxb-" + team;',),
)
register_detector(
    "jwt",
    "secret",
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    "<JWT>",
    description="JSON web tokens",
    positives=('String token = "⟦eyJ«Aa9:20».eyJ«Aa9:30».«Aa9_:43»⟧";',),
    negatives=('if (header.startsWith("eyJ")) {',),
)
register_detector(
    "url-credentials",
    "secret",
    r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!<)([^@\s/'\"]+)@",
    "<PASSWORD>",
    group=1,
    description="passwords inside connection URLs",
    positives=(
        "postgres://shop_admin:⟦«Aa9:12»«9:2»⟧@db.example.com:5432/shop",
        "amqp://guest:⟦«a:6»«9:3»⟧@rabbit.example.com:5672/",
    ),
    negatives=(
        "jdbc:postgresql://localhost:5432/shop",
        "https://example.com:8443/path?user=admin",
    ),
)
register_detector(
    "stripe-key",
    "secret",
    r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",
    "<STRIPE_KEY>",
    description="Stripe secret keys",
    positives=("STRIPE_KEY=⟦sk_live_«Aa9:24»⟧",),
    negatives=('stripe.api_key = os.environ["STRIPE_KEY"]',),
)
register_detector(
    "gitlab-token",
    "secret",
    r"\bglpat-[A-Za-z0-9_-]{20,}",
    "<GITLAB_TOKEN>",
    description="GitLab access tokens",
    positives=("GITLAB=⟦glpat-«Aa9:28»⟧",),
    negatives=('if token.startswith("glpat-"):',),
)
register_detector(
    "bearer-token",
    "secret",
    r"\bBearer[ \t]+([A-Za-z0-9._~+/-]{20,}=*)",
    "<TOKEN>",
    group=1,
    description="bearer tokens in Authorization headers",
    positives=("Authorization: Bearer ⟦«Aa9:28»⟧",),
    negatives=('headers.set("Authorization", "Bearer " + token);',),
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
    positives=(
        'private static final String API_KEY = "⟦«Aa9:12»«9:2»⟧";',
        'db_password_prod = "⟦«Aa9:12»«9:2»⟧"',
        '"password": "⟦correct horse battery staple⟧"',
        "private val token = '⟦«Aa9:12»«9:2»⟧'",
    ),
    negatives=(
        'String pw = System.getenv("DB_PASSWORD");',
        "password: <SECRET>",
        "String password = user.getPassword();",
        'api_key = os.getenv("API_KEY")',
    ),
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
    positives=(
        "spring.datasource.password=⟦«Aa9:12»7⟧",
        "  password: ⟦«Aa9:12»7⟧",
        "export DB_PASSWORD=⟦«Aa9:12»7⟧",
    ),
    negatives=(
        "password=${DB_PASSWORD}",
        "spring.datasource.password=\npayment.gateway.base-url=http://localhost:9999",
        "pwd = Path.cwd()",
        "password = secret_value",
        "password: String = generateRandom()",
    ),
)
