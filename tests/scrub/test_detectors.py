"""Labelled samples per detector: positives built at test time from parts, negatives that must pass."""

import pytest

from minions.records import SourceFile, content_hash
from minions.scrub import DETECTORS, register_detector, scan_text, scrub_files, scrub_text


def positives(fake) -> dict[str, list[str]]:
    return {
        "private-key": [fake.private_key()],
        "aws-access-key-id": [f"aws.accessKeyId={fake.aws_key_id()}"],
        "aws-secret-access-key": [f"aws_secret_access_key = {fake.aws_secret()}"],
        "github-token": [f"export GH_TOKEN={fake.github()}"],
        "slack-token": [f'private static final String HOOK = "{fake.slack()}";'],
        "jwt": [f'String token = "{fake.jwt()}";'],
        "url-credentials": [f"postgres://shop_admin:{fake.password()}@db.example.com:5432/shop"],
        "password-assignment": [
            f'private static final String API_KEY = "{fake.password()}";',
            f'db_password_prod = "{fake.password()}"',
            '"password": "correct horse battery staple"',
            f"private val token = '{fake.password()}'",
        ],
        "config-secret": [
            f"spring.datasource.password={fake.password()}7",
            f"  password: {fake.password()}7",
            f"export DB_PASSWORD={fake.password()}7",
        ],
        "stripe-key": ["STRIPE_KEY=sk" + "_live_" + fake.password() + fake.password()],
        "gitlab-token": ["GITLAB=gl" + "pat-" + fake.password() + fake.password()],
        "bearer-token": ["Authorization: Bearer " + fake.password() + fake.password()],
        "email": ["@author jane.doe@shop-example.org"],
        "person-name": [
            " * @author Dana Whitfield",
            "# Owner: Marcus Ekdahl <marcus.e@shop-example.org>",
            "# Contact: Jonas Berg, jonas.berg@supply-example.org",
            "Team lead: Dana Whitfield (dana.w@shop-example.org)",
            'authors = [{ name = "Priya Raman", email = "priya@shop-example.org" }]',
        ],
        "phone": ["call +1 415 555 0134", "tel: +44 20 7946 0958", "(415) 555-0134", 'norm("0044 20 7946 0958")'],
        "internal-host": ["url = http://db01.corp.shop.internal:8080/x"],
        "private-ip": ["host=10.12.4.17", "192.168.1.20"],
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
]


def test_every_detector_has_labelled_positives(fake):
    assert set(positives(fake)) == set(DETECTORS)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detector_finds_and_redacts_its_samples(name, fake):
    for sample in positives(fake)[name]:
        out, counts = scrub_text(sample)
        assert counts[name] >= 1, f"{name} missed {sample!r}"
        assert out != sample
        assert not scan_text(out), "scrubbing is idempotent: the replacement triggers nothing"


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
    assert secret not in kept[0].text
    assert kept[0].text_hash == content_hash(kept[0].text) != files[1].text_hash, "hashes follow the scrubbed text"
    assert kept[1].path == "src/example/A.java" and kept[1].repo == "example-shop"
    rep = report.to_json()
    assert rep["files_scanned"] == 3 and rep["files_dropped"] == 1
    assert rep["findings"]["github-token"] == 1
    assert secret not in str(rep)
    assert set(rep) == {"schema_version", "files_scanned", "files_dropped", "findings", "by_file"}
