"""Class info and roles: a compact, deterministic outline of each class, and what the class is for.

## Class info

The form the Unit Mesh experiments used, grown by the type's kind, annotations and supertypes:

    @Service class com.acme.blog.PostService(PostRepository, UserRepository) : BaseService, Auditable
    - fields: postRepository:PostRepository, userRepository:UserRepository
    - methods: findAll(): List<Post>, addNewPost(Post): Post, deletePost(long): void
    - private methods: check(Post): void

- First line: the class's annotations or decorators (as written when at most 40 characters, else
  `@Name(…)`), its kind in the language's own words (Java `class`, `abstract class`, `interface`,
  `enum`, `record`, `@interface`; Kotlin `class`, `data class`, `enum class`, `sealed class`,
  `object`, ...; Python `class`; TypeScript `class`, `abstract class`, `interface`; Go `struct`,
  `interface`), the qualified name (Java and Kotlin: package and outer classes; Python: the module
  path below the build module, `src/` dropped; Go: the package; TypeScript: the name alone) with its
  type parameters, the constructor's parameters in parentheses, and after ` : ` the supertypes
  (extended first, then implemented; Go: embedded types).
- The constructor: a record's components; Kotlin's primary constructor; else the `@Autowired` /
  `@Inject` one, else the longest (the first of equals). Lombok's `@RequiredArgsConstructor` and
  `@Data` (the final or `@NonNull` fields without initializer), `@AllArgsConstructor` and `@Value`
  (every field) and `@NoArgsConstructor` count as constructors. Python: `__init__`, or the fields
  of a `@dataclass` / attrs class without one; Go: a `NewName` function of the file. No
  parentheses when the class declares none.
- Parameters are written by type (`long`, `List<Post>`); Python, where types are optional and
  callers pass names, as `name:Type` or `name`; a parameter without a type, by name.
- `fields`: instance fields as `name:Type` (or `name` without a declared type); static fields and
  constants are left out. Kotlin: `val`/`var` constructor parameters and properties; Python:
  class-level attributes (an unannotated `x = Column(...)` as `x:Column`) and `self.x` set in
  `__init__`.
- `values`: an enum's constants.
- `methods`: every method callers can reach (not private), in source order, as
  `name(ParamTypes): ReturnType` (Kotlin: `: Unit` for a block body without a declared type, nothing
  for an expression body; Python and TypeScript: no return part where none is declared).
  `private methods`: the rest (Java, Kotlin and TypeScript `private`, Python `_name`, Go lowercase),
  so a method can be written against its helpers. Constructors are on the first line, not here.
- Lists are cut after 30 items with `… (N more)`; a line with nothing in it is left out. `@Mapper`
  is written as imported (`@org.mapstruct.Mapper`, `@org.apache.ibatis.annotations.Mapper`), since the
  name alone does not tell MapStruct from MyBatis.

## Roles

One of controller, service, repository, entity, dto, configuration, mapper, test, other, from the
evidence below; the first rule that holds wins, in the order of the table (for each language, the
rows that apply to it). Members (methods, tests, endpoints, queries) carry their class's role;
file-scope functions their module's (`module_role`): test in a test folder or file, controller when
the file maps endpoints, else by the file name's last word (`orders.service.ts`, `crud.py`).

| role | evidence |
|---|---|
| test | a test folder or file (`src/test/`, `tests/`, `testFixtures/`, `test_*.py`, `conftest.py`) |
| test | JVM: `@Test`, `@SpringBootTest`, `@WebMvcTest`, `@ExtendWith`, ... on the class or its methods |
| test | Python: a name `Test*`, a `TestCase` base |
| controller | JVM: `@RestController`, `@Controller`, `@(Rest)ControllerAdvice`, JAX-RS `@Path` (by its import) |
| mapper | JVM: `@Mapper`, MyBatis (`import org.apache.ibatis...`) and MapStruct (`import org.mapstruct...`) alike |
| repository | JVM: `@Repository` |
| service | JVM: `@Service` |
| entity | JVM: `@Entity`, `@Table`, `@Document`, `@MappedSuperclass`, `@Embeddable`, MyBatis-Plus `@TableName` |
| configuration | JVM: `@Configuration`, `@ConfigurationProperties`, `@SpringBootApplication`, `@AutoConfiguration` |
| controller | JVM: an interface whose methods carry `@GetMapping` etc. (a controller implements it) |
| mapper, ... | JVM: a supertype `BaseMapper`; `*Repository`, `JpaSpecificationExecutor`; `IService`, `ServiceImpl` |
| controller | Python: route decorators on methods (`@router.get`); a `View`, `APIView`, `ViewSet`, `MethodView` base |
| entity | Python: SQLModel `table=True`, a `__tablename__`; a `Base`, `DeclarativeBase`, `Model`, `Document` base |
| configuration | Python: a `BaseSettings` base |
| dto | Python: a `BaseModel`, `SQLModel`, `TypedDict`, `NamedTuple`, `Schema`, `*Serializer` base |
| (inherited) | Python: the role of a base class declared in the same file (`UserCreate(UserBase)`) |
| controller, ... | TS: `@Controller`, `@Resolver`; `@EntityRepository`; `@Entity`, `@Schema`; `@Module`; `@InputType` |
| repository, dto | TS: a `Repository<T>` supertype; class-validator decorators on fields (`@IsString`) |
| entity, dto | Go: an embedded `gorm.Model`; `gorm`/`bson`/`db` tags; `binding`/`form`/`validate` tags |
| controller | Go: two or more methods taking `*gin.Context`, `echo.Context`, `http.ResponseWriter`, ...; `ServeHTTP` |
| test | JVM: a name `*Test`, `*Tests`, `*IT`, `*TestCase`, `*Spec`, `Test*` (after annotations: `@Service TestTask`) |
| (name) | `*Controller`; `*Mapper`, `*Converter`; `*Repository`, `*Repo`, `*Dao`; `*Service(Impl)`; `*Config` |
| (name) | dto: `*Dto`, `*DTO`, `*Request`, `*Response`, `*VO`, `*Vo`, `*Form`, `*Param(s)`, `*Payload`, `*Criteria` |
| (name) | entity: `*Entity`, `*DO`, `*PO`; JVM `*Properties` configuration; Python `*Schema` dto, `*View` controller |
| (name) | Go: `*Handler(s)` controller, `*Serializer` mapper, `*Store` repository, `*Usecase` service |
| (package) | JVM: the package's last segment: `dto`, `vo`, `entity`, `controller`, `dao`, `mapper`, `config`, ... |
| dto | shape: a record, data class, dataclass or Lombok `@Data`/`@Value`/`@Getter`/`@Setter` class, fields only |
| dto | shape: a bean (fields, getters and setters only); a Go struct with only `json` tags and no methods |
| other | anything else: enums, utilities, exceptions (whatever their shape), `@Component`s without more evidence |

In the shape rules an accessor counts as a field: a JVM record's `isOk()`, a Python `@property`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import NamedTuple

from tree_sitter import Node

from minions.parsing.languages import TEST_ANNOTATIONS, FileContext, modifiers, text, walk
from minions.records import CodeUnit

MAX_ITEMS = 30
MAX_ANNOTATION = 40
ROLES = ("controller", "service", "repository", "entity", "dto", "configuration", "mapper", "test", "other")


class Described(NamedTuple):
    """A class's compact info and its role; `._asdict()` gives `make_unit` keywords."""

    info: str
    role: str


@dataclass
class _Info:
    kind: str
    name: str
    annotations: list[str] = field(default_factory=list)
    ctor: list[str] | None = None
    supertypes: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)

    def render(self) -> str:
        head = " ".join([*self.annotations, self.kind, self.name])
        if self.ctor is not None:
            head += "(" + ", ".join(self.ctor) + ")"
        if self.supertypes:
            head += " : " + ", ".join(self.supertypes)
        lines = [head]
        for label, items in (
            ("fields", self.fields),
            ("values", self.values),
            ("methods", self.methods),
            ("private methods", self.private),
        ):
            items = list(dict.fromkeys(items))  # overloads written alike once
            if items:
                cut = items[:MAX_ITEMS] + ([f"… ({len(items) - MAX_ITEMS} more)"] if len(items) > MAX_ITEMS else [])
                lines.append(f"- {label}: " + ", ".join(cut))
        return "\n".join(lines)


# --- shared helpers --------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]{2,}[0-9]*$")
MAX_TYPE = 80
_TYPE_ANNOTATION = re.compile(r"@[\w.]+(?:\([^()]*\))?\s*")


_PLAIN_TYPE = re.compile(r"[\w.<>\[\]?]*")  # no spaces, commas or annotations: nothing to clean


def _clean(s: str) -> str:
    """One line, single spaces, no space inside `<>` or before `,`."""
    if _PLAIN_TYPE.fullmatch(s):
        return s
    s = _SPACES.sub(" ", s).strip()
    s = re.sub(r"\s*,\s*", ", ", s)
    return re.sub(r"([<\[(])\s+", r"\1", re.sub(r"\s+([>\])])", r"\1", s))


def _type(node: Node | None, ctx: FileContext) -> str:
    """A type as written, on one line, without annotations, cut after 80 characters."""
    if node is None:
        return ""
    t = text(node, ctx)
    if _PLAIN_TYPE.fullmatch(t):
        return t if len(t) <= MAX_TYPE else t[: MAX_TYPE - 1] + "…"
    t = _clean(_TYPE_ANNOTATION.sub("", t))
    t = re.sub(r",\s*([>\])])", r"\1", t).removeprefix("| ")  # `<A, B,>`, a leading union bar
    return t if len(t) <= MAX_TYPE else t[: MAX_TYPE - 1] + "…"


def _annotation(s: str) -> str:
    s = _clean(s)
    if len(s) <= MAX_ANNOTATION:
        return s
    return s.split("(", 1)[0] + "(…)"


def _simple(type_text: str) -> str:
    """`org.x.JpaRepository<Owner, Long>` -> `JpaRepository`; `*gorm.Model` -> `Model`."""
    return type_text.split("<", 1)[0].split("[", 1)[0].strip().lstrip("*").rsplit(".", 1)[-1]


def _outer_names(node: Node, types: set[str], name_of) -> list[str]:
    """Names of the classes around a class, outermost first."""
    names, p = [], node.parent
    while p is not None:
        if p.type in types:
            names.insert(0, name_of(p))
        p = p.parent
    return names


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


_TEST_DIR = re.compile(r"^(tests?|__tests__|testing|test[A-Z_-].*|.*(Test|Tests|[-_]tests?))$")
_TEST_NAME = re.compile(r"^(Test[A-Z_].*|.*(Test|Tests|IT|TestCase))$")


@lru_cache(maxsize=4096)  # asked for every class of a file
def is_test_path(path: str) -> bool:
    """A file under a test source folder, or a Python or Go test file."""
    p = PurePosixPath(path)
    if any(_TEST_DIR.match(part) for part in p.parts[:-1]):
        return True
    return p.name.startswith("test_") or p.stem.endswith("_test") or p.name == "conftest.py"


# name suffix -> role, tried in order (the longest, most specific suffixes first)
_NAME_ROLES: tuple[tuple[str, str], ...] = (
    ("Controller", "controller"),
    ("Mapper", "mapper"),
    ("Converter", "mapper"),
    ("Repository", "repository"),
    ("Repo", "repository"),
    ("Dao", "repository"),
    ("DAO", "repository"),
    ("ServiceImpl", "service"),
    ("Service", "service"),
    ("Configuration", "configuration"),
    ("Config", "configuration"),
    ("Settings", "configuration"),
    ("Dto", "dto"),
    ("DTO", "dto"),
    ("Request", "dto"),
    ("Response", "dto"),
    ("VO", "dto"),
    ("Vo", "dto"),
    ("Form", "dto"),
    ("Params", "dto"),
    ("Param", "dto"),
    ("Payload", "dto"),
    ("Criteria", "dto"),
    ("Entity", "entity"),
    ("DO", "entity"),
    ("PO", "entity"),
)


def _role_by_name(name: str, extra: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The role a class name's suffix says; an all-capitals suffix (`DO`, `VO`) only after a small
    letter or digit (`UserDO`, not `TODO`)."""
    for suffix, role in (*extra, *_NAME_ROLES):
        if not name.endswith(suffix):
            continue
        before = name[-len(suffix) - 1] if len(name) > len(suffix) else ""
        if not suffix.isupper() or before.islower() or before.isdigit():
            return role
    return None


# --- Java and Kotlin (the JVM rules) ---------------------------------------------------------------

_JVM_TEST_ANNOTATIONS = TEST_ANNOTATIONS | {
    "SpringBootTest",
    "WebMvcTest",
    "WebFluxTest",
    "DataJpaTest",
    "DataMongoTest",
    "DataJdbcTest",
    "JdbcTest",
    "JsonTest",
    "RestClientTest",
    "GraphQlTest",
    "ExtendWith",
    "RunWith",
    "Nested",
    "TestConfiguration",
    "Testcontainers",
}
_JVM_ANNOTATION_ROLES: tuple[tuple[set[str], str], ...] = (
    ({"RestController", "Controller", "ControllerAdvice", "RestControllerAdvice"}, "controller"),
    ({"Mapper"}, "mapper"),
    ({"Repository"}, "repository"),
    ({"Service"}, "service"),
    ({"Entity", "Table", "Document", "MappedSuperclass", "Embeddable", "TableName"}, "entity"),
    (
        {
            "Configuration",
            "ConfigurationProperties",
            "SpringBootApplication",
            "SpringBootConfiguration",
            "AutoConfiguration",
            "EnableConfigurationProperties",
        },
        "configuration",
    ),
)
_JVM_BASE_ROLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(TestCase|(Fun|String|Describe|Behavior|Should|Word|Free|Feature|Expect|Annotation)Spec)$"), "test"),
    (re.compile(r"^BaseMapper$"), "mapper"),
    (re.compile(r"^(\w*Repository|JpaSpecificationExecutor|QuerydslPredicateExecutor)$"), "repository"),
    (re.compile(r"^(IService|ServiceImpl)$"), "service"),
)
_ACCESSOR = re.compile(r"^((get|set|is)[A-Z_]\w*|equals|hashCode|toString|canEqual)$")
_MAPPINGS = {"GetMapping", "PostMapping", "PutMapping", "DeleteMapping", "PatchMapping", "RequestMapping"}


@dataclass
class _JvmEvidence:
    name: str
    path: str
    annotations: list[str]  # simple names
    supertypes: list[str]  # simple names
    member_annotations: set[str]
    imports: list[str]
    method_names: list[str]
    data_shape: bool  # a record, data class, or Lombok @Data / @Value / @Getter / @Setter class
    class_like: bool  # a class or record (not an interface, enum, object or annotation type)
    has_fields: bool
    package_tail: str  # the last segment of the package


# the last segment of a package -> role (after the class's own name)
_PACKAGE_ROLES = {
    "dto": "dto",
    "dtos": "dto",
    "vo": "dto",
    "vos": "dto",
    "entity": "entity",
    "entities": "entity",
    "controller": "controller",
    "controllers": "controller",
    "repository": "repository",
    "repositories": "repository",
    "dao": "repository",
    "mapper": "mapper",
    "mappers": "mapper",
    "config": "configuration",
}
_LOMBOK_DATA = {"Data", "Value", "Getter", "Setter"}
_EXCEPTION = re.compile(r"(Exception|Error|Throwable)$")


def _jvm_role(e: _JvmEvidence) -> str:
    anns = set(e.annotations)
    if is_test_path(e.path) or _JVM_TEST_ANNOTATIONS & (anns | e.member_annotations):
        return "test"
    if "Path" in anns and any(i.startswith(("javax.ws.rs.", "jakarta.ws.rs.")) for i in e.imports):
        return "controller"
    for names, role in _JVM_ANNOTATION_ROLES:
        if names & anns:
            return role
    if _MAPPINGS & e.member_annotations:
        return "controller"  # an interface declaring the mappings a controller implements
    for base in e.supertypes:
        for pattern, role in _JVM_BASE_ROLES:
            if pattern.match(base):
                return role
    if _TEST_NAME.match(e.name):
        return "test"
    if role := _role_by_name(e.name, (("Properties", "configuration"),)) or _PACKAGE_ROLES.get(e.package_tail):
        return role
    if not e.class_like or any(_EXCEPTION.search(s) for s in e.supertypes):
        return "other"  # an exception carrying a field and its getter is no dto
    data_only = e.has_fields and all(_ACCESSOR.match(m) for m in e.method_names)
    if data_only and (e.data_shape or any(m.startswith(("get", "is")) for m in e.method_names)):
        return "dto"
    if e.data_shape and not e.method_names:
        return "dto"
    return "other"


def _java_imports(root: Node, ctx: FileContext) -> list[str]:
    out = []
    for imp in root.children:
        if imp.type == "import_declaration":
            name = next((c for c in imp.named_children if c.type in ("scoped_identifier", "identifier")), None)
            if name is not None:
                out.append(text(name, ctx))
    return out


def _mapper_annotation(imports: list[str]) -> str:
    """`@Mapper` as imported: MapStruct's or MyBatis's (or plain when neither is imported)."""
    for imp in imports:
        if imp.endswith(".Mapper") and imp.startswith(("org.mapstruct", "org.apache.ibatis")):
            return "@" + imp
    return "@Mapper"


def _java_modifiers(node: Node) -> Node | None:
    return modifiers(node)


def _java_annotations(node: Node, ctx: FileContext) -> list[tuple[str, Node]]:
    mods = _java_modifiers(node)
    out = []
    for a in mods.children if mods else []:
        if a.type in ("annotation", "marker_annotation"):
            out.append((text(a.child_by_field_name("name"), ctx).rsplit(".", 1)[-1], a))
    return out


def _java_words(node: Node) -> set[str]:
    mods = _java_modifiers(node)
    return {c.type for c in mods.children if not c.is_named} if mods else set()


def _java_params(params: Node | None, ctx: FileContext) -> list[str]:
    out = []
    for p in params.named_children if params is not None else []:
        if p.type == "formal_parameter":
            dims = p.child_by_field_name("dimensions")
            out.append(_type(p.child_by_field_name("type"), ctx) + (text(dims, ctx) if dims is not None else ""))
        elif p.type == "spread_parameter":
            t = next((c for c in p.named_children if c.type not in ("modifiers", "variable_declarator")), None)
            out.append(_type(t, ctx) + "...")
    return out


JAVA_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
    "annotation_type_declaration": "@interface",
}


def java(cls: Node, ctx: FileContext) -> Described:
    """Info and role of a Java class, interface, enum, record or annotation type."""
    imports = ctx.cache.get("java_imports")
    if imports is None:  # once per file
        imports = ctx.cache["java_imports"] = _java_imports(_root(cls), ctx)
    name = text(cls.child_by_field_name("name"), ctx)
    outer = _outer_names(cls, set(JAVA_KINDS), lambda n: text(n.child_by_field_name("name"), ctx))
    qualified = ".".join([p for p in (ctx.package,) if p] + outer + [name])
    tparams = cls.child_by_field_name("type_parameters")
    info = _Info(kind=JAVA_KINDS[cls.type], name=qualified + (_type(tparams, ctx) if tparams is not None else ""))
    if cls.type == "class_declaration" and "abstract" in _java_words(cls):
        info.kind = "abstract class"
    anns = _java_annotations(cls, ctx)
    ann_names = [n for n, _ in anns]
    info.annotations = [_mapper_annotation(imports) if n == "Mapper" else _annotation(text(a, ctx)) for n, a in anns]
    superclass = cls.child_by_field_name("superclass")
    if superclass is not None:
        info.supertypes += [_type(t, ctx) for t in superclass.named_children]
    for c in cls.children:
        if c.type in ("super_interfaces", "extends_interfaces"):
            info.supertypes += [_type(t, ctx) for lst in c.named_children for t in lst.named_children]
    body = cls.child_by_field_name("body")
    holders = [body] if body is not None else []
    holders += [c for c in (body.children if body is not None else []) if c.type == "enum_body_declarations"]
    members = [c for h in holders for c in h.children]
    # fields (non-static), with what Lombok needs to know of each
    all_args, required = [], []
    for f in (m for m in members if m.type == "field_declaration"):
        words = _java_words(f)
        if "static" in words:
            continue
        t = _type(f.child_by_field_name("type"), ctx)
        non_null = any(n == "NonNull" for n, _ in _java_annotations(f, ctx))
        for d in f.children_by_field_name("declarator"):
            var = text(d.child_by_field_name("name"), ctx)
            info.fields.append(f"{var}:{t}")
            initialised = d.child_by_field_name("value") is not None
            if not (initialised and "final" in words):
                all_args.append(t)
            if not initialised and ("final" in words or non_null or "Value" in ann_names):
                required.append(t)
    if body is not None and cls.type == "enum_declaration":
        info.values = [text(c.child_by_field_name("name"), ctx) for c in body.children if c.type == "enum_constant"]
    # constructors: a record's components, the @Autowired/@Inject one, else the longest
    ctors = [m for m in members if m.type == "constructor_declaration"]
    candidates: list[list[str]] = [_java_params(c.child_by_field_name("parameters"), ctx) for c in ctors]
    injected = [
        _java_params(c.child_by_field_name("parameters"), ctx)
        for c in ctors
        if {"Autowired", "Inject"} & {n for n, _ in _java_annotations(c, ctx)}
    ]
    if "RequiredArgsConstructor" in ann_names or ("Data" in ann_names and not ctors):
        candidates.append(required)
    if "AllArgsConstructor" in ann_names or ("Value" in ann_names and not ctors):
        candidates.append(all_args)
    if "NoArgsConstructor" in ann_names:
        candidates.append([])
    if cls.type == "record_declaration":
        params = cls.child_by_field_name("parameters")
        info.ctor = _java_params(params, ctx)
        info.fields = [
            f"{text(p.child_by_field_name('name'), ctx)}:{_type(p.child_by_field_name('type'), ctx)}"
            for p in (params.named_children if params is not None else [])
            if p.type == "formal_parameter"
        ]
    elif injected:
        info.ctor = injected[0]
    elif candidates:
        info.ctor = max(candidates, key=len)  # the first of the longest
    # methods
    method_names, member_anns = [], set()
    for m in members:
        if m.type not in ("method_declaration", "annotation_type_element_declaration"):
            continue
        m_name = text(m.child_by_field_name("name"), ctx)
        method_names.append(m_name)
        member_anns |= {n for n, _ in _java_annotations(m, ctx)}
        ret = _type(m.child_by_field_name("type"), ctx)
        dims = m.child_by_field_name("dimensions")
        ret += text(dims, ctx) if dims is not None else ""
        rendered = f"{m_name}({', '.join(_java_params(m.child_by_field_name('parameters'), ctx))}): {ret}"
        (info.private if "private" in _java_words(m) else info.methods).append(rendered)
    role = _jvm_role(
        _JvmEvidence(
            name=name,
            path=ctx.file.path,
            annotations=ann_names,
            supertypes=[_simple(s) for s in info.supertypes],
            member_annotations=member_anns,
            imports=imports,
            method_names=method_names,
            data_shape=cls.type == "record_declaration" or bool(_LOMBOK_DATA & set(ann_names)),
            class_like=cls.type in ("class_declaration", "record_declaration"),
            has_fields=bool(info.fields),
            package_tail=ctx.package.rsplit(".", 1)[-1],
        )
    )
    return Described(info.render(), role)


# --- Kotlin ----------------------------------------------------------------------------------------

_KOTLIN_CLASSES = {"class_declaration", "object_declaration"}
_KOTLIN_KIND_WORDS = ("abstract", "sealed", "data", "enum", "annotation", "value", "inline")


def _kt_modifiers(node: Node) -> Node | None:
    return modifiers(node)


def _kt_annotations(node: Node, ctx: FileContext) -> list[tuple[str, Node]]:
    mods = _kt_modifiers(node)
    out = []
    for a in mods.children if mods else []:
        if a.type == "annotation":
            user_type = next(walk(a, {"user_type"}), None)
            idents = [c for c in user_type.children if c.type == "type_identifier"] if user_type is not None else []
            out.append((text(idents[-1], ctx) if idents else "", a))
    return out


def _kt_words(node: Node, ctx: FileContext) -> set[str]:
    mods = _kt_modifiers(node)
    return {text(c, ctx) for c in mods.children if c.type != "annotation"} if mods else set()


def _kt_type_after_colon(node: Node, ctx: FileContext) -> str:
    """The type written after the node's own `:` (a parameter's, a property's)."""
    seen = False
    for c in node.children:
        if seen and c.is_named:
            return _type(c, ctx)
        seen = seen or c.type == ":"
    return ""


def _kt_params(params: Node | None, ctx: FileContext) -> list[str]:
    out, vararg = [], False
    for c in params.children if params is not None else []:
        if c.type == "parameter_modifiers":
            vararg = "vararg" in text(c, ctx).split()
        elif c.type in ("parameter", "class_parameter"):
            t = _kt_type_after_colon(c, ctx)
            out.append(("vararg " if vararg or "vararg" in _kt_words(c, ctx) else "") + t)
            vararg = False
    return out


def _kt_ctor_params(ctor: Node, ctx: FileContext) -> list[str]:
    """A primary constructor's parameters (its own children) or a secondary one's (in a list)."""
    return _kt_params(next((p for p in ctor.children if p.type == "function_value_parameters"), ctor), ctx)


def _kt_functions(body: Node | None, ctx: FileContext) -> list[Node]:
    return [c for c in (body.children if body is not None else []) if c.type == "function_declaration"]


def _kt_render_function(f: Node, ctx: FileContext) -> str:
    name = next((text(c, ctx) for c in f.children if c.type == "simple_identifier"), "")
    params = next((c for c in f.children if c.type == "function_value_parameters"), None)
    ret = ""
    if params is not None:
        idx = f.children.index(params) if params in f.children else -1
        rest = f.children[idx + 1 :]
        if len(rest) >= 2 and rest[0].type == ":":
            ret = _type(rest[1], ctx)
    body = next((c for c in f.children if c.type == "function_body"), None)
    if not ret and (body is None or text(body, ctx).startswith("{")):
        ret = "Unit"
    return f"{name}({', '.join(_kt_params(params, ctx))})" + (f": {ret}" if ret else "")


def _kt_imports(root: Node, ctx: FileContext) -> list[str]:
    out = []
    for header in walk(root, {"import_header"}):
        ident = next((c for c in header.named_children if c.type == "identifier"), None)
        if ident is not None:
            out.append(text(ident, ctx))
    return out


def _kt_name(node: Node, ctx: FileContext) -> str:
    return next((text(c, ctx) for c in node.children if c.type == "type_identifier"), "")


def kotlin(cls: Node, ctx: FileContext) -> Described:
    """Info and role of a Kotlin class, interface, enum, data class or object."""
    root = _root(cls)
    imports = _kt_imports(root, ctx)
    name = _kt_name(cls, ctx)
    outer = _outer_names(cls, _KOTLIN_CLASSES, lambda n: _kt_name(n, ctx))
    qualified = ".".join([p for p in (ctx.package,) if p] + outer + [name])
    tparams = next((c for c in cls.children if c.type == "type_parameters"), None)
    words = _kt_words(cls, ctx) | {c.type for c in cls.children if not c.is_named}
    if cls.type == "object_declaration":
        kind = "object"
    else:
        base = "interface" if "interface" in words else "class"
        prefix = [w for w in _KOTLIN_KIND_WORDS if w in words]
        kind = " ".join([*prefix, base])
        if "fun" in words and base == "interface":
            kind = "fun interface"
    info = _Info(kind=kind, name=qualified + (_type(tparams, ctx) if tparams is not None else ""))
    anns = _kt_annotations(cls, ctx)
    ann_names = [n for n, _ in anns]
    info.annotations = [_mapper_annotation(imports) if n == "Mapper" else _annotation(text(a, ctx)) for n, a in anns]
    for d in (c for c in cls.children if c.type == "delegation_specifier"):
        t = next((c for c in d.named_children), None)
        if t is not None and t.type in ("constructor_invocation", "explicit_delegation"):
            t = next((c for c in t.named_children), None)
        if t is not None:
            info.supertypes.append(_type(t, ctx))
    body = next((c for c in cls.children if c.type in ("class_body", "enum_class_body")), None)
    members = body.children if body is not None else []
    primary = next((c for c in cls.children if c.type == "primary_constructor"), None)
    for p in primary.children if primary is not None else []:
        if p.type == "class_parameter" and any(c.type == "binding_pattern_kind" for c in p.children):
            p_name = next((text(c, ctx) for c in p.children if c.type == "simple_identifier"), "")
            info.fields.append(f"{p_name}:{_kt_type_after_colon(p, ctx)}")
    for prop in (m for m in members if m.type == "property_declaration"):
        var = next((c for c in prop.children if c.type == "variable_declaration"), None)
        if var is None or "const" in _kt_words(prop, ctx):
            continue
        v_name = next((text(c, ctx) for c in var.children if c.type == "simple_identifier"), "")
        if _CONSTANT.match(v_name):
            continue  # a constant by its name
        t = _kt_type_after_colon(var, ctx)
        info.fields.append(f"{v_name}:{t}" if t else v_name)
    info.values = [
        next((text(c, ctx) for c in e.children if c.type == "simple_identifier"), "")
        for e in members
        if e.type == "enum_entry"
    ]
    secondary = [m for m in members if m.type == "secondary_constructor"]
    injected = [
        c
        for c in ([primary] if primary is not None else []) + secondary
        if {"Autowired", "Inject"} & {n for n, _ in _kt_annotations(c, ctx)}
    ]
    if injected:
        info.ctor = _kt_ctor_params(injected[0], ctx)
    elif primary is not None:
        info.ctor = _kt_ctor_params(primary, ctx)
    elif secondary:
        info.ctor = max((_kt_ctor_params(c, ctx) for c in secondary), key=len)
    companions = [m for m in members if m.type == "companion_object"]
    functions = _kt_functions(body, ctx) + [
        f for c in companions for f in _kt_functions(next((b for b in c.children if b.type == "class_body"), None), ctx)
    ]
    method_names, member_anns = [], set()
    for f in functions:
        method_names.append(next((text(c, ctx) for c in f.children if c.type == "simple_identifier"), ""))
        member_anns |= {n for n, _ in _kt_annotations(f, ctx)}
        rendered = _kt_render_function(f, ctx)
        (info.private if "private" in _kt_words(f, ctx) else info.methods).append(rendered)
    role = _jvm_role(
        _JvmEvidence(
            name=name,
            path=ctx.file.path,
            annotations=ann_names,
            supertypes=[_simple(s) for s in info.supertypes],
            member_annotations=member_anns,
            imports=imports,
            method_names=method_names,
            data_shape="data" in words,
            class_like=kind.endswith("class") and not kind.startswith(("enum", "annotation")),
            has_fields=bool(info.fields),
            package_tail=ctx.package.rsplit(".", 1)[-1],
        )
    )
    return Described(info.render(), role)


# --- Python ----------------------------------------------------------------------------------------

_PY_BASE_ROLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\w*TestCase|TestBase)$"), "test"),
    (re.compile(r"^(\w*View|\w*ViewSet|\w*APIView|MethodView|Resource)$"), "controller"),
    (re.compile(r"^(BaseSettings)$"), "configuration"),
    (re.compile(r"^(Base|DeclarativeBase|Model|Document|DynamicDocument)$"), "entity"),
    (re.compile(r"^(BaseModel|SQLModel|TypedDict|NamedTuple|Schema|\w*Serializer|RootModel)$"), "dto"),
)
_PY_ROUTE = re.compile(r"^@\w+\.(get|post|put|delete|patch|route|api_route)\(")
_PY_NAME_ROLES = (("Schema", "dto"), ("View", "controller"))


def _py_decorators(cls: Node, ctx: FileContext) -> list[str]:
    outer = cls.parent if cls.parent is not None and cls.parent.type == "decorated_definition" else None
    return [text(d, ctx) for d in outer.children if d.type == "decorator"] if outer is not None else []


def _py_type(node: Node | None, ctx: FileContext) -> str:
    """A type annotation; a forward reference without its quotes (`"Item"` -> `Item`)."""
    t = _type(node, ctx)
    return t[1:-1] if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"" else t


def _py_param(p: Node, ctx: FileContext) -> str | None:
    if p.type == "identifier":
        return text(p, ctx)
    if p.type in ("typed_parameter", "typed_default_parameter"):
        name = p.child_by_field_name("name") or next((c for c in p.named_children if c.type != "type"), None)
        return f"{text(name, ctx)}:{_py_type(p.child_by_field_name('type'), ctx)}"
    if p.type == "default_parameter":
        return text(p.child_by_field_name("name"), ctx)
    if p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
        return text(p, ctx)
    return None  # `*` and `/` separators


def _py_params(func: Node, ctx: FileContext, bound: bool) -> list[str]:
    params = func.child_by_field_name("parameters")
    out = [r for p in (params.named_children if params is not None else []) if (r := _py_param(p, ctx))]
    return out[1:] if bound and out else out


def _py_functions(body: Node | None) -> list[tuple[Node, Node]]:
    """(function, its decorated definition or itself) in a class body."""
    out = []
    for c in body.children if body is not None else []:
        inner = c.child_by_field_name("definition") if c.type == "decorated_definition" else c
        if inner is not None and inner.type == "function_definition":
            out.append((inner, c))
    return out


def _py_assignments(body: Node | None) -> list[Node]:
    out = []
    for c in body.children if body is not None else []:
        node = c.named_children[0] if c.type == "expression_statement" and c.named_children else c
        if node.type == "assignment":
            out.append(node)
    return out


def _py_module(ctx: FileContext) -> str:
    """`backend/app/models.py` in module `backend` -> `app.models`; `src/` dropped, `__init__` too."""
    path = PurePosixPath(ctx.file.path)
    parts = list(path.with_suffix("").parts)
    below = len(PurePosixPath(ctx.module).parts) if ctx.module else 0
    if below and path.as_posix().startswith(ctx.module + "/") and len(parts) - below >= 2:
        parts = parts[below:]  # the module folder is no package when a package sits in it
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _py_class_facts(cls: Node, ctx: FileContext) -> tuple[list[str], dict[str, str]]:
    """(positional bases as written, keyword arguments) of a class definition."""
    args = cls.child_by_field_name("superclasses")
    bases, keywords = [], {}
    for a in args.named_children if args is not None else []:
        if a.type == "keyword_argument":
            keywords[text(a.child_by_field_name("name"), ctx)] = text(a.child_by_field_name("value"), ctx)
        elif a.type != "comment":
            bases.append(_clean(text(a, ctx)))
    return bases, keywords


def _py_role(cls: Node, ctx: FileContext, seen: frozenset[int] = frozenset()) -> str:
    name = text(cls.child_by_field_name("name"), ctx)
    bases, keywords = _py_class_facts(cls, ctx)
    simple = [_simple(b) for b in bases]
    if is_test_path(ctx.file.path) or re.match(r"^Test([A-Z_]|$)", name) or any(b.endswith("TestCase") for b in simple):
        return "test"
    body = cls.child_by_field_name("body")
    decorators = [d for _, outer in _py_functions(body) for d in _py_decorators_of(outer, ctx)]
    if any(_PY_ROUTE.match(d) for d in decorators):
        return "controller"
    if keywords.get("table") == "True" or any(
        text(a.child_by_field_name("left"), ctx) == "__tablename__" for a in _py_assignments(body)
    ):
        return "entity"
    for b in simple:
        for pattern, role in _PY_BASE_ROLES:
            if pattern.match(b):
                return role
    # a base class of the same file lends its role
    for b in simple:
        for other in walk(_root(cls), {"class_definition"}):
            if other.id not in seen and other.id != cls.id and text(other.child_by_field_name("name"), ctx) == b:
                role = _py_role(other, ctx, seen | {cls.id})
                if role not in ("other", "test"):
                    return role
    if role := _role_by_name(name, _PY_NAME_ROLES):
        return role
    # a property is an accessor, as a Java record's `isOk()` is: a dataclass with one still holds data only
    methods = [f for f, outer in _py_functions(body) if not any(map(_PY_ACCESSOR.match, _py_decorators_of(outer, ctx)))]
    if _is_dataclass(_py_decorators(cls, ctx)) and not methods:
        return "dto"
    return "other"


_PY_ACCESSOR = re.compile(r"^@((functools\.)?(cached_)?property|\w+\.(setter|getter))$")
_DATACLASS = re.compile(r"^@(dataclasses\.dataclass|dataclass|attr\.s|attrs\.define|attrs\.frozen|define|frozen)\b")


def _is_dataclass(decorators: list[str]) -> bool:
    return any(_DATACLASS.match(d) for d in decorators)


def _py_decorators_of(outer: Node, ctx: FileContext) -> list[str]:
    return (
        [text(d, ctx) for d in outer.children if d.type == "decorator"] if outer.type == "decorated_definition" else []
    )


def python(cls: Node, ctx: FileContext) -> Described:
    """Info and role of a Python class."""
    name = text(cls.child_by_field_name("name"), ctx)
    outer = _outer_names(cls, {"class_definition"}, lambda n: text(n.child_by_field_name("name"), ctx))
    module = _py_module(ctx)
    info = _Info(kind="class", name=".".join([p for p in (module,) if p] + outer + [name]))
    decorators = _py_decorators(cls, ctx)
    info.annotations = [_annotation(d) for d in decorators]
    bases, _ = _py_class_facts(cls, ctx)
    info.supertypes = bases
    body = cls.child_by_field_name("body")
    is_enum = any(_simple(b) in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag") for b in bases)
    annotated: list[str] = []
    for a in _py_assignments(body):
        left, t = a.child_by_field_name("left"), a.child_by_field_name("type")
        if left is None or left.type != "identifier":
            continue
        var = text(left, ctx)
        if var.startswith("__") or (var.isupper() and t is None and not is_enum):
            continue  # dunders, constants
        if is_enum:
            info.values.append(var)
        elif t is not None:
            if not _py_type(t, ctx).startswith("ClassVar"):
                info.fields.append(f"{var}:{_py_type(t, ctx)}")
                annotated.append(f"{var}:{_py_type(t, ctx)}")
        else:
            right = a.child_by_field_name("right")
            callee = right.child_by_field_name("function") if right is not None and right.type == "call" else None
            info.fields.append(f"{var}:{_simple(text(callee, ctx))}" if callee is not None else var)
    functions = _py_functions(body)
    init = next((f for f, _ in functions if text(f.child_by_field_name("name"), ctx) == "__init__"), None)
    if init is not None:
        info.ctor = _py_params(init, ctx, bound=True)
        types = {}
        for p in info.ctor:
            if ":" in p:
                types[p.split(":", 1)[0]] = p.split(":", 1)[1]
        known = {f.split(":", 1)[0] for f in info.fields}
        for a in walk(init, {"assignment"}):
            left = a.child_by_field_name("left")
            if left is None or left.type != "attribute" or text(left.child_by_field_name("object"), ctx) != "self":
                continue
            attr = text(left.child_by_field_name("attribute"), ctx)
            if attr in known:
                continue
            known.add(attr)
            t = a.child_by_field_name("type")
            right = a.child_by_field_name("right")
            if t is not None:
                info.fields.append(f"{attr}:{_py_type(t, ctx)}")
            elif right is not None and right.type == "identifier" and text(right, ctx) in types:
                info.fields.append(f"{attr}:{types[text(right, ctx)]}")
            else:
                info.fields.append(attr)
    elif _is_dataclass(decorators):
        info.ctor = annotated
    for f, outer_def in functions:
        f_name = text(f.child_by_field_name("name"), ctx)
        if f_name == "__init__":
            continue
        static = any(d.startswith("@staticmethod") for d in _py_decorators_of(outer_def, ctx))
        ret = f.child_by_field_name("return_type")
        rendered = f"{f_name}({', '.join(_py_params(f, ctx, bound=not static))})"
        rendered += f": {_py_type(ret, ctx)}" if ret is not None else ""
        private = f_name.startswith("_") and not (f_name.startswith("__") and f_name.endswith("__"))
        (info.private if private else info.methods).append(rendered)
    return Described(info.render(), _py_role(cls, ctx))


# --- TypeScript ------------------------------------------------------------------------------------

_TS_DECORATOR_ROLES: tuple[tuple[set[str], str], ...] = (
    ({"Controller", "Resolver"}, "controller"),
    ({"EntityRepository"}, "repository"),
    ({"Entity", "Schema", "Table"}, "entity"),
    ({"Module"}, "configuration"),
    ({"InputType", "ObjectType", "ArgsType"}, "dto"),
)
_TS_KINDS = {
    "class_declaration": "class",
    "abstract_class_declaration": "abstract class",
    "interface_declaration": "interface",
}


def _ts_annotation(node: Node | None, ctx: FileContext) -> str:
    return _type(node, ctx).removeprefix(":").strip() if node is not None else ""


def _ts_param(p: Node, ctx: FileContext) -> str:
    t = next((c for c in p.children if c.type == "type_annotation"), None)
    pattern = p.child_by_field_name("pattern") or next((c for c in p.named_children), None)
    rest = pattern is not None and pattern.type == "rest_pattern"
    written = _ts_annotation(t, ctx) if t is not None else text(pattern, ctx).lstrip(".") if pattern is not None else ""
    return ("..." if rest else "") + written + ("?" if p.type == "optional_parameter" and t is not None else "")


def _ts_params(params: Node | None, ctx: FileContext) -> list[str]:
    return [
        _ts_param(p, ctx)
        for p in (params.named_children if params is not None else [])
        if p.type in ("required_parameter", "optional_parameter")
    ]


def _ts_member_name(m: Node, ctx: FileContext) -> str:
    return text(m.child_by_field_name("name"), ctx)


def _ts_is_private(m: Node, ctx: FileContext) -> bool:
    acc = next((c for c in m.children if c.type == "accessibility_modifier"), None)
    return (acc is not None and text(acc, ctx) == "private") or _ts_member_name(m, ctx).startswith("#")


def _ts_function(name: str, params: Node | None, ret: Node | None, ctx: FileContext) -> str:
    r = _ts_annotation(ret, ctx)
    return f"{name}({', '.join(_ts_params(params, ctx))})" + (f": {r}" if r else "")


def typescript(cls: Node, ctx: FileContext) -> Described:
    """Info and role of a TypeScript class or interface."""
    name = text(cls.child_by_field_name("name"), ctx)
    tparams = cls.child_by_field_name("type_parameters")
    info = _Info(
        kind=_TS_KINDS.get(cls.type, "class"), name=name + (_type(tparams, ctx) if tparams is not None else "")
    )
    outer = cls.parent if cls.parent is not None and cls.parent.type == "export_statement" else cls
    decorators = [c for c in outer.children if c.type == "decorator"]
    decorators += [c for c in cls.children if c.type == "decorator" and c not in decorators]
    info.annotations = [_annotation(text(d, ctx)) for d in decorators]
    dec_names = set()
    for d in decorators:
        expr = next((c for c in d.named_children), None)
        f = expr.child_by_field_name("function") if expr is not None and expr.type == "call_expression" else expr
        if f is not None:
            dec_names.add(text(f, ctx).rsplit(".", 1)[-1])
    for c in cls.children:
        if c.type == "class_heritage":
            for clause in c.named_children:
                written = _clean(text(clause, ctx))
                for word in ("extends ", "implements "):
                    written = written.removeprefix(word)
                info.supertypes += [s.strip() for s in _split_top(written)]
        elif c.type == "extends_type_clause":
            info.supertypes += [_type(t, ctx) for t in c.named_children]
    body = cls.child_by_field_name("body")
    field_decorators = set()
    for m in body.named_children if body is not None else []:
        static = any(c.type == "static" for c in m.children)
        if m.type == "decorator":
            continue
        if m.type in ("public_field_definition", "property_signature"):
            field_decorators |= {text(d, ctx).lstrip("@").split("(", 1)[0] for d in m.children if d.type == "decorator"}
            value = m.child_by_field_name("value")
            t = next((c for c in m.children if c.type == "type_annotation"), None)
            if value is not None and value.type in ("arrow_function", "function_expression"):
                rendered = _ts_function(
                    _ts_member_name(m, ctx),
                    value.child_by_field_name("parameters"),
                    value.child_by_field_name("return_type"),
                    ctx,
                )
                (info.private if _ts_is_private(m, ctx) else info.methods).append(rendered)
            elif not static:
                optional = "?" if any(c.type == "?" for c in m.children) else ""
                f_name = _ts_member_name(m, ctx) + optional
                info.fields.append(f"{f_name}:{_ts_annotation(t, ctx)}" if t is not None else f_name)
        elif m.type in ("method_definition", "method_signature", "abstract_method_signature"):
            m_name = _ts_member_name(m, ctx)
            params = m.child_by_field_name("parameters")
            if m_name == "constructor":
                info.ctor = _ts_params(params, ctx)
                for p in params.named_children if params is not None else []:
                    if any(c.type in ("accessibility_modifier", "readonly") for c in p.children):
                        pattern = p.child_by_field_name("pattern")
                        t = next((c for c in p.children if c.type == "type_annotation"), None)
                        p_name = text(pattern, ctx) if pattern is not None else ""
                        info.fields.append(f"{p_name}:{_ts_annotation(t, ctx)}" if t is not None else p_name)
                continue
            rendered = _ts_function(m_name, params, m.child_by_field_name("return_type"), ctx)
            (info.private if _ts_is_private(m, ctx) else info.methods).append(rendered)
    role = None
    for names, r in _TS_DECORATOR_ROLES:
        if names & dec_names:
            role = r
            break
    if role is None and any(_simple(s) in ("Repository", "MongoRepository", "TreeRepository") for s in info.supertypes):
        role = "repository"
    if role is None and field_decorators & {
        "IsString",
        "IsInt",
        "IsNumber",
        "IsEmail",
        "IsOptional",
        "IsNotEmpty",
        "Field",
    }:
        role = "dto"
    role = role or _role_by_name(name) or "other"
    return Described(info.render(), role)


def _split_top(s: str) -> list[str]:
    """Split on commas outside `<>`, `()`, `[]`, `{}`."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur))
    return out


# --- Go --------------------------------------------------------------------------------------------

_GO_HANDLER_PARAMS = re.compile(r"http\.ResponseWriter|\*gin\.Context|echo\.Context|\*fiber\.Ctx")
_GO_TAG_ROLES = (
    (re.compile(r"\b(gorm|bson|db|pg|bun|xorm):"), "entity"),
    (re.compile(r"\b(binding|form|validate):"), "dto"),
)
_GO_NAME_ROLES = (
    ("Handlers", "controller"),
    ("Handler", "controller"),
    ("Serializer", "mapper"),
    ("Store", "repository"),
    ("Usecase", "service"),
    ("UseCase", "service"),
    ("Options", "configuration"),
)


def _go_params(params: Node | None, ctx: FileContext) -> list[str]:
    out = []
    for p in params.named_children if params is not None else []:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        t = _type(p.child_by_field_name("type"), ctx)
        t = ("..." + t) if p.type == "variadic_parameter_declaration" else t
        out += [t] * max(1, len(p.children_by_field_name("name")))
    return out


def _go_result(result: Node | None, ctx: FileContext) -> str:
    if result is None:
        return ""
    if result.type == "parameter_list":
        types = _go_params(result, ctx)
        return types[0] if len(types) == 1 else "(" + ", ".join(types) + ")"
    return _type(result, ctx)


def _go_function(name: str, params: Node | None, result: Node | None, ctx: FileContext) -> str:
    r = _go_result(result, ctx)
    return f"{name}({', '.join(_go_params(params, ctx))})" + (f": {r}" if r else "")


def go(spec: Node, ctx: FileContext) -> Described:
    """Info and role of a Go struct or interface type (a `type_spec`), with the methods of its
    receiver and its `NewName` constructor found in the same file."""
    from minions.parsing.go import package_name, receiver_type  # go.py imports this module

    root = _root(spec)
    name = text(spec.child_by_field_name("name"), ctx)
    tparams = spec.child_by_field_name("type_parameters")
    t = spec.child_by_field_name("type")
    kind = "interface" if t is not None and t.type == "interface_type" else "struct"
    info = _Info(kind=kind, name=f"{package_name(root, ctx)}.{name}" + (text(tparams, ctx) if tparams else ""))
    has_methods = False
    # every field's tag, nested structs' too (`User struct { Email string `binding:"email"` }`)
    tags = [
        text(tag, ctx) if (tag := f.child_by_field_name("tag")) is not None else ""
        for f in walk(t, {"field_declaration"})
    ]
    if kind == "struct" and t is not None:
        fields = next((c for c in t.named_children if c.type == "field_declaration_list"), None)
        for f in (c for c in fields.named_children if c.type == "field_declaration") if fields is not None else []:
            names = f.children_by_field_name("name")
            ftype_node = f.child_by_field_name("type")
            ftype = (
                "struct{…}" if ftype_node is not None and ftype_node.type == "struct_type" else _type(ftype_node, ctx)
            )
            if not names:
                info.supertypes.append(ftype.lstrip("*"))
            info.fields += [f"{text(n, ctx)}:{ftype}" for n in names]
    elif t is not None:
        for m in t.named_children:
            if m.type == "method_elem":
                m_name = text(m.child_by_field_name("name"), ctx)
                info.methods.append(
                    _go_function(m_name, m.child_by_field_name("parameters"), m.child_by_field_name("result"), ctx)
                )
            elif m.type == "type_elem":
                info.supertypes.append(_clean(text(m, ctx)))
    handlers = 0
    for f in root.children:
        if f.type == "function_declaration" and text(f.child_by_field_name("name"), ctx) == "New" + name:
            info.ctor = info.ctor if info.ctor is not None else _go_params(f.child_by_field_name("parameters"), ctx)
        if f.type != "method_declaration" or receiver_type(f, ctx) != name:
            continue
        has_methods = True
        m_name = text(f.child_by_field_name("name"), ctx)
        params = f.child_by_field_name("parameters")
        handles = params is not None and _GO_HANDLER_PARAMS.search(text(params, ctx))
        handlers += 2 if handles and m_name == "ServeHTTP" else 1 if handles else 0
        rendered = _go_function(m_name, params, f.child_by_field_name("result"), ctx)
        (info.methods if m_name[:1].isupper() else info.private).append(rendered)
    role = None
    if any(_simple(s) == "Model" and s.startswith("gorm.") for s in info.supertypes):
        role = "entity"
    for pattern, r in _GO_TAG_ROLES:
        if role is None and any(pattern.search(tag) for tag in tags):
            role = r
    if role is None and handlers >= 2:  # a request binder has one `Bind(c *gin.Context)`; a handler type several
        role = "controller"
    role = role or _role_by_name(name, _GO_NAME_ROLES)
    if role is None and kind == "struct" and tags and all("json:" in tag for tag in tags) and not has_methods:
        role = "dto"
    return Described(info.render(), role or "other")


# --- members and lookups ---------------------------------------------------------------------------


def class_of(units: Iterable[CodeUnit]):
    """A lookup: member unit -> the class unit it belongs to (same repository and file, the innermost
    class of its name around it; Go: a type of the same name in the package's folder), or None."""
    by_file: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
    by_dir: dict[tuple[str, str, str, str], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "class":
            by_file[(u.source.repo, u.path, u.name)].append(u)
            by_dir[(u.source.repo, u.lang, PurePosixPath(u.path).parent.as_posix(), u.name)].append(u)

    def find(member: CodeUnit) -> CodeUnit | None:
        if member.kind == "class" or member.scope != "class" or not member.class_name:
            return None
        here = by_file.get((member.source.repo, member.path, member.class_name), [])
        around = [c for c in here if c.span[0] <= member.span[0] and member.span[1] <= c.span[1]]
        if around:
            return min(around, key=lambda c: c.span[1] - c.span[0])
        if here:
            return here[0]
        if member.lang == "go":
            there = by_dir.get(
                (member.source.repo, member.lang, PurePosixPath(member.path).parent.as_posix(), member.class_name), []
            )
            return there[0] if len(there) == 1 else None
        return None

    return find


# the last word of a module's file name -> role, for its file-scope functions
_MODULE_WORDS = {
    "crud": "repository",
    "dao": "repository",
    "repository": "repository",
    "repositories": "repository",
    "store": "repository",
    "service": "service",
    "services": "service",
    "controller": "controller",
    "controllers": "controller",
    "views": "controller",
    "routes": "controller",
    "routers": "controller",
    "handlers": "controller",
    "schemas": "dto",
    "dto": "dto",
    "mapper": "mapper",
    "mappers": "mapper",
    "config": "configuration",
    "settings": "configuration",
}


def module_role(path: str, has_endpoints: bool) -> str:
    """The role of a module's file-scope functions: test in a test folder or file, controller when
    the file maps endpoints, else by the last word of the file name (`orders.service.ts`, `crud.py`)."""
    if is_test_path(path) or re.search(r"[._-](test|spec)$", PurePosixPath(path).stem):
        return "test"
    if has_endpoints:
        return "controller"
    words = re.split(r"[._-]", PurePosixPath(path).stem.lower())
    return _MODULE_WORDS.get(words[-1], "other")


def assign_member_roles(units: list[CodeUnit]) -> list[CodeUnit]:
    """The same units, each member (method, test, endpoint, query) carrying its class's role; tests
    outside a class `test`; file-scope functions their module's role (`module_role`). A member given
    its role when parsed (Java's) keeps it."""
    find = None  # built when first needed: every Java member has its role already
    with_endpoints = {(u.source.repo, u.path) for u in units if u.kind == "endpoint"}
    out = []
    for u in units:
        role = u.role
        if u.kind != "class" and not role:
            find = find or class_of(units)
            cls = find(u)
            if cls is not None:
                role = cls.role
            elif u.kind == "test":
                role = "test"
            elif u.scope == "file":
                role = module_role(u.path, (u.source.repo, u.path) in with_endpoints)
        out.append(u.model_copy(update={"role": role}) if role != u.role else u)
    return out
