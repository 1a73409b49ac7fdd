"""text-to-sql: given the schema a query touches and a question, write the query.

Reads query units whose `query.kind` is native SQL (`sql`, `mybatis-annotation`, `mybatis-xml`) or
JPQL (`jpql`); the other kinds (derived, mongo, cql, ...) are not this task's inputs.

- Schema: the compact info (declaration and fields; method lines left out) of the entity classes
  the query touches (class units named in `query.entities`, same repository; an entity-role class
  first where names repeat), then the tables the query names; with neither, the record is rejected (`no schema`).
- Question: the method's doc comment (its description, tags such as `@param` dropped; not when it is
  only a link or one word), else its
  name split into words with its parameters: `findByEmailAndStatus(String email, int status)` ->
  "Find by email and status, given email and status". The question stays in the words derived
  from the code; the instruction around it is in the record's instruction language.
- Output: the query text, dedented and stripped; `lang` is `sql` (or `jpql`). MyBatis `#{name}`
  parameter markers are kept as written: they are the company's parameter syntax, and the question
  names the parameters.

MyBatis XML statements are rendered to plain SQL: the XML is read (entities such as `&lt;` decoded,
CDATA unwrapped), a `<selectKey>` (a second statement that fetches a generated key) is left out,
and `<where>`, `<set>`, `<trim>` holding only static SQL are written out as MyBatis would
(`WHERE` without a leading `AND`/`OR`, `SET` without a trailing comma). A statement with dynamic
SQL (`<if>`, `<choose>`, `<foreach>`, `<bind>`, ...) or an `<include>` of a fragment (the fragment
lies outside the statement's unit) is rejected, naming the tag: its SQL depends on the arguments
at run time, and picking one branch would teach a statement the code never wrote.

Every SQL output must parse with sqlglot (in one of a few common dialects), with `#{...}` markers
and JPA's `?1` read as bind parameters; a `${...}` text substitution or a SpEL `:#{...}` is
rejected, as is a statement that does not parse or that sqlglot only keeps as an opaque command.
JPQL is not SQL and is kept out of that check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import sqlglot
from sqlglot import exp

from minions.parsing.mybatis import Element, parse_xml
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import TaskOptions, Wordings, dedent, fence, make_record, pick, register_task

TASK = "text-to-sql"
SQL_KINDS = {"sql", "mybatis-annotation", "mybatis-xml"}
KINDS = SQL_KINDS | {"jpql"}
DIALECTS = (None, "mysql", "postgres", "oracle", "tsql")

WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Write the {language} statement that answers the question below, using the schema given. "
            "Answer with the {language} only.",
        ),
        (f"{TASK}/en/2", "Given these entities and tables, translate the question into one {language} statement."),
        (
            f"{TASK}/en/3",
            "Here is part of a database schema and a question about its data. Reply with the "
            "{language} query that does what the question asks.",
        ),
    ],
    "zh": [
        (f"{TASK}/zh/1", "根据给出的表结构，编写回答下面问题的 {language} 语句。只回答 {language}。"),
        (f"{TASK}/zh/2", "已知以下实体和表，请把问题翻译成一条 {language} 语句。"),
        (f"{TASK}/zh/3", "下面是数据库结构的一部分和一个关于数据的问题。请给出实现该问题的 {language} 查询。"),
    ],
}
LANGUAGE = {"jpql": "JPQL"}  # the rest: SQL
PARAMS_NOTE = {
    "en": "Parameters are written as MyBatis `#{name}` markers.",
    "zh": "参数写作 MyBatis 的 `#{name}` 占位符。",
}

# ---- the question -----------------------------------------------------------------------------------

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_DOC_TAG = re.compile(r"^\s*@\w+")


def doc_text(doc: str) -> str:
    """A doc comment's description on one line: comment marks and `@param`-style tag lines dropped."""
    body = re.sub(r"^\s*/\*\*?|\*/\s*$", "", doc.strip())
    lines = []
    for ln in body.splitlines():
        ln = re.sub(r"^\s*\*\s?", "", ln).strip()
        if _DOC_TAG.match(ln):
            break  # the tag section ends the description
        lines.append(ln)
    text = " ".join(ln for ln in lines if ln)
    text = re.sub(r"\{@\w+\s+([^}]*)\}", r"\1", text)  # {@code x} -> x
    return re.sub(r"<[^>]+>", "", text).strip()


def param_names(signature: str, name: str) -> list[str]:
    """The parameter names of a Java or Kotlin method signature (annotations and types dropped)."""
    m = re.search(rf"\b{re.escape(name)}\s*\(", signature)
    if m is None:
        return []
    depth, start, items, i = 1, m.end(), [], m.end()
    while i < len(signature) and depth:
        ch = signature[i]
        if ch in "(<[{":
            depth += 1
        elif ch in ")>]}":
            depth -= 1
        elif ch == "," and depth == 1:
            items.append(signature[start:i])
            start = i + 1
        i += 1
    items.append(signature[start : i - 1])
    names = []
    for item in items:
        item = re.sub(r'"[^"]*"', '""', item)
        item = re.sub(r"@[\w.]+(\([^)]*\))?", " ", item).strip()
        if not item:
            continue
        if ":" in item:  # Kotlin: `email: String`
            word = item.split(":", 1)[0].split()[-1] if item.split(":", 1)[0].split() else ""
        else:
            word = item.split()[-1] if len(item.split()) > 1 else ""
        word = word.strip("`")
        if re.fullmatch(r"[A-Za-z_]\w*", word):
            names.append(word)
    return names


def name_words(name: str) -> str:
    words = [w.lower() for w in _CAMEL.findall(name)]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def question(unit: CodeUnit) -> str:
    """The doc comment's description, else the name in words with its parameters."""
    described = doc_text(unit.doc) if unit.doc else ""
    if len(re.sub(r"https?://\S+", " ", described).split()) >= 2 or re.search(r"[\u4e00-\u9fff]", described):
        return described  # a doc that is only a link (or one word) says too little
    params = param_names(unit.signature, unit.name)
    return name_words(unit.name) + (f", given {_and(params)}" if params else "")


# ---- the schema ---------------------------------------------------------------------------------------


def class_index(units: list[CodeUnit]) -> dict[tuple[str, str], CodeUnit]:
    """(repository, class name) -> the class unit, an entity-role one first where names repeat."""
    out: dict[tuple[str, str], CodeUnit] = {}
    for u in units:
        if u.kind != "class" or not u.info:
            continue
        key = (u.source.repo, u.name)
        if key not in out or (u.role == "entity" and out[key].role != "entity"):
            out[key] = u
    return out


def schema_of(unit: CodeUnit, classes: dict[tuple[str, str], CodeUnit]) -> tuple[list[CodeUnit], list[str]]:
    q = unit.query or {}
    found = [classes[k] for e in q.get("entities", []) if (k := (unit.source.repo, e)) in classes]
    return found, list(q.get("tables", []))


# ---- MyBatis XML to SQL ---------------------------------------------------------------------------------

_STATIC_WRAPPERS = {"where", "set", "trim"}


class NotRendered(ValueError):
    """The statement cannot be written as one plain SQL statement; the message is the reason."""


def _render(el: Element, fragments: dict[str, str], depth: int = 0) -> str:
    out = []
    for c in el.children:
        if isinstance(c, str):
            out.append(c)
        elif c.tag == "selectKey":
            continue
        elif c.tag in _STATIC_WRAPPERS:
            out.append(_wrap(c, _render(c, fragments, depth)))
        elif c.tag == "include":  # a `<sql>` fragment of the mapper, written in place (when static too)
            text = fragments.get(c.attrs.get("refid", ""))  # keyed by the refid as written (see parsing)
            if text is None or depth >= 5:
                raise NotRendered("mybatis <include> of a fragment outside the mapper")
            try:
                frag = parse_xml(text.strip().encode())
            except Exception as e:
                raise NotRendered("mybatis <sql> fragment xml does not parse") from e
            lead = "" if not out or out[-1][-1:].isspace() else " "  # a fragment on its own line keeps its indent
            out.append(lead + " ".join(_render(frag, fragments, depth + 1).split()) + " ")
        else:
            raise NotRendered(f"mybatis dynamic sql (<{c.tag}>)")
    return "".join(out)


def _wrap(el: Element, inner: str) -> str:
    body = inner.strip()
    if not body:
        return ""
    if el.tag == "where":
        return " WHERE " + re.sub(r"^(and|or)\b\s*", "", body, flags=re.I) + " "
    if el.tag == "set":
        return " SET " + body.rstrip(",").rstrip() + " "
    a = el.attrs
    for attr, side in (("prefixOverrides", "^"), ("suffixOverrides", "$")):
        for word in filter(None, (w.strip() for w in a.get(attr, "").split("|"))):
            pattern = rf"^{re.escape(word)}\s*" if side == "^" else rf"\s*{re.escape(word)}$"
            body = re.sub(pattern, "", body, flags=re.I)
    return f" {a.get('prefix', '')} {body} {a.get('suffix', '')} "


def xml_sql(code: str, fragments: dict[str, str] | None = None) -> str:
    """The plain SQL of a mapper XML statement (see the module doc), `<include>`s of the mapper's
    static `<sql>` fragments written in place (`fragments`: id -> the fragment as written), or NotRendered."""
    try:
        root = parse_xml(code.strip().encode())
    except Exception as e:  # expat's errors, and UnsafeXml for a refused DOCTYPE
        raise NotRendered("mybatis statement xml does not parse") from e
    lines = _render(root, fragments or {}).split("\n")
    # spaces the rendering put around a fragment or wrapper collapse; a line's indentation stays
    return dedent("\n".join(re.sub(r"(?<=\S) {2,}", " ", ln.rstrip()) for ln in lines)).strip()


# ---- the sqlglot check ----------------------------------------------------------------------------------

_MARKER = re.compile(r"#\{[^}]*\}")
_POSITIONAL = re.compile(r"\?(\d+)")


def sql_problem(sql: str) -> str | None:
    """Why the SQL is refused (substitutions, SpEL, no parse in any dialect tried), or None."""
    if "${" in sql:
        return "mybatis ${} text substitution"
    if ":#{" in sql or "?#{" in sql:
        return "SpEL expression in query"
    probe = _POSITIONAL.sub(r":p\1", _MARKER.sub(":p", sql))
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.CRITICAL)  # sqlglot warns when it falls back to an opaque command
    try:
        for dialect in DIALECTS:
            try:
                statements = [s for s in sqlglot.parse(probe, read=dialect) if s is not None]
            except Exception:  # sqlglot's ParseError and TokenError, and its odd internal failures
                continue
            if statements and not any(isinstance(s, exp.Command) for s in statements):
                return None
    finally:
        log.setLevel(level)
    return "sql does not parse (sqlglot)"


# ---- the builder ----------------------------------------------------------------------------------------


def query_output(unit: CodeUnit) -> str:
    """The query as the record's output (NotRendered for a MyBatis statement that cannot be)."""
    q = unit.query or {}
    if q.get("kind") == "mybatis-xml":
        return xml_sql(unit.code, (unit.query or {}).get("fragments") or {})
    return dedent(q.get("text", "")).strip()


def data_info(info: str) -> str:
    """A class's compact info without its method lines: the declaration, fields and enum values."""
    return "\n".join(ln for ln in info.splitlines() if not re.match(r"- (private )?methods:", ln))


def schema_block(entities: list[CodeUnit], tables: list[str]) -> list[str]:
    parts = []
    if entities:
        parts += ["Entities:", fence("\n".join(data_info(e.info) for e in entities), "")]
    if tables:
        parts.append("Tables: " + ", ".join(tables))
    return parts


@register_task(
    TASK,
    "Write a SQL (or JPQL) query from the schema it touches and a question derived from its method.",
    needs="query units of kind sql, mybatis-annotation, mybatis-xml or jpql, and the entity class units",
    min_output_lines=1,
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    classes = class_index(units)
    for u in units:
        if u.kind != "query" or (u.query or {}).get("kind") not in KINDS:
            continue
        kind = u.query["kind"]

        def reject(reason: str, unit: CodeUnit = u) -> Rejection:
            return Rejection(id=unit.id, task=TASK, stage="tasks", reason=reason)

        try:
            output = query_output(u)
        except NotRendered as e:
            yield reject(str(e))
            continue
        if not output:
            yield reject("empty query text")
            continue
        if kind in SQL_KINDS and (problem := sql_problem(output)):
            yield reject(problem)
            continue
        entities, tables = schema_of(u, classes)
        if not entities and not tables:
            yield reject("no schema (no entity or table known)")
            continue
        lang, template_id, template = pick(TASK, [u.id], "", WORDINGS, options)
        language = LANGUAGE.get(kind, "SQL")
        parts = schema_block(entities, tables if kind != "jpql" or not entities else [])
        if kind.startswith("mybatis"):
            parts.append(PARAMS_NOTE[lang])
        parts.append(("Question: " if lang == "en" else "问题：") + question(u))
        record = make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(language=language),
            input="\n".join(parts),
            output=output,
            unit=u,
            unit_ids=[u.id],
            instruction_lang=lang,
            focal_class=u.class_name or u.name,
            module=u.module,
        )
        yield record.model_copy(update={"lang": "jpql" if kind == "jpql" else "sql"})
