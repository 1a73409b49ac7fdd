"""What the Spring layer tasks share (not a task): a controller's endpoints and their Markdown table,
a class's injected dependencies read from its class info, and the lookup of a type's class unit.

Used by `design-restful-api`, `spring-controller`, `spring-service`, `spring-repository` and
`controller-test`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from minions.parsing.classinfo import class_of
from minions.records import CodeUnit, InstructionRecord
from minions.tasks.registry import LANG_LABEL, TaskOptions, Wordings, fence, make_record, pick

TABLE_HEAD = "| verb | path | request | response |\n|---|---|---|---|"


def endpoints_by_class(units: list[CodeUnit]) -> dict[str, list[CodeUnit]]:
    """Class unit id -> its endpoint units, in source order (a method's several mappings in the
    order the parser gave them)."""
    find = class_of(units)
    out: dict[str, list[CodeUnit]] = defaultdict(list)
    for _, u in sorted(enumerate(units), key=lambda p: (p[1].span[0], p[0])):
        if u.kind == "endpoint" and u.http:
            cls = find(u)
            if cls is not None:
                out[cls.id].append(u)
    return out


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").strip() or "-"


def request_of(http: dict) -> str:
    """`PostParam (body), id: Long (path), page: int (query)`, or `-`."""
    parts = [f"{http['body']} (body)"] if http.get("body") else []
    parts += [
        f"{p['name']}: {p['type']} ({p['in']})" if p.get("type") else f"{p['name']} ({p['in']})"
        for p in http.get("params") or []
    ]
    return ", ".join(parts)


def response_of(http: dict) -> str:
    """The response type; a view name's `String` as `String (view)`."""
    r = http.get("response") or ""
    return f"{r} (view)" if r and http.get("returns") == "view" else r


def endpoint_table(endpoints: list[CodeUnit]) -> str:
    """The Markdown table `| verb | path | request | response |`, one row per endpoint, in order; a row
    written alike twice (two handlers of one route differing only in content type) once."""
    rows = [
        f"| {_cell(e.http['method'])} | {_cell(e.http['path'])} | {_cell(request_of(e.http))} | "
        f"{_cell(response_of(e.http))} |"
        for e in endpoints
    ]
    return "\n".join([TABLE_HEAD, *dict.fromkeys(rows)])


def split_top(s: str) -> list[str]:
    """Split on commas outside brackets."""
    out, depth, cur = [], 0, []
    for ch in s:
        depth += ch in "<([{"
        depth -= ch in ">)]}"
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def simple(type_text: str) -> str:
    """`org.x.JpaRepository<Owner, Long>` -> `JpaRepository`; Kotlin's `Repo?` -> `Repo`."""
    return type_text.split("<", 1)[0].split("[", 1)[0].strip().rstrip("?").rsplit(".", 1)[-1]


def _after_name(head: str, name: str) -> int | None:
    """The index just past `Name<...>` on an info head line, where a `(` or ` : ` may follow."""
    for m in re.finditer(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])", head):
        i = m.end()
        if i < len(head) and head[i] == "<":
            depth = 0
            while i < len(head):
                depth += {"<": 1, ">": -1}.get(head[i], 0)
                i += 1
                if depth == 0:
                    break
        if i == len(head) or head[i] in "( ":
            return i
    return None


def constructor_types(cls: CodeUnit) -> list[str]:
    """The constructor parameter types on the first line of the class info (`Svc(Repo, Other)`)."""
    head = cls.info.split("\n", 1)[0]
    i = _after_name(head, cls.name)
    if i is None or i >= len(head) or head[i] != "(":
        return []
    depth, j = 0, i
    while j < len(head):
        depth += {"(": 1, ")": -1}.get(head[j], 0)
        if depth == 0:
            break
        j += 1
    return split_top(head[i + 1 : j])


def supertypes(cls: CodeUnit) -> list[str]:
    """The supertypes after ` : ` on the first line of the class info."""
    head = cls.info.split("\n", 1)[0]
    i = _after_name(head, cls.name)
    if i is None:
        return []
    rest = head[i:]
    if rest.startswith("("):  # skip the constructor's parameters
        depth = 0
        for k, ch in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                rest = rest[k + 1 :]
                break
    return split_top(rest[3:]) if rest.startswith(" : ") else []


def field_types(cls: CodeUnit) -> list[str]:
    """The types of `- fields: name:Type, ...` of the class info."""
    for line in cls.info.split("\n")[1:]:
        if line.startswith("- fields: "):
            return [f.split(":", 1)[1].strip() for f in split_top(line[len("- fields: ") :]) if ":" in f]
    return []


def injected(cls: CodeUnit) -> list[str]:
    """The simple type names a class is given: constructor parameters, then fields; once each."""
    return list(dict.fromkeys(simple(t) for t in constructor_types(cls) + field_types(cls) if simple(t)))


def class_lookup(units: list[CodeUnit]) -> Callable[[CodeUnit, str], CodeUnit | None]:
    """(class, simple type name) -> the class unit of that name in the class's repository (the
    same module first, then the first by path), or None; never the class itself."""
    by_name: dict[tuple[str, str], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "class":
            by_name[(u.source.repo, u.name)].append(u)
    for v in by_name.values():
        v.sort(key=lambda c: (c.path, c.span[0]))

    def find(cls: CodeUnit, name: str) -> CodeUnit | None:
        found = [c for c in by_name.get((cls.source.repo, name), []) if c.id != cls.id]
        same = [c for c in found if c.module == cls.module]
        return (same or found or [None])[0]

    return find


def is_data_mapper(cls: CodeUnit) -> bool:
    """A repository, or a MyBatis mapper (not a MapStruct one): the data access layer."""
    if cls.role == "repository":
        return True
    return cls.role == "mapper" and "mapstruct" not in cls.info and not cls.name.endswith("Converter")


def kind_of(cls: CodeUnit) -> str:
    """The class's kind word from its info head (`class`, `interface`, `data class`, ...)."""
    head = cls.info.split("\n", 1)[0]
    m = re.search(
        r"(?:^|\s)((?:abstract |data |sealed |open |enum |annotation )?(?:class|interface|object|record|enum))\s", head
    )
    return m.group(1) if m else ""


def dependencies(
    cls: CodeUnit, find: Callable[[CodeUnit, str], CodeUnit | None], accept: Callable[[CodeUnit], bool]
) -> list[CodeUnit]:
    """The class units of the types the class is given (`injected`) that `accept` takes, once each."""
    out: list[CodeUnit] = []
    for t in injected(cls):
        dep = find(cls, t)
        if dep is not None and accept(dep) and dep not in out:
            out.append(dep)
    return out


def infos(units: list[CodeUnit]) -> str:
    """Each unit's class info in its own fence."""
    return "\n".join(fence(u.info, "") for u in units)


SPRING_LANGS = ("java", "kotlin")


def layer_refusal(cls: CodeUnit) -> str | None:
    """Why a class cannot be an implement-a-layer record whatever its dependencies, or None."""
    if kind_of(cls).endswith("interface"):
        return "an interface: no implementation to write"
    return None


def layer_record(
    task: str,
    cls: CodeUnit,
    below: list[CodeUnit],
    wordings: Wordings,
    options: TaskOptions,
    text_in: str,
    output: str,
    fill: Callable[[str], dict] = lambda lang: {},
) -> InstructionRecord:
    """The record that teaches a class from the units of the layer below it: its unit ids (the class,
    then `below`), the wording picked for them, `{cls}`, `{label}` and `fill(lang)` filled in."""
    unit_ids = [cls.id, *(d.id for d in below)]
    lang, template_id, template = pick(task, unit_ids, "", wordings, options)
    return make_record(
        task=task,
        template_id=template_id,
        instruction=template.format(cls=cls.name, label=LANG_LABEL[cls.lang], **fill(lang)),
        input=text_in,
        output=output,
        unit=cls,
        unit_ids=unit_ids,
        instruction_lang=lang,
        focal_class=cls.name,
        module=cls.module,
    )
