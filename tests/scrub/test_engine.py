"""The line engine: which detector runs on which line, checked against scanning the whole text with
every detector (the simple way the engine must agree with)."""

import re
from collections import Counter

import pytest

from minions.scrub import DETECTORS, register_detector, scrub_files, scrub_text
from minions.scrub.engine import _SHAPE, _shape_table, plan_for, shape_bytes, spans_lines
from minions.scrub.pseudonyms import Pseudonyms, is_placeholder
from minions.scrub.rules import ordered_detectors
from minions.scrub.samples import example, expand
from minions.scrub.scrubber import Finding, ScrubOptions

from .test_internal_rules import one_file


@pytest.mark.parametrize(
    "pattern, spans",
    [
        (r"\bAKIA[0-9A-Z]{16}\b", False),
        (r"key[ \t]*=[ \t]*([^\s'\"]+)", False),  # a negated class holding \s excludes the newline
        (r"(?<![\w.-])\d{6}(?![\w-]|\.\d)", False),
        (r"(?m:^# )[a-z]+(?<![^\n])", False),
        (r"name = (\w+)\1", False),  # a backreference repeats its group
        (r"key\s*=\s*(\w+)", True),
        (r"<a[^>]*>", True),
        (r"BEGIN[\s\S]*?END", True),
        (r"(?s:a.b)", True),
        (r"a.b", False),
        (r"a\nb", True),
        (r"\w+(?=\s*email)", True),  # a lookahead into the next line
        (r"\w+(?!\s)", True),  # a negative one behaves differently at a cut-out line's end
        (r"x[^a]y", True),
    ],
)
def test_spans_lines_reads_the_parsed_pattern(pattern, spans):
    assert spans_lines(re.compile(pattern)) is spans


@pytest.mark.parametrize(
    "pattern, spans",
    [
        # every construct of the parsed pattern, each way: the check must read into it
        (r"a+?\s", True),  # a lazy repeat
        (r"a+?b", False),
        (r"(?>a\s)", True),  # an atomic group
        (r"(?>ab)", False),
        (r"a*+\s", True),  # a possessive repeat
        (r"a*+b", False),
        (r"(a)?(?(1)\s|b)", True),  # a conditional: the yes branch
        (r"(a)?(?(1)b|\s)", True),  # the no branch
        (r"(a)?(?(1)b|c)", False),
        (r"(a)?(?(1)b)", False),
        (r"(?<=\s)a", True),  # a lookbehind
        (r"(?<!\s)a", True),
        (r"(?<=b)a", False),
        (r"(?s:a.b)", True),  # a scoped DOTALL
        (r"(?s:a)b.c", False),  # the scope ends
        (r"(?i:a)b.c", False),  # other flags do not make a dot span lines
        (r"x[\t-\r]", True),  # a range holding the newline
        (r"x[\n-z]", True),  # starting at it
        (r"x[\x00-\n]", True),  # ending at it
        (r"x[ -z]", False),
        (r"x[^\n]", False),
        (r"x[^ab]", True),
        (r"x\D", True),
        (r"x\W", True),
        (r"x\S", False),
        (r"x\d|y\w", False),
        (r"x|y\s", True),  # any branch
        (r"^a$\b", False),  # anchors
        (r"(a)\1", False),  # a backreference
    ],
)
def test_spans_lines_reads_every_construct(pattern, spans):
    assert spans_lines(re.compile(pattern)) is spans


@pytest.mark.parametrize(
    "pattern",
    [r"a.*b", r"a(?:.|b)", r"(?=.)a", r"(?>.)a", r"(a)?(?(1).|b)", r"(a)?(?(1)b|.)", r"(?i:a.b)"],
)
def test_dotall_reaches_into_every_construct(pattern):
    """A dot under DOTALL spans lines wherever it sits; without it, nowhere."""
    assert spans_lines(re.compile(pattern, re.DOTALL)) is True
    assert spans_lines(re.compile(pattern)) is False


@pytest.mark.parametrize("pattern", [r"^\s", r"\b\s", r"(a)\1\s"])
def test_what_follows_an_anchor_or_a_backreference_is_read(pattern):
    assert spans_lines(re.compile(pattern)) is True


def test_an_unknown_construct_counts_as_spanning_lines():
    from minions.scrub.engine import _reaches_newline, _set_holds_newline

    assert _reaches_newline([("SOMETHING_NEW", None)], False) is True
    assert _set_holds_newline([("SOMETHING_NEW", None)]) is True
    assert _reaches_newline([], False) is False and _set_holds_newline([]) is False


def test_the_shape_table_folds_every_byte():
    expected = {}
    for b in range(256):
        c = chr(b)
        if c.isdigit() and b < 128:
            expected[b] = ord("0")
        elif "A" <= c <= "Z":
            expected[b] = ord("A")
        elif "a" <= c <= "z":
            expected[b] = ord("a")
        elif 0x80 <= b < 0xC0:
            expected[b] = ord("~")
        elif 0xE4 <= b <= 0xE9:
            expected[b] = ord("C")
        elif b >= 0xC0:
            expected[b] = ord("^")
        else:
            expected[b] = b
    assert list(_shape_table()) == [expected[b] for b in range(256)] == list(_SHAPE)
    assert shape_bytes("中0") == b"C~~0" and shape_bytes("a Aa") == b"a Aa"


def test_text_with_a_lone_surrogate_is_scrubbed_not_refused(fake):
    key = fake.aws_key_id()
    text = f"x = '\ud800'\ncard_number: 4000 1234 5678 9017\nid = {key}\n"
    out, counts = scrub_text(text)
    assert counts == {"card-number": 1, "aws-access-key-id": 1} and "\ud800" in out


def test_dotall_lets_a_dot_span_lines():
    assert spans_lines(re.compile(r"a.b", re.DOTALL)) is True
    assert spans_lines(re.compile(r"(?-s:a.b)", re.DOTALL)) is False
    assert spans_lines(re.compile(r"a[.]b", re.DOTALL)) is False


def test_only_real_multi_line_rules_see_the_whole_text():
    """The built-in rules that must scan the whole text; any other one runs line by line (a rule that
    slips in here by a careless `\\s` costs a scan of every file)."""
    plan = plan_for(tuple(ordered_detectors()))
    assert sorted(d.name for d, m in zip(plan.detectors, plan.multiline, strict=True) if m) == [
        "aws-secret-access-key",
        "private-key",
        "private-key-setting",
        "xml-secret-property",
    ]


def test_every_line_rule_has_keywords_or_shapes():
    plan = plan_for(tuple(ordered_detectors()))
    bare = [plan.detectors[d].name for d in plan.everywhere]
    assert bare == [], f"{bare} run on every line of every file"


def _shape(text: str) -> str:
    return text.encode("utf-8").translate(_SHAPE).decode("latin-1")


def test_shapes_fold_digits_letters_and_cjk():
    assert _shape("Tel +86 138, 张伟!") == "Aaa +00 000, C~~C~~!"
    assert shape_bytes("中中") == b"C~~C~~" and shape_bytes("+0") == b"+0"


def test_every_match_of_a_positive_sits_on_a_line_holding_a_keyword_or_shape():
    """What the engine relies on: a line rule's every match is on a line holding one of its keywords
    (lower-cased) or shapes; the samples say so for every rule."""
    plan = plan_for(tuple(ordered_detectors()))
    for det, multi in zip(plan.detectors, plan.multiline, strict=True):
        for template in det.positives:
            text = example(template)
            for m in det.pattern.finditer(text):
                line = text[text.rfind("\n", 0, m.start()) + 1 :].split("\n")[0]
                if multi:
                    line = text
                hit = any(k in line.lower() for k in det.keywords)
                hit = hit or any(shape_bytes(s).decode("latin-1") in _shape(line) for s in det.shapes)
                assert hit, f"{det.name}: a match on {line!r} holds none of {det.keywords} {det.shapes}"


def _whole_text(text: str, ps: Pseudonyms | None = None) -> tuple[str, Counter]:
    """Every detector in order over the whole text, no pre-filter: what the engine must equal."""
    counts: Counter = Counter()
    for det in ordered_detectors():

        def sub(m: re.Match[str], det=det) -> str:
            if det.accept is not None and not det.accept(m):
                return m.group(0)
            value = m.group(det.group)
            if is_placeholder(value):
                return m.group(0)
            counts[det.name] += 1
            if ps is None:
                repl = det.replacement
            elif det.category == "secret":
                repl = ps.secret(det.name.replace("-", "_"))
            else:
                repl = getattr(ps, det.pseudonym)(value) if det.pseudonym else det.replacement
            s, e = m.span(det.group)
            return m.group(0)[: s - m.start()] + repl + m.group(0)[e - m.start() :]

        text = det.pattern.sub(sub, text)
    return text, counts


def _document(rng, samples: list[str], filler: list[str]) -> str:
    """A file of random samples (positives and negatives of every rule) between ordinary lines."""
    parts = []
    for _ in range(rng.randint(5, 40)):
        parts.append(rng.choice(filler) if rng.random() < 0.4 else expand(rng.choice(samples), rng)[0])
    seps = ["\n", "\n", "\n\n", " ", "\r\n", "\n    "]
    return "".join(p + rng.choice(seps) for p in parts)


FILLER = [
    "public class OrderService {",
    "    private final OrderRepository repo;",
    "}",
    "# build settings",
    "    return total * 1000 + count;",
    "def handler(event, context):",
    "  - name: orders-api",
    "<dependency><artifactId>ojdbc14</artifactId></dependency>",
    "// 订单服务的入口",
    "",
]


@pytest.mark.parametrize("keyed", [False, True])
def test_the_engine_equals_scanning_the_whole_text_with_every_rule(rng, keyed):
    samples = [t for d in DETECTORS.values() for t in d.positives + d.negatives]
    ps = Pseudonyms(b"engine-test-key") if keyed else None
    for _ in range(60):
        doc = _document(rng, samples, FILLER)
        want = _whole_text(doc, ps)
        got = scrub_text(doc, options=ScrubOptions(pseudonyms=ps))
        assert got == want, doc


def test_a_finding_after_a_multi_line_key_is_reported_on_its_own_line(fake):
    """Line numbers of findings are those of the original file, also after a private key's lines
    became one placeholder."""
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\nabcdef\n-----END RSA PRIVATE KEY-----"
    text = f"x = 1\nkey = '''{key}'''\n\nmail = 'ops@shop-example.org'\nid = '{fake.aws_key_id()}'\n"
    opts = ScrubOptions(pseudonyms=Pseudonyms(b"k"), findings=[])
    out, counts = scrub_text(text, options=opts, path="a.py")
    assert counts == {"private-key": 1, "email": 1, "aws-access-key-id": 1}
    assert [(f.rule, f.line) for f in opts.findings] == [("private-key", 2), ("aws-access-key-id", 8), ("email", 7)]
    assert out.count("\n") == text.count("\n") - 3
    assert all(isinstance(f, Finding) for f in opts.findings)


def test_a_rule_added_by_a_plugin_runs_without_keywords_or_shapes(registry):
    """A rule with neither keywords nor shapes runs on every line (slow, but never silently skipped)."""
    register_detector("test-ticket", "internal", r"TKT-\d+", "<TICKET>")
    plan = plan_for(tuple(ordered_detectors()))
    assert [plan.detectors[d].name for d in plan.everywhere] == ["test-ticket"]
    assert scrub_text("a\nsee TKT-42\nb TKT-7") == ("a\nsee <TICKET>\nb <TICKET>", {"test-ticket": 2})


def test_a_secrets_file_is_judged_in_the_same_pass_and_adds_no_findings(fake):
    text = "\n".join(f"k{i} = {fake.aws_key_id()}" for i in range(3)) + "\nname = shop\n"
    opts = ScrubOptions(pseudonyms=Pseudonyms(b"k"), findings=[], mapping=[])
    kept, dropped, report = scrub_files([one_file("keys.txt", text)], {}, [], options=opts)
    assert kept == [] and [d.reason for d in dropped] == ["mostly secrets (3 of 4 lines)"]
    assert opts.findings == [] and opts.mapping == [] and report.findings == {"secrets-file": 1}


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Tel: 007 495 123 45 67", "phone"),  # no four digits in a row, no `+`
        ("card_number: ４０００１２３４５６７８９０１７", "card-number"),  # full-width digits
        ("手机：١٣٨٠٠١٣٨٠٠٠", None),  # Arabic-Indic digits: the whole-text scan is the judge
    ],
)
def test_number_lines_the_shapes_could_miss_are_scanned(text, rule):
    assert scrub_text(text) == _whole_text(text)
    if rule:
        assert scrub_text(text)[1][rule] == 1
