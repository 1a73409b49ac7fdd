"""Labelled samples per detector: positives built at test time from parts, negatives that must pass."""

import json

import pytest

from minions.records import SourceFile, content_hash
from minions.scrub import DETECTORS, register_detector, scan_text, scrub_files, scrub_text


def leaked(text: str, planted: str, n: int = 8) -> str | None:
    """A piece of a planted value that survived in `text`: any n characters of it (the whole value
    when shorter). Judged on the text alone, not by asking the scrubber, so a redaction that keeps
    part of a value (its last 6 characters, say) fails here even if the scrubber accepts it."""
    n = min(n, len(planted))
    return next((planted[k : k + n] for k in range(len(planted) - n + 1) if planted[k : k + n] in text), None)


def positives(fake) -> dict[str, list[tuple[str, list[str]]]]:
    """Per detector: samples, each with the planted values that must not survive scrubbing."""
    p = [fake.password() for _ in range(12)]
    keys = {k: f() for k, f in (("pk", fake.private_key), ("aws", fake.aws_key_id), ("awss", fake.aws_secret))}
    gh, slack, jwt = fake.github(), fake.slack(), fake.jwt()
    stripe, gitlab = "sk" + "_live_" + p[9] + p[10], "gl" + "pat-" + p[11] + p[0]
    return {
        "private-key": [(keys["pk"], keys["pk"].splitlines()[1:-1])],
        "aws-access-key-id": [(f"aws.accessKeyId={keys['aws']}", [keys["aws"]])],
        "aws-secret-access-key": [(f"aws_secret_access_key = {keys['awss']}", [keys["awss"]])],
        "github-token": [(f"export GH_TOKEN={gh}", [gh])],
        "slack-token": [(f'private static final String HOOK = "{slack}";', [slack])],
        "jwt": [(f'String token = "{jwt}";', [jwt])],
        "url-credentials": [(f"postgres://shop_admin:{p[0]}@db.example.com:5432/shop", [p[0]])],
        "password-assignment": [
            (f'private static final String API_KEY = "{p[1]}";', [p[1]]),
            (f'db_password_prod = "{p[2]}"', [p[2]]),
            ('"password": "correct horse battery staple"', ["correct horse battery staple"]),
            (f"private val token = '{p[3]}'", [p[3]]),
        ],
        "config-secret": [
            (f"spring.datasource.password={p[4]}7", [p[4] + "7"]),
            (f"  password: {p[5]}7", [p[5] + "7"]),
            (f"export DB_PASSWORD={p[6]}7", [p[6] + "7"]),
        ],
        "stripe-key": [(f"STRIPE_KEY={stripe}", [stripe])],
        "gitlab-token": [(f"GITLAB={gitlab}", [gitlab])],
        "bearer-token": [(f"Authorization: Bearer {p[7]}{p[8]}", [p[7] + p[8]])],
        "email": [("@author jane.doe@shop-example.org", ["jane.doe@shop-example.org"])],
        "person-name": [
            (" * @author Dana Whitfield", ["Dana Whitfield"]),
            ("# Owner: Marcus Ekdahl <marcus.e@shop-example.org>", ["Marcus Ekdahl", "marcus.e@shop-example.org"]),
            ("# Contact: Jonas Berg, jonas.berg@supply-example.org", ["Jonas Berg", "jonas.berg@supply-example.org"]),
            ("Team lead: Dana Whitfield (dana.w@shop-example.org)", ["Dana Whitfield", "dana.w@shop-example.org"]),
            (
                'authors = [{ name = "Priya Raman", email = "priya@shop-example.org" }]',
                ["Priya Raman", "priya@shop-example.org"],
            ),
        ],
        "phone": [
            ("call +1 415 555 0134", ["+1 415 555 0134"]),
            ("tel: +44 20 7946 0958", ["+44 20 7946 0958"]),
            ("(415) 555-0134", ["(415) 555-0134"]),
            ('norm("0044 20 7946 0958")', ["0044 20 7946 0958"]),
            ("dial +1 415 555 01 now", ["+1 415 555 01"]),
        ],
        # the replacement host is internal-host.example, so only the name part is planted
        "internal-host": [("url = http://db01.corp.shop.internal:8080/x", ["db01.corp.shop"])],
        "private-ip": [("host=10.12.4.17", ["10.12.4.17"]), ("192.168.1.20", ["192.168.1.20"])],
    }


NEGATIVES = [
    'String pw = System.getenv("DB_PASSWORD");',
    "password=${DB_PASSWORD}",
    "int total = 1234567890; double rate = 10.5;",
    "version 1.2.3.4 and 8.8.8.8",
    "public Order cancelOrder(long id) { return orders.cancel(id); }",
    "assertEquals(42, service.count());",
    '@GetMapping("/api/orders/{id}")',
    "password: <SECRET>",
    "@author <NAME>",
    "Order Service <b>bold</b>",
    # look-alikes that are code, not secrets
    "spring.datasource.password=\npayment.gateway.base-url=http://localhost:9999",
    "String password = user.getPassword();",
    'api_key = os.getenv("API_KEY")',
    "pwd = Path.cwd()",
    "password = secret_value",
    "password: String = generateRandom()",
    "import io.netty.util.internal.PlatformDependent;",
    "package com.shop.billing.internal;",
    "return self.internal",
    "val total = this@OrderService.computeTotal()",
    'version = "10.1.2.3"',
    'LocalDate.parse("+2024-01-15")',
    # Kotlin labels are not e-mail addresses, with or without a call after them
    "val total = this@OrderService.total",
    "return super@Base.field",
    # eight digits are too few for a phone number (nine are enough: see the positives)
    "code +1 41 555 01",
]


def test_every_detector_has_labelled_positives(fake):
    assert set(positives(fake)) == set(DETECTORS)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detector_finds_and_redacts_its_samples(name, fake):
    for sample, planted in positives(fake)[name]:
        out, counts = scrub_text(sample)
        assert counts[name] >= 1, f"{name} missed {sample!r}"
        for value in planted:
            assert leaked(out, value) is None, f"{name} left {leaked(out, value)!r} of a planted value in {out!r}"
        assert not scan_text(out), "scrubbing is idempotent: the replacement triggers nothing"


def test_leak_check_catches_partial_redactions():
    value = "ghp_" + "a1B2c3D4e5F6g7H8i9J0"
    assert leaked("token=<GITHUB_TOKEN>", value) is None
    assert leaked("token=<GITHUB_TOKEN>" + value[-8:], value) == value[-8:], "a kept tail is a leak"
    assert leaked("ip=<IP>.17", "10.12.4.17") is None and leaked("10.12.4.17", "10.12.4.17") == "10.12.4."
    assert leaked("x=ab", "ab") == "ab", "short values must vanish whole"


@pytest.mark.parametrize("sample", NEGATIVES)
def test_negatives_are_left_alone(sample):
    assert scrub_text(sample) == (sample, {})


def test_assignment_keeps_the_key_and_loses_the_value(fake):
    secret = fake.password()
    out, _ = scrub_text(f"spring.datasource.password={secret}")
    assert out == "spring.datasource.password=<SECRET>"


def test_internal_names_keep_case(fake):
    out, counts = scrub_text("package com.acme.shop; class AcmeClient { String ACME = 'x'; }", {"acme": "example"})
    assert out == "package com.example.shop; class ExampleClient { String EXAMPLE = 'x'; }"
    assert counts["internal-name"] == 3


def test_registry_refuses_duplicates_and_bad_names():
    with pytest.raises(ValueError, match="already registered"):
        register_detector("email", "personal", "x", "y")
    with pytest.raises(ValueError, match="lowercase"):
        register_detector("Bad Name", "personal", "x", "y")


def test_scrub_files_drops_key_files_and_reports_counts_only(fake):
    secret = fake.github()
    files = [
        SourceFile.from_raw("acme-shop", "c1", "deploy/id_rsa", fake.private_key(), None),
        SourceFile.from_raw("acme-shop", "c1", "scripts/release.sh", f"TOKEN={secret}\n", "shell"),
        SourceFile.from_raw("acme-shop", "c1", "src/acme/A.java", "class A {}", "java"),
    ]
    kept, dropped, report = scrub_files(files, {"acme": "example"}, ["*id_rsa*"])
    assert [d.id for d in dropped] == [files[0].id] and dropped[0].stage == "scrub"
    assert [k.id for k in kept] == [files[1].id, files[2].id], "ids stay those of the raw source"
    assert leaked(kept[0].text, secret) is None and "<GITHUB_TOKEN>" in kept[0].text
    assert kept[0].text_hash == content_hash(kept[0].text) != files[1].text_hash, "hashes follow the scrubbed text"
    assert kept[1].path == "src/example/A.java" and kept[1].repo == "example-shop"
    rep = report.to_json()
    assert rep["files_scanned"] == 3 and rep["files_dropped"] == 1
    assert rep["findings"]["github-token"] == 1
    assert leaked(json.dumps(rep), secret) is None
    assert set(rep) == {"schema_version", "files_scanned", "files_dropped", "findings", "by_file"}
