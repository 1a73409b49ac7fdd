"""Built-in detectors for credentials: cloud keys, tokens, private keys, passwords."""

import base64
import binascii
import json
import math
import re
from collections import Counter
from urllib.parse import unquote

from minions.scrub.rules import line_of, register_detector

# Armour lines built from parts, so this file holds no literal private-key header a scanner would flag.
_PGP_BEGIN = "-----BEGIN PGP " + "PRIVATE KEY BLOCK-----"
_PGP_END = "-----END PGP " + "PRIVATE KEY BLOCK-----"
_PEM_BEGIN = "-----BEGIN " + "PRIVATE KEY-----"
_PEM_END = "-----END " + "PRIVATE KEY-----"
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{40,}")
_CODE_CHARS = re.compile(r"[\"'(){};]")


def _holds_a_key(m: re.Match[str]) -> bool:
    """Not code that writes the armour lines (`append("-----BEGIN ...")` ... `append("-----END ...")`):
    between them, a base64 run of 40 characters or more (a key in a Java string concatenation), or no
    quote, bracket or semicolon."""
    body = m.group(0)[m.group(0).find("-----", 5) + 5 : m.group(0).rfind("-----END")]
    return bool(_KEY_MATERIAL.search(body)) or not _CODE_CHARS.search(body)


register_detector(
    "private-key",
    "secret",
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
    "<PRIVATE_KEY>",
    description="PEM private key blocks and PGP private key blocks",
    positives=(
        "-----BEGIN RSA PRIVATE KEY-----\n⟦«Aa9/:64»⟧\n⟦«Aa9/:64»⟧\n⟦«Aa9/:40»⟧\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n⟦«Aa9/:64»⟧\n-----END PRIVATE KEY-----",
        _PGP_BEGIN + "\nVersion: GnuPG v2\n\n⟦«Aa9/:64»⟧\n⟦«Aa9/:64»⟧\n=⟦«Aa9/:4»⟧\n" + _PGP_END,
        f'String KEY = "{_PEM_BEGIN}\\n" +\n    "⟦«Aa9/:64»⟧\\n" +\n    "⟦«Aa9/:20»⟧\\n" +\n    "{_PEM_END}";',
    ),
    negatives=(
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQENBFzUeXEBCAC\n-----END PGP PUBLIC KEY BLOCK-----",
        f'val prefix = "{_PGP_BEGIN}"\nval suffix = "{_PGP_END}"',
        f'append("{_PEM_BEGIN}\\n")\nencodeBase64(privateKeyPkcs8Bytes)\nappend("{_PEM_END}\\n")',
    ),
    keywords=("private key",),
    accept=_holds_a_key,
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
    keywords=("akia", "asia"),
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
    keywords=("aws",),
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
    keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
)
register_detector(
    "slack-token",
    "secret",
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "<SLACK_TOKEN>",
    description="Slack tokens",
    accept=lambda m: not re.fullmatch(r"xox.-[Xx-]+", m.group(0)),
    positives=('private static final String HOOK = "⟦xoxb-«9:12»-«9:13»-«Aa9:24»⟧";',),
    negatives=(
        'String prefix = "xoxb-" + team;',
        '"xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",',
    ),
    keywords=("xox",),
)
# The claims of jwt.io's example token, the one JWT tutorials show: published, like the test card numbers.
JWT_IO_EXAMPLE_CLAIMS = {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}


def _not_the_jwt_io_example(m: re.Match[str]) -> bool:
    payload = m.group(0).split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return True
    return claims != JWT_IO_EXAMPLE_CLAIMS


register_detector(
    "jwt",
    "secret",
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    "<JWT>",
    description="JSON web tokens (not jwt.io's published example)",
    accept=_not_the_jwt_io_example,
    positives=('String token = "⟦eyJ«Aa9:20».eyJ«Aa9:30».«Aa9_:43»⟧";',),
    negatives=(
        'if (header.startsWith("eyJ")) {',
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ".SIGNATURE_OF_THE_JWT_IO_EXAMPLE",
    ),
    keywords=("eyj",),
)
# `{}`, `{PASSWORD}`, `%s`, `${DB_PASSWORD}`, `${db.pass}` (a Kotlin, Groovy or JS template), `$DB_PASSWORD`
# (upper-case: an env var), `$password` (lower-case letters: a template variable); `$3cr3t` is a password
_FORMAT_PLACEHOLDER = re.compile(r"\{\w*\}|%[sd]|\$\{[^{}\s]+\}|\$[A-Z_][A-Z0-9_]*|\$[a-z]+")

# Words a stand-in value is spelled from: the names of secrets themselves (`user:pass@host`, `"password"`),
# words saying a value is fake, a test or a default (`fakehashedsecret`, `test key`, `changeme`, `invalid`),
# metasyntactic words (`foobar`) and the words of an input's label (`Show password`).
PLACEHOLDER_WORDS = frozenset(
    [
        "user",
        "username",
        "login",
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "key",
        "keys",
        "api",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "bearer",
        "session",
        "cookie",
        "access",
        "private",
        "confidential",
        "hash",
        "hashed",
        "salt",
        "test",
        "tests",
        "testing",
        "fake",
        "dummy",
        "mock",
        "sample",
        "example",
        "demo",
        "placeholder",
        "invalid",
        "incorrect",
        "wrong",
        "bad",
        "bogus",
        "default",
        "dev",
        "development",
        "local",
        "none",
        "null",
        "empty",
        "change",
        "changeit",
        "changeme",
        "me",
        "your",
        "this",
        "here",
        "put",
        "insert",
        "enter",
        "replace",
        "some",
        "value",
        "foo",
        "bar",
        "baz",
        "qux",
        "quux",
        "show",
        "hide",
        "confirm",
        "new",
        "old",
        "current",
        "forgot",
        "reset",
        "repeat",
    ]
)
_LETTERS_OR_DIGITS = re.compile(r"[^\W\d_]+|\d+")


# words that say a value is a stand-in; the others of PLACEHOLDER_WORDS (`secret`, `pass`, `dev`,
# `default`, `foo`) are what real weak passwords are made of, and do not say so alone
MARKER_WORDS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "fake",
        "dummy",
        "mock",
        "sample",
        "example",
        "demo",
        "placeholder",
        "invalid",
        "incorrect",
        "wrong",
        "bogus",
        "change",
        "changeme",
        "changeit",
        "some",
        "your",
        "here",
        "enter",
        "insert",
        "replace",
        "none",
        "null",
        "empty",
        "show",
        "hide",
        "confirm",
        "forgot",
        "reset",
        "repeat",
    }
)
# a value that only names fields (`user:pass@`, `password: password`, `tokenHead: 'Bearer '`) holds no secret
FIELD_WORDS = frozenset(
    {"pass", "password", "passwd", "pwd", "secret", "token", "key", "apikey", "credentials", "bearer", "basic"}
    | {"user", "username", "login"}
)


def _placeholder_words(word: str) -> list[str] | None:
    """`fakehashedsecret` -> [fake, hashed, secret]; a mask (`xxxxxx`) -> [mask]; None when the word is
    not spelled from placeholder words."""
    if len(word) >= 3 and len(set(word)) == 1:
        return ["mask"]
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for i in range(1, len(word) + 1):
        for j in range(max(0, i - 16), i):
            if best[j] is not None and word[j:i] in PLACEHOLDER_WORDS:
                best[i] = [*best[j], word[j:i]]
                break
    return best[-1]


def is_placeholder_value(value: str) -> bool:
    """A stand-in, not a secret: its letters are spelled from placeholder words (at most two other
    letters or digits) and one of them says so (`fakeHashedSecret`, `test key`, `your-api-key-here`,
    `Show password`, a mask `xxxxxx`), or it only names fields (`pass`, `user:pass`, `Bearer `) or is
    one or two characters (`u:p`). `Password1`, `secret12`, `defaultsecretkey`, `foobar` and `!@#$%^&*()` are
    secrets: weak ones, the kind that gets committed."""
    runs = _LETTERS_OR_DIGITS.findall(value)
    if not runs:
        return len(value.strip()) <= 2  # `%` is a stand-in, `!@#$%^&*()` a password
    rest, words = 0, []
    for run in runs:
        found = _placeholder_words(run.lower()) if run.isalpha() else None
        if found is None:
            rest += len(run)
            if rest > 2:
                return False
        else:
            words += found
    if any(w in MARKER_WORDS or w == "mask" for w in words):
        return True
    if rest == 0 and all(w in FIELD_WORDS for w in words):
        return True
    return len("".join(runs)) <= 2


def _url_password(m: re.Match[str]) -> bool:
    """`http://{}:{}@host`, `{USER}:{PASSWORD}@`, `%s:%s@`, `${db.pass}@` are templates, and `user:pass@`,
    `u:p@`, `user:pass%20pass@` (percent-decoded) stand-ins: none of them is a credential."""
    value = m.group(1)
    return not _FORMAT_PLACEHOLDER.fullmatch(value) and not is_placeholder_value(unquote(value))


register_detector(
    "url-credentials",
    "secret",
    r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]*:(?!<)([^@\s/'\"]+)@",
    "<PASSWORD>",
    group=1,
    description="passwords inside connection URLs, with or without a user (redis://:pw@host)",
    positives=(
        "REDIS_URL=redis://:⟦$«Aa9:14»⟧@cache.example.com:6379",
        "postgres://shop_admin:⟦«Aa9:12»«9:2»⟧@db.example.com:5432/shop",
        "amqp://guest:⟦«a:6»«9:3»⟧@rabbit.example.com:5672/",
        "REDIS_URL=redis://:⟦«Aa9:16»⟧@cache.example.com:6379/0",
    ),
    negatives=(
        "redis://:$REDIS_PASSWORD@cache:6379",
        "redis://:${REDIS_PASSWORD}@cache:6379",
        'url = "http://{}:{}@{}".format(user, pw, host)',
        "proxy = http://{ENCODED_USER}:{ENCODED_PASSWORD}@host",
        "dsn = postgres://%s:%s@%s/db",
        "jdbc:postgresql://localhost:5432/shop",
        "https://example.com:8443/path?user=admin",
        '("http://user:pass@complex.url.com/path?query=yes", ("user", "pass")),',
        '$ export HTTPS_PROXY="http://user:password@proxy.shop-example.org:1080"',
        '"r2dbc:mysql://${MYSQL_V5.user}:${MYSQL_V5.pass}@127.0.0.1:3001/testdb" +',
        'val url = "redis://:$password@$host:6379"',
    ),
    keywords=("://",),
    accept=_url_password,
)
register_detector(
    "stripe-key",
    "secret",
    r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",
    "<STRIPE_KEY>",
    description="Stripe secret keys",
    positives=("STRIPE_KEY=⟦sk_live_«Aa9:24»⟧",),
    negatives=('stripe.api_key = os.environ["STRIPE_KEY"]',),
    keywords=("k_live_", "k_test_"),
)
register_detector(
    "gitlab-token",
    "secret",
    r"\bglpat-[A-Za-z0-9_-]{20,}",
    "<GITLAB_TOKEN>",
    description="GitLab access tokens",
    positives=("GITLAB=⟦glpat-«Aa9:28»⟧",),
    negatives=('if token.startswith("glpat-"):',),
    keywords=("glpat-",),
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
    keywords=("bearer",),
)
register_detector(
    "chat-webhook",
    "secret",
    r"(?:oapi\.dingtalk\.com/robot/send\?(?:[^\s\"'#]*&)?access_token="
    r"|open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/"
    r"|qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?(?:[^\s\"'#]*&)?key=)"
    r"(?![$<{%])([A-Za-z0-9_-]{16,})",
    "<TOKEN>",
    group=1,
    description="DingTalk, Feishu/Lark and WeCom bot webhook tokens (the URL stays, the token goes)",
    positives=(
        'DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=⟦«x:64»⟧"',
        "feishu.webhook=https://open.feishu.cn/open-apis/bot/v2/hook/⟦«x:8»-«x:4»-«x:4»-«x:4»-«x:12»⟧",
        "curl 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=⟦«x:8»-«x:4»-«x:4»-«x:4»-«x:12»⟧' -d @msg.json",
    ),
    negatives=(
        'String url = "https://oapi.dingtalk.com/robot/send?access_token=" + token;',
        'url = f"https://open.feishu.cn/open-apis/bot/v2/hook/{hook_id}"',
        "WECOM_URL=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}",
    ),
    keywords=("dingtalk", "feishu", "larksuite", "qyapi"),
)
register_detector(
    "dingtalk-sign-secret",
    "secret",
    r"\bSEC[0-9a-f]{64}\b",
    "<SECRET>",
    description="DingTalk robot signing secrets (SEC + 64 hex digits)",
    positives=("dingtalk.secret=⟦SEC«x:64»⟧",),
    negatives=('if secret.startswith("SEC"):',),
    keywords=("sec",),
)
register_detector(
    "alibaba-access-key-id",
    "secret",
    r"\bLTAI[A-Za-z0-9]{12,20}\b",
    "<ALIBABA_ACCESS_KEY_ID>",
    description="Alibaba Cloud AccessKey ids",
    positives=(
        "aliyun.oss.access-key-id=⟦LTAI«Aa9:20»⟧",
        'config.setAccessKeyId("⟦LTAI«Aa9:12»⟧");',
    ),
    negatives=('KEY_PREFIX = "LTAI"', "LTAIEXAMPLE"),
    keywords=("ltai",),
)
register_detector(
    "google-api-key",
    "secret",
    r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])",
    "<GOOGLE_API_KEY>",
    description="Google API keys",
    positives=('const MAPS_KEY = "⟦AIza«Aa9_:35»⟧";',),
    negatives=('if (key.startsWith("AIza")) {',),
    keywords=("aiza",),
)
register_detector(
    "azure-storage-key",
    "secret",
    r"\b(?:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?![$<{%])([A-Za-z0-9+/]{20,}={0,2})",
    "<AZURE_KEY>",
    group=1,
    flags=re.IGNORECASE,
    description="account keys in Azure storage and Service Bus connection strings",
    positives=(
        "DefaultEndpointsProtocol=https;AccountName=shopassets;AccountKey=⟦«Aa9/:86»==⟧;EndpointSuffix=core.windows.net",
        "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=⟦«Aa9/:43»=⟧",
    ),
    negatives=(
        'conn = f"AccountName={name};AccountKey={key}"',
        "AccountKey=${AZURE_STORAGE_KEY}",
    ),
    keywords=("accountkey", "sharedaccesskey"),
)
register_detector(
    "tencent-secret-id",
    "secret",
    r"\bAKID[A-Za-z0-9]{13,40}\b",
    "<TENCENT_SECRET_ID>",
    description="Tencent Cloud SecretIds",
    positives=("TENCENTCLOUD_SECRET_ID=⟦AKID«Aa9:32»⟧",),
    negatives=('ID_PREFIX = "AKID"', "AKIDEXAMPLE"),
    keywords=("akid",),
)
register_detector(
    "npm-token",
    "secret",
    r"\bnpm_[A-Za-z0-9]{36}\b",
    "<NPM_TOKEN>",
    description="npm access tokens",
    positives=("NPM_TOKEN=⟦npm_«Aa9:36»⟧",),
    negatives=('if (token.startsWith("npm_")) {',),
    keywords=("npm_",),
)
register_detector(
    "npmrc-auth",
    "secret",
    r"(?<![\w-])_(?:authToken|auth|password)[ \t]*=[ \t]*(?![$<{%\"'])([^\s\"'#]+)",
    "<TOKEN>",
    group=1,
    description="_authToken, _auth and _password lines of .npmrc files",
    positives=(
        "//registry.npmjs.org/:_authToken=⟦«Aa9_:40»⟧",
        "//npm.example.com/repo/:_password=⟦«Aa9/:24»⟧",
    ),
    negatives=("//registry.npmjs.org/:_authToken=${NPM_TOKEN}",),
    keywords=("_auth", "_password"),
)


def _is_basic_credentials(m: re.Match[str]) -> bool:
    """A Basic token is base64 of `user:password`, unless the password is a stand-in (`user:pass`,
    `test:test`); one that does not decode so (a random template, a truncated value) still counts in an
    Authorization header unless it is a plain word."""
    token = m.group(1)
    try:
        user, colon, password = base64.b64decode(token).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        colon = ""
    if colon:
        return not is_placeholder_value(password)
    return not token.isalpha() and "authorization" in line_of(m).lower()


register_detector(
    "basic-auth",
    "secret",
    r"\bBasic[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])",
    "<TOKEN>",
    group=1,
    description="credentials in Authorization: Basic headers",
    accept=_is_basic_credentials,
    positives=(
        "Authorization: Basic ⟦«Aa9:20»7«Aa9:11»⟧",
        'conn.setRequestProperty("Authorization", "Basic ⟦«Aa9:19»5«Aa9:8»⟧");',
    ),
    negatives=(
        'headers.put("Authorization", "Basic " + encoded);',
        "Authorization: Basic authentication sends credentials on every request",
        "WWW-Authenticate: Basic realm=shop",
        'assert headers == {"Proxy-Authorization": "Basic dXNlcjpwYXNz"}',
        '("test", "test", "Basic dGVzdDp0ZXN0"),',
    ),
    keywords=("basic",),
)


def _looks_like_llm_key(m: re.Match[str]) -> bool:
    """A key body, not a hyphenated name (`sk-fading-circle-spinner-v2`): after `sk-`, 20 or more
    letters and digits, at least two of them digits."""
    chars = m.group(0)[3:].replace("-", "").replace("_", "")
    return len(chars) >= 20 and sum(c.isdigit() for c in chars) >= 2


register_detector(
    "llm-api-key",
    "secret",
    r"\bsk-[A-Za-z0-9_-]{20,}",
    "<API_KEY>",
    description="OpenAI (sk-, sk-proj-), Anthropic (sk-ant-) and compatible LLM API keys, under any name",
    accept=_looks_like_llm_key,
    positives=(
        "OPENAI_KEY=⟦sk-proj-«Aa9_:40»«9:2»«Aa9_:40»⟧",
        'client = Anthropic(api_key="⟦sk-ant-api03-«Aa9_:80»«9:2»AA⟧")',
        "const llm = { key: '⟦sk-«Aa9:20»«9:2»«Aa9:26»⟧' };",
    ),
    negatives=(
        'if key.startswith("sk-"):',
        '<div class="sk-fading-circle-spinner-v2"></div>',
    ),
    keywords=("sk-",),
)


# A private key (Alipay's app private key, merchant keys) kept as bare base64 under a private-key name,
# also when a Java or Python literal splits it over concatenated lines: the whole value goes.
register_detector(
    "private-key-setting",
    "secret",
    r"(?<![\w.-])[\w.-]*private[_.-]?key[\"']?[ \t]*(?:[:=]|=>)[ \t]*[\"']?"
    r"((?![$<{%])[A-Za-z0-9+/]{40,}={0,2}"
    r"(?:[\"'][ \t]*\+?[ \t]*(?:\r?\n[ \t]*\+?[ \t]*)?[\"'][A-Za-z0-9+/]+={0,2})*)",
    "<PRIVATE_KEY>",
    group=1,
    flags=re.IGNORECASE,
    description="base64 private keys under a private-key setting (alipay.private-key, ALIPAY_PRIVATE_KEY)",
    positives=(
        "alipay.private-key=⟦MIIEvQIBADANBgkqhkiG9w0BAQEFAASC«Aa9/:200»⟧",
        'ALIPAY_PRIVATE_KEY: "⟦«Aa9/:120»⟧"',
        'static final String APP_PRIVATE_KEY = "⟦«Aa9/:64»⟧" +\n        "⟦«Aa9/:64»⟧";',
    ),
    negatives=(
        "alipay.public-key=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAexample",
        "private_key = load_pem(os.environ['ALIPAY_PRIVATE_KEY'])",
    ),
    keywords=("privatekey", "private_key", "private-key", "private.key"),
)
# Bare base64 DER of an RSA (PKCS#1 or PKCS#8) or EC private key, whatever it is called.
register_detector(
    "base64-private-key",
    "secret",
    r"\b(?:MII[A-Za-z0-9+/]{3}IBA(?:AK|DAN)|MIG[A-Za-z0-9+/]AgE[AB]|MHcCAQEE)[A-Za-z0-9+/]{40,}={0,2}",
    "<PRIVATE_KEY>",
    description="base64 private keys without PEM armour (RSA PKCS#1/PKCS#8, EC)",
    positives=(
        'String merchantKey = "⟦MIIEvwIBADANBgkqhkiG9w0BAQEFAASC«Aa9/:200»⟧";',
        "key: ⟦MIIEpQIBAAKCAQEA«Aa9/:200»⟧",
    ),
    negatives=("cert: MIIDdzCCAl+gAwIBAgIUexampleexampleexampleexampleexampleexample",),
    keywords=("mii", "mig", "mhccaqee"),
)
# Passwords in the query or property part of a JDBC/ODBC URL or connection string.
register_detector(
    "query-password",
    "secret",
    r"[?&;][ \t]?(?:password|passwd|pwd|pass)=(?![$<{%\"'])([^&;\s\"']{3,})",
    "<PASSWORD>",
    group=1,
    flags=re.IGNORECASE,
    description="passwords in URL query strings and ;-separated connection strings",
    positives=(
        "jdbc:mysql://db.example.com:3306/shop?user=shop&password=⟦«Aa9:14»⟧&useSSL=true",
        "jdbc:sqlserver://db.example.com:1433;databaseName=shop;user=sa;password=⟦«Aa9:14»⟧;",
        "spring.datasource.url=jdbc:postgresql://db.example.com/shop?password=⟦«Aa9:10»⟧",
        "Server=db.example.com;Database=shop;User Id=shop; Password=⟦«Aa9:12»⟧;",
    ),
    negatives=(
        'url = base + "?user=" + user + "&password=" + pw',
        'String.format("jdbc:mysql://%s/shop?password=%s", host, pw)',
        "jdbc:postgresql://db.example.com/shop?password=${DB_PASSWORD}",
    ),
    keywords=("pass", "pwd"),
    accept=lambda m: not is_placeholder_value(unquote(m.group(1))),
)


_ORACLE_TARGET = re.compile(r"//|\(|[\w.-]+:\d{2,5}(?![\w])")
_ORACLE_TOOL = re.compile(r"\b(?:sqlplus|sqlldr|rman|expdp|impdp|dgmgrl|conn|connect)\b", re.IGNORECASE)


def _is_oracle_connect(m: re.Match[str]) -> bool:
    """`user/pw@` is an Oracle connect string when a database follows (`@//host`, `@(DESCRIPTION`,
    `@host:1521`) or an Oracle tool on the line runs it (`sqlplus scott/pw@ORCL`); not a Go module or an image
    digest (`golang.org/x/text@v0.14.0`, `library/nginx@sha256:...`)."""
    return bool(_ORACLE_TARGET.match(m.string, m.end()) or _ORACLE_TOOL.search(line_of(m)))


register_detector(
    "oracle-connect",
    "secret",
    r"(?<![\w/@.$-])[A-Za-z][\w$#]{0,29}/(?![<$])([^\s/@'\"<>;]{3,})@(?=[\w(/])",
    "<PASSWORD>",
    group=1,
    description="passwords in Oracle user/password@database connect strings",
    accept=_is_oracle_connect,
    positives=(
        "jdbc:oracle:thin:scott/⟦«Aa9:10»⟧@//db.example.com:1521/ORCL",
        "sqlplus -s app_user/⟦«Aa9:10»⟧@SHOPDB @report.sql",
        "conn = cx_Oracle.connect('shop/⟦«Aa9:12»⟧@db.example.com:1521/XEPDB1')",
    ),
    negatives=(
        "require golang.org/x/text@v0.14.0",
        "docker pull library/nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
        "npm install @types/node@20.11.5 lodash/fp@4.17.21",
        "uses: actions/checkout@v4",
    ),
    keywords=("@",),
)

# `token` but not `tokenizer`, `tokenise`
_KEY = r"[\w.-]*(?:password|passwd|pwd|secret|api[_-]?key|apikey|token(?!i[sz])|credentials?)[\w.-]*"
_XML_KEY = r"[\w.:-]*(?:password|passwd|pwd|secret|api[_-]?key|apikey|token(?!i[sz])|credentials?|passphrase)"
# Words that make a value the name of a secret rather than the secret: a header (`Authorization`,
# `X-Auth-Token`), a parameter (`password`, `client_secret`) or an environment variable
# (`DJANGO_SECRET_KEY`).
_SECRET_WORDS = frozenset(
    [
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "key",
        "keys",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "bearer",
        "session",
        "cookie",
    ]
)
_NAME_FORM = re.compile(r"[A-Za-z]+(?:[_.-][A-Za-z]+)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _names_a_secret(value: str) -> bool:
    """`Authorization`, `password`, `DJANGO_SECRET_KEY`, `X-Auth-Token`: a word or words (snake, kebab,
    dotted or camel case; digits only in an UPPER_SNAKE name) one of which is a secret word. A
    password with a digit or a symbol is never a name; `mypassword` is one word, not a secret word."""
    return bool(_NAME_FORM.fullmatch(value)) and any(w.lower() in _SECRET_WORDS for w in _WORDS.findall(value))


# a version or a version range: `"jsonwebtoken": "^9.0.2"`, `"js-tokens": "^4.0.0"` in package.json and lock
# files; a URL path of words: `PASSWORD_RESET_URL = "/accounts/password/reset/"`
_VERSION = re.compile(r"[\^~]?[<>=!]*[ \t]*v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.]+)?")
_URL_PATH = re.compile(r"(?:/[A-Za-z_-]+)+/?")


def _is_a_value(m: re.Match[str]) -> bool:
    """The last group holds the value: it is a secret unless it only names one, is a stand-in
    (`"invalid"`, `"fakehashedsecret"`, `'test key'`, a label such as `"Show password"`), a version or a
    URL path."""
    value = m.groups()[-1]
    if _VERSION.fullmatch(value) or _URL_PATH.fullmatch(value):
        return False
    return not (_names_a_secret(value) or is_placeholder_value(value))


# A quoted string assigned to a secret-sounding name, in code or JSON: the whole literal goes.
# Placeholders (${VAR}, <...>, {x}, %s) are not values, nor are names (TOKEN_HEADER = "Authorization").
register_detector(
    "password-assignment",
    "secret",
    # starting only where an identifier starts: no retry at every letter inside one (3x faster)
    r"(?<![\w.-])" + _KEY + r"[\"']?[ \t]*(?:[:=]|=>)[ \t]*([\"'])(?![$<{%]|#\{)([^\"'\n]{6,})\1",
    "<SECRET>",
    group=2,
    flags=re.IGNORECASE,
    description="quoted values assigned to password, secret, api key or token names",
    accept=_is_a_value,
    positives=(
        'private static final String API_KEY = "⟦«Aa9:12»«9:2»⟧";',
        'db_password_prod = "⟦«Aa9:12»«9:2»⟧"',
        '"password": "⟦correct horse battery staple⟧"',
        "private val token = '⟦«Aa9:12»«9:2»⟧'",
        'SECRET_KEY = "⟦«a:12»⟧"',
    ),
    negatives=(
        'String pw = System.getenv("DB_PASSWORD");',
        "password: <SECRET>",
        "String password = user.getPassword();",
        'api_key = os.getenv("API_KEY")',
        'TOKEN_HEADER = "Authorization"',
        'PASSWORD_PARAM = "password"',
        'SECRET_ENV = "DJANGO_SECRET_KEY"',
        'private static final String TOKEN_HEADER_NAME = "X-Auth-Token";',
        'tokenParam: "access_token",',
        'data = {"new_password": "changethis", "token": "invalid"}',
        '"hashed_password": "fakehashedsecret2",',
        'aria-label={showPassword ? "Hide password" : "Show password"}',
        '"@babel/code-frame": { "dependencies": { "js-tokens": "^4.0.0", "picocolors": "^1.0.0" } },',
        'PASSWORD_RESET_URL = "/accounts/password/reset/"',
        'path("api-token-auth/", views.obtain_auth_token), TOKEN_URL = "/oauth/access_token"',
    ),
    keywords=("passw", "pwd", "secret", "api", "token", "credential", "passphrase"),
)
# Secret values in XML: <password>...</password>, and <property name="password" value="..."/> (Spring,
# Ant, Hibernate; .NET's <add key="ApiKey" value="..."/>).
register_detector(
    "xml-secret-element",
    "secret",
    r"<(" + _XML_KEY + r")>(?![$<{%]|#\{)([^<\n]+)</\1>",
    "<SECRET>",
    group=2,
    flags=re.IGNORECASE,
    description="values of XML elements named password, secret, token or api key",
    accept=_is_a_value,
    positives=(
        "<server><id>nexus</id><username>deploy</username><password>⟦«Aa9:12»⟧</password></server>",
        "  <jdbc.password>⟦«a:10»;«a:4»⟧</jdbc.password>",
    ),
    negatives=(
        "<password>${env.NEXUS_PASSWORD}</password>",
        "<tokenizer>whitespace</tokenizer>",
        "<tokenHeader>Authorization</tokenHeader>",
    ),
    keywords=("passw", "pwd", "secret", "api", "token", "credential", "passphrase"),
)
register_detector(
    "xml-secret-property",
    "secret",
    r"<[\w:.-]+\s[^>]*?\b(?:name|key)[ \t]*=[ \t]*([\"'])"
    + _XML_KEY
    + r"\1[ \t]+value[ \t]*=[ \t]*([\"'])(?![$<{%]|#\{)((?:(?!\2)[^\n])+)\2",
    "<SECRET>",
    group=3,
    flags=re.IGNORECASE,
    description="value attributes of XML properties named password, secret, token or api key",
    accept=_is_a_value,
    positives=(
        '<property name="password" value="⟦«Aa9:12»⟧"/>',
        '<add key="PaymentApiKey" value="⟦«Aa9:24»⟧" />',
        "<property name='hibernate.connection.password' value='⟦«a:12»⟧'/>",
    ),
    negatives=(
        '<property name="password" value="${db.password}"/>',
        '<property name="passwordEncoder" ref="encoder"/>',
        '<property name="tokenHeader" value="Authorization"/>',
        '<entry key="csrf.token" value="X-CSRF-Token"/>',
    ),
    keywords=("passw", "pwd", "secret", "api", "token", "credential", "passphrase"),
)

# An unquoted value at the end of a config line (.properties, .env, YAML, shell). Identifiers, dotted
# names, calls and statements are code (`pwd = Path.cwd()`, `password = secret_value`,
# `token = tokens[0];`, a call or subscript going on on the next line: `token = create_token(`), so a value
# counts when it
#   - holds a digit, or a character no identifier or dotted name can (`hunter-two`, `pa;ss`, `s3cr!t`);
#   - or is a bare word after `=` with no spaces around it (`DB_PASSWORD=letmein`), the .env and
#     .properties form: code puts spaces around `=` and ends an argument with `,`.
# A YAML bare word (`password: hunter`) stays: `token: string` is a TypeScript field just the same.
_CODE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(.*\)|\[.*\])*(?:[;,]|[(\[{])?")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


def _is_config_value(m: re.Match[str]) -> bool:
    before, sep, after, value = m.group(1, 2, 3, 4)
    if "(" in value or "[" in value or value[-1] in ";,":
        return not _CODE.fullmatch(value)
    if _names_a_secret(value) or is_placeholder_value(value):
        return False
    if any(c.isdigit() for c in value) or not _DOTTED.fullmatch(value):
        return True
    return sep == "=" and not before and not after and "." not in value


register_detector(
    "config-secret",
    "secret",
    # a commented-out setting is still a secret: `#spring.datasource.password=...`, `// token: ...`
    r"^[ \t]*(?:(?:#|//|;|--)[ \t]*)?(?:export[ \t]+)?"
    + _KEY
    + r"([ \t]*)([:=])([ \t]*)(?![$<{%\"']|#\{)([^\s\"']{6,})(?:[ \t]+#[^\r\n]*)?[ \t\r]*$",
    "<SECRET>",
    group=4,
    flags=re.IGNORECASE | re.MULTILINE,
    description="unquoted secret values in config files",
    accept=_is_config_value,
    positives=(
        "spring.datasource.password=⟦«Aa9:12»7⟧",
        "  password: ⟦«Aa9:12»7⟧",
        "export DB_PASSWORD=⟦«Aa9:12»7⟧",
        "DB_PASSWORD=⟦«a:12»⟧",
        "  password: ⟦«Aa:6»;«Aa:6»⟧  # rotated monthly",
        "smtp.password = ⟦«a:6»-«a:6»⟧",
        "# password: ⟦«Aa:6»;«Aa:6»⟧  # rotated monthly",
        "#spring.datasource.password=⟦«Aa9:12»7⟧",
        "  // DB_TOKEN=⟦«a:12»⟧",
    ),
    negatives=(
        "password=${DB_PASSWORD}",
        "spring.datasource.password=\npayment.gateway.base-url=http://localhost:9999",
        "pwd = Path.cwd()",
        "password = secret_value",
        "password: String = generateRandom()",
        "    password = getPassword();",
        "token = tokens[0]",
        "    token=access_token,",
        "PASSWORD_VAR=DB_PASSWORD",
        "  token: string",
        "self.password = password  # kept for later",
        "# password: must be at least 8 characters",
        "# token: required",
        "Password: `your-password`",
        "    credentials_exception = HTTPException(",
        "    credentials: Annotated[",
        "      password = #{record.password,jdbcType=VARCHAR},",
    ),
    keywords=("passw", "pwd", "secret", "api", "token", "credential", "passphrase"),
)


_NUMBER_OR_FLAG = re.compile(r"\d+(?:\.\d+)?|true|false|yes|no|on|off|null|none", re.IGNORECASE)


def _is_default_secret(m: re.Match[str]) -> bool:
    value = m.group(1)
    return not _NUMBER_OR_FLAG.fullmatch(value) and not _names_a_secret(value)


# The default of a Spring/shell placeholder is a real value: `password: ${DB_PASSWORD:s3cret}`.
register_detector(
    "placeholder-default",
    "secret",
    r"(?:(?<![\w.-])" + _KEY + r"[\"']?[ \t]*[:=][ \t]*[\"']?\$\{[\w.-]*|\$\{" + _KEY + r")"
    r":-?(?![-$<{%\"'])([^}\s\"']{3,})\}",
    "<SECRET>",
    group=1,
    flags=re.IGNORECASE,
    description="defaults of ${VAR:default} placeholders for secret settings",
    accept=_is_default_secret,
    positives=(
        "  password: ${DB_PASSWORD:⟦«Aa9:10»⟧}",
        "spring.datasource.password=${DB_PASS:⟦«a:8»⟧}",
        'jwt.secret="${JWT_SECRET_KEY:⟦«Aa9:32»⟧}"',
        "API_TOKEN=${API_TOKEN:-⟦«a:6»«9:4»⟧}",
    ),
    negatives=(
        "url: ${DB_URL:jdbc:mysql://localhost/shop}",
        "jwt.secret=${JWT_SECRET:}",
        "password: ${DB_PASSWORD}",
        "token.ttl: ${TOKEN_TTL:3600}",
        "header: ${TOKEN_HEADER:Authorization}",
        "secure: ${COOKIE_SECRET_ENABLED:false}",
    ),
    keywords=("${",),
)
# Spring Security's stored-password prefixes: the rest is a password or its hash.
register_detector(
    "encoded-password",
    "secret",
    r"\{(?:noop|bcrypt|pbkdf2|scrypt|sha256|argon2|md4|md5|sha|ssha|ldap|sha-1|sha-256)\}([^\s\"'<>]{3,})",
    "<SECRET>",
    group=1,
    flags=re.IGNORECASE,
    description="passwords and hashes behind {noop}, {bcrypt} and the other Spring Security prefixes",
    positives=(
        '.password("{noop}⟦«a:8»«9:2»⟧")',
        'password: "{bcrypt}⟦$2a$10$«Aa9/:53»⟧"',
        "spring.security.user.password={noop}⟦«Aa9:12»⟧",
    ),
    negatives=(
        'String prefix = "{noop}";',
        'return "{bcrypt}" + encoder.encode(raw);',
        "idForEncode = {bcrypt}",
    ),
    keywords=("{noop}", "{bcrypt}", "{pbkdf2}", "{scrypt}", "{sha", "{argon2}", "{md", "{ssha}", "{ldap}"),
)


_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_TOKENS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def looks_random(value: str) -> bool:
    """A generated key rather than a name: at least 3 bits of entropy per character and a letter,
    and then by its alphabet: hex (20+ characters, a digit among them); mixed case, with words
    (camel case, runs of digits) under 3.3 characters long on average; one case and digits, the
    character class (letter or digit) changing at least every third character.
    `HuggingFaceTokenizer2`, `X-Request-Id-Header-2024` and `orders-by-customer-v2` are names."""
    n = len(value)
    if not any(c.isalpha() for c in value) or -sum(k / n * math.log2(k / n) for k in Counter(value).values()) < 3.0:
        return False
    digits = any(c.isdigit() for c in value)
    if _HEX.fullmatch(value):
        return n >= 20 and digits
    if any(c.isupper() for c in value) and any(c.islower() for c in value):
        words = _TOKENS.findall(value)
        return sum(map(len, words)) < 3.3 * len(words)
    alnum = [c.isdigit() for c in value if c.isalnum()]
    return digits and sum(a != b for a, b in zip(alnum, alnum[1:], strict=False)) >= 0.3 * (len(alnum) - 1)


def _is_random_value(m: re.Match[str]) -> bool:
    return looks_random(m.group(1))


# Gate only (too noisy to rewrite code by): any random-looking 16+ character value assigned to a
# name that sounds like a secret, key, salt or signature, quoted or not, in code or config.
register_detector(
    "high-entropy-secret",
    "secret",
    r"(?<![\w.-])[\w.-]*(?:secret|token(?!i[sz])|passw|pwd|key|salt|credential|auth|signature|cipher)[\w.-]*[\"']?"
    r"[ \t]*(?:[:=]|=>|:=)[ \t]*[bru]?[\"']?([A-Za-z0-9+/=_-]{16,})(?![\w+/=-])",
    "<SECRET>",
    group=1,
    flags=re.IGNORECASE,
    description="random-looking values next to secret-like names (gate only: rejects, never rewrites)",
    accept=_is_random_value,
    positives=(
        # random runs broken by digits: a 40-character random run reads as words once in a thousand
        "jwt.signing-key: ⟦" + "«Aa:2»«9:1»" * 12 + "⟧",
        'private static final String ENCRYPTION_KEY = "⟦' + "«Aa:2»«9:1»" * 10 + '⟧";',
        "HMAC_SALT = b'⟦«x:39»7⟧'",
        'val cipherKey = "⟦' + "«A:2»«9:1»" * 8 + '⟧"',
    ),
    negatives=(
        'ORDER_CACHE_KEY = "orders-by-customer-v2"',
        'tokenizer = "HuggingFaceTokenizer2"',
        'AUTH_HEADER = "X-Request-Id-Header-2024"',
        "primaryKey: user_id_1234567890",
        "signing_key = ${JWT_SIGNING_KEY}",
        "keyLength = 2048",
        'authorName = "OrderServiceMaintainers"',
    ),
    keywords=("secret", "token", "passw", "pwd", "key", "salt", "credential", "auth", "signature", "cipher"),
    gate_only=True,
)
