"""Syntax: a record whose code output does not parse for its language is dropped.

Which outputs are code comes from the declared task table (`outputs.OUTPUT_FORMS`): a whole file
parses as it stands; a member (a method cut out of its class) parses as it stands or inside the
wrapper its language needs (a class for Java, Kotlin and TypeScript; a package clause for Go) —
the tree-sitter grammar of `minions.parsing`, and no ERROR or MISSING node may be left. A query
(`lang` sql) parses with sqlglot in one of `SQL_DIALECTS`, MyBatis `#{name}` and `${name}` markers
read as parameters; JPQL is not checked (sqlglot has no JPQL dialect), nor are fragments
(code-completion middles), doc comments, tables and prose.

Figures: `parses` (1 yes, 0 no, -1 not checked) and `error_line` (the first error's line in the
output, -1 when there is none or the statement is SQL).
"""

from __future__ import annotations

import re

from minions.config import FiltersConfig
from minions.filters.base import register_record_filter
from minions.filters.outputs import is_code, output_form
from minions.parsing.languages import LANGUAGES
from minions.records import InstructionRecord
from minions.tasks.registry import MEMBER_WRAPPERS  # how a member becomes a file again: one table

SQL_DIALECTS = ("mysql", "postgres", "oracle", "tsql", None)  # None: sqlglot's own dialect
_PARAM = re.compile(r"[#$]\{[^}]*\}")


def first_error(code: str, lang: str) -> int | None:
    """The line (1-based) of the first ERROR or MISSING node in code's tree, None when it parses."""
    root = LANGUAGES[lang].parser().parse(code.encode()).root_node
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            return n.start_point[0] + 1
        stack.extend(reversed([c for c in n.children if c.has_error or c.is_missing]))
    return root.end_point[0] + 1


def member_error(code: str, lang: str) -> int | None:
    """A member's first error line (None when it parses as it stands or in its language's wrapper);
    of two failing tries, the one that got further."""
    as_is = first_error(code, lang)
    if as_is is None or lang not in MEMBER_WRAPPERS:
        return as_is
    head, tail = MEMBER_WRAPPERS[lang]
    wrapped = first_error(f"{head}{code}{tail}", lang)
    if wrapped is None:
        return None
    return max(as_is, min(wrapped - head.count("\n"), code.count("\n") + 1))


def sql_parses(text: str) -> bool:
    """Whether a statement parses in one of `SQL_DIALECTS`."""
    import sqlglot

    clean = _PARAM.sub("?", text)
    for dialect in SQL_DIALECTS:
        try:
            sqlglot.parse(clean, read=dialect)
            return True
        except Exception:  # ParseError, TokenError: try the next dialect
            continue
    return False


class Syntax:
    name = "syntax"

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        form = output_form(record.task)
        if is_code(record.task, record.lang):
            err = (
                first_error(record.output, record.lang) if form == "file" else member_error(record.output, record.lang)
            )
            return {"parses": float(err is None), "error_line": float(err or -1)}
        if form == "sql" and record.lang == "sql":
            return {"parses": float(sql_parses(record.output)), "error_line": -1.0}
        return {"parses": -1.0, "error_line": -1.0}

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        if t.syntax and s.get("parses") == 0:
            where = f" (first error at line {int(s['error_line'])})" if s.get("error_line", -1) > 0 else ""
            return False, f"output does not parse for its language{where}"
        return True, ""


register_record_filter(Syntax())
