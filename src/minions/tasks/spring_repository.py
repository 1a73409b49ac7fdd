"""spring-repository: write a repository (a Spring Data interface or a DAO class) given its entity.

One record per data access class: role repository, or a MyBatis mapper (not a MapStruct one), Java
or Kotlin, that declares at least one method of its own (an empty `interface X extends
JpaRepository<E, ID>` teaches nothing beyond its declaration). The entity is the first type
argument of a generic supertype (`JpaRepository<Owner, Integer>`, `BaseMapper<Brand>`) when its class
unit is found; else the entity classes (role entity) named in the repository's method signatures,
in order, at most three. The input is the repository's name and kind and the entity's compact
class info; the output is the repository's code, dedented. Refused: no entity found, no methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import TaskOptions, Wordings, dedent, parses, register_task
from minions.tasks.spring_layers import (
    SPRING_LANGS,
    class_lookup,
    infos,
    is_data_mapper,
    kind_of,
    layer_record,
    simple,
    split_top,
    supertypes,
)

TASK = "spring-repository"
MAX_ENTITIES = 3
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Write the {label} data access {kind} `{cls}` for the entity outlined below, with the queries "
            "the application needs. Answer with the complete {kind}.",
        ),
        (
            f"{TASK}/en/2",
            "Given the entity's class info, implement the repository `{cls}` ({label} {kind}) in the style "
            "of this code base. Reply with the whole {kind}.",
        ),
        (
            f"{TASK}/en/3",
            "Here is the entity that `{cls}` stores. Write that {label} repository {kind} in full.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "为下面大纲所示的实体编写 {label} 数据访问{kind} `{cls}`，包含应用需要的查询。只回答完整代码。",
        ),
        (f"{TASK}/zh/2", "根据实体的类信息，按本代码库的风格实现仓储 `{cls}`（{label} {kind}）。给出完整代码。"),
        (f"{TASK}/zh/3", "下面是 `{cls}` 存储的实体。请完整写出这个 {label} 仓储{kind}。"),
    ],
}
KIND = {"en": {True: "interface", False: "class"}, "zh": {True: "接口", False: "类"}}
_TYPE_NAME = re.compile(r"\b[A-Z][\w$]*")


def entities(cls: CodeUnit, find) -> list[CodeUnit]:
    """The entity class units of a repository (see the module docstring)."""
    for sup in supertypes(cls):
        if "<" in sup:
            args = split_top(sup[sup.index("<") + 1 : sup.rindex(">")])
            found = find(cls, simple(args[0])) if args else None
            if found is not None:
                return [found]
    out: list[CodeUnit] = []
    for line in cls.info.split("\n")[1:]:
        for name in _TYPE_NAME.findall(line):
            found = find(cls, name)
            if found is not None and found.role == "entity" and found not in out:
                out.append(found)
    return out[:MAX_ENTITIES]


@register_task(
    TASK,
    "Write a repository (Spring Data interface or DAO) given the class info of the entity it stores.",
    needs="repository or MyBatis mapper class units (Java, Kotlin) and their entity class units",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    find = class_lookup(units)
    for cls in units:
        if cls.kind != "class" or cls.lang not in SPRING_LANGS or not is_data_mapper(cls):
            continue
        found = entities(cls, find)
        code = dedent(cls.code)
        why = None
        if not any(line.startswith(("- methods: ", "- private methods: ")) for line in cls.info.split("\n")):
            why = "no methods of its own"
        elif not found:
            why = "no entity found"
        elif not parses(code, cls.lang):
            why = "output does not parse"
        if why is not None:
            yield Rejection(id=cls.id, task=TASK, stage="tasks", reason=why)
            continue
        is_interface = kind_of(cls).endswith("interface")
        text_in = "\n".join(
            [
                f"File: {cls.path}",
                f"Repository: {kind_of(cls) or 'class'} {cls.name}",
                "Entity:" if len(found) == 1 else "Entities:",
                infos(found),
            ]
        )
        yield layer_record(
            TASK, cls, found, WORDINGS, options, text_in, code, lambda lang, i=is_interface: {"kind": KIND[lang][i]}
        )
