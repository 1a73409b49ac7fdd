"""Regression tests for the secret forms the scrubber used to miss: one focused test per form.

Values are templates filled from the seeded `rng` (see `samples.expand`); each test checks that no
8 characters of a planted value survive, that the text around the value is kept, and that a
second pass finds nothing (the replacement triggers no detector).
"""

import base64
import json
import string

import pytest

from minions.scrub import scan_text, scrub_text
from minions.scrub.samples import expand

UUID = "«x:8»-«x:4»-«x:4»-«x:4»-«x:12»"


def leaked(text: str, planted: str, n: int = 8) -> str | None:
    """Any n characters of a planted value (the whole value when shorter) still in `text`."""
    n = min(n, len(planted))
    return next((planted[k : k + n] for k in range(len(planted) - n + 1) if planted[k : k + n] in text), None)


def scrub(template: str, rng) -> tuple[str, dict]:
    """Expand a template, scrub it, and check that every planted value is gone and a rescan is clean."""
    text, planted = expand(template, rng)
    out, counts = scrub_text(text)
    assert planted, "the template plants a value"
    for value in planted:
        assert leaked(out, value) is None, f"{leaked(out, value)!r} of a planted value left in {out!r}"
    assert not scan_text(out), f"the replacement triggers a detector: {out!r}"
    return out, dict(counts)


def unchanged(text: str) -> None:
    assert scrub_text(text) == (text, {})


def test_chat_webhooks_lose_their_token_and_keep_the_url(rng):
    assert scrub("https://oapi.dingtalk.com/robot/send?access_token=⟦«x:64»⟧", rng) == (
        "https://oapi.dingtalk.com/robot/send?access_token=<TOKEN>",
        {"chat-webhook": 1},
    )
    assert scrub(f'hook: "https://open.feishu.cn/open-apis/bot/v2/hook/⟦{UUID}⟧"', rng)[0] == (
        'hook: "https://open.feishu.cn/open-apis/bot/v2/hook/<TOKEN>"'
    )
    assert scrub(f"https://open.larksuite.com/open-apis/bot/v2/hook/⟦{UUID}⟧", rng)[1] == {"chat-webhook": 1}
    assert scrub(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=⟦{UUID}⟧ ok", rng)[0] == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=<TOKEN> ok"
    )
    assert scrub("secret: ⟦SEC«x:64»⟧", rng) == ("secret: <SECRET>", {"dingtalk-sign-secret": 1})
    unchanged('DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=%s"')


def test_alibaba_access_key_id(rng):
    assert scrub("aliyun.access-key-id=⟦LTAI«Aa9:20»⟧", rng) == (
        "aliyun.access-key-id=<ALIBABA_ACCESS_KEY_ID>",
        {"alibaba-access-key-id": 1},
    )
    unchanged('if key.startswith("LTAI"):')


def test_google_api_key(rng):
    out, counts = scrub('<meta name="maps" content="⟦AIza«Aa9_:35»⟧">', rng)
    assert out == '<meta name="maps" content="<GOOGLE_API_KEY>">' and counts == {"google-api-key": 1}


def test_azure_account_key_goes_and_the_rest_of_the_connection_string_stays(rng):
    out, counts = scrub(
        "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=⟦«Aa9/:86»==⟧;"
        "EndpointSuffix=core.windows.net",
        rng,
    )
    assert out == (
        "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=<AZURE_KEY>;"
        "EndpointSuffix=core.windows.net"
    )
    assert counts == {"azure-storage-key": 1}


def test_tencent_secret_id(rng):
    assert scrub('cred = credential.Credential("⟦AKID«Aa9:32»⟧", key)', rng) == (
        'cred = credential.Credential("<TENCENT_SECRET_ID>", key)',
        {"tencent-secret-id": 1},
    )


def test_pgp_private_key_block(rng):
    begin, end = "-----BEGIN PGP " + "PRIVATE KEY BLOCK-----", "-----END PGP " + "PRIVATE KEY BLOCK-----"
    out, counts = scrub(f"key:\n{begin}\n\n⟦«Aa9/:64»⟧\n⟦«Aa9/:64»⟧\n=⟦«Aa9/:4»⟧\n{end}\nrest", rng)
    assert out == "key:\n<PRIVATE_KEY>\nrest" and counts == {"private-key": 1}
    unchanged("-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQENBFzUeXEBCAC\n-----END PGP PUBLIC KEY BLOCK-----")


def test_code_that_writes_armour_lines_is_no_key_block(rng):
    begin, end = "-----BEGIN " + "PRIVATE KEY-----", "-----END " + "PRIVATE KEY-----"
    # okhttp's HeldCertificate and Exposed's build script write the armour around a key they encode
    code = (
        f'fun pem() = buildString {{\n  append("{begin}\\n")\n  append(encodeBase64(pkcs8))\n  append("{end}\\n")\n}}'
    )
    unchanged(code)
    unchanged(f'val prefix = "{begin}"\nval suffix = "{end}"\nif (text.startsWith(prefix)) {{ check(text) }}')
    # a key in a string concatenation or a Kotlin raw string is a key
    java = f'String KEY = "{begin}\\n" +\n  "⟦«Aa9/:64»⟧\\n" +\n  "⟦«Aa9/:64»⟧\\n" +\n  "{end}";'
    assert scrub(java, rng) == ('String KEY = "<PRIVATE_KEY>";', {"private-key": 1})
    kotlin = f'val key = """\n  |{begin}\n  |⟦«Aa9/:64»⟧\n  |⟦«Aa9/:12»⟧\n  |{end}\n  |""".trimMargin()'
    assert scrub(kotlin, rng)[0] == 'val key = """\n  |<PRIVATE_KEY>\n  |""".trimMargin()'


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "jdbc:mysql://db.example.com/shop?password=⟦«Aa9:12»⟧",
            "jdbc:mysql://db.example.com/shop?password=<PASSWORD>",
        ),
        (
            "jdbc:sqlserver://db.example.com:1433;user=sa;password=⟦«Aa9:12»⟧;encrypt=true",
            "jdbc:sqlserver://db.example.com:1433;user=sa;password=<PASSWORD>;encrypt=true",
        ),
        (
            "jdbc:mysql://db.example.com/shop?user=shop&password=⟦«a:8»⟧&useSSL=true",
            "jdbc:mysql://db.example.com/shop?user=shop&password=<PASSWORD>&useSSL=true",
        ),
    ],
)
def test_jdbc_query_passwords(template, expected, rng):
    assert scrub(template, rng) == (expected, {"query-password": 1})


def test_jdbc_query_built_in_code_is_left_alone():
    unchanged('String url = "jdbc:mysql://" + host + "/shop?user=" + user + "&password=" + password;')


def test_xml_passwords(rng):
    assert scrub("<password>⟦«Aa9:12»⟧</password>", rng) == ("<password><SECRET></password>", {"xml-secret-element": 1})
    assert scrub('<property name="password" value="⟦«Aa9:12»⟧"/>', rng) == (
        '<property name="password" value="<SECRET>"/>',
        {"xml-secret-property": 1},
    )
    unchanged("<password>${env.DEPLOY_PASSWORD}</password>")
    unchanged('<property name="password" value="${jdbc.password}"/>')


def test_npmrc_auth_token(rng):
    assert scrub("//registry.npmjs.org/:_authToken=⟦«Aa9_:36»⟧\nalways-auth=true", rng) == (
        "//registry.npmjs.org/:_authToken=<TOKEN>\nalways-auth=true",
        {"npmrc-auth": 1},
    )
    assert scrub("//registry.npmjs.org/:_authToken=⟦npm_«Aa9:36»⟧", rng)[1] == {"npm-token": 1}
    unchanged("//registry.npmjs.org/:_authToken=${NPM_TOKEN}")


def test_basic_auth_header(rng):
    assert scrub("Authorization: Basic ⟦«Aa9:20»7«Aa9:11»⟧", rng) == ("Authorization: Basic <TOKEN>", {"basic-auth": 1})
    user, _ = expand("«a:6»:«Aa9:12»", rng)
    token = base64.b64encode(user.encode()).decode()
    out, counts = scrub_text(f'upstream = {{"X-Upstream-Auth": "Basic {token}"}}')
    assert out == 'upstream = {"X-Upstream-Auth": "Basic <TOKEN>"}' and counts == {"basic-auth": 1}
    assert leaked(out, token) is None
    unchanged("Authorization: Basic authentication sends the password on every request")
    unchanged("## Basic settings and defaults")


def test_basic_auth_of_stand_in_credentials_is_left_alone(rng):
    # requests' and okhttp's tests: base64 of user:pass, test:test, username:password
    for pair in ("user:pass", "test:test", "username:password"):
        token = base64.b64encode(pair.encode()).decode()
        unchanged(f'assert p.headers["Authorization"] == "Basic {token}"')
    password, _ = expand("«a:4»«9:3»«A:3»", rng)
    token = base64.b64encode(f"test:{password}".encode()).decode()
    assert scrub_text(f"Authorization: Basic {token}") == ("Authorization: Basic <TOKEN>", {"basic-auth": 1})


def test_url_password_without_a_user(rng):
    assert scrub("REDIS_URL=redis://:⟦«Aa9:16»⟧@cache.example.com:6379/0", rng) == (
        "REDIS_URL=redis://:<PASSWORD>@cache.example.com:6379/0",
        {"url-credentials": 1},
    )


@pytest.mark.parametrize(
    "text",
    [
        # URL parser tests and proxy docs: the user info is a stand-in, not a credential
        'headers = adapter.proxy_headers("http://user:pass@httpbin.org")',
        '("http://u:p@other.host/path", "http://http.proxy", mixed_proxies),',
        '"http://user:pass%23pass@complex.url.com/path?query=yes",',
        '* | `http://username:password@host/` | `"username"` |',
        '"http": "http://test:pass@localhost:8080",',
        'assertThat(url.toString()).isEqualTo("http://%25:%25@host/%25?%25#%25")',
        'val urlString = "http://%6d%6D:%6d%6D@host/%6d%6D?%6d%6D#%6d%6D"',
        'SQLALCHEMY_DATABASE_URL = "postgresql://user:fake-password@postgresserver/db"',
        # templates: Kotlin and Groovy expressions, a lower-case template variable
        '{ "r2dbc:postgresql://${POSTGRESQL.user}:${POSTGRESQL.pass}@127.0.0.1:3004/postgres" },',
        'val dsn = "postgres://$user:$password@$host/db"',
    ],
)
def test_url_user_info_that_is_a_stand_in_is_left_alone(text):
    unchanged(text)


@pytest.mark.parametrize(
    "template",
    [
        "postgres://shop:⟦password123⟧@db.shop-example.org/shop",
        "amqp://shop:⟦guest⟧@rabbit.shop-example.org:5672/",
        "redis://:⟦s3cr3t⟧@cache.shop-example.org:6379",
        "mysql://root:⟦«a:6»⟧@10.1.2.3:3306/shop",
        "http://user:⟦«a:3»%20«a:4»⟧@proxy.shop-example.org",
        "postgres://app:⟦$«A9:1»«a:8»⟧@db.shop-example.org/app",
    ],
)
def test_url_passwords_that_only_resemble_stand_ins_are_still_secrets(template, rng):
    assert scrub(template, rng)[1]["url-credentials"] == 1


def test_placeholder_values():
    from minions.scrub.secrets import is_placeholder_value

    for value in ("pass", "p", "password", "fakehashedsecret", "FakeHashedSecret", "test key", "xxxxxx", "%"):
        assert is_placeholder_value(value), value
    for value in ("your-api-key-here", "changeme", "changethis", "c d", "Bearer ", "user:pass", "some_hash"):
        assert is_placeholder_value(value), value
    # weak passwords are what gets committed: only a word that says "stand-in" makes a value one
    for value in ("secret2", "Password1", "secret12", "defaultsecretkey", "foobar", "localpass", "development key"):
        assert not is_placeholder_value(value), value
    for value in ("!@#$%^&*()", "jane:secret1", "secrethashed"):
        assert not is_placeholder_value(value), value
    for value in ("password123", "s3cr3t", "mypassword", "correct horse battery staple", "123456", "a1b2c3d4"):
        assert not is_placeholder_value(value), value
    for value in ("guest", "admin", "Oracle18", "hunter2", "pass1word2", "chimichangas4life"):
        assert not is_placeholder_value(value), value


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("scott/⟦«a:5»9x⟧@//db.example.com:1521/ORCL", "scott/<PASSWORD>@//db.example.com:1521/ORCL"),
        ("sqlplus app/⟦«Aa9:10»⟧@SHOPDB", "sqlplus app/<PASSWORD>@SHOPDB"),
        (
            "url=jdbc:oracle:thin:shop/⟦«Aa9:10»⟧@db.example.com:1521:XE",
            "url=jdbc:oracle:thin:shop/<PASSWORD>@db.example.com:1521:XE",
        ),
        (
            "rman target sys/⟦«Aa9:10»⟧@(DESCRIPTION=(ADDRESS=(HOST=db)))",
            "rman target sys/<PASSWORD>@(DESCRIPTION=(ADDRESS=(HOST=db)))",
        ),
    ],
)
def test_oracle_connect_strings(template, expected, rng):
    assert scrub(template, rng) == (expected, {"oracle-connect": 1})


@pytest.mark.parametrize(
    "text",
    [
        "go get golang.org/x/text@v0.14.0",
        "FROM library/nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
        "uses: actions/setup-python@v5",
        "see docs/setup@home for details",
        "sqlplus -s @report.sql\ngit push origin/main@upstream",
    ],
)
def test_slash_at_that_is_no_oracle_connect_string(text):
    unchanged(text)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("DB_PASSWORD=⟦«a:12»⟧", "DB_PASSWORD=<SECRET>"),
        ("spring.datasource.password=⟦«Aa:10»⟧", "spring.datasource.password=<SECRET>"),
        ("  password: ⟦«a:6»;«a:6»⟧", "  password: <SECRET>"),
        ("smtp.password = ⟦«Aa:6»!«Aa:4»⟧  # rotated", "smtp.password = <SECRET>  # rotated"),
        ("export API_TOKEN=⟦«a:5»-«a:5»⟧", "export API_TOKEN=<SECRET>"),
        ("DB_PASSWORD=⟦«a:11»X⟧", "DB_PASSWORD=<SECRET>"),
    ],
)
def test_config_passwords_without_a_digit_or_with_a_semicolon(template, expected, rng):
    assert scrub(template, rng) == (expected, {"config-secret": 1})


@pytest.mark.parametrize(
    "text",
    [
        "pwd = Path.cwd()",
        "password = secret_value",
        "password = self.settings.password",
        "    password = getPassword();",
        "    token=access_token,",
        "token = tokens[0]",
        "  token: string",
        "PASSWORD_VAR=DB_PASSWORD",
        "password = user_input",
        "  token:string",
        "token.store.class=org.example.JdbcStore",
    ],
)
def test_code_assignments_are_not_config_values(text):
    unchanged(text)


@pytest.mark.parametrize(
    "text",
    [
        "    access_token = create_access_token(\n        data={'sub': user.username}\n    )",
        "    is_correct_password = secrets.compare_digest(",
        "    credentials: Annotated[\n        HTTPBasicCredentials, Depends(security)\n    ],",
        "    password = #{record.password,jdbcType=VARCHAR},",
        '<property name="password" value="#{systemProperties[\'db.password\']}"/>',
        'api_token = "#{settings.api_token}"',
    ],
)
def test_calls_going_on_on_the_next_line_and_templates_are_not_config_values(text):
    unchanged(text)


@pytest.mark.parametrize(
    "template",
    [
        "OPENAI_KEY=⟦sk-«Aa9:20»«9:2»«Aa9:26»⟧",
        'llm = OpenAI(key="⟦sk-proj-«Aa9_:40»«9:2»«Aa9_:40»⟧")',
        "anthropic: ⟦sk-ant-api03-«Aa9_:80»«9:2»AA⟧",
        "MODEL_CREDS = '⟦sk-«x:32»⟧' if prod else None",
        "key: ⟦sk-«a:18»«9:2»⟧",
    ],
)
def test_llm_keys_under_any_name(template, rng):
    out, counts = scrub(template, rng)
    assert counts == {"llm-api-key": 1} and "<API_KEY>" in out


@pytest.mark.parametrize("text", ["sk-abcdefgh-ijklmnop-12", "sk-abcdefgh_ijklmnop_12", "sk-learn-0.24"])
def test_sk_names_that_are_no_keys(text):
    unchanged(text)


def test_alipay_private_keys(rng):
    assert scrub("alipay.private-key=⟦MIIEvQIBADANBgkqhkiG9w0BAQEFAASC«Aa9/:200»⟧", rng) == (
        "alipay.private-key=<PRIVATE_KEY>",
        {"private-key-setting": 1},
    )
    assert scrub('ALIPAY_PRIVATE_KEY = "⟦«Aa9/:160»⟧"', rng) == (
        'ALIPAY_PRIVATE_KEY = "<PRIVATE_KEY>"',
        {"private-key-setting": 1},
    )
    java = 'String APP_PRIVATE_KEY = "⟦«Aa9/:64»⟧"\n    + "⟦«Aa9/:64»⟧"\n    + "⟦«Aa9/:20»==⟧";\nint x = 1;'
    assert scrub(java, rng)[0] == 'String APP_PRIVATE_KEY = "<PRIVATE_KEY>";\nint x = 1;'
    # an app private key as bare base64, whatever it is called
    assert scrub('merchant = "⟦MIIEpAIBAAKCAQEA«Aa9/:300»⟧"', rng)[1] == {"base64-private-key": 1}
    unchanged("alipay.public-key=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAexample")


@pytest.mark.parametrize(
    "text",
    [
        'TOKEN_HEADER = "Authorization"',
        'PASSWORD_PARAM = "password"',
        'SECRET_ENV = "DJANGO_SECRET_KEY"',
        'static final String API_KEY_HEADER = "X-Api-Key";',
        'CSRF_TOKEN_FIELD = "csrf_token"',
        'SESSION_SECRET_VAR: "SESSION_SECRET_2"',
    ],
)
def test_constants_that_name_a_secret_are_left_alone(text):
    unchanged(text)


@pytest.mark.parametrize(
    "template",
    [
        'SECRET_KEY = "⟦«a:14»⟧"',
        'db_secret = "⟦mypassword⟧"',
        'token = "⟦Password«9:3»⟧"',
        'API_KEY = "⟦«A:4»_«A9:8»«9:1»⟧"',
    ],
)
def test_values_that_only_resemble_names_are_still_secrets(template, rng):
    assert scrub(template, rng)[1] == {"password-assignment": 1}


@pytest.mark.parametrize(
    "text",
    [
        # tests and docs of public projects: stand-ins, labels and versions under secret names
        'response = client.get("/items?token=jessica", headers={"X-Token": "invalid"})',
        'data={"username": "johndoe", "password": "incorrect"}',
        '"hashed_password": "fakehashedsecret",',
        '"hashed_password": "some_hash",',
        'assert response.json() == {"token": "testtoken"}',
        'SECRET_KEY="test key",',
        'oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)',
        "tokenHead: 'Bearer '  #JWT负载中拿到开头",
        '<input type="password" placeholder="Enter your password">',
        '"jsonwebtoken": "^9.0.2",',
        'PASSWORD_RESET_URL = "/accounts/password/reset/"',
        'TOKEN_ENDPOINT = "/oauth/access-token"',
        "<password>changeme</password>",
        '<property name="password" value="your-password-here"/>',
        "Password: `secret`",
        "spring.datasource.password=xxxxxx",
        "jdbc:mysql://db/shop?user=app&password=dummy_password",
    ],
)
def test_stand_ins_labels_and_versions_under_secret_names_are_left_alone(text):
    unchanged(text)


@pytest.mark.parametrize(
    ("template", "rule"),
    [
        ('"password": "⟦chimichangas4life⟧"', "password-assignment"),
        ('fake_secret_token = "⟦coneofsilence⟧"', "password-assignment"),
        ('"db_pw": "x", "secret": "⟦password123⟧"', "password-assignment"),
        ("password: ⟦123456⟧", "config-secret"),
        ('MYSQL_ROOT_PASSWORD: "⟦Exposed_password_1!⟧"', "password-assignment"),
        ("jdbc:mysql://db/shop?user=app&password=⟦test«9:4»⟧", "query-password"),
        ('SECRET_KEY = "⟦«x:32»⟧"', "password-assignment"),
    ],
)
def test_values_that_only_resemble_stand_ins_are_still_secrets(template, rule, rng):
    assert scrub(template, rng)[1] == {rule: 1}


@pytest.mark.parametrize(
    "value, random_",
    [
        ("aGVsbG8gd29ybGQgdGhpcyBpcyBh", True),
        ("404E635266556A586E3272357538782F413F4428472B4B6250645367566B5970", True),
        ("AB1CD2EF3GH4IJ5K", True),
        ("orders-by-customer-v2", False),  # one character class for long runs
        ("HuggingFaceTokenizer2", False),  # camel-case words
        ("X-Request-Id-Header-2024", False),
        ("user_id_1234567890", False),
        ("ABCD1234EFGH5678", False),  # one case: the class changes too rarely
        ("deadbeefdeadbeef1234", False),  # hex with too little entropy
        ("0d3593ad699fc1f", False),  # hex under 20 characters
        ("1234567890123456789", False),  # no letter
    ],
)
def test_looks_random_tells_generated_keys_from_names(value, random_):
    from minions.scrub.secrets import looks_random

    assert looks_random(value) is random_


def test_looks_random_finds_random_keys_of_every_alphabet(rng):
    """Generated keys are found nearly always (a random run can read as words now and then)."""
    from minions.scrub.secrets import looks_random

    alphabets = [string.ascii_letters + string.digits, string.ascii_letters + string.digits + "+/", "0123456789abcdef"]
    for chars in alphabets:
        found = sum(looks_random("".join(rng.choice(chars) for _ in range(40))) for _ in range(500))
        assert found >= 490, (chars, found)


def test_jwt_io_example_token_is_published_not_a_secret(rng):
    from minions.scrub.secrets import JWT_IO_EXAMPLE_CLAIMS

    def b64(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    header = b64({"alg": "HS256", "typ": "JWT"})
    signature, _ = expand("«Aa9_:43»", rng)
    unchanged(f"eyJ{header[3:]}.{b64(JWT_IO_EXAMPLE_CLAIMS)}.{signature}")
    token = f"{header}.{b64({'sub': 'username:bob'})}.{signature}"
    assert scrub_text(f'"Authorization": "Bearer {token}"') == ('"Authorization": "Bearer <JWT>"', {"jwt": 1})


def test_slack_token_templates_are_no_tokens(rng):
    unchanged('"xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",')
    unchanged('client.post(url, "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx")')
    assert scrub("token = ⟦xoxb-«9:12»-«9:13»-XXXX«Aa9:20»⟧", rng)[1] == {"slack-token": 1}


def test_a_config_secret_in_a_crlf_file(fake):
    secret = fake.password()
    text = f"db.url=jdbc:h2:mem:shop\r\ndb.password={secret}\r\nport=8080\r\n"
    assert scrub_text(text) == (
        "db.url=jdbc:h2:mem:shop\r\ndb.password=<SECRET>\r\nport=8080\r\n",
        {"config-secret": 1},
    )
