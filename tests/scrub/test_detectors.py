"""Labelled samples per detector: positives built at test time from parts, negatives that must pass."""

import json
import re

import pytest

from minions.records import SourceFile, content_hash
from minions.scrub import DETECTORS, register_detector, scan_text, scrub_files, scrub_text
from minions.scrub.pseudonyms import PLACEHOLDER
from minions.scrub.samples import expand


def leaked(text: str, planted: str, n: int = 6) -> str | None:
    """A piece of a planted value that survived in `text`: any n characters of it (the whole value
    when shorter), once the placeholders minions writes are taken out. Judged on the text alone, not
    by asking the scrubber, so a redaction that keeps part of a value (its last 6 characters, say)
    fails here even if the scrubber accepts it."""
    for det in DETECTORS.values():
        text = text.replace(det.replacement, "\x00")
    text = PLACEHOLDER.sub("\x00", text)
    n = min(n, len(planted))
    return next((planted[k : k + n] for k in range(len(planted) - n + 1) if planted[k : k + n] in text), None)


# Texts no detector may change, beyond each detector's own negatives.
GENERAL_NEGATIVES = [
    "public Order cancelOrder(long id) { return orders.cancel(id); }",
    "assertEquals(42, service.count());",
    '@GetMapping("/api/orders/{id}")',
]


def test_every_detector_has_labelled_samples():
    for det in DETECTORS.values():
        assert det.positives and det.negatives, f"{det.name} needs positive and negative samples"
        assert all("⟦" in t for t in det.positives), f"{det.name}: every positive marks its planted value"


def test_sample_templates_expand_to_fresh_random_values(rng):
    text, planted = expand("key=⟦AKIA«A9:16»⟧ pw=⟦«a:3»«9:2»⟧ ⟦«x:4»⟧", rng)
    assert re.fullmatch(r"key=AKIA[A-Z0-9]{16} pw=[a-z]{3}[0-9]{2} [0-9a-f]{4}", text)
    assert planted == [text[4:24], text[28:33], text[34:]]
    assert expand("⟦«Aa9/:40»⟧", rng) != expand("⟦«Aa9/:40»⟧", rng), "random runs differ"
    assert set(expand("«/_:400»", rng)[0]) == set("+/_-")


@pytest.mark.parametrize("name", sorted(n for n, d in DETECTORS.items() if d.gate_only))
def test_a_gate_only_rule_flags_its_samples_and_rewrites_nothing(name, rng):
    for template in DETECTORS[name].positives:
        sample, _ = expand(template, rng)
        assert scan_text(sample)[name] >= 1, f"the gate's {name} missed {sample!r}"
        assert name not in scrub_text(sample)[1], f"{name} is for the gate only, yet it rewrote {sample!r}"
    for sample in [*DETECTORS[name].negatives, *GENERAL_NEGATIVES]:
        assert name not in scan_text(sample), f"the gate's {name} flagged {sample!r}"


@pytest.mark.parametrize("name", sorted(n for n, d in DETECTORS.items() if not d.gate_only))
def test_detector_finds_and_redacts_its_samples(name, rng):
    for template in DETECTORS[name].positives:
        sample, planted = expand(template, rng)
        out, counts = scrub_text(sample)
        assert counts[name] >= 1, f"{name} missed {sample!r}"
        for value in planted:
            assert leaked(out, value) is None, f"{name} left {leaked(out, value)!r} of a planted value in {out!r}"
        assert not scan_text(out), "scrubbing is idempotent: the replacement triggers nothing"


def test_leak_check_catches_partial_redactions():
    value = "ghp_" + "a1B2c3D4e5F6g7H8i9J0"
    assert leaked("token=<GITHUB_TOKEN>", value) is None
    assert leaked("token=<GITHUB_TOKEN>" + value[-8:], value) == value[-8:-2], "a kept tail is a leak"
    assert leaked("token=<GITHUB_TOKEN>" + value[-6:], value) == value[-6:], "so are its last 6 characters"
    assert leaked("token=<GITHUB_TOKEN>" + value[-5:], value) is None
    assert leaked("host internal-host.example", "db01.example.internal") is None, "a placeholder is no leak"
    assert leaked("ip=<IP>.17", "10.12.4.17") is None and leaked("10.12.4.17", "10.12.4.17") == "10.12."
    assert leaked("x=ab", "ab") == "ab", "short values must vanish whole"


@pytest.mark.parametrize("sample", GENERAL_NEGATIVES + sorted({t for d in DETECTORS.values() for t in d.negatives}))
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
    assert set(rep) == {"schema_version", "files_scanned", "files_dropped", "findings", "by_file", "allowed"}
