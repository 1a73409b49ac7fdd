"""The detector registry and the match helpers (`line_of`, `char_after`) that detectors' accept rules use."""

import re

import pytest

from minions.scrub import DETECTORS, Detector, register_detector, scan_text, scrub_text
from minions.scrub.rules import char_after, line_of


def test_register_detector_with_defaults(registry):
    det = register_detector("test-ticket", "internal", r"TICKET-\d+", "<TICKET>")
    assert det == Detector(
        name="test-ticket",
        category="internal",
        pattern=re.compile(r"TICKET-\d+"),
        replacement="<TICKET>",
        group=0,
        description="",
        accept=None,
    )
    assert det.pattern.flags == re.compile(r"TICKET-\d+").flags, "no flags unless asked for"
    assert registry["test-ticket"] is det
    # group 0 replaces the whole match; without IGNORECASE the lower-case one is not a match
    assert scrub_text("see TICKET-42 and ticket-7") == ("see <TICKET> and ticket-7", {"test-ticket": 1})


def test_register_detector_with_group_flags_and_accept(registry):
    seen = []

    def accept(m: re.Match[str]) -> bool:
        seen.append(m.group(0))
        return not m.group(1).endswith("0")

    det = register_detector(
        "test-order-code",
        "personal",
        r"order-code:[ \t]*(ORD-\d+)",
        "<ORDER>",
        group=1,
        flags=re.IGNORECASE,
        description="order codes",
        accept=accept,
    )
    assert (det.name, det.category, det.replacement) == ("test-order-code", "personal", "<ORDER>")
    assert (det.group, det.description, det.accept) == (1, "order codes", accept)
    assert det.pattern.pattern == r"order-code:[ \t]*(ORD-\d+)"
    assert det.pattern.flags & re.IGNORECASE
    assert registry["test-order-code"] is det

    text = "x ORDER-CODE: ORD-123; y order-code: ord-120; z Order-Code:ORD-7."
    out, counts = scrub_text(text)
    # only group 1 is replaced, the key and the text around it stay; accept turned down ORD-120
    assert out == "x ORDER-CODE: <ORDER>; y order-code: ord-120; z Order-Code:<ORDER>."
    assert counts == {"test-order-code": 2}
    assert seen == ["ORDER-CODE: ORD-123", "order-code: ord-120", "Order-Code:ORD-7"]
    assert scan_text(text) == {"test-order-code": 2}


def test_registered_detector_runs_in_category_order(registry, fake):
    # an internal plugin sees the text after the secret detectors have replaced their values
    register_detector("test-token-suffix", "internal", r"(?<=<GITHUB_TOKEN>)-prod", "-env")
    out, counts = scrub_text(f"T={fake.github()}-prod")
    assert out == "T=<GITHUB_TOKEN>-env"
    assert counts == {"github-token": 1, "test-token-suffix": 1}


def test_registry_restored_between_tests():
    assert "test-ticket" not in DETECTORS and "test-order-code" not in DETECTORS


# line_of: the whole line a match starts on, wherever it is in a multi-line text
TEXT = "first line\nsecond MID line\nthird line"


@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        ("first", "first line"),  # first line, more lines follow
        ("line", "first line"),  # end of the first line
        ("MID", "second MID line"),  # a middle line
        ("second", "second MID line"),  # start of a middle line
        ("third", "third line"),  # the last line, no trailing newline
        ("line$", "third line"),  # the very end of the text
    ],
)
def test_line_of(pattern, line):
    assert line_of(re.search(pattern, TEXT)) == line


def test_line_of_with_blank_lines():
    assert line_of(re.search("second", "\nsecond line")) == "second line", "a newline at offset 0"
    assert line_of(re.search("^$", "\nnext", re.MULTILINE)) == "", "a match on an empty first line"
    assert line_of(re.search("x", "a\n\nx\n")) == "x"
    assert line_of(re.search("b", "a\nb\n\nc")) == "b"


def test_line_of_a_match_spanning_lines():
    assert line_of(re.search("two\nthree", "one\ntwo\nthree\nfour")) == "two", "the line it starts on"


def test_char_after():
    assert char_after(re.search("b", "ab(cd")) == "("
    assert char_after(re.search("d", "ab(cd")) == "", "nothing after the end of the text"
    assert char_after(re.search("b", "ab\ncd")) == "\n"


def test_email_before_a_call_is_code_not_an_address():
    assert scrub_text("val total = order@Shop.computeTotal()") == ("val total = order@Shop.computeTotal()", {})
    assert scrub_text("ops: jane.doe@shop-example.org (on call)") == ("ops: <EMAIL> (on call)", {"email": 1})
    assert scrub_text("jane.doe@shop-example.org\n(on call)") == ("<EMAIL>\n(on call)", {"email": 1})


@pytest.mark.parametrize(
    ("text", "out"),
    [
        (
            "package com.shop.billing.internal;\nurl = http://db01.corp.shop.internal:8080/x\n",
            "package com.shop.billing.internal;\nurl = http://internal-host.example:8080/x\n",
        ),
        (
            "url = http://db01.corp.shop.internal:8080/x\nimport com.shop.billing.internal.Api;\n",
            "url = http://internal-host.example:8080/x\nimport com.shop.billing.internal.Api;\n",
        ),
        (
            "// hosts\nurl = http://db01.corp.shop.internal/x\n  package com.shop.billing.internal;\nend",
            "// hosts\nurl = http://internal-host.example/x\n  package com.shop.billing.internal;\nend",
        ),
    ],
)
def test_internal_host_judged_on_its_own_line(text, out):
    assert scrub_text(text) == (out, {"internal-host": 1})


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("version: 10.1.2.3\nhost=10.12.4.17", "version: 10.1.2.3\nhost=192.0.2.1"),
        ("host=10.12.4.17\nversion: 10.1.2.3\n", "host=192.0.2.1\nversion: 10.1.2.3\n"),
        ("# db\nhost=192.168.1.20\nVERSION=10.1.2.3\nport=5432", "# db\nhost=192.0.2.1\nVERSION=10.1.2.3\nport=5432"),
    ],
)
def test_private_ip_judged_on_its_own_line(text, out):
    assert scrub_text(text) == (out, {"private-ip": 1})


def test_keywords_are_a_pre_filter(registry):
    seen = []

    def accept(m: re.Match[str]) -> bool:
        seen.append(m.group(0))
        return True

    register_detector("test-kw", "secret", r"\bZZ-\d+", "<ZZ>", accept=accept, keywords=("ZZ-",))
    assert registry["test-kw"].keywords == ("zz-",), "keywords are kept in lower case"
    assert scrub_text("id zz-12 and ZZ-34") == ("id zz-12 and <ZZ>", {"test-kw": 1})
    assert seen == ["ZZ-34"]
    assert registry["test-kw"].may_match("no such thing here") is False
    assert scrub_text("no such thing here") == ("no such thing here", {})


def test_every_positive_sample_holds_one_of_its_detectors_keywords():
    from minions.scrub.samples import example

    for det in DETECTORS.values():
        for template in det.positives:
            assert det.may_match(example(template).lower()), f"{det.name}: {template!r} holds none of {det.keywords}"


def test_the_readme_lists_every_rule():
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in DETECTORS if f"| `{name}` |" not in readme]
    assert not missing, f"README's 'What scrub does' table lacks {missing}"
    rewriting = sum(not d.gate_only for d in DETECTORS.values())
    gate = len(DETECTORS) - rewriting
    assert f"runs {rewriting} rules (the gate {'one' if gate == 1 else gate} more)" in readme
