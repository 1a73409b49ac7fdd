"""Scrubbing with a key: consistent pseudonyms, typed secrets, pragmas, baselines and review."""

import pytest

from minions.records import SourceFile
from minions.scrub import DETECTORS, scan_text, scrub_files, scrub_text
from minions.scrub.pseudonyms import Pseudonyms
from minions.scrub.samples import expand
from minions.scrub.scrubber import ScrubOptions, mask

KEY = Pseudonyms(b"test-key")


def opts(**kw) -> ScrubOptions:
    return ScrubOptions(pseudonyms=KEY, **kw)


def test_the_same_value_gets_the_same_pseudonym_in_every_file():
    files = [
        SourceFile.from_raw("shop", "c", "a.py", "# mail jane.doe@shop-example.org\nhost = 10.12.4.17\n", "python"),
        SourceFile.from_raw("shop", "c", "b.md", "Ask jane.doe@shop-example.org on 10.12.4.17.\n", "markdown"),
    ]
    kept, _, _ = scrub_files(files, {}, [], options=opts())
    email, ip = KEY.email("jane.doe@shop-example.org"), KEY.ip("10.12.4.17")
    assert kept[0].text == f"# mail {email}\nhost = {ip}\n"
    assert kept[1].text == f"Ask {email} on {ip}.\n"
    other = scrub_files(files, {}, [], options=ScrubOptions(pseudonyms=Pseudonyms(b"other")))[0]
    assert other[0].text != kept[0].text, "another key, other pseudonyms"


def test_secrets_become_typed_placeholders(fake):
    token = fake.github()
    out, counts = scrub_text(f"export GH_TOKEN={token}", options=opts())
    assert out == "export GH_TOKEN=<SECRET:github_token>" and counts == {"github-token": 1}


@pytest.mark.parametrize("name", sorted(n for n, d in DETECTORS.items() if not d.gate_only))
def test_pseudonymised_output_triggers_nothing(name, rng):
    for template in DETECTORS[name].positives:
        out, counts = scrub_text(expand(template, rng)[0], options=opts())
        assert counts[name] >= 1
        assert not scan_text(out), f"placeholders are never findings: {out!r}"


def test_a_pragma_on_the_line_or_the_line_before_allows_a_finding(fake):
    token = fake.github()
    text = (
        f"A = '{token}'  # minions: allow\n"
        f"# minions: allow (a test fixture)\nB = '{token}'\n"
        f"C = '{token}'\n"
        "\n"
        f"D = '{token}'\n"
    )
    o = opts()
    out, counts = scrub_text(text, options=o)
    lines = out.splitlines()
    assert token in lines[0] and token in lines[2]
    assert lines[3] == "C = '<SECRET:github_token>'" and lines[5] == "D = '<SECRET:github_token>'"
    assert counts == {"github-token": 2} and o.allowed == {"github-token": 2}


def test_a_baseline_allows_exactly_the_findings_it_lists(fake):
    kept_token, other = fake.github(), fake.github()
    review = opts(findings=[])
    scrub_text(f"x = '{kept_token}'", options=review, path="a.py")
    [finding] = review.findings
    o = opts(baseline=frozenset({finding.digest}))
    out, counts = scrub_text(f"x = '{kept_token}'\ny = '{other}'", options=o)
    assert out == f"x = '{kept_token}'\ny = '<SECRET:github_token>'"
    assert counts == {"github-token": 1} and o.allowed == {"github-token": 1}


def test_review_findings_name_rule_file_and_line_with_the_value_masked(fake):
    token = fake.github()
    o = opts(findings=[])
    scrub_text(f"# header\nmail: jane.doe@shop-example.org\ntoken = {token}\n", options=o, path="conf/app.yml")
    got = [(f.rule, f.path, f.line, f.masked) for f in o.findings]
    assert got == [
        ("github-token", "conf/app.yml", 3, token[:4] + "****" + token[-4:]),
        ("email", "conf/app.yml", 2, "jane****.org"),
    ]
    assert all(token not in f.masked and len(f.digest) == 32 for f in o.findings)
    # at most a third of a value shows
    assert (mask("short1"), mask("abc"), mask("Zq81mLk2Pw9xT4")) == ("****", "****", "Zq****T4")
    assert mask("AKIAFAKEFAKEFAKE0000") == "AK****00" and mask("ghp_" + "x" * 32 + "Xq2Z") == "ghp_****Xq2Z"


def test_the_mapping_is_kept_only_when_asked():
    o = opts(mapping=[])
    out, _ = scrub_text(
        "ping 10.12.4.17\npassword = 'Hunter2Rocks99'\ndb_password = 'Other5Secret77'", options=o, path="a.py"
    )
    assert sorted(o.mapping, key=lambda e: e["line"]) == [
        {"rule": "private-ip", "path": "a.py", "line": 1, "placeholder": out.split()[1], "value": "10.12.4.17"},
        {
            "rule": "password-assignment",
            "path": "a.py",
            "line": 2,
            "placeholder": "<SECRET:password_assignment>",
            "value": "Hunter2Rocks99",
        },
        {
            "rule": "password-assignment",
            "path": "a.py",
            "line": 3,
            "placeholder": "<SECRET:password_assignment>",
            "value": "Other5Secret77",
        },
    ], "one entry per finding: two secrets of one rule share a placeholder, not an entry"
    plain = opts()
    scrub_text("ping 10.12.4.17", options=plain)
    assert plain.mapping is None


def test_a_value_the_baseline_accepts_is_accepted_by_every_rule_that_matches_it(rng):
    # with redaction, the first rule's placeholder hides the value from the second rule; with the
    # baseline applied the value stays, and the second rule must not redact what was accepted
    text = 'AUTH_TOKEN = "Bearer ' + expand("«Aa9:28»", rng)[0] + '"\n'
    review = opts(findings=[])
    scrub_text(text, options=review)
    baseline = frozenset(f.digest for f in review.findings)
    o = opts(baseline=baseline)
    assert scrub_text(text, options=o) == (text, {}) and o.baseline_hits >= 1


def test_findings_in_paths_are_reported_under_the_scrubbed_path():
    files = [SourceFile.from_raw("shop", "c", "conf/ops@globex.com.yaml", "x: 1\n", "yaml")]
    o = opts(findings=[])
    kept, _, _ = scrub_files(files, {"globex": "example"}, [], options=o)
    [finding] = o.findings
    assert finding.path == kept[0].path and "globex" not in finding.path.lower() and "ops@" not in finding.path


def github(rng) -> str:
    return expand("ghp_«Aa9:36»", rng)[0]


@pytest.mark.parametrize(
    ("layout", "allowed"),
    [
        ("T # minions: allow", True),
        ("x\nT # minions: allow\ny", True),
        ("# minions: allow\nT", True),
        ("x\n# minions: allow\nT\ny", True),
        ("\n# minions: allow\nT", True),
        ("# minions: allow\nx\nT", False),  # two lines above
        ("T\n# minions: allow", False),  # the line after
        ("x\nT\ny # minions: allow", False),
        ("T\nx\n# minions: allow", False),
        ("# minions: allow\n\nT", False),
        ("x\nyy\nT", False),
    ],
)
def test_the_pragma_covers_its_line_and_the_line_before_only(layout, allowed, rng):
    token = github(rng)
    text = layout.replace("T", f"t = '{token}'")
    o = opts()
    out, counts = scrub_text(text, options=o)
    assert (token in out) is allowed and (o.allowed == {"github-token": 1}) is allowed
    assert counts == ({} if allowed else {"github-token": 1})


@pytest.mark.parametrize(
    ("value", "shown"),
    [("a" * 24, "aaaa****aaaa"), ("b" * 23, "bb****bb"), ("c" * 12, "cc****cc"), ("d" * 11, "****")],
)
def test_mask_boundaries(value, shown):
    assert mask(value) == shown


def test_domain_hosts_get_host_pseudonyms():
    o = opts(internal_domains=["acme.local"])
    out, counts = scrub_text("db01.acme.local and DB01.acme.local", options=o)
    assert out == f"{KEY.host('db01.acme.local')} and {KEY.host('db01.acme.local')}"
    assert counts == {"internal-host": 2}
    assert scrub_text("db01.acme.local", internal_domains=["acme.local"])[0] == "internal-host.example"


def test_baseline_digests_are_stable_and_counted(rng):
    a, b = github(rng), github(rng)
    review = opts(findings=[])
    scrub_text(f"\nx = '{a}'\ny = '{b}'", options=review)
    assert [f.line for f in review.findings] == [2, 3] and [f.path for f in review.findings] == ["", ""]
    # the format of a baseline: the first 32 hex digits of HMAC(key, "finding" + 0x1f + value)
    assert [f.digest for f in review.findings] == [KEY.digest("finding", v)[:32] for v in (a, b)]
    o = opts(baseline=frozenset(f.digest for f in review.findings))
    scrub_text(f"x = '{a}'\ny = '{b}'\nz = '{a}'", options=o)
    assert o.baseline_hits == 3 and o.allowed == {"github-token": 3}


def test_two_processes_give_byte_identical_output(rng):
    texts = [
        f"# owner jane.doe@shop-example.org\nt = '{github(rng)}'\nhost = 10.1.{i}.7\n" + "x = 1\n" * (i % 7)
        for i in range(40)
    ]
    files = [SourceFile.from_raw("shop", "c", f"src/m{i}.py", t, "python") for i, t in enumerate(texts)]
    files.append(SourceFile.from_raw("shop", "c", "deploy/id_rsa", "key", None))

    accepted = frozenset({KEY.digest("finding", "jane.doe@shop-example.org")[:32]})

    def run(workers: int):
        o = opts(findings=[], mapping=[], baseline=accepted, internal_names={"shop": "store"})
        kept, dropped, report = scrub_files(files, {}, ["id_rsa"], options=o, workers=workers)
        collected = (o.findings, o.mapping, o.allowed, o.baseline_hits)
        return [(k.path, k.text) for k in kept], dropped, report.to_json(), collected

    one, two, three = run(1), run(2), run(3)
    assert one == two == three
    assert len(one[0]) == 40 and len(one[1]) == 1 and len(one[3][0]) == 80
    assert one[3][3] == 40 and one[3][2] == {"email": 40}, "baseline hits and allowed counts merge"
    assert {e["rule"] for e in one[3][1]} == {"github-token", "private-ip", "internal-name"}


def test_the_mapping_records_internal_names_and_domains_too():
    o = opts(mapping=[], internal_names={"acme": "example"}, internal_domains=["acme.local"])
    scrub_text("db01.acme.local\nAcmeClient", options=o, path="a.txt")
    got = [(e["rule"], e["line"], e["value"]) for e in o.mapping]
    assert got == [("internal-host", 1, "db01.acme.local"), ("internal-name", 2, "Acme")]
    assert o.mapping[1]["placeholder"] == "Example"
