"""Near-dedup: code tokens, MinHash LSH with an exact Jaccard check, the keep policy, the corpus filter."""

import random

import pytest

from minions.config import FiltersConfig
from minions.filters import apply_filters, code_tokens, near_duplicates
from minions.filters import near_dedup as nd
from minions.filters.dedup import is_canonical
from minions.records import InstructionRecord, Provenance

NAMES = ["order", "user", "product", "cart", "item", "price", "total", "count", "name", "status", "customer", "account"]


def java_class(seed: int, methods: int = 6) -> str:
    """A small Java class of its own: random names, bodies and literals, so two seeds share little."""
    rng = random.Random(seed)

    def name() -> str:
        return rng.choice(NAMES) + rng.choice(NAMES).title() + str(rng.randint(0, 99))

    lines = [f"package com.acme.{rng.choice(NAMES)};", "", f"public class {name().title()} {{"]
    for _ in range(methods):
        a, b = name(), name()
        lines += [
            f"    // returns the {rng.choice(NAMES)}",
            f"    public int {name()}(int {a}, String {b}) {{",
            f'        if ({b} == null) {{ throw new IllegalStateException("{name()} missing"); }}',
            f"        int {name()} = {a} * {rng.randint(2, 999)} + {b}.length();",
            f"        return {name()}Service.{name()}({a}, {rng.randint(0, 999)});",
            "    }",
        ]
    return "\n".join(lines + ["}"]) + "\n"


def reference_jaccard(a: str, b: str, n: int = 5) -> float:
    """Jaccard of the token n-gram sets, with plain Python sets (the definition, no hashing)."""

    def grams(text: str) -> set[tuple[str, ...]]:
        t = code_tokens(text)
        return {tuple(t)} if len(t) < n else {tuple(t[i : i + n]) for i in range(len(t) - n + 1)}

    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y)


def edit_tokens(text: str, count: int, seed: int) -> str:
    """Replace `count` identifiers in different lines of `text` with new names."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for i in rng.sample([i for i, ln in enumerate(lines) if "int " in ln], count):
        lines[i] = lines[i].replace("int ", "int renamed_", 1)
    return "\n".join(lines)


def test_code_tokens_drop_comments_and_whitespace():
    text = 'x = a.b(1, "s");  // note\n/* block\n comment */ y--; # py note\n-- sql note\n<!-- html --> z'
    assert code_tokens(text) == ["x", "=", "a", ".", "b", "(", "1", ",", '"s"', ")", ";", "y", "--", ";", "z"]
    assert code_tokens("if (a  ==  b)\n\t{ return; }") == code_tokens("if(a==b){return;}")


def test_a_url_in_a_string_is_not_a_comment():
    tokens = code_tokens('String url = "https://api.acme.com//v1"; int k = 1; // real comment')
    assert tokens == ["String", "url", "=", '"https://api.acme.com//v1"', ";", "int", "k", "=", "1", ";"]
    assert code_tokens("s = 'a # not a comment' + `x // y`") == ["s", "=", "'a # not a comment'", "+", "`x // y`"]


def test_a_markdown_code_fence_is_not_a_template_string():
    fenced = "Method:\n```java\nint total(int a) {\n    return a + `x`;\n}\n```\nDone."
    assert code_tokens(fenced) == code_tokens("Method: int total(int a) { return a + `x`; } Done.")


def test_code_tokens_keep_operators_and_literals_whole():
    assert code_tokens("a->b >>= 0x1F; c => d != 3.5e2 ... x::y") == [
        "a", "->", "b", ">>=", "0x1F", ";", "c", "=>", "d", "!=", "3.5e2", "...", "x", "::", "y",
    ]  # fmt: skip


def test_planted_near_duplicates_are_found_with_their_exact_jaccard():
    originals = [java_class(s) for s in range(30)]
    reformatted = originals[3].replace("    ", "\t").replace(") {", ")\n{")
    recommented = originals[7].replace("// returns the", "/* gives back the */ //")
    edited = edit_tokens(originals[11], 2, seed=1)
    texts = [*originals, reformatted, recommented, edited]
    found = near_duplicates(texts)
    assert found[:30] == [None] * 30, "distinct documents are never removed"
    assert [f[0] for f in found[30:]] == [3, 7, 11]
    assert found[30][1] == found[31][1] == 1.0
    assert found[32][1] == pytest.approx(reference_jaccard(edited, originals[11]))
    assert 0.8 <= found[32][1] < 1


def test_a_pair_below_the_threshold_is_kept():
    base = java_class(5)
    far = edit_tokens(base, 10, seed=2)  # 10 of the 12 lines declaring an int
    assert 0.5 < reference_jaccard(base, far) < 0.8
    assert near_duplicates([base, far]) == [None, None]


def test_candidates_are_checked_exactly_against_the_threshold():
    """LSH surely proposes this pair (J > 0.9); the exact Jaccard alone decides either side of it."""
    base = java_class(5)
    near = edit_tokens(base, 2, seed=2)
    j = reference_jaccard(base, near)
    assert near_duplicates([base, near], threshold=j) == [None, (0, pytest.approx(j))]
    assert near_duplicates([base, near], threshold=j + 1e-9) == [None, None]


def test_a_chain_never_removes_through_a_removed_text():
    """A~B and B~C but A!~C: B goes as A's duplicate, C stays (it names no kept text it is like)."""
    a = java_class(9)
    b = edit_tokens(a, 4, seed=3)
    c = edit_tokens(b, 4, seed=4)
    assert reference_jaccard(a, b) >= 0.8 and reference_jaccard(b, c) >= 0.8 > reference_jaccard(a, c)
    assert [x and x[0] for x in near_duplicates([a, b, c])] == [None, 0, None]


def test_keep_policy_prefers_the_lowest_rank_then_input_order():
    doc = java_class(1)
    copy = doc.replace("// returns", "// gives")
    assert near_duplicates([doc, copy]) == [None, (0, 1.0)]
    assert near_duplicates([doc, copy], prefer=[1, 0]) == [(1, 1.0), None]
    assert near_duplicates([doc, copy, doc], prefer=[1, 1, 0]) == [(2, 1.0), (2, 1.0), None]


def test_exact_copies_of_a_removed_text_name_the_kept_one():
    doc = java_class(2)
    near = edit_tokens(doc, 1, seed=5)
    found = near_duplicates([doc, near, near])
    assert found[0] is None and found[1][0] == found[2][0] == 0 and found[1][1] == found[2][1] < 1


def test_with_also_both_texts_must_be_alike_and_the_smaller_jaccard_is_reported():
    outline = java_class(3)
    first, second = java_class(11, methods=1), java_class(12, methods=1)
    # one long shared context, two different answers: different lessons
    assert near_duplicates([first, second], also=[outline, outline]) == [None, None]
    edited = edit_tokens(outline, 1, seed=8)
    found = near_duplicates([first, first.replace("    ", "  ")], also=[outline, edited])
    assert found == [None, (0, pytest.approx(reference_jaccard(outline, edited)))]
    assert near_duplicates([first, first], also=[outline, java_class(4)]) == [None, None]


def test_short_texts_are_one_shingle():
    assert near_duplicates(["a b", "a  b", "a c", "", " // only a comment"], ngram=5) == [
        None,
        (0, 1.0),
        None,
        None,
        (3, 1.0),
    ]


def test_deterministic_and_the_same_over_a_process_pool(monkeypatch):
    texts = [java_class(s % 17) if s % 3 else edit_tokens(java_class(s % 17), 1, seed=s) for s in range(60)]
    once = near_duplicates(texts, threshold=0.7)
    assert once == near_duplicates(texts, threshold=0.7)
    monkeypatch.setattr(nd, "_PARALLEL_CHARS", 0)
    monkeypatch.setattr(nd, "cores", lambda: 2)
    assert near_duplicates(texts, threshold=0.7) == once
    assert sum(x is not None for x in once) > 40


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="threshold"):
        near_duplicates(["a"], threshold=0)
    with pytest.raises(ValueError, match="ngram"):
        near_duplicates(["a"], ngram=0)
    with pytest.raises(ValueError, match="prefer has 1 items for 2 texts"):
        near_duplicates(["a", "b"], prefer=[0])
    with pytest.raises(ValueError, match="also has 3 items for 2 texts"):
        near_duplicates(["a", "b"], also=["a", "b", "c"])


@pytest.mark.parametrize("threshold", [0.01, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0])
def test_lsh_shape_meets_the_recall_target_at_the_threshold(threshold):
    bands, rows = nd.lsh_shape(threshold)
    assert bands * rows <= nd.NUM_PERM
    recall = 1 - (1 - threshold**rows) ** bands
    assert recall >= 0.95 or rows == 1
    if rows < 16:  # one more row per band would miss the target
        assert 1 - (1 - threshold ** (rows + 1)) ** (nd.NUM_PERM // (rows + 1)) < 0.95


def test_the_default_shape_is_18_bands_of_7_rows():
    assert nd.lsh_shape(0.8) == (18, 7)


@pytest.mark.parametrize(
    "path, canonical",
    [
        ("src/main/java/Order.java", True),
        ("vendor/acme/Order.java", False),
        ("lib/third_party/x.py", False),
        ("web/node_modules/left-pad/index.js", False),
        ("api/generated/Client.java", False),
        ("api/Client.generated.ts", False),
        ("src/Vendor.java", True),
    ],
)
def test_canonical_paths(path, canonical):
    assert is_canonical(path) is canonical


def rec(i: str, output: str, path: str = "src/A.java", task: str = "implement-method") -> InstructionRecord:
    return InstructionRecord(
        id=i,
        task=task,
        instruction="Implement the class.",
        input="class header",
        output=output,
        lang="java",
        source=Provenance(repo="r", commit="c", path=path),
        unit_ids=[f"u{i}"],
        template_id="t",
        module="m",
        focal_class="C",
    )


def test_the_filter_removes_the_vendored_copy_and_names_the_kept_one():
    doc = java_class(4)
    copy = edit_tokens(doc, 1, seed=6)
    records = [
        rec("vendored", doc, path="vendor/acme/A.java"),
        rec("canonical", copy),
        rec("other", java_class(8)),
        rec("other-task", doc, task="write-test"),  # near-dedup runs within a task
    ]
    kept, rejected = apply_filters(records, FiltersConfig())
    assert [r.id for r in kept] == ["canonical", "other", "other-task"]
    j = reference_jaccard(doc, copy)  # the inputs are equal: the outputs' Jaccard is the smaller
    assert [(x.id, x.stage, x.reason) for x in rejected] == [
        ("vendored", "filter:near-dedup", f"near duplicate of canonical (jaccard {j:.2f})")
    ]


def test_records_sharing_a_long_context_with_different_answers_are_kept():
    """Review of mall: one class outline in the input of every implement-method record of the class
    made records of different methods look alike when input and output were joined."""
    outline = java_class(3, methods=12)
    records = [rec(f"m{i}", java_class(20 + i, methods=1)) for i in range(4)]
    records = [r.model_copy(update={"input": outline}) for r in records]
    assert near_removed(records, FiltersConfig()) == []


def test_a_doc_comment_output_is_compared_by_its_words():
    method = java_class(5, methods=1)
    docs = ["/**\n * Sums the order lines.\n */", "/**\n * Sends the invoice by mail to the customer.\n */"]
    records = [rec(f"d{i}", d, task="doc-generation").model_copy(update={"input": method}) for i, d in enumerate(docs)]
    assert near_removed(records, FiltersConfig(min_output_lines=1)) == []
    copy = rec("copy", "// Sums the order lines.", task="doc-generation").model_copy(update={"input": method})
    assert near_removed([*records, copy], FiltersConfig(min_output_lines=1)) == ["copy"]


@pytest.mark.parametrize("config", [FiltersConfig(near_dedup=None), FiltersConfig(dedup="none")])
def test_the_filter_can_be_turned_off(config):
    doc = java_class(4)
    kept, _ = apply_filters([rec("a", doc), rec("b", edit_tokens(doc, 1, seed=6))], config)
    assert len(kept) == 2


def near_removed(records: list[InstructionRecord], config: FiltersConfig) -> list[str]:
    return [x.id for x in apply_filters(records, config)[1] if x.stage == "filter:near-dedup"]


def test_the_filter_threshold_and_ngram_come_from_the_config():
    doc = java_class(6)
    pair = [rec("a", doc), rec("b", edit_tokens(doc, 10, seed=7))]
    assert near_removed(pair, FiltersConfig()) == []
    assert near_removed(pair, FiltersConfig(near_dedup=0.5)) == ["b"]
    # the same tokens line by line, no 5-gram in common
    spread = "\n".join(" ".join(f"{t} q" for t in code_tokens(line)) for line in doc.splitlines())
    pair = [rec("a", doc), rec("b", spread)]
    assert near_removed(pair, FiltersConfig()) == []
    assert near_removed(pair, FiltersConfig(near_dedup_ngram=1, syntax=False)) == ["b"], "b does not parse: syntax off"


def test_floor_division_and_unclosed_globs_are_not_comments():
    a = "def half(n):\n    return n // 2 + offset_for(n) * scale - 1\n"
    b = "def half(n):\n    return n // 3 - other_thing(n, k) / 7 + 99\n"
    assert code_tokens(a, "python") != code_tokens(b, "python")
    assert near_duplicates([a, b], langs=["python", "python"]) == [None, None]
    shell = [
        "rm -rf build/* && make all && cp out/app /usr/bin/app",
        "rm -rf build/* && npm ci && npm run test -- --ci",
    ]
    assert near_duplicates(shell) == [None, None], "an unclosed /* comments out nothing"
    assert code_tokens("x = 1; // note\nreturn n /* c */ + 2", "java") == ["x", "=", "1", ";", "return", "n", "+", "2"]


def test_delta_mode_recognises_an_earlier_chat_form_version():
    # review finding: a chat-form record has no separate input, so the input comparison never matched
    from minions.config import FiltersConfig
    from minions.filters.dedup import only_new

    new = rec("n1", java_class(3)).model_copy(update={"input": "Class outline:\nclass Orders { }\nMore context here."})
    chat = new.model_copy(update={"id": "o1"}).to_chat()
    earlier = [
        {
            **{k: v for k, v in chat.items() if k != "messages"},
            "instruction": chat["messages"][1]["content"],
            "input": "",
            "output": chat["messages"][2]["content"],
            "system": chat["messages"][0]["content"],
        }
    ]  # fmt: skip (as datasets.read.load_records reads it)
    kept, gone = only_new([new], earlier, "v1abcdef", FiltersConfig())
    assert kept == [] and gone[0].reason.startswith("already in dataset version v1abcdef as o1")


def test_properties_and_xml_urls_are_not_comments():
    a, b = "db.url=jdbc:mysql://prod-db:3306/shop", "db.url=jdbc:mysql://test-db:5432/other"
    assert code_tokens(a, "properties") != code_tokens(b, "properties")
    assert "maven2" in code_tokens("<url>https://repo.example.org/maven2</url>", "xml")
