from minions.parsing import parse_files
from minions.records import SourceFile

KOTLIN = """package com.shop.loyalty

/** Points ledger. */
class Ledger(private val repo: Repo) {
    /** Adds points. */
    fun add(points: Int): Int {
        val total = repo.balance() + points
        return total
    }
}

fun tierOf(points: Int): String = if (points > 100) "gold" else "basic"
"""

KOTLIN_TEST = """package com.shop.loyalty

import org.junit.jupiter.api.Test

class LedgerTest {
    @Test
    fun `adds points`() {
        val ledger = Ledger(FakeRepo())
        assertEquals(5, ledger.add(5))
    }
}
"""

PY = '''"""Pricing."""


def convert(amount, rate):
    """Convert an amount."""
    value = amount * rate
    return round(value, 2)


class Importer:
    @staticmethod
    def parse(line):
        parts = line.split(",")
        return parts
'''

PY_TEST = """from pricing import convert


def test_convert_rounds():
    assert convert(1.005, 2) == 2.01
"""


def test_kotlin_units_and_pairing_by_call():
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "loyalty/src/main/kotlin/Ledger.kt", KOTLIN, "kotlin"),
            SourceFile.from_raw("r", "c", "loyalty/src/test/kotlin/LedgerTest.kt", KOTLIN_TEST, "kotlin"),
        ]
    )
    by_name = {(u.kind, u.name): u for u in res.units}
    assert ("class", "Ledger") in by_name and ("method", "tierOf") in by_name
    add = by_name[("method", "add")]
    assert add.class_name == "Ledger" and add.doc == "/** Adds points. */" and "balance" in add.calls
    top = by_name[("method", "tierOf")]
    assert top.class_name == "Ledger" and top.scope == "file", "top-level functions belong to the file"
    assert add.scope == "class"
    test = by_name[("test", "`adds points`")]
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(add.id, "call")]


def test_python_units_docstrings_and_pairing_by_name():
    res = parse_files(
        [
            SourceFile.from_raw("r", "c", "tools/pricing.py", PY, "python"),
            SourceFile.from_raw("r", "c", "tools/tests/test_pricing.py", PY_TEST, "python"),
        ]
    )
    by_name = {(u.kind, u.name): u for u in res.units}
    convert = by_name[("method", "convert")]
    assert convert.class_name == "pricing" and convert.doc == '"""Convert an amount."""'
    assert convert.code.startswith("def convert(amount, rate):")
    assert convert.scope == "file" and "def convert(amount, rate):\n    ..." in convert.context
    assert "value = amount * rate" not in convert.context and "return parts" not in convert.context
    parse = by_name[("method", "parse")]
    assert parse.class_name == "Importer" and parse.code.lstrip().startswith("@staticmethod")
    assert parse.scope == "class"
    test = by_name[("test", "test_convert_rounds")]
    assert [(p.focal_id, p.rule) for p in test.pairs] == [(convert.id, "name")]


def test_kotlin_companion_and_enum_functions():
    src = """class A(val v: Int) {
    companion object {
        fun make(x: Int): A {
            val y = x + 1
            return A(y)
        }
    }
}

enum class Tier(val min: Int) {
    BASIC(0), GOLD(100);

    fun next(): Tier {
        val i = ordinal + 1
        return values()[i]
    }
}
"""
    res = parse_files([SourceFile.from_raw("r", "c", "A.kt", src, "kotlin")])
    got = sorted((u.kind, u.name, u.class_name) for u in res.units)
    assert got == [("class", "A", None), ("class", "Tier", None), ("method", "make", "A"), ("method", "next", "Tier")]
