"""Query units and the entity classes they touch.

A query unit carries `query`: {kind, statement, text, entities, tables} (mapper XML statements also
`mapper` and `method_id`). The kinds:

- `jpql`, `sql`, `mongo`, `cql`, `cypher`, `n1ql`, `elasticsearch`: a repository method's `@Query`,
  in the language of the Spring Data store whose `@Query` the file imports (`nativeQuery = true` is
  `sql`; without an import, a `{...}` JSON query is `mongo` and the rest `jpql`);
- `mybatis-annotation`: `@Select`, `@Insert`, `@Update`, `@Delete` on a mapper interface's method;
- `derived`: a Spring Data query method whose name is the query (`findByEmailAndStatus`) on an
  interface extending a Spring Data repository (`JpaRepository<User, Long>`: the entity is `User`);
  `text` is what the name says (`find by email and status`);
- `mybatis-xml`: a statement of a MyBatis mapper XML file (see `mybatis.py`).

Java and Kotlin call `java_query` / `kotlin_query` for each method without a body; after every file
is parsed, `finish_queries` reads the mapper XML files, resolves each query's tables to entity
classes, and drops MyBatis Generator output. Entities are classes annotated `@Entity`, `@Table`,
`@Document` or MyBatis-Plus `@TableName`, and the classes MyBatis maps rows to (`<resultMap>` types,
a select's `resultType`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tree_sitter import Node

from minions.parsing.languages import FileContext, doc_before, make_unit, text, walk
from minions.parsing.sql import derived_query, names_in, statement_of
from minions.records import CodeUnit, SourceFile

MYBATIS_ANNOTATIONS = {"Select": "select", "Insert": "insert", "Update": "update", "Delete": "delete"}
REPOSITORY_BASES = {
    "Repository",
    "CrudRepository",
    "ListCrudRepository",
    "PagingAndSortingRepository",
    "ListPagingAndSortingRepository",
    "JpaRepository",
    "JpaRepositoryImplementation",
    "RevisionRepository",
    "ReactiveCrudRepository",
    "ReactiveSortingRepository",
    "RxJava3CrudRepository",
    "CoroutineCrudRepository",
    "CoroutineSortingRepository",
    "MongoRepository",
    "ReactiveMongoRepository",
    "R2dbcRepository",
    "ElasticsearchRepository",
    "Neo4jRepository",
    "ReactiveNeo4jRepository",
    "CassandraRepository",
    "ReactiveCassandraRepository",
    "CouchbaseRepository",
    "KeyValueRepository",
}
# the language a Spring Data store's `@Query` takes, told by its import
STORE_KINDS = {
    "jpa": "jpql",
    "jdbc": "sql",
    "r2dbc": "sql",
    "mongodb": "mongo",
    "cassandra": "cql",
    "neo4j": "cypher",
    "couchbase": "n1ql",
    "elasticsearch": "elasticsearch",
}
SQL_LIKE = {"sql", "cql", "n1ql"}
_QUERY_IMPORT = re.compile(rb"import\s+org\.springframework\.data\.(\w+)\.repository\.(?:query\.)?Query\b")


def query_info(kind: str, text_: str, statement: str | None, entities=(), tables=(), **extra) -> dict:
    return {
        "kind": kind,
        "statement": statement,
        "text": text_,
        "entities": list(dict.fromkeys(entities)),
        "tables": list(dict.fromkeys(tables)),
        **extra,
    }


def _from_text(kind: str, query: str, entity: str | None) -> dict:
    """The query dict of a query written out (`@Query`, a MyBatis annotation)."""
    repository = [entity] if entity else []
    if kind == "jpql":
        names = names_in(query, jpql=True)
        return query_info(kind, query, statement_of(query), names or repository)
    if kind in SQL_LIKE or kind == "mybatis-annotation":
        tables = names_in(query)
        return query_info(kind, query, statement_of(query), [] if tables else repository, tables)
    return query_info(kind, query, "select" if kind == "mongo" else None, repository)


def _derived(name: str, entity: str | None) -> dict | None:
    meaning = derived_query(name) if entity else None
    return query_info("derived", meaning["text"], meaning["statement"], [entity]) if meaning else None


def _simple(type_name: str) -> str:
    return type_name.split("<")[0].strip().rsplit(".", 1)[-1]


# ---- Java ----


def _unescape(s: str) -> str:
    """Java's and Kotlin's escapes: `\\n`, `\\"`, Kotlin's `\\$`, Java's `\\s` and line continuation."""
    table = {"n": "\n", "t": "\t", "s": " ", '"': '"', "'": "'", "\\": "\\", "$": "$", "r": "", "\n": ""}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(0)), s, flags=re.S)


def _text_block(raw: str) -> str:
    """A Java text block's value: from the line after `\"\"\"`, incidental indentation and trailing
    spaces stripped (the closing delimiter's line counts for the indentation)."""
    lines = raw.split("\n")[1:]
    significant = [ln for ln in lines[:-1] if ln.strip()] + lines[-1:]
    margin = min((len(ln) - len(ln.lstrip()) for ln in significant), default=0)
    out = [ln[margin:].rstrip() for ln in lines]
    return _unescape("\n".join(out[:-1] if not lines[-1].strip() else out))


def java_string(node: Node | None, ctx: FileContext, consts: dict[str, str]) -> str | None:
    """A compile-time string: a literal or text block, a known constant, a concatenation of those."""
    if node is None:
        return None
    if node.type == "string_literal":
        parts = [c for c in node.children if c.type not in ('"', '"""')]
        raw = "".join(text(c, ctx) for c in parts)
        return _text_block(raw) if node.children and node.children[0].type == '"""' else _unescape(raw)
    if node.type == "identifier":
        return consts.get(text(node, ctx))
    if node.type == "parenthesized_expression" and node.named_children:
        return java_string(node.named_children[0], ctx, consts)
    if node.type == "binary_expression" and text(node.child_by_field_name("operator"), ctx) == "+":
        left = java_string(node.child_by_field_name("left"), ctx, consts)
        right = java_string(node.child_by_field_name("right"), ctx, consts)
        return None if left is None or right is None else left + right
    return None


def java_element(ann: Node, ctx: FileContext, *keys: str) -> Node | None:
    """An annotation's element of one of these keys (`key = ...`); for `value`, also its positional
    argument."""
    args = ann.child_by_field_name("arguments")
    for c in args.named_children if args else []:
        if c.type == "element_value_pair":
            if text(c.child_by_field_name("key"), ctx) in keys:
                return c.child_by_field_name("value")
        elif "value" in keys and c.type != "comment":
            return c
    return None


def _java_strings(node: Node | None, ctx: FileContext, consts: dict[str, str]) -> str | None:
    """A string element, or an array of them joined by spaces (as MyBatis joins `@Select({...})`)."""
    if node is None:
        return None
    items = node.named_children if node.type == "element_value_array_initializer" else [node]
    values = [java_string(i, ctx, consts) for i in items if i.type != "comment"]
    return None if any(v is None for v in values) else " ".join(values)


def java_repository_entity(cls: Node, ctx: FileContext) -> str | None:
    """The entity of a Spring Data repository interface: `extends JpaRepository<User, Long>` -> User."""
    for holder in cls.children:
        if holder.type not in ("extends_interfaces", "super_interfaces", "superclass"):
            continue
        for t in walk(holder, {"generic_type"}):
            if t.parent is None or t.parent.type not in ("type_list", "extends_interfaces", "superclass"):
                continue
            name = next((c for c in t.children if c.type in ("type_identifier", "scoped_type_identifier")), None)
            args = next((c for c in t.children if c.type == "type_arguments"), None)
            found = _repository(text(name, ctx) if name else "", _texts(args, ctx))
            if found:
                return found
    return None


def _texts(args: Node | None, ctx: FileContext) -> list[str]:
    return [text(a, ctx) for a in args.named_children] if args is not None else []


def _repository(base: str, args: list[str]) -> str | None:
    base = _simple(base)
    if len(args) >= 2 and (base in REPOSITORY_BASES or base.endswith("Repository")):
        entity = _simple(args[0])
        return entity if entity[:1].isupper() and len(entity) > 1 else None  # not a type variable `T`
    return None


def java_query(
    method: Node, annotations: dict[str, Node], entity: str | None, consts: dict[str, str], ctx: FileContext
) -> dict | None:
    """The query of a Java method without a body, or None: `@Query`, a MyBatis annotation, or a
    derived query method of a repository interface (`entity` is the repository's)."""
    if method.parent is not None and method.parent.type == "interface_body":
        consts = {**_interface_constants(method.parent, ctx), **consts}
    name = text(method.child_by_field_name("name"), ctx)
    if "Query" in annotations:
        ann = annotations["Query"]
        value = java_element(ann, ctx, "value")
        if value is None and (derived := _derived(name, entity)):
            return derived  # `@Query(fields = ...)`: the name is still the query
        query = java_string(value, ctx, consts) if value is not None else None
        if query is None:
            query = text(value, ctx) if value is not None else ""
        native = java_element(ann, ctx, "nativeQuery")
        return _from_text(_query_kind(query, native is not None and text(native, ctx) == "true", ctx), query, entity)
    for annotation, statement in MYBATIS_ANNOTATIONS.items():
        if annotation in annotations:
            value = java_element(annotations[annotation], ctx, "value")
            query = _java_strings(value, ctx, consts)
            if query is None:
                query = text(value, ctx) if value is not None else ""
            info = _from_text("mybatis-annotation", query, None)
            return {**info, "statement": statement}
    return _derived(name, entity)


def _interface_constants(body: Node, ctx: FileContext) -> dict[str, str]:
    """An interface's string constants (its fields are constants without saying `static final`)."""
    consts: dict[str, str] = {}
    for field_ in (c for c in body.children if c.type == "constant_declaration"):
        for decl in (c for c in field_.children if c.type == "variable_declarator"):
            value = java_string(decl.child_by_field_name("value"), ctx, consts)
            if value is not None:
                consts[text(decl.child_by_field_name("name"), ctx)] = value
    return consts


def _query_kind(query: str, native: bool, ctx: FileContext) -> str:
    """`sql` for a native query, else the language of the store whose `@Query` the file imports;
    without an import, `mongo` for a JSON query and `jpql` for the rest."""
    if native:
        return "sql"
    store = _QUERY_IMPORT.search(ctx.src)
    if store and store.group(1).decode() in STORE_KINDS:
        return STORE_KINDS[store.group(1).decode()]
    return "mongo" if query.lstrip().startswith("{") else "jpql"


# ---- Kotlin ----


def _kotlin_string(node: Node, ctx: FileContext, consts: dict[str, str]) -> str | None:
    """A string literal (a raw one dedented; `${'$'}` is a dollar sign), a `const val`, or a `+` of those."""
    if node.type == "string_literal":
        out = []
        for c in node.named_children:
            if c.type == "string_content":
                out.append(text(c, ctx))
            elif text(c, ctx) in ("'$'", '"$"'):
                out.append("$")
            elif c.type == "interpolated_identifier":
                out.append("$" + text(c, ctx))
            else:
                return None
        value = "".join(out)
        if not text(node, ctx).startswith('"""'):
            return _unescape(value)
        lines = value.split("\n")  # a raw string, dedented as trimIndent() would
        margin = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        return "\n".join(ln[margin:].rstrip() for ln in lines).strip("\n")
    if node.type == "simple_identifier":
        return consts.get(text(node, ctx))
    if node.type == "additive_expression" and len(node.named_children) == 2:
        left, right = (_kotlin_string(c, ctx, consts) for c in node.named_children)
        return None if left is None or right is None else left + right
    if node.type == "parenthesized_expression" and node.named_children:
        return _kotlin_string(node.named_children[0], ctx, consts)
    return None


def _kotlin_argument(ann: Node, ctx: FileContext, key: str) -> list[Node]:
    """An annotation argument's value nodes (each item of `[...]` / `arrayOf(...)`); `value` is also the
    positional one."""
    call = next((c for c in ann.children if c.type == "constructor_invocation"), None)
    args = next((c for c in call.children if c.type == "value_arguments"), None) if call else None
    for arg in args.named_children if args else []:
        parts = arg.named_children
        named = len(parts) == 2 and parts[0].type == "simple_identifier"
        if (text(parts[0], ctx) if named else "value") != key or not parts:
            continue
        value = parts[-1]
        if value.type == "collection_literal":
            return list(value.named_children)
        if value.type == "call_expression" and text(value.children[0], ctx) == "arrayOf":
            return [a.named_children[-1] for a in walk(value, {"value_argument"}) if a.named_children]
        return [value]
    return []


def kotlin_repository_entity(cls: Node, ctx: FileContext) -> str | None:
    """`interface UserRepository : CrudRepository<User, Long>` -> User."""
    for spec in (c for c in cls.children if c.type == "delegation_specifier"):
        user_type = next(walk(spec, {"user_type"}), None)
        if user_type is None:
            continue
        name = next((c for c in user_type.children if c.type == "type_identifier"), None)
        args = next((c for c in user_type.children if c.type == "type_arguments"), None)
        found = _repository(text(name, ctx) if name else "", _texts(args, ctx))
        if found:
            return found
    return None


def kotlin_query(
    function: Node, annotations: dict[str, Node], entity: str | None, consts: dict[str, str], ctx: FileContext
) -> dict | None:
    """The query of a Kotlin function without a body, or None (see `java_query`)."""
    for name in ("Query", *MYBATIS_ANNOTATIONS):
        if name not in annotations:
            continue
        nodes = _kotlin_argument(annotations[name], ctx, "value")
        if not nodes and name == "Query" and (derived := _derived(_kotlin_name(function, ctx), entity)):
            return derived
        values = [_kotlin_string(n, ctx, consts) for n in nodes]
        query = " ".join(v if v is not None else text(n, ctx) for v, n in zip(values, nodes, strict=True))
        if name != "Query":
            return {**_from_text("mybatis-annotation", query, None), "statement": MYBATIS_ANNOTATIONS[name]}
        native = _kotlin_argument(annotations[name], ctx, "nativeQuery")
        is_native = bool(native) and text(native[0], ctx) == "true"
        return _from_text(_query_kind(query, is_native, ctx), query, entity)
    return _derived(_kotlin_name(function, ctx), entity)


def _kotlin_name(function: Node, ctx: FileContext) -> str:
    return next((text(c, ctx) for c in function.children if c.type == "simple_identifier"), "").strip("`")


def kotlin_query_units(
    function: Node,
    annotations: dict[str, Node],
    entity: str | None,
    consts: dict[str, str],
    ctx: FileContext,
    class_name: str,
    context: str,
) -> list[CodeUnit]:
    """The query unit of a Kotlin function without a body, if it is a query."""
    query = kotlin_query(function, annotations, entity, consts, ctx)
    if query is None:
        return []
    signature = text(function, ctx).strip()
    fields = dict(name=_kotlin_name(function, ctx), class_name=class_name, signature=signature, context=context)
    return [make_unit(function, ctx, kind="query", doc=doc_before(function, ctx), query=query, **fields)]


# ---- entities, and the pass after every file is parsed ----

_ENTITY_ANNOTATION = re.compile(r"@(?:[\w.]+\.)?(Entity|Table|Document|TableName)\b(\s*\(([^()]*)\))?")
_ENTITY_WORDS = ("Entity", "Table", "Document")  # one of them is in every _ENTITY_ANNOTATION match
_ANNOTATION_NAME = re.compile(r"""(?:\b(?:name|value|collection)\s*=\s*)?["']([^"']+)["']""")
_DECLARATION = re.compile(r"\b(?:class|interface|record|enum|object)\s+[A-Za-z_]")
_TYPE_WORD = re.compile(r"\b[A-Z]\w*\b")
_STRING_LITERAL = re.compile(r'"""[\s\S]*?"""|"(?:\\.|[^"\\])*"', re.S)  # no (.|\n): it backtracks exponentially


def _singulars(key: str) -> list[str]:
    """`owners` -> owners, owner, (ownr); tried in that order."""
    return [key] + ([key[:-1]] if key.endswith("s") else []) + ([key[:-2]] if key.endswith("es") else [])


def norm_name(name: str) -> str:
    return re.sub(r"[_\-\s`\"\[\]]", "", name).lower()


@dataclass
class Entities:
    """One repository's entity classes and the tables they map."""

    classes: set[str] = field(default_factory=set)  # every class the repository declares
    entities: set[str] = field(default_factory=set)
    by_table: dict[str, str] = field(default_factory=dict)  # normalised table (or JPQL) name -> class
    _lower: dict[str, str] = field(default_factory=dict, repr=False)  # lower-cased class name -> class

    def add(self, name: str, tables: list[str] = ()) -> None:
        self.entities.add(name)
        self.by_table.setdefault(norm_name(name), name)
        for t in tables:
            self.by_table[norm_name(t)] = name

    def table(self, table: str) -> str | None:
        """The entity class a table maps: by `@Table(name = ...)`, else by its name (`pms_brand` ->
        `PmsBrand`, `owners` -> `Owner`), else by its name without leading words (a prefix such as
        `tb_shop_`: `tb_shop_carousel` -> `Carousel`), the longest match first; else the class named
        like the table, entity or not."""
        words = table.strip('`"[]').split("_")
        for i in range(len(words)):
            for k in _singulars(norm_name("".join(words[i:]))):
                if k in self.by_table:
                    return self.by_table[k]
        if len(self._lower) != len(self.classes):
            self._lower = {c.lower(): c for c in sorted(self.classes)}
        # a class named like the whole table, annotated or not (Spring Data JDBC needs no @Table)
        return next((self._lower[k] for k in _singulars(norm_name(table)) if k in self._lower), None)

    def type_name(self, written: str) -> str | None:
        """A class a MyBatis type attribute names: a class name (`com.shop.User` -> User) or an alias
        (`user`, matched case-insensitively against the repository's classes); None for Java's own
        types and MyBatis's built-in aliases."""
        if not written or written.startswith(_PLATFORM) or written.lower().lstrip("_") in _BUILTIN_ALIASES:
            return None
        simple = written.rsplit(".", 1)[-1].rsplit("$", 1)[-1]
        if len(self._lower) != len(self.classes):
            self._lower = {c.lower(): c for c in sorted(self.classes)}
        return self._lower.get(simple.lower()) or (simple if simple[:1].isupper() else None)


_PLATFORM = ("java.", "javax.", "jakarta.", "kotlin.", "org.springframework.", "org.apache.ibatis.", "org.mybatis.")
_BUILTIN_ALIASES = {
    *("string", "byte", "long", "short", "int", "integer", "double", "float", "boolean", "char", "character"),
    *("date", "decimal", "bigdecimal", "biginteger", "object", "map", "hashmap", "list", "arraylist"),
    *("collection", "iterator", "resultset"),
}


def entity_index(units: list[CodeUnit]) -> dict[str, Entities]:
    """Per repository: its classes, and the entities among them (annotated `@Entity`, `@Table`,
    `@Document`, `@TableName`), with the table each maps (`@Table(name = "owners")`,
    `@TableName("t_user")`, `@Document(collection = "orders")`, `@Entity(name = "Client")`)."""
    index: dict[str, Entities] = defaultdict(Entities)
    for u in units:
        if u.kind != "class" or u.lang not in ("java", "kotlin"):
            continue
        found = index[u.source.repo]
        found.classes.add(u.name)
        if not any(w in u.code for w in _ENTITY_WORDS):  # most classes: no entity annotation can match
            continue
        code = _STRING_LITERAL.sub(lambda m: m.group(0).replace("{", " ").replace("}", " "), u.code)
        decl = _DECLARATION.search(code)
        header = code[: decl.start()] if decl else ""
        tables, entity = [], False
        for m in _ENTITY_ANNOTATION.finditer(header):
            entity = True
            args = m.group(3) or ""
            named = _ANNOTATION_NAME.search(args)
            if named:
                tables.append(named.group(1))
        if entity:
            found.add(u.name, tables)
    return index


def signature_types(signature: str) -> set[str]:
    """Capitalised type names of a method signature, string literals and annotations left out."""
    sig = _STRING_LITERAL.sub('""', signature)
    sig = re.sub(r"@[\w.]+", " ", sig)
    return set(_TYPE_WORD.findall(sig))


def resolve_entities(unit: CodeUnit, entities: Entities) -> CodeUnit:
    """The query's entities completed: its tables mapped to entity classes, and the entity classes
    of the method's signature (result and parameter types) added."""
    q = dict(unit.query or {})
    found = list(q.get("entities", []))
    found += [e for t in q.get("tables", []) if (e := entities.table(t))]
    if q.get("kind") == "jpql":
        found = [entities.by_table.get(norm_name(n), n) for n in found]  # `@Entity(name = "Client")`
    found += sorted(signature_types(unit.signature) & entities.entities)
    q["entities"] = list(dict.fromkeys(found))
    return unit.model_copy(update={"query": q})


def finish_queries(files: list[SourceFile], result, languages: set[str]) -> None:
    """After every file is parsed: add the units of MyBatis mapper XML files (when Java or Kotlin is
    parsed), resolve every query's entities, and drop MyBatis Generator output (a `generated`
    rejection for a file left empty)."""
    from minions.parsing import mybatis

    index = entity_index(result.units)
    if languages & {"java", "kotlin"}:
        mybatis.add_mapper_units(files, result, index)
    result.units = [
        resolve_entities(u, index.get(u.source.repo, Entities())) if u.kind == "query" else u for u in result.units
    ]
    mybatis.drop_generated(result)
