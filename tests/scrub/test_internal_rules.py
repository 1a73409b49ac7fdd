"""Internal hosts and company domains, private addresses versus versions, internal names on identifier
edges, and files dropped whole by name or by content (with the reason why)."""

import json

import pytest

from minions.config import PipelineConfig, ScrubConfig, SourceConfig
from minions.datasets import gate_records
from minions.pipeline.build import manifest_config
from minions.records import InstructionRecord, Rejection, SourceFile
from minions.scrub import register_detector, scan_text, scrub_files, scrub_text
from minions.scrub.samples import expand

HOST = "internal-host.example"

# --- 1. internal hosts: any case, two labels or more, not code -------------------------------------


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("jdbc:postgresql://DB01.CORP.SHOP.INTERNAL:5432/x", f"jdbc:postgresql://{HOST}:5432/x"),
        ("ssh build.corp", f"ssh {HOST}"),
        ("see https://jenkins.intranet/job/x", f"see https://{HOST}/job/x"),
        ("NAS=nas-01.LAN", f"NAS={HOST}"),
        ("ping 10-0-0-1.CORP.lan", f"ping {HOST}"),
        ("copied from build.corp today", f"copied from {HOST} today"),
        ("db01.corp.shop.internal", HOST),
    ],
)
def test_internal_hosts_any_case_and_two_labels(text, out):
    assert scrub_text(text) == (out, {"internal-host": 1})


@pytest.mark.parametrize(
    "text",
    [
        "package com.shop.billing.internal;",
        "import io.netty.util.internal.PlatformDependent;",
        "return self.internal",
        "from minions.scrub.internal import X",
        "  from a.internal import b",
        *(f"x = {r}.internal" for r in ("self", "this", "cls", "super", "it", "obj", "SELF", "This")),
        "val n = config.internal()",
        "v = Visibility.INTERNAL",
        "v = Scope.Corp",
        "v = scope.Corp",
        "jenkins.intranetwork",
        "a.internal-b",
    ],
)
def test_code_that_looks_like_a_host_is_left_alone(text):
    assert scrub_text(text) == (text, {})


def test_a_receiver_only_counts_as_the_first_label():
    assert scrub_text("x=build.self.corp") == (f"x={HOST}", {"internal-host": 1})
    assert scrub_text("x = config.internal ()") == (f"x = {HOST} ()", {"internal-host": 1})


# --- 1. company domains from the config ------------------------------------------------------------

DOMAINS = ["acme.local", "acme-corp.com"]


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("url=http://db01.corp.acme.local:8080/x", f"url=http://{HOST}:8080/x"),
        ("search acme.local", f"search {HOST}"),
        ("ACME.LOCAL and Git.Acme-Corp.Com/shop", f"{HOST} and {HOST}/shop"),
        ("srv _ldap._tcp.acme.local.", f"srv {HOST}."),
        ("package com.acme-corp.com;", f"package {HOST};"),
        ("cp db.acme.local.txt acme.local.example", f"cp {HOST}.txt {HOST}.example"),
    ],
)
def test_company_domains_and_their_hosts_are_replaced(text, out):
    found = scrub_text(text, internal_domains=DOMAINS)
    assert found == (out, {"internal-host": out.count(HOST)})
    assert scan_text(text, None, DOMAINS) == found[1]


@pytest.mark.parametrize(
    "text",
    ["acme.localhost", "notacme.local", "my-acme.local", "acme.local-x", "acme_local", "x_acme.local"],
)
def test_only_whole_company_host_names_are_replaced(text):
    assert scrub_text(text, internal_domains=DOMAINS) == (text, {})


def test_domain_spellings_and_empty_entries():
    assert scrub_text("db.acme.local", internal_domains=["*.ACME.local", " .acme.local "]) == (
        HOST,
        {"internal-host": 1},
    )
    assert scrub_text("acme.local x", internal_domains=["", " ", "*."]) == ("acme.local x", {})
    assert scrub_text("acme.local", internal_domains=[]) == ("acme.local", {})
    # the longer domain wins over its suffix
    assert scrub_text("db.shop.acme.local", internal_domains=["acme.local", "shop.acme.local"]) == (
        HOST,
        {"internal-host": 1},
    )


def test_domains_go_before_internal_names():
    text = "db.acme.local and AcmePay"
    assert scrub_text(text, {"acme": "example"}, DOMAINS) == (
        f"{HOST} and ExamplePay",
        {"internal-host": 1, "internal-name": 1},
    )


def test_scrub_files_and_the_gate_take_the_domains():
    f = SourceFile.from_raw("git.acme.local", "c1", "hosts/db.acme.local.txt", "db.acme.local:5432", None)
    kept, dropped, report = scrub_files([f], {}, [], DOMAINS)
    assert dropped == []
    assert (kept[0].repo, kept[0].path, kept[0].text) == (HOST, f"hosts/{HOST}.txt", f"{HOST}:5432")
    assert report.by_file == {f"hosts/{HOST}.txt": {"internal-host": 2}}
    assert scrub_files([f], {}, [])[0][0].text == "db.acme.local:5432", "no domains: left alone"

    rec = InstructionRecord(
        id="r1",
        task="implement-method",
        instruction="Implement it.",
        input="",
        output="connect('db.acme.local')",
        lang="java",
        source={"repo": "shop", "path": "A.java", "commit": "c1"},
        unit_ids=["u1"],
        template_id="t",
        module="m",
        focal_class="C",
    )
    assert gate_records([rec], {}) == ([rec], [])
    assert gate_records([rec], {}, DOMAINS) == (
        [],
        [Rejection(id="r1", task="implement-method", stage="gate", reason="sensitive data found by internal-host")],
    )


def test_manifest_config_does_not_record_the_domains(tmp_path):
    cfg = PipelineConfig(
        sources=[SourceConfig(path=tmp_path / "git.acme.local", name="shop")],
        scrub={"internal_domains": DOMAINS},
    )
    data = manifest_config(cfg)
    assert data["scrub"]["internal_domains"] == "2 configured (not recorded)"
    assert data["sources"][0]["path"].endswith(HOST)
    assert "acme" not in json.dumps(data).lower()


def test_scrub_config_domains_default_to_none():
    assert ScrubConfig().internal_domains == []
    assert ScrubConfig(internal_domains=DOMAINS).internal_domains == DOMAINS


# --- 2. private addresses versus versions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("host=10.12.4.17  # version 2", "host=192.0.2.1  # version 2"),
        ("version 3 runs on 10.0.0.7:8080", "version 3 runs on 192.0.2.1:8080"),
        ("redis host:172.16.0.5", "redis host:192.0.2.1"),
        ("DB_IP:10.1.2.3 ADDRESS:10.1.2.4", "DB_IP:192.0.2.1 ADDRESS:192.0.2.1"),
        ("hostname:10.1.2.3, server:10.1.2.3", "hostname:192.0.2.1, server:192.0.2.1"),
        ("proxy:10.1.2.3 gateway:10.1.2.3", "proxy:192.0.2.1 gateway:192.0.2.1"),
        ("url:10.1.2.3 uri:10.1.2.3 endpoint:10.1.2.3", "url:192.0.2.1 uri:192.0.2.1 endpoint:192.0.2.1"),
        ("tcp:10.1.2.3 UDP:10.1.2.3 addr:10.1.2.3", "tcp:192.0.2.1 UDP:192.0.2.1 addr:192.0.2.1"),
        ("range 10.0.0.1-10.0.0.9", "range 192.0.2.1-192.0.2.1"),
        ("version 1\nhost=10.0.0.1 at 10:00", "version 1\nhost=192.0.2.1 at 10:00"),
        ("10.1.2.3.", "192.0.2.1."),
        ("versions: [1]; ip 192.168.1.20", "versions: [1]; ip 192.0.2.1"),
    ],
)
def test_private_ips_are_caught_whatever_the_line_says(text, out):
    assert scrub_text(text) == (out, {"private-ip": out.count("192.0.2.1")})


@pytest.mark.parametrize(
    "text",
    [
        # a coordinate needs its group or a dependency line: a bare `db:10.1.2.3` is an address
        "com.oracle:ojdbc14:10.2.0.4",
        'runtimeOnly "ojdbc14:10.2.0.4"',
        "<version>10.2.0.4</version>",
        "<ojdbc.Version>10.2.0.4</ojdbc.Version>",
        'version = "10.1.2.3"',
        "VERSION='10.1.2.3'",
        "appVersion: 10.1.2.3",
        "version\t10.1.2.3",
        "implementation 'com.oracle:ojdbc6:10.2.0.4'",
        "implementation 'com.oracle:ojdbc6:11.2.0.4'",
        "mysql-connector-java-10.1.2.3.jar",
        "lib_-10.1.2.3",
        "release 10.1.2.3.4",
        "build 1.10.1.2.3",
        "tag v10.1.2.3",
    ],
)
def test_versions_are_not_addresses(text):
    assert scrub_text(text) == (text, {})


def test_a_version_before_an_address_on_the_same_line():
    text = 'version = "10.1.2.3"; host = "10.1.2.4"'
    assert scrub_text(text) == ('version = "10.1.2.3"; host = "192.0.2.1"', {"private-ip": 1})


def test_svg_geometry_and_impossible_octets_are_not_addresses():
    # a minified SVG logo: `-10.33.93.12` is the numbers -10.33, .93 and .12
    path = '<svg viewBox="0 0 1018.49 1307.46"><path class="cls-1" d="M30,10.11.86.39,1.67.89,14.72-10.33.93.12Z"/>'
    assert scrub_text(path) == (path, {})
    assert scrub_text('<polygon points="10.0.10.20 172.16.3.4"/>')[1] == {}
    assert scrub_text("<path\n  d='M 10.1.2.3 L 4 5'/>")[1] == {}, "the attribute on its own line"
    # an address in the same SVG's text, or in another attribute, still is one
    out, counts = scrub_text('<svg viewBox="0 0 9 9"><a href="http://10.1.2.3/"><text x="1">10.1.2.4</text></a>')
    assert out == '<svg viewBox="0 0 9 9"><a href="http://192.0.2.1/"><text x="1">192.0.2.1</text></a>'
    assert counts == {"private-ip": 2}
    # URL parser tests: octets over 255 are no address
    for text in ("http://192.168.0.257", '"192.168.1.999/24"', "10.256.0.1"):
        assert scrub_text(text) == (text, {}), text
    assert scrub_text("10.255.255.1")[0] == "192.0.2.1"


# --- 3. internal names on word and identifier-part edges -------------------------------------------

NAMES = {"acme": "example"}


@pytest.mark.parametrize(
    ("text", "out", "n"),
    [
        ("AcmePayClient", "ExamplePayClient", 1),
        ("acme_pay ACME_PAY", "example_pay EXAMPLE_PAY", 2),
        ("com.acme.pay acme-shop acme/pay", "com.example.pay example-shop example/pay", 3),
        ("payAcme HTTPAcmeClient ACMEPay", "payExample HTTPExampleClient EXAMPLEPay", 3),
        ("acme2 v2acme", "example2 v2example", 2),
        ("(acme)", "(example)", 1),
    ],
)
def test_names_match_identifier_parts(text, out, n):
    assert scrub_text(text, NAMES) == (out, {"internal-name": n})


@pytest.mark.parametrize("text", ["Workshop", "workshop shops", "SHOPKEEPER", "eshop_x"])
def test_names_do_not_match_inside_words(text):
    assert scrub_text(text, {"shop": "store"}) == (text, {})


def test_names_inside_words_and_humps():
    names = {"shop": "store"}
    assert scrub_text("WorkShop ShopKeeper", names) == ("WorkStore StoreKeeper", {"internal-name": 2})
    assert scrub_text("acmepay acmeS", NAMES) == ("acmepay exampleS", {"internal-name": 1}), "lower run: one word"
    assert scrub_text("ACMEpay", NAMES) == ("ACMEpay", {})


def test_a_longer_name_that_fails_its_edge_gives_way_to_a_shorter_one():
    names = {"acme": "example", "acmepay": "payco"}
    assert scrub_text("AcmePayment acmepay", names) == ("ExamplePayment payco", {"internal-name": 2})


def test_empty_names_are_ignored():
    assert scrub_text("a b", {"": "x"}) == ("a b", {})
    assert scrub_text("acme", {"": "x", "acme": "example"}) == ("example", {"internal-name": 1})


# --- 4. files dropped whole -----------------------------------------------------------------------

DEFAULT_DROP = ScrubConfig().drop_files


def one_file(path: str, text: str = "x = 1\n") -> SourceFile:
    return SourceFile.from_raw("shop", "c1", path, text, None)


@pytest.mark.parametrize(
    ("path", "glob"),
    [
        (".env", ".env"),
        ("svc/.env.production", ".env.*"),
        (".ssh/id_rsa", "id_rsa"),
        ("id_dsa", "id_dsa"),
        ("id_ecdsa", "id_ecdsa"),
        ("home/ID_ED25519", "id_ed25519"),
        ("deploy/keys/deploy_id_rsa", "*_id_rsa"),
        ("a_id_dsa", "*_id_dsa"),
        ("a_id_ecdsa", "*_id_ecdsa"),
        ("a_id_ed25519", "*_id_ed25519"),
        ("tls/server.PEM", "*.pem"),
        ("tls/server.key", "*.key"),
        ("a.p12", "*.p12"),
        ("a.pfx", "*.pfx"),
        ("a.jks", "*.jks"),
        ("a.keystore", "*.keystore"),
        (".aws/credentials", "credentials*"),
        ("config/credentials.json", "credentials*"),
    ],
)
def test_key_files_dropped_by_name_by_default(path, glob):
    f = one_file(path)
    kept, dropped, report = scrub_files([f], {}, DEFAULT_DROP)
    assert kept == []
    assert dropped == [Rejection(id=f.id, task=None, stage="scrub", reason=f"key file by name ({glob})")]
    assert report.findings == {"key-file": 1} and report.files_dropped == 1


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        "svc/.env.sample",
        ".ENV.template",
        "src/CredentialsProvider.java",
        "credentials_helper.py",
        "Credentials.kt",
        ".ssh/id_rsa.pub",
        "invalid_rsa",
        "keys.py",
        "environment.yml",
    ],
)
def test_placeholder_and_source_files_are_kept_by_default(path):
    kept, dropped, _ = scrub_files([one_file(path)], {}, DEFAULT_DROP)
    assert [k.path for k in kept] == [path] and dropped == []


def test_kept_env_example_is_still_scrubbed(fake):
    token = fake.github()
    kept, _, report = scrub_files([one_file(".env.example", f"GH={token}\nPORT=8080\nDEBUG=1\n")], {}, DEFAULT_DROP)
    assert kept[0].text == "GH=<GITHUB_TOKEN>\nPORT=8080\nDEBUG=1\n"
    assert report.findings == {"github-token": 1}


def test_exceptions_win_and_the_first_matching_glob_is_named():
    drop = ["*.txt", "secret*", "!*keep*"]
    files = [one_file("a/keep.txt"), one_file("a/secret.txt"), one_file("a/secret.md")]
    kept, dropped, _ = scrub_files(files, {}, drop)
    assert [k.path for k in kept] == ["a/keep.txt"]
    assert [d.reason for d in dropped] == ["key file by name (*.txt)", "key file by name (secret*)"]


def test_pem_files_are_dropped_by_content(fake):
    cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----"
    files = [one_file("tls/chain.txt", f"\n{cert}\n{cert}\n\n"), one_file("deploy/key.txt", fake.private_key())]
    kept, dropped, report = scrub_files(files, {}, DEFAULT_DROP)
    assert kept == []
    assert [d.reason for d in dropped] == ["key file by content (PEM block)"] * 2
    assert report.by_file == {"tls/chain.txt": {"key-file": 1}, "deploy/key.txt": {"key-file": 1}}
    # a PEM block among other text is not a PEM file: it is judged by its share of lines
    readme = one_file("tls/README.md", f"The chain:\n{cert}\nrenew yearly\n")
    assert scrub_files([readme], {}, [])[1] == []


def test_files_mostly_of_secrets_are_dropped_by_content(rng):
    text, planted = expand(
        "# deploy\n\nGH=⟦ghp_«Aa9:36»⟧\nAWS=⟦AKIA«A9:16»⟧\n\nSLACK=⟦xoxb-«a9:20»⟧\nGL=⟦glpat-«Aa9:20»⟧\n", rng
    )
    f = one_file("ops/deploy.txt", text)
    kept, dropped, report = scrub_files([f], {}, DEFAULT_DROP)
    assert kept == []
    assert dropped == [Rejection(id=f.id, task=None, stage="scrub", reason="mostly secrets (4 of 5 lines)")]
    assert report.to_json()["findings"] == {"secrets-file": 1}
    assert report.by_file == {"ops/deploy.txt": {"secrets-file": 1}}
    dump = json.dumps(report.to_json()) + dropped[0].model_dump_json()
    assert not any(v in dump for v in planted), "the report and reason never hold a value"


def test_a_multi_line_secret_holds_every_line_it_spans(fake):
    text = f"# deploy key\n{fake.private_key()}\n# rotate yearly\n"
    kept, dropped, _ = scrub_files([one_file("ops/key.txt", text)], {}, [])
    assert kept == [] and [d.reason for d in dropped] == ["mostly secrets (6 of 8 lines)"]


@pytest.mark.parametrize(
    "template",
    [
        "GH=ghp_«Aa9:36»\nAWS=AKIA«A9:16»\n",  # all secrets, but under 3 lines: redacted, kept
        "GH=ghp_«Aa9:36»\nAWS=AKIA«A9:16»\nA=1\nB=2\n",  # half is not most
        "GH=ghp_«Aa9:36» AWS=AKIA«A9:16»\nA=1\nB=2\n",  # two findings on one line hold one line
    ],
)
def test_files_with_some_secrets_are_kept_and_redacted(template, rng):
    text, _ = expand(template, rng)
    kept, dropped, _ = scrub_files([one_file("ops/a.txt", text)], {}, [])
    assert dropped == [] and "<GITHUB_TOKEN>" in kept[0].text and "<AWS_ACCESS_KEY_ID>" in kept[0].text


def test_three_secret_lines_of_three_are_dropped(rng):
    text, _ = expand("A=ghp_«Aa9:36»\nB=ghp_«Aa9:36»\nC=ghp_«Aa9:36»", rng)
    assert [d.reason for d in scrub_files([one_file("a.txt", text)], {}, [])[1]] == ["mostly secrets (3 of 3 lines)"]


def test_only_secret_findings_count_toward_a_secrets_file():
    text = "a=10.1.1.1\nb=10.1.1.2\nc=10.1.1.3\n"  # internal, not secret
    kept, dropped, _ = scrub_files([one_file("hosts.txt", text)], {}, [])
    assert dropped == [] and kept[0].text == "a=192.0.2.1\nb=192.0.2.1\nc=192.0.2.1\n"


def test_a_turned_down_look_alike_does_not_hold_its_line(registry):
    register_detector("test-vault-ref", "secret", r"vault:(\w+)", "<VAULT>", accept=lambda m: m.group(1) != "demo")
    two = "\nvault:abc\nvault:def\nvault:demo\n"  # a leading blank line: line numbers still count from 0
    one = "vault:abc\nvault:demo\nvault:demo\n"
    kept, dropped, _ = scrub_files([one_file("a.txt", two), one_file("b.txt", one)], {}, [])
    assert [d.reason for d in dropped] == ["mostly secrets (2 of 3 lines)"]
    assert [k.text for k in kept] == ["<VAULT>\nvault:demo\nvault:demo\n"]


def test_hosts_and_domains_add_up():
    assert scrub_text("build.corp db.acme.local", internal_domains=DOMAINS) == (f"{HOST} {HOST}", {"internal-host": 2})


def test_an_internal_git_remote_loses_its_host_not_its_shape():
    out, counts = scrub_text("url = git@gitlab.corp:payments/ledger.git")
    assert out == "url = git@internal-host.example:payments/ledger.git" and counts == {"internal-host": 1}


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("<Export-Package>com.google.gson.internal</Export-Package>", None),
        ("Bundle: org.example.shop.internal", None),
        ("url = http://dev.shop.corp/x", "dev.shop.corp"),
        ("ssh cn.build.corp", "cn.build.corp"),
    ],
)
def test_package_names_are_not_hosts_but_env_and_region_prefixes_are(text, host):
    out, counts = scrub_text(text)
    assert (out == text) is (host is None) and (host is None or host not in out)


@pytest.mark.parametrize(
    "text",
    [
        "-dontnote module-info,jdk.internal.**",  # a ProGuard package wildcard
        "-keep class sun.misc.internal.* { *; }",
        'ignoredPackages += "mockwebserver3.junit5.internal"',
        '@ComponentScan(basePackages = "shop.billing.internal")',
        'PACKAGE_PREFIX = "app.internal"',
    ],
)
def test_package_wildcards_and_package_lists_are_not_hosts(text):
    assert scrub_text(text) == (text, {})


@pytest.mark.parametrize(
    "text",
    [
        "  opens mockwebserver3.junit5.internal;",
        "  opens shop.billing.internal",
        "  requires transitive shop.billing.internal;",
        "  provides shop.spi.Codec with shop.codec.internal.JsonCodec, shop.codec.lan;",
        '<font face="Roboto">Subpackage app.internal<br /></font>',
        'so it\'s another "Python subpackage": `app.internal`.',
        "the module shop.corp holds the adapters",
    ],
)
def test_module_directives_and_names_called_packages_are_not_hosts(text):
    assert scrub_text(text) == (text, {})


def test_a_host_next_to_prose_about_packages_is_still_one():
    assert scrub_text("# package mirror: nexus.build.corp.")[0] == "# package mirror: internal-host.example."
    assert scrub_text('packages = ["db01.corp"]')[0] == 'packages = ["internal-host.example"]'
    assert scrub_text("# requires db01.corp to be up")[0] == "# requires internal-host.example to be up"
    assert scrub_text("# package builds go to nexus.build.corp")[0] == "# package builds go to internal-host.example"


def test_a_package_word_on_the_next_line_does_not_make_a_host_code():
    # found by the engine's property test: the whole-text scan saw `package` on the next line, the
    # line-wise engine did not; only the host's own line counts
    text = "ssh build.corp\npackage com.shop.billing.internal;"
    assert scrub_text(text) == ("ssh internal-host.example\npackage com.shop.billing.internal;", {"internal-host": 1})
