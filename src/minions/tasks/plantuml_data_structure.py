"""plantuml-data-structure: given a package's entity names and purposes, draw its data structure.

Reads the class units whose role is `entity` and groups them by (repository, module, package): one
record per package with 1 to 20 entities (a bigger one is rejected: no one draws 2,000 classes in
one diagram). The input lists the package and each entity's name with its doc comment's
description (the purpose), where it has one. The output is a PlantUML class diagram built from the
code alone:

- one `class` (`abstract class` for an abstract one) per entity, in name order, its body the
  fields of its compact info (`- fields:` as `name : Type`);
- relations between entities of the package, from each field in order: JPA `@OneToMany`
  (`A "1" -- "*" B`), `@ManyToOne` (`"*" -- "1"`), `@OneToOne` (`"1" -- "1"`), `@ManyToMany`
  (`"*" -- "*"`), `@Embedded` / `@EmbeddedId` / `@ElementCollection` (composition, `A *-- B`), and
  a field whose type is another entity (`A --> B`) or a collection or map of one (`A --> "*" B`);
  each labelled with the field's name. A pair of classes gets one line (the first found, classes
  taken in name order): a bidirectional mapping is one relation;
- inheritance between entities of the package (`Base <|-- Sub`) from the info's supertypes.

`validate(text)` lists a diagram's problems (see its doc); every output passes it, and a record
whose diagram would not is rejected (`diagram fails the validator`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from minions.parsing.languages import LANGUAGES
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import TaskOptions, Wordings, make_record, pick, register_task
from minions.tasks.text_to_sql import doc_text

TASK = "plantuml-data-structure"
MAX_ENTITIES = 20
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Draw the data structure of the package below as a PlantUML class diagram: one class per "
            "entity with its fields, and the relations between them. Answer with the diagram only.",
        ),
        (
            f"{TASK}/en/2",
            "Here are the entities of one package and what they are for. Write a PlantUML class "
            "diagram (`@startuml` ... `@enduml`) of their fields and relations.",
        ),
        (
            f"{TASK}/en/3",
            "Model these entities as a PlantUML class diagram, with each entity's fields and the "
            "associations between entities.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "请用 PlantUML 类图画出下面这个包的数据结构：每个实体一个类及其字段，以及它们之间的关系。只回答类图。",
        ),
        (
            f"{TASK}/zh/2",
            "下面是一个包中的实体及其用途。写一个 PlantUML 类图（`@startuml` ... `@enduml`），包含它们的字段和关系。",
        ),
        (f"{TASK}/zh/3", "把这些实体建模为 PlantUML 类图，写出每个实体的字段以及实体之间的关联。"),
    ],
}

# ---- the validator -------------------------------------------------------------------------------------

_NAME = r'(?:[A-Za-z_$][\w$.]*|"[^"]+")'
_GENERIC = r"(?:\s*<[^<>{}]*(?:<[^<>{}]*>[^<>{}]*)*>)?"
_DECL = re.compile(
    rf"^(?:abstract\s+class|abstract|class|entity|enum|interface|annotation)\s+{_NAME}{_GENERIC}"
    rf"(?:\s+as\s+{_NAME})?(?:\s*<<[^<>]+>>)?(?:\s*#\w+)?\s*(\{{)?$"
)
_MEMBER = re.compile(
    r"^(?:[+\-#~]\s*)?(?:\{(?:static|abstract|field|method)\}\s*)?"
    r"(?:[\w$]+\s*\([^(){}]*\)(?:\s*:\s*[^{}]+)?"  # method(args) : Type
    r"|[\w$]+(?:\s*:\s*[^{}:]+)?"  # name : Type, or an enum value
    r"|[\w$.<>\[\], ?]+\s+[\w$]+)$"  # Type name
)
_SEPARATOR = re.compile(r"^(?:--+|\.\.+|==+|__+)(?:\s*[^{}]*?\s*(?:--+|\.\.+|==+|__+))?$")
_HEAD = r"(?:\|?>|\*|o|#|x|\{|\+|\^)"
_ARROW = rf"(?:<\|?|\*|o|#|x|\}}|\+|\^)?(?:-+|\.+)(?:(?:left|right|up|down|l|r|u|d)(?:-+|\.+))?{_HEAD}?"
_RELATION = re.compile(rf'^{_NAME}\s*(?:"[^"]*"\s*)?{_ARROW}\s*(?:"[^"]*"\s*)?{_NAME}\s*(?::\s*[^{{}}]+)?$')
_NOTE_LINE = re.compile(rf'^note\s+(?:(?:left|right|top|bottom)(?:\s+of\s+{_NAME})?\s*:\s*.+|"[^"]*"\s+as\s+\w+)$')
_NOTE_START = re.compile(rf"^note\s+(?:(?:left|right|top|bottom)(?:\s+of\s+{_NAME})?|as\s+\w+)$")
_NOTE_END = re.compile(r"^end\s?note$")
_SINGLE = re.compile(r"^(?:skinparam\s+\w+\s+\S.*|title\s+\S.*|(?:hide|show)\s+\S.*|'.*)$")
_BLOCK = re.compile(rf"^(?:skinparam(?:\s+\w+)?|package\s+{_NAME}(?:\s+<<\w+>>)?|namespace\s+[\w.]+)\s*\{{$")
_SKINPARAM_ITEM = re.compile(r"^\w+\s+\S.*$")


def validate(text: str) -> list[str]:
    """A PlantUML class diagram's problems, [] when none: it opens with `@startuml` and closes with
    `@enduml`; every line between is a known construct (a class, entity, enum, interface or
    annotation declaration, with a `{ ... }` body of field, method or separator lines; a relation
    such as `A "1" -- "*" B : label`, `A --> B`, `A *-- B`, `A <|-- B`; a note, one line or up to
    `end note`; `skinparam`, `title`, `hide`/`show`, a `'` comment; a `package` or `namespace`
    block; a blank line); and braces are balanced."""
    lines = text.strip("\n").split("\n") if text.strip() else []
    problems = []
    if not lines or lines[0].strip() != "@startuml":
        problems.append("does not start with @startuml")
    if not lines or lines[-1].strip() != "@enduml":
        problems.append("does not end with @enduml")
    stack: list[str] = []  # open blocks: class, package, skinparam, note
    for n, raw in enumerate(lines[1:-1], start=2):
        line = raw.strip()
        top = stack[-1] if stack else None
        if top == "note":
            if _NOTE_END.match(line):
                stack.pop()
            continue
        if not line:
            continue
        if line == "}":
            if not stack:
                problems.append(f"line {n}: unbalanced closing brace")
            else:
                stack.pop()
            continue
        if top == "class":
            if not (_MEMBER.match(line) or _SEPARATOR.match(line)):
                problems.append(f"line {n}: not a member line")
            continue
        if top == "skinparam":
            if not _SKINPARAM_ITEM.match(line):
                problems.append(f"line {n}: not a skinparam line")
            continue
        if m := _DECL.match(line):
            if m.group(1):
                stack.append("class")
        elif m := _BLOCK.match(line):
            stack.append("skinparam" if line.startswith("skinparam") else "package")
        elif _NOTE_START.match(line):
            stack.append("note")
        elif not (_RELATION.match(line) or _NOTE_LINE.match(line) or _SINGLE.match(line)):
            problems.append(f"line {n}: unknown construct")
    if stack:
        problems.append("unbalanced braces" if stack[-1] != "note" else "note without end note")
    return problems


# ---- reading the entities --------------------------------------------------------------------------

RELATION_ANNOTATIONS = {
    "OneToMany": '"1" -- "*"',
    "ManyToOne": '"*" -- "1"',
    "OneToOne": '"1" -- "1"',
    "ManyToMany": '"*" -- "*"',
    "Embedded": "*--",
    "EmbeddedId": "*--",
    "ElementCollection": "*--",
}
_MANY = re.compile(
    r"^(?:[\w.]*\.)?(?:List|Set|SortedSet|Collection|Iterable|Map|SortedMap|Bag|MutableList|MutableSet"
    r"|Array)\b|\[\]$"
)
_TYPE_WORD = re.compile(r"[A-Za-z_]\w*")
_ANNOTATION = re.compile(r"@(?:[\w.]+\.)?(\w+)")


def split_top(s: str) -> list[str]:
    """Split on commas outside `<>`, `()`, `[]`, `{}`."""
    out, depth, cur = [], 0, ""
    for ch in s:
        depth += ch in "<([{"
        depth -= ch in ">)]}"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [*out, cur.strip()] if cur.strip() else out


def info_fields(info: str) -> list[tuple[str, str]]:
    """(name, type) of the `- fields:` line of a class's compact info; the `… (N more)` mark left out."""
    for line in info.splitlines():
        if line.startswith("- fields: "):
            out = []
            for item in split_top(line.removeprefix("- fields: ")):
                if item.startswith("…"):
                    continue
                name, _, type_ = item.partition(":")
                out.append((name.strip().rstrip("?"), type_.strip()))
            return out
    return []


def info_head(info: str) -> tuple[bool, list[str]]:
    """Whether the class is abstract, and its supertypes' simple names, from the info's first line."""
    head = info.splitlines()[0] if info else ""
    _, sep, supers = head.partition(") : ") if ") : " in head else head.partition(" : ")
    names = [re.sub(r"<.*", "", s).strip().rsplit(".", 1)[-1] for s in split_top(supers)] if sep else []
    return bool(re.search(r"(?:^|\s)abstract\s+class\s", head)), names


def field_annotations(unit: CodeUnit) -> dict[str, set[str]]:
    """Field name -> the simple names of its annotations, for a Java or Kotlin class's own fields
    (Kotlin: constructor properties too)."""
    if unit.lang not in ("java", "kotlin") or unit.lang not in LANGUAGES:
        return {}
    src = unit.code.encode()
    root = LANGUAGES[unit.lang].parser().parse(src).root_node

    def txt(n) -> str:
        return src[n.start_byte : n.end_byte].decode("utf-8", "replace")

    decl = next((c for c in root.named_children if c.type in ("class_declaration", "record_declaration")), None)
    if decl is None:
        return {}
    out: dict[str, set[str]] = {}
    nodes = []
    for c in decl.named_children:
        if c.type in ("class_body", "primary_constructor"):
            for m in c.named_children:
                if m.type == "class_parameters":
                    nodes += m.named_children
                else:
                    nodes.append(m)
    for m in nodes:
        mods = next((c for c in m.children if c.type == "modifiers"), None)
        anns = set(_ANNOTATION.findall(txt(mods))) if mods is not None else set()
        names: list[str] = []
        if m.type == "field_declaration":
            names = [txt(d.child_by_field_name("name")) for d in m.children if d.type == "variable_declarator"]
        elif m.type == "class_parameter":
            names = [txt(c) for c in m.children if c.type == "simple_identifier"][:1]
        elif m.type == "property_declaration":
            var = next((c for c in m.children if c.type == "variable_declaration"), None)
            names = [txt(c) for c in var.children if c.type == "simple_identifier"][:1] if var is not None else []
        for name in names:
            out[name] = anns
    return out


def _target(type_: str, entities: set[str]) -> tuple[str | None, bool]:
    """The entity a field's type refers to (the last one named in it), and whether it holds many."""
    found = [w for w in _TYPE_WORD.findall(type_) if w in entities]
    return (found[-1] if found else None), bool(_MANY.search(type_.strip()))


def diagram(classes: list[CodeUnit]) -> str:
    names = {c.name for c in classes}
    lines = ["@startuml"]
    relations: list[str] = []
    drawn: set[frozenset[str]] = set()
    for c in classes:
        abstract, supers = info_head(c.info)
        fields = info_fields(c.info)
        lines.append(f"{'abstract class' if abstract else 'class'} {c.name} {{")
        lines += [f"  {name} : {re.sub(r'[{}]', '', type_) or '?'}" if type_ else f"  {name}" for name, type_ in fields]
        lines.append("}")
        for s in supers:
            if s in names and s != c.name and frozenset((s, c.name)) not in drawn:
                drawn.add(frozenset((s, c.name)))
                relations.append(f"{s} <|-- {c.name}")
        annotations = field_annotations(c)
        for name, type_ in fields:
            target, many = _target(type_, names)
            if target is None or frozenset((c.name, target)) in drawn:  # a self-relation too, once
                continue
            marks = annotations.get(name, set())
            arrow = next((RELATION_ANNOTATIONS[a] for a in RELATION_ANNOTATIONS if a in marks), None)
            if arrow is None:
                arrow = '--> "*"' if many else "-->"
            drawn.add(frozenset((c.name, target)))
            relations.append(f"{c.name} {arrow} {target} : {name}")
    return "\n".join([*lines, *relations, "@enduml"])


def _purpose(unit: CodeUnit) -> str:
    text = doc_text(unit.doc) if unit.doc and unit.lang != "python" else unit.doc.strip().strip("\"'").strip()
    first = re.split(r"(?<=[.。])\s", text, maxsplit=1)[0] if text else ""
    return " ".join(first.split())


@register_task(
    TASK,
    "Draw a package's entities as a PlantUML class diagram (fields and relations) from their names and purposes.",
    needs="class units with role entity (their compact info; JPA annotations for relations)",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    groups: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "class" and u.role == "entity" and u.info:
            groups[(u.source.repo, u.module, u.package or u.path.rsplit("/", 1)[0])].append(u)
    for (_repo, module, package), members in groups.items():
        by_name: dict[str, CodeUnit] = {}
        for u in sorted(members, key=lambda u: (u.name, u.path, u.span)):
            by_name.setdefault(u.name, u)  # one class per name (nested twins are rare)
        classes = list(by_name.values())
        if len(classes) > MAX_ENTITIES:
            yield Rejection(id=classes[0].id, task=TASK, stage="tasks", reason=f"more than {MAX_ENTITIES} entities")
            continue
        output = diagram(classes)
        if validate(output):
            yield Rejection(id=classes[0].id, task=TASK, stage="tasks", reason="diagram fails the validator")
            continue
        lang, template_id, template = pick(TASK, [c.id for c in classes], "", WORDINGS, options)
        head = ("Package: " if lang == "en" else "包：") + package
        items = [f"- {c.name}" + (f": {p}" if (p := _purpose(c)) else "") for c in classes]
        record = make_record(
            task=TASK,
            template_id=template_id,
            instruction=template,
            input="\n".join([head, "Entities:" if lang == "en" else "实体：", *items]),
            output=output,
            unit=classes[0],
            unit_ids=[c.id for c in classes],
            instruction_lang=lang,
            focal_class=package,
            module=module,
        )
        yield record.model_copy(update={"lang": "plantuml"})
