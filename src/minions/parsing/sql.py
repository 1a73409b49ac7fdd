"""What a query says, read from its text: the statement (select, insert, update, delete), the tables or
JPQL entity names it reads and writes, and the meaning of a Spring Data derived query method's name.

Text only, no tree-sitter: used for `@Query` strings, MyBatis annotations and mapper XML alike. The
readers are heuristics meant for the usual shapes of queries (a from list, joins, `insert into`,
`update`, `delete from`, subqueries), not a SQL parser.
"""

from __future__ import annotations

import re

STATEMENTS = ("select", "insert", "update", "delete")

_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_STRING = re.compile(r"'(?:''|[^'])*'")
_TAG = re.compile(r"<[^>]*>")  # MyBatis dynamic tags in a <script> annotation
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_NAME = r"[`\"\[]?[A-Za-z_][\w$]*[`\"\]]?(?:\.[`\"\[]?[A-Za-z_][\w$]*[`\"\]]?)*"
# a name after a keyword that introduces a table or entity: `delete from x` and JPQL's `delete X`;
# not MySQL's `on duplicate key update` nor `for update`
_NAMED = re.compile(rf"\b(?:from|join|into|(?<!key )(?<!for )update|delete(?!\s+from\b))\s+({_NAME})", re.I)
# what ends a from list: `from a x, b y where ...`
_FROM = re.compile(r"\bfrom\s+", re.I)
_FROM_END = re.compile(
    r"\b(?:where|join|inner|left|right|full|cross|natural|group|order|having|limit|union|on|for|set|values|select)\b"
    r"|[();]",
    re.I,
)
_CTE = re.compile(r"(?:\bwith(?:\s+recursive)?|,)\s+(\w+)\s+as\s*\(", re.I)  # `with x as (...)`: no table
_FROM_FUNCTIONS = {"extract", "trim", "substring", "position", "overlay"}  # `extract(year from d)`
_NOT_NAMES = {
    "select",
    "set",
    "values",
    "value",
    "where",
    "fetch",
    "lateral",
    "only",
    "dual",
    "unnest",
    "table",
    "ignore",
    "low_priority",
    "nowait",
    "skip",
    "if",
    "exists",
}


def clean(sql: str) -> str:
    """The query with comments, string literals and XML tags removed (their places kept as spaces)."""
    sql = _COMMENT.sub(" ", sql)
    sql = _STRING.sub("''", sql)
    return _TAG.sub(" ", sql)


def statement_of(query: str) -> str | None:
    """select, insert, update or delete: the query's first keyword (`with ...` and a JPQL query that
    starts with `from` are selects; `replace`, `merge` and `upsert` write like inserts)."""
    for word in _FIRST_WORD.findall(clean(query))[:1]:
        word = word.lower()
        if word in STATEMENTS:
            return word
        if word in ("with", "from"):
            return "select"
        if word in ("replace", "merge", "upsert"):
            return "insert"
    return None


def _in_from_function(text: str, pos: int) -> bool:
    """Whether `pos` sits inside `extract(...)`, `trim(...)` and the like, whose `from` is no table's."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                word = re.search(r"(\w+)\s*$", text[:i])
                return bool(word) and word.group(1).lower() in _FROM_FUNCTIONS
            depth -= 1
    return False


def names_in(query: str, jpql: bool = False) -> list[str]:
    """The tables (SQL) or entity names (JPQL) the query names, in order, each once: after `from`
    (each item of a from list), `join`, `into`, `update` and `delete`. A schema or package prefix is
    dropped (`shop.orders` -> `orders`, `com.shop.Order` -> `Order`); in JPQL a path (`o.items`) is
    no name. Subqueries are read too; `${table}` and other placeholders are not names."""
    text = clean(query)
    found = [(m.start(1), m.group(1)) for m in _NAMED.finditer(text) if not _in_from_function(text, m.start())]
    for m in _FROM.finditer(text):
        end = _FROM_END.search(text, m.end())
        items = text[m.end() : end.start() if end else len(text)].split(",")
        pos = m.end() + len(items[0])
        for item in items[1:]:
            pos += 1
            word = re.match(rf"\s*({_NAME})", item)
            if word:
                found.append((pos + word.start(1), word.group(1)))
            pos += len(item)
    ctes = {c.lower() for c in _CTE.findall(text)}
    out: list[str] = []
    for _, raw in sorted(found):
        parts = [p.strip('`"[]') for p in raw.split(".")]
        if jpql and len(parts) > 1 and not parts[-1][:1].isupper():
            continue  # a path: `join o.items i`
        name = parts[-1]
        if name.lower() in _NOT_NAMES or name.lower() in ctes or name in out:
            continue
        out.append(name)
    return out


# ---- Spring Data derived query methods ----

DERIVED_PREFIX = re.compile(r"^(find|read|get|query|search|stream|count|exists|delete|remove)(?=$|[A-Z0-9])")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def derived_query(name: str) -> dict | None:
    """A Spring Data query method's meaning, from its name: `findByEmailAndStatus` ->
    {"text": "find by email and status", "statement": "select"}; None when the name is not one
    (`save`, `customLogic`)."""
    m = DERIVED_PREFIX.match(name)
    if m is None:
        return None
    statement = "delete" if m.group(1) in ("delete", "remove") else "select"
    words = [w.lower() for w in _CAMEL.findall(name)]
    return {"text": " ".join(words), "statement": statement}
