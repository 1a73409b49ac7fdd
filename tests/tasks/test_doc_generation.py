"""doc-generation: a method without its doc comment in, the doc comment as written out."""

from __future__ import annotations

import pytest

from helpers import ROOT
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.doc_generation import prose
from minions.tasks.implement_from_test import parses

TASK = "doc-generation"

JAVA = """package com.shop;

@Service
public class CustomerService {
    private final CustomerRepository customers;

    /**
     * Registers a customer after normalising the e-mail address
     * and checking that no other account uses it.
     *
     * @param email the address to register
     * @return the saved customer
     */
    @Transactional
    public Customer register(String email) {
        String normalized = email.trim().toLowerCase();
        return customers.save(new Customer(normalized));
    }

    /** Gets the name. */
    public String getName() {
        return name;
    }

    /**
     * @return the label shown on the invoice
     */
    public String getLabel() {
        return label;
    }

    /** Returns the customer name of this customer. */
    public String getCustomerName() {
        return customerName;
    }

    public int undocumented() {
        return 1;
    }
}
"""

PY = '''class Ledger:
    """Points per customer."""

    def expire(self, before, *, dry_run=False):
        """Removes the points earned before the cut-off date
        and reports how many went.

        Args:
            before: the cut-off date.
        """

        gone = [e for e in self.entries if e.at < before]
        return len(gone)

    def hook(self):
        """Subclasses override this hook to audit each change."""


def total(entries):
    """Adds up the points of all entries, spent ones included."""
    return sum(e.points for e in entries)
'''

GO = """package shop

// Total returns the sum of all item prices in the cart, in cents.
// Negative prices (refunds) are left out.
func Total(items []int) int {
\tt := 0
\tfor _, i := range items {
\t\tif i > 0 {
\t\t\tt += i
\t\t}
\t}
\treturn t
}
"""

TS = """export class PriceService {
  /**
   * Computes the discounted price of a product, rounded to cents.
   * @param price the list price
   */
  discounted(price: number, pct: number): number {
    return Math.round(price * (100 - pct)) / 100;
  }
}
"""

KOTLIN = """package com.shop

class Tiers {
    /**
     * Picks the highest tier whose threshold the points reach.
     */
    fun tierFor(points: Long): String {
        return if (points >= 1000) "gold" else "silver"
    }
}
"""

FILES = [
    ("src/main/java/com/shop/CustomerService.java", JAVA, "java"),
    ("tools/ledger.py", PY, "python"),
    ("shop/cart.go", GO, "go"),
    ("web/src/price.service.ts", TS, "typescript"),
    ("loyalty/src/main/kotlin/com/shop/Tiers.kt", KOTLIN, "kotlin"),
]


@pytest.fixture(scope="module")
def units():
    return parse_files([SourceFile.from_raw("shop", "c", p, t, lang) for p, t, lang in FILES]).units


def _run(units, **opts):
    records, rejected = run_tasks(units, [TASK], TaskOptions(**opts))
    name = {u.id: u.name for u in units}
    return {name[r.unit_ids[0]]: r for r in records}, {name[x.id]: x.reason for x in rejected}


def test_substantial_docs_teach_and_thin_ones_are_rejected_with_the_rule(units):
    records, rejected = _run(units)
    assert set(records) == {"register", "expire", "total", "Total", "discounted", "tierFor"}
    assert rejected == {
        "getName": "doc has fewer than 4 words of prose",
        "getLabel": "doc has no prose, only tags",
        "getCustomerName": "doc restates the method name",
        "hook": "nothing but the doc comment",
    }, "undocumented methods are no candidates: passed over, not rejected"


def test_java_record_exactly(units):
    r = _run(units)[0]["register"]
    assert r.input == (
        "File: src/main/java/com/shop/CustomerService.java\n"
        "Class: @Service class com.shop.CustomerService\n"
        "```java\n"
        "@Transactional\n"
        "public Customer register(String email) {\n"
        "    String normalized = email.trim().toLowerCase();\n"
        "    return customers.save(new Customer(normalized));\n"
        "}\n"
        "```"
    )
    assert r.output == (
        "/**\n"
        " * Registers a customer after normalising the e-mail address\n"
        " * and checking that no other account uses it.\n"
        " *\n"
        " * @param email the address to register\n"
        " * @return the saved customer\n"
        " */"
    )
    assert "Javadoc" in r.instruction and "`register`" in r.instruction and "`CustomerService`" in r.instruction
    assert r.lang == "java" and r.focal_class == "CustomerService" and r.pairing_rule is None


def test_python_docstring_is_cut_out_of_the_input(units):
    records, _ = _run(units)
    r = records["expire"]
    assert r.output == (
        '"""Removes the points earned before the cut-off date\n'
        "and reports how many went.\n"
        "\n"
        "Args:\n"
        "    before: the cut-off date.\n"
        '"""'
    )
    assert r.input == (
        "File: tools/ledger.py\n"
        "Class: class tools.ledger.Ledger\n"
        "```python\n"
        "def expire(self, before, *, dry_run=False):\n"
        "    gone = [e for e in self.entries if e.at < before]\n"
        "    return len(gone)\n"
        "```"
    )
    assert "docstring" in r.instruction
    fn = records["total"]
    assert fn.input.endswith("```python\ndef total(entries):\n    return sum(e.points for e in entries)\n```")
    assert fn.output == '"""Adds up the points of all entries, spent ones included."""' and "Class:" not in fn.input


def test_every_input_is_free_of_its_doc_and_parses(units):
    records, _ = _run(units)
    for r in records.values():
        code = r.input.split("```", 1)[1].split("\n", 1)[1].rsplit("```", 1)[0]
        assert parses(code, r.lang), code
        assert r.output not in r.input and "/**" not in r.input and '"""' not in r.input and "// " not in r.input
        assert r.output == r.output.strip()
    assert records["Total"].output == (
        "// Total returns the sum of all item prices in the cart, in cents.\n// Negative prices (refunds) are left out."
    )
    assert records["discounted"].output.startswith("/**\n * Computes the discounted price")
    assert records["tierFor"].output == "/**\n * Picks the highest tier whose threshold the points reach.\n */"
    assert "KDoc" in records["tierFor"].instruction and "TSDoc" in records["discounted"].instruction


def test_prose_strips_markers_tags_and_sections():
    assert prose("/** Uses {@link Money#plus} for <b>every</b> line.\n * @return the sum */", "java") == (
        "Uses Money#plus for every line."
    )
    assert prose('r"""Sums it.\n\n    :param x: the x\n    """', "python") == "Sums it."
    assert prose("//go:noinline\n// Adds two numbers.", "go") == "Adds two numbers."


def test_chinese_wordings_and_determinism(units):
    zh, _ = _run(units, zh_ratio=1.0)
    assert all(r.instruction_lang == "zh" and r.template_id.startswith(f"{TASK}/zh/") for r in zh.values())
    assert "Javadoc 注释" in zh["register"].instruction
    en, _ = _run(units)
    assert [r.id for r in en.values()] == [r.id for r in _run(units)[0].values()]
    assert zh["register"].output == en["register"].output and zh["register"].id != en["register"].id


def test_acme_shop_yields_records():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, [TASK], TaskOptions())
    assert len(records) > 50 and {r.lang for r in records} == {"java", "kotlin", "python", "typescript"}
    for r in records:
        assert r.output.startswith(("/**", '"""')) and r.output not in r.input
