"""MyBatis mapper XML files, and MyBatis Generator (MBG) output.

A mapper XML file (root `<mapper namespace="com.shop.UserMapper">`) gives one `query` unit per
`<select|insert|update|delete id="...">`, its span the element's, bound to the method of the mapper
interface with that name (`query.method_id`: the id the method's declaration has as a unit, hash of
its file id and byte span; the unit's signature, doc and context are the method's and the
interface's). Its entities are the types of `resultType`, `parameterType` and the `<resultMap>` it
uses, the entity classes its tables map and those in the method's signature; every result map's
type (and the types it maps nested) and every select's `resultType` class is an entity.

XML from a repository is untrusted: it is read with expat, refusing entity declarations and any
DOCTYPE with an internal subset (no entity expansion, no external fetches); a refused or broken
file is skipped with a reason.

MBG output is dropped: members marked `@mbg.generated` (in their javadoc, or MyBatis Dynamic SQL's
`@Generated("org.mybatis.generator...")`), `*Example` classes (with their `GeneratedCriteria`,
`Criteria` and `Criterion`), and, when MBG ran with its comments suppressed, the model class `X` of
an `XExample` whose methods are all accessors and the mapper interface whose methods are all MBG's.
In mapper XML, statements holding an `@mbg.generated` comment, and in a file with MBG's
`Example_Where_Clause` the statements MBG names (`selectByExample`, `updateByPrimaryKey`, ...). A file
whose units are all dropped is reported with reason `generated (MyBatis Generator)`.
"""

from __future__ import annotations

import bisect
import re
import textwrap
import xml.parsers.expat
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tree_sitter_language_pack import get_parser

from minions.parsing.languages import FileContext, doc_before, text, walk
from minions.parsing.queries import Entities, norm_name, query_info
from minions.parsing.sql import names_in
from minions.records import CodeUnit, Rejection, SourceFile

STATEMENT_TAGS = ("select", "insert", "update", "delete")
MBG_STATEMENTS = {
    "countByExample",
    "deleteByExample",
    "deleteByPrimaryKey",
    "insert",
    "insertSelective",
    "selectByExample",
    "selectByExampleWithBLOBs",
    "selectByExampleWithRowbounds",
    "selectByExampleWithBLOBsWithRowbounds",
    "selectByPrimaryKey",
    "selectAll",
    "updateByExampleSelective",
    "updateByExample",
    "updateByExampleWithBLOBs",
    "updateByPrimaryKeySelective",
    "updateByPrimaryKey",
    "updateByPrimaryKeyWithBLOBs",
}
MBG_MARK = "@mbg.generated"
GENERATED = "generated (MyBatis Generator)"
_MBG_ANNOTATION = re.compile(r"@(?:[\w.]+\.)?Generated\(\s*(?:value\s*=\s*)?\{?\s*\"org\.mybatis\.generator")
_ACCESSOR = re.compile(r"^(?:get|set|is)[A-Z_]|^(?:toString|equals|hashCode)$")
_MAPPER_ROOT = re.compile(rb"<mapper[\s>]")


class UnsafeXml(ValueError):
    """The XML declares entities or an internal DTD subset: refused, never expanded."""


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # byte offsets in the file
    end: int = 0
    content_start: int = 0  # after the start tag
    content_end: int = 0  # before the end tag
    children: list[Element | str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def elements(self, *tags: str) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and (not tags or c.tag in tags)]


def parse_xml(data: bytes) -> Element:
    """The root element, with byte offsets; raises UnsafeXml or expat's ExpatError."""
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8")  # the text was decoded as UTF-8
    stack: list[Element] = []
    root: list[Element] = []

    def refuse(*_args):
        raise UnsafeXml("entity declarations are not read")

    def doctype(_name, _sysid, _pubid, has_internal_subset):
        if has_internal_subset:
            raise UnsafeXml("a DOCTYPE with an internal subset is not read")

    def start(tag, attrs):
        at = parser.CurrentByteIndex
        el = Element(tag, attrs, at)
        el.content_start = _tag_end(data, at)
        if stack:
            stack[-1].children.append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(_tag):
        el = stack.pop()
        at = parser.CurrentByteIndex
        if data.startswith(b"</", at):
            el.content_end, el.end = at, data.index(b">", at) + 1
        else:  # an empty element `<include refid="x"/>`: expat stands after it
            el.content_end = el.content_start = el.end = at

    def chars(s):
        if stack:
            stack[-1].children.append(s)

    def comment(s):
        if stack:
            stack[-1].comments.append(s)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.CommentHandler = comment
    parser.Parse(data, True)
    return root[0]


def _descendants(el: Element, *tags: str) -> list[Element]:
    """Elements of these tags under `el`, in document order (iterative: nesting depth is the file's)."""
    out, stack = [], list(reversed(el.elements()))
    while stack:
        c = stack.pop()
        if c.tag in tags:
            out.append(c)
        stack.extend(reversed(c.elements()))
    return out


# a start tag up to its `>`: quoted attribute values taken whole (a `>` inside one does not end it)
_START_TAG = re.compile(rb"""[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>""")


def _tag_end(data: bytes, at: int) -> int:
    """The offset after the start tag at `at`; the end of the data when the tag is not closed."""
    m = _START_TAG.match(data, at)
    return m.end() if m else len(data)


def _plain(el: Element, fragments: dict[str, Element], depth: int = 0, nesting: int = 0) -> str:
    """The element's text, `<include refid>` replaced by the fragment it names (for reading tables);
    past 100 levels of nested tags only the text at hand is kept (a hostile file must not recurse)."""
    if nesting > 100:
        return " ".join(c for c in el.children if isinstance(c, str))
    out = []
    for c in el.children:
        if isinstance(c, str):
            out.append(c)
        elif c.tag == "include" and depth < 5:
            frag = fragments.get(c.attrs.get("refid", "").rsplit(".", 1)[-1])
            out.append(" " + (_plain(frag, fragments, depth + 1, nesting + 1) if frag else "") + " ")
        else:
            out.append(" " + _plain(c, fragments, depth, nesting + 1) + " ")
    return "".join(out)


def is_mapper(f: SourceFile) -> bool:
    return f.lang == "xml" and bool(_MAPPER_ROOT.search(f.text[:20_000].encode()))


@dataclass
class _Method:
    id: str
    signature: str
    doc: str


def _interface_methods(f: SourceFile, name: str, module: str) -> dict[str, _Method]:
    """The methods of interface `name` declared in a Java or Kotlin file, by name."""
    src = f.text.encode()
    ctx = FileContext(file=f, module=module, src=src)
    root = get_parser(f.lang).parse(src).root_node
    out: dict[str, _Method] = {}
    if f.lang == "java":
        for cls in walk(root, {"interface_declaration"}):
            if text(cls.child_by_field_name("name"), ctx) != name:
                continue
            for m in walk(cls.child_by_field_name("body"), {"method_declaration"}):
                sig = text(m, ctx).split("{")[0].strip().rstrip(";").strip()
                out.setdefault(text(m.child_by_field_name("name"), ctx), _Method(_id(f, m), sig, doc_before(m, ctx)))
    else:
        for cls in walk(root, {"class_declaration"}):
            if next((text(c, ctx) for c in cls.children if c.type == "type_identifier"), "") != name:
                continue
            for m in walk(cls, {"function_declaration"}):
                fname = next((text(c, ctx) for c in m.children if c.type == "simple_identifier"), "")
                body = next((c for c in m.children if c.type == "function_body"), None)
                sig = ctx.src[m.start_byte : body.start_byte if body else m.end_byte].decode("utf-8", "replace")
                out.setdefault(fname, _Method(_id(f, m), sig.strip(), doc_before(m, ctx)))
    return out


def _id(f: SourceFile, node) -> str:
    return CodeUnit.make_id(f.id, (node.start_byte, node.end_byte))


def add_mapper_units(files: list[SourceFile], result, index: dict[str, Entities]) -> None:
    """Parse every mapper XML file into query units (added to `result`); MBG statements are left
    out, a file of MBG statements only is reported as generated, a refused or broken one as skipped."""
    from minions.parsing.parse import build_dirs_of, module_of

    mappers = [f for f in files if is_mapper(f)]
    if not mappers:
        return
    build_dirs = build_dirs_of(files)
    by_id = {f.id: f for f in files}
    interfaces = {
        (u.source.repo, f"{u.package}.{u.name}" if u.package else u.name): u
        for u in result.units
        if u.kind == "class" and u.lang in ("java", "kotlin")
    }
    parsed = []
    for f in mappers:
        try:
            root = parse_xml(f.text.encode())
        except UnsafeXml as e:
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=f"unsafe XML ({e})"))
            continue
        except xml.parsers.expat.ExpatError as e:
            reason = f"syntax error near line {e.lineno} (xml parser: {xml.parsers.expat.errors.messages[e.code]})"
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=reason))
            continue
        if root.tag == "mapper":
            parsed.append((f, root))
    result_maps = {}  # (repo, namespace.id or id) -> type
    for f, root in parsed:
        ns = root.attrs.get("namespace", "")
        entities = index.setdefault(f.repo, Entities())
        for rm in root.elements("resultMap"):
            type_name = entities.type_name(rm.attrs.get("type", ""))
            if type_name:
                entities.add(type_name)
                result_maps[(f.repo, f"{ns}.{rm.attrs.get('id', '')}")] = type_name
            for nested in _descendants(rm, "association", "collection"):  # the types it maps nested
                nested_type = entities.type_name(nested.attrs.get("ofType") or nested.attrs.get("javaType", ""))
                if nested_type:
                    entities.add(nested_type)
        for select in root.elements("select"):  # rows mapped straight to a class: `resultType="Order"`
            result_type = entities.type_name(select.attrs.get("resultType", ""))
            if result_type and not result_type.endswith("Example"):
                entities.add(result_type)
    added: list[CodeUnit] = []
    for f, root in parsed:
        module = module_of(f.path, build_dirs.get(f.repo, set()))
        try:
            units = _statements(f, root, module, index.setdefault(f.repo, Entities()), result_maps, interfaces, by_id)
        except Exception as e:  # one odd mapper file must not stop the run
            reason = f"xml parser failed: {type(e).__name__}"
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=reason))
            continue
        result.files_parsed += 1
        if units is None:
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=GENERATED))
            continue
        added += units
    _learn_tables(added, index)
    result.units += added


def _learn_tables(units: list[CodeUnit], index: dict[str, Entities]) -> None:
    """Tables the statements show mapped: a statement of one table whose result or parameter is one
    entity votes for that table mapping that entity (`select ... from tb_goods_info` with
    `resultMap` of `Goods`), so a statement on the same table without a result map finds it too."""
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for u in units:
        entities = index[u.source.repo]
        mapped = [e for e in u.query["entities"] if e in entities.entities]
        if len(u.query["tables"]) == 1 and len(mapped) == 1:
            votes[(u.source.repo, u.query["tables"][0])][mapped[0]] += 1
    for (repo, table), counts in sorted(votes.items()):
        index[repo].by_table.setdefault(norm_name(table), counts.most_common(1)[0][0])


def _statements(f, root, module, entities, result_maps, interfaces, by_id) -> list[CodeUnit] | None:
    """The file's statement units; None when MBG wrote every statement."""
    ns = root.attrs.get("namespace", "")
    package, _, mapper = ns.rpartition(".")
    fragments = {s.attrs.get("id", ""): s for s in root.elements("sql")}
    mbg_file = "Example_Where_Clause" in fragments
    src = f.text.encode()
    lines = [m.start() for m in re.finditer(b"\n", src)]  # offsets of line ends, for spans
    interface = interfaces.get((f.repo, ns))
    methods = {}
    if interface is not None and interface.file_id in by_id:
        methods = _interface_methods(by_id[interface.file_id], mapper, interface.module)
    statements = root.elements(*STATEMENT_TAGS)
    units = []
    for st in statements:
        sid = st.attrs.get("id", "")
        if not sid:  # MyBatis refuses a statement without an id: nothing to bind or name
            continue
        if any(MBG_MARK in c for c in st.comments) or (mbg_file and sid in MBG_STATEMENTS):
            continue
        query = _xml_query(st, src, ns, fragments, entities, result_maps, f.repo)
        method = methods.get(sid)
        query["mapper"] = ns
        query["method_id"] = method.id if method else None
        line_start = src.rfind(b"\n", 0, st.start) + 1
        indent = src[line_start : st.start].decode("utf-8", "replace")
        units.append(
            CodeUnit(
                id=CodeUnit.make_id(f.id, (st.start, st.end)),
                kind="query",
                lang="xml",
                path=f.path,
                span=(bisect.bisect_left(lines, st.start) + 1, bisect.bisect_left(lines, st.end - 1) + 1),
                file_id=f.id,
                source=f.provenance(),
                module=module,
                package=package,
                name=sid,
                class_name=mapper or None,
                signature=method.signature if method else "",
                doc=method.doc if method else "",
                code=(indent if not indent.strip() else " " * len(indent))
                + src[st.start : st.end].decode("utf-8", "replace"),
                context=interface.code if interface is not None else "",
                query=query,
            )
        )
    if statements and not units:
        return None
    return units


def _xml_query(st: Element, src: bytes, ns: str, fragments, entities: Entities, result_maps, repo: str) -> dict:
    """The statement's query: its body as written (dynamic tags and all), its entities (result and
    parameter types, an MBG `*Example` criteria type left out; the result map's type) and tables."""
    body = textwrap.dedent(src[st.content_start : st.content_end].decode("utf-8", "replace")).strip()
    found = []
    for attr in ("resultType", "parameterType"):
        t = entities.type_name(st.attrs.get(attr, ""))
        if t and not t.endswith("Example"):
            found.append(t)
    rm = st.attrs.get("resultMap", "")
    for key in (f"{ns}.{rm}", rm):
        if (repo, key) in result_maps:
            found.append(result_maps[(repo, key)])
            break
    tables = names_in(_plain(st, fragments))
    info = query_info("mybatis-xml", body, st.tag, found, tables)
    info["fragments"] = _used_fragments(st, src, fragments, ns)
    return info


def _used_fragments(
    el: Element, src: bytes, fragments: dict[str, Element], ns: str, depth: int = 0, nesting: int = 0
) -> dict[str, str]:
    """The `<sql id>` fragments the statement includes (and those they include, 5 levels deep), by id,
    as written: what a reader needs to see the whole statement (past 100 nested tags, none: a hostile
    file must not recurse)."""
    out: dict[str, str] = {}
    if nesting > 100:
        return out
    for c in el.children:
        if isinstance(c, str):
            continue
        if c.tag == "include" and depth < 5:
            refid = c.attrs.get("refid", "")
            # `cols`, or `com.x.ThisMapper.cols`; another mapper's fragment is not this one's of that name
            local = refid.rsplit(".", 1)[-1] if refid.startswith(ns + ".") else refid
            frag = fragments.get(local)
            if frag is not None and refid not in out:
                out[refid] = src[frag.start : frag.end].decode("utf-8", "replace")
                out.update(_used_fragments(frag, src, fragments, ns, depth + 1, nesting + 1))
        else:
            out.update(_used_fragments(c, src, fragments, ns, depth, nesting + 1))
    return out


# ---- MyBatis Generator output in Java ----


def drop_generated(result) -> None:
    """Drop the units MBG wrote (see the module doc); a file whose units all go is reported as
    generated."""
    by_file: dict[str, list[CodeUnit]] = defaultdict(list)
    for u in result.units:
        by_file[u.file_id].append(u)
    repo_classes = defaultdict(list)
    for u in result.units:
        if u.kind == "class" and u.lang in ("java", "kotlin"):
            repo_classes[u.source.repo].append(u)
    examples = {(u.source.repo, u.name): u for us in repo_classes.values() for u in us if _is_example(u)}
    with_examples = {repo for repo, _ in examples}
    dropped: set[str] = set()
    for file_units in by_file.values():
        if file_units[0].lang not in ("java", "kotlin"):
            continue
        if file_units[0].source.repo not in with_examples and not any(_may_be_generated(u) for u in file_units):
            continue  # no mark, no annotation, no Example class to use: nothing MBG wrote (most files)
        gone = _generated_in_file(file_units, examples)
        if not gone:
            continue
        dropped |= gone
        if len(gone) == len(file_units):
            f = file_units[0]
            result.skipped.append(Rejection(id=f.file_id, task=None, stage="parse", reason=GENERATED))
    if dropped:
        result.units = [u for u in result.units if u.id not in dropped]


def _may_be_generated(u: CodeUnit) -> bool:
    """Whether the unit carries what every rule of `_generated_in_file` needs when its repository has
    no `*Example` class: the MBG mark or a `@Generated` annotation."""
    return MBG_MARK in u.doc or MBG_MARK in u.code or "Generated" in u.code


def _is_example(cls: CodeUnit) -> bool:
    return cls.name.endswith("Example") and re.search(r"\bclass\s+GeneratedCriteria\b", cls.code) is not None


def _generated_in_file(units: list[CodeUnit], examples: dict) -> set[str]:
    """Ids of the file's MBG units."""
    classes = [u for u in units if u.kind == "class"]
    members = [u for u in units if u.kind != "class"]
    gone = {u.id for u in members if MBG_MARK in u.doc or _MBG_ANNOTATION.search(u.signature)}

    def inside(cls: CodeUnit) -> list[CodeUnit]:
        return [m for m in members if cls.span[0] <= m.span[0] and m.span[1] <= cls.span[1]]

    for cls in sorted(classes, key=lambda c: c.span[0]):
        own = inside(cls)
        if _is_example(cls):
            whole = True
        elif _is_interface(cls):
            whole = _generated_mapper(cls, examples)
        elif (cls.source.repo, cls.name + "Example") in examples:
            whole = bool(own) and all(_ACCESSOR.search(m.name) for m in own)  # a model, comments suppressed
        else:
            brace = cls.code.find("{")
            marked = MBG_MARK in cls.doc or _MBG_ANNOTATION.search(cls.code, 0, brace if brace >= 0 else len(cls.code))
            whole = bool(marked) and all(m.id in gone for m in own)
        if whole:
            gone.add(cls.id)
            gone |= {m.id for m in own}
            gone |= {c.id for c in classes if cls.span[0] <= c.span[0] and c.span[1] <= cls.span[1]}
    return gone


_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_FIRST_CALL = re.compile(r"(\w+)\s*\(")


def _is_interface(cls: CodeUnit) -> bool:
    # a pattern per class name (compiled each time: there are more names than re's cache holds), so
    # the words every match holds are looked for first: most classes are no interface
    if cls.info:  # the class info's first line: annotations, the kind, then the qualified name
        head = cls.info.split("\n", 1)[0]
        if "interface " not in head:
            return False
        return re.search(rf"(?:^| )interface [\w.$]*\b{re.escape(cls.name)}(?:[<( ]|$)", head) is not None
    if "interface" not in cls.code:
        return False
    return re.search(rf"\binterface\s+{re.escape(cls.name)}\b", cls.code) is not None


def _generated_mapper(cls: CodeUnit, examples: dict) -> bool:
    """A mapper interface MBG wrote: every method is marked, or (comments suppressed) every method
    is one MBG writes and the interface uses an MBG `*Example` class."""
    code = cls.code
    body = _COMMENTS.sub(" ", code.split("{", 1)[1] if "{" in code else "")
    body = re.sub(r"@[\w.]+(\([^()]*\))?", " ", body)
    names = [m.group(1) for piece in body.split(";") if (m := _FIRST_CALL.search(piece))]
    if not names:
        return False
    if code.count(MBG_MARK) >= len(names) or len(_MBG_ANNOTATION.findall(code)) >= len(names):
        return True
    uses_example = any((cls.source.repo, w) in examples for w in set(re.findall(r"\b\w+Example\b", body)))
    return uses_example and all(n in MBG_STATEMENTS for n in names)
