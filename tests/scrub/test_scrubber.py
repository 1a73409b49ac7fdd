"""The scrubber: exact replacements and exact counts in texts and files, internal names, key files."""

from minions.records import Rejection, SourceFile, content_hash
from minions.scrub import scan_text, scrub_files, scrub_text


def test_group_replacement_keeps_the_text_around_the_value(fake):
    p = fake.password()
    out, counts = scrub_text(f'    private static final String API_KEY = "{p}"; // prod')
    assert out == '    private static final String API_KEY = "<SECRET>"; // prod'
    assert counts == {"password-assignment": 1}
    bearer = fake.password() + fake.password()
    assert scrub_text(f"curl -H 'Authorization: Bearer {bearer}' https://x") == (
        "curl -H 'Authorization: Bearer <TOKEN>' https://x",
        {"bearer-token": 1},
    )


def test_two_findings_of_one_detector_count_two(fake):
    a, b = fake.github(), fake.github()
    out, counts = scrub_text(f"A={a}\nB={b}\n")
    assert out == "A=<GITHUB_TOKEN>\nB=<GITHUB_TOKEN>\n"
    assert counts == {"github-token": 2}


def test_findings_of_several_detectors_and_names_are_all_counted(fake):
    gh = fake.github()
    text = f"# acme ops, contact ops@shop-example.org\nTOKEN={gh}\nhost=10.12.4.17 # Acme, ACME\n"
    out, counts = scrub_text(text, {"acme": "example"})
    assert out == "# example ops, contact <EMAIL>\nTOKEN=<GITHUB_TOKEN>\nhost=192.0.2.1 # Example, EXAMPLE\n"
    assert counts == {"email": 1, "github-token": 1, "private-ip": 1, "internal-name": 3}


def test_longer_internal_name_wins_over_its_prefix():
    names = {"acme": "example", "acmepay": "payco"}
    out, counts = scrub_text("import acmepay.Client; // AcmePay wraps Acme, ACMEPAY too", names)
    assert out == "import payco.Client; // Payco wraps Example, PAYCO too"
    assert counts == {"internal-name": 4}
    # the same, whatever order the config lists them in
    assert scrub_text("acmepay acme", {"acmepay": "payco", "acme": "example"}) == (
        "payco example",
        {"internal-name": 2},
    )


def test_internal_name_keys_match_whatever_their_case():
    # keys are matched case-insensitively, so the longer one must win even when it sorts first by its case
    names = {"acme": "example", "ACMEPAY": "payco"}
    assert scrub_text("acmepay.Client and acme", names) == ("payco.Client and example", {"internal-name": 2})


def test_scan_text_finds_internal_names_and_changes_nothing():
    text = "class AcmeClient { acme() }"
    assert scan_text(text, {"acme": "example"}) == {"internal-name": 2}
    assert scan_text(text) == {}
    assert scan_text(text, {}) == {}


def test_scrub_files_replaces_internal_names_in_text_path_and_repo():
    f = SourceFile.from_raw("acme-shop", "c1", "src/acme/Billing.java", "class AcmeBilling {}", "java")
    kept, dropped, report = scrub_files([f], {"acme": "example"}, [])
    assert dropped == []
    assert [(k.id, k.repo, k.path, k.text) for k in kept] == [
        (f.id, "example-shop", "src/example/Billing.java", "class ExampleBilling {}")
    ]
    assert kept[0].text_hash == content_hash("class ExampleBilling {}")
    # the repo name is scrubbed but not counted: it is not a finding in this file
    assert report.by_file == {"src/example/Billing.java": {"internal-name": 2}}
    assert report.findings == {"internal-name": 2}


def test_scrub_files_report_counts_exactly(fake):
    gh, key = fake.github(), fake.private_key()
    files = [
        SourceFile.from_raw("acme-shop", "c1", "deploy/acme/id_rsa", key, None),
        SourceFile.from_raw("acme-shop", "c1", "src/acme/Billing.java", f'String t = "{gh}"; // AcmeBilling', "java"),
        SourceFile.from_raw("acme-shop", "c1", "config/secrets.env", f"GH={gh}\n", None),
        SourceFile.from_raw("acme-shop", "c1", "README.md", "Order service.\n", None),
        SourceFile.from_raw("acme-shop", "c1", "ops/hosts.txt", "a=10.1.1.1\nb=10.1.1.2\n", None),
    ]
    kept, dropped, report = scrub_files(files, {"acme": "example"}, ["*id_rsa*", "secrets.env"])

    assert dropped == [
        Rejection(id=files[0].id, task=None, stage="scrub", reason="key file by name (*id_rsa*)"),
        Rejection(id=files[2].id, task=None, stage="scrub", reason="key file by name (secrets.env)"),
    ]
    assert [k.id for k in kept] == [files[1].id, files[3].id, files[4].id]
    assert [k.text for k in kept] == [
        'String t = "<GITHUB_TOKEN>"; // ExampleBilling',
        "Order service.\n",
        "a=192.0.2.1\nb=192.0.2.1\n",
    ]
    assert report.to_json() == {
        "schema_version": report.to_json()["schema_version"],
        "files_scanned": 5,
        "files_dropped": 2,
        "findings": {"github-token": 1, "internal-name": 2, "key-file": 2, "private-ip": 2},
        "by_file": {
            # dropped files are listed under their scrubbed path, with the key-file finding only
            "deploy/example/id_rsa": {"key-file": 1},
            # a path finding and text findings of one file add up
            "src/example/Billing.java": {"github-token": 1, "internal-name": 2},
            "config/secrets.env": {"key-file": 1},
            "ops/hosts.txt": {"private-ip": 2},
        },
        "allowed": {},
    }
    assert list(report.to_json()["findings"]) == ["github-token", "internal-name", "key-file", "private-ip"]
    assert list(report.by_file["src/example/Billing.java"]) == ["github-token", "internal-name"]


def test_scrub_files_with_nothing_to_find():
    f = SourceFile.from_raw("shop", "c1", "src/A.java", "class A {}", "java")
    kept, dropped, report = scrub_files([f], {}, ["*id_rsa*"])
    assert kept == [f] and dropped == []
    assert (report.files_scanned, report.files_dropped, report.findings, report.by_file) == (1, 0, {}, {})
