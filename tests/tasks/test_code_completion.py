"""code-completion: fill-in-the-middle records, their pieces, and the FIM rendering."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.models.fim import FimTokens, fim_tokens
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.code_completion import (
    PART,
    WORDINGS,
    fim_parts,
    fim_pieces,
    fim_text,
    parses,
    positions,
    render_input,
)
from minions.tasks.registry import dedent

JAVA = """package com.shop;

public class Cart {
    private final List<Item> items = new ArrayList<>();

    public long total(long discount) {
        long sum = 0;
        for (Item item : items) {
            sum += item.price() * item.quantity();
        }
        long net = sum - discount;
        return Math.max(net, 0);
    }

    public int size() { return items.size(); }
}
"""

PYTHON = '''def convert(amount, rate):
    """Convert an amount at a rate."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    value = amount * rate
    return round(value, 2)
'''

TS = """export class Prices {
  discounted(price: number, pct: number): number {
    if (pct > 0) {
      price = price * (1 - pct / 100);
    }
    const rounded = Math.round(price * 100) / 100;
    return rounded;
  }
}
"""

GO = """package shop

func Total(items []int) int {
\ttotal := 0
\tfor _, p := range items {
\t\ttotal += p
\t}
\treturn total
}
"""

KOTLIN = """package shop

class Points {
    fun award(total: Long): Long {
        val base = total / 100
        if (base > 50) {
            return base * 2
        }
        return base
    }
}
"""

TEST = """package com.shop;

class CartTest {
    private Cart helper() {
        Cart c = new Cart();
        return c;
    }

    @Test
    void total_isZero() {
        assertEquals(0, new Cart().total(0));
    }
}
"""


def _units(*files):
    return parse_files([SourceFile.from_raw("shop", "c", p, t, lang) for p, t, lang in files]).units


@pytest.fixture(scope="module")
def units():
    return _units(
        ("src/main/java/com/shop/Cart.java", JAVA, "java"),
        ("src/test/java/com/shop/CartTest.java", TEST, "java"),
        ("tools/pricing.py", PYTHON, "python"),
        ("web/prices.ts", TS, "typescript"),
        ("shop/total.go", GO, "go"),
        ("loyalty/Points.kt", KOTLIN, "kotlin"),
    )


def _kind(record):
    return next(k for k, words in PART["en"].items() if f"({words})" in record.instruction)


def _run(units, **kw):
    return run_tasks(units, ["code-completion"], TaskOptions(**kw))


def test_every_record_splits_the_code_exactly_and_parses(units):
    records, _ = _run(units)
    code_of = {u.id: dedent(u.code) for u in units}
    assert {r.lang for r in records} == {"java", "python", "typescript", "go", "kotlin"}
    for r in records:
        prefix, suffix, middle = fim_pieces(r)
        assert prefix + middle + suffix == code_of[r.unit_ids[0]]
        assert middle.strip() == middle and middle
        assert parses(prefix + middle + suffix, r.lang)
        assert r.input == render_input(r.source.path, r.lang, prefix, suffix)


def test_three_position_kinds_with_their_shapes(units):
    records, _ = _run(units)
    cart = [r for r in records if r.source.path.endswith("Cart.java")]
    by_kind = {_kind(r): fim_pieces(r) for r in cart}
    assert len(cart) == 3 and len(by_kind) == 3, "the Java total method gives one record per position kind"
    prefix, suffix, middle = by_kind["inline"]
    assert "\n" not in middle and suffix.startswith("\n") and not prefix.endswith("\n")
    prefix, suffix, middle = by_kind["in-block"]
    assert middle.count("\n") >= 1 and prefix.endswith("    ") and suffix.startswith("\n")
    prefix, suffix, middle = by_kind["after-block"]
    assert prefix.rstrip().endswith("}") and middle.startswith(("long net", "return Math.max"))


def test_a_known_unit_gives_its_exact_pieces():
    """One record checked whole: the Go function's after-block position is the only one there is."""
    units = _units(("shop/total.go", GO, "go"))
    records, _ = _run(units)
    after = [r for r in records if _kind(r) == "after-block"]
    assert len(after) == 1
    (r,) = after
    assert r.output == "return total"
    assert r.input == (
        "File: shop/total.go\n```go\nfunc Total(items []int) int {\n\ttotal := 0\n\tfor _, p := range items {\n"
        "\t\ttotal += p\n\t}\n\t<FILL>\n}\n```"
    )
    assert r.instruction == dict(WORDINGS["en"])[r.template_id].format(
        label="Go", what="function", name="Total", part="the lines after the block"
    )
    assert r.task == "code-completion" and r.focal_class == "shop" and r.unit_ids == [units[0].id]
    assert r.source.path == "shop/total.go" and r.module == units[0].module


def test_test_helpers_are_skipped_and_short_bodies_rejected_with_a_reason(units):
    records, rejected = _run(units)
    ids = {u.id: u for u in units}
    assert not any(ids[r.unit_ids[0]].path.endswith("CartTest.java") for r in records)
    size = next(u for u in units if u.name == "size")
    assert [(x.id, x.reason) for x in rejected] == [(size.id, "no completion position (body too short)")]
    assert all(x.stage == "tasks" and x.task == "code-completion" for x in rejected)


def test_broken_code_and_the_marker_are_rejected():
    src = "def f(a):\n    x = '<FILL>'\n    y = a + 1\n    return x, y\n"
    units = _units(("m.py", src, "python"))
    assert _run(units)[1][0].reason == "code contains the <FILL> marker"
    assert not parses("public long f() { return 1 ", "java") and parses("public long f() { return 1; }", "java")


def test_positions_stay_out_of_multiline_strings_and_string_literals():
    code = 'def f():\n    x = """a b\n    c d"""\n    y = g("a, b")\n    return x + y'
    found = positions(code, "python")
    lines_of = [(code.count("\n", 0, a), code.count("\n", 0, b)) for k in found for a, b in found[k]]
    assert all(first >= 3 for first, _ in lines_of), "no middle starts in the docstring lines"
    for a, _ in found["inline"]:
        assert code[a - 1] != '"' and not (code.index('"a, b"') < a < code.index('"a, b"') + 6)


def test_records_are_deterministic_and_ids_differ_per_kind(units):
    a, b = _run(units)[0], _run(units)[0]
    assert [(r.id, r.input, r.output) for r in a] == [(r.id, r.input, r.output) for r in b]
    assert len({r.id for r in a}) == len(a)
    zh = _run(units, zh_ratio=1.0)[0]
    assert all(r.instruction_lang == "zh" and "<FILL>" in r.instruction for r in zh)
    assert [r.output for r in zh] == [r.output for r in a], "the position does not depend on the wording"


def test_fim_parts_round_trip_and_refuse_other_inputs():
    for prefix, suffix in [("a = ", "\nb"), ("", ""), ("x\n```\n", "\n```y"), ("f(\n  ", ")\n")]:
        assert fim_parts(render_input("p.py", "python", prefix, suffix)) == (prefix, suffix)
    with pytest.raises(ValueError):
        fim_parts("File: p.py\n```python\nno marker\n```")
    with pytest.raises(ValueError):
        fim_parts("something else")


def test_fim_text_orders_prefix_suffix_middle():
    t = FimTokens("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
    assert fim_text("a = ", "\nb", "1", t) == "<fim_prefix>a = <fim_suffix>\nb<fim_middle>1"


def _tokenizer(extra: list[str]):
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "a": 1, "b": 2, "=": 3}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens(extra)
    return tok


def test_fim_tokens_found_in_a_tokenizer_or_none(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    star = _tokenizer(["<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|endoftext|>"])
    assert fim_tokens(star) == FimTokens("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
    qwen = _tokenizer(["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"])
    assert fim_tokens(qwen) == FimTokens("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")
    assert fim_tokens(_tokenizer(["<|endoftext|>"])) is None
    assert fim_tokens(_tokenizer(["<fim_prefix>", "<fim_suffix>"])) is None, "all three are needed"
    transformers = pytest.importorskip("transformers")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=star)
    tokens = fim_tokens(fast)
    assert tokens is not None and tokens.prefix == "<fim_prefix>"
    ids = fast(fim_text("a", "b", "=", tokens))["input_ids"]
    assert ids[0] == fast.convert_tokens_to_ids("<fim_prefix>"), "the FIM token stays one token"


def test_acme_shop_gives_records():
    files, _ = collect(EXAMPLE)
    records, _ = run_tasks(parse_files(files).units, ["code-completion"], TaskOptions())
    assert len(records) > 100 and {_kind(r) for r in records} == {"inline", "in-block", "after-block"}
    assert {r.lang for r in records} >= {"java", "kotlin", "python"}


def test_an_after_block_middle_never_starts_with_a_comment():
    """Review finding: 198 after-block middles of real projects opened with a comment line."""
    from minions.tasks.code_completion import positions

    code = (
        "int f(int x) {\n    if (x > 0) {\n        x++;\n    }\n    // then double it\n    x = x * 2;\n    return x;\n}"
    )
    starts = [code[a:b].split("\n")[0] for a, b in positions(code, "java")["after-block"]]
    assert not any(s.lstrip().startswith("//") for s in starts), starts
    plain = code.replace("    // then double it\n", "")
    assert [plain[a:b].split("\n")[0] for a, b in positions(plain, "java")["after-block"]][:1] == ["x = x * 2;"]
