"""spring-data-method: given what a query should do and the entity, declare the Spring Data method.

Reads derived query units (`query.kind == "derived"`: a repository method whose name is the query,
`findByEmailAndStatus`). The input names the repository (its info's declaration line: the interface
and the Spring Data base it extends, which carries the entity and id types), the entity's compact
info (declaration and fields), and a description: the method's doc comment, else its name split
into words with its parameters ("Find by email and status, given email and status"; see
`text_to_sql.question`). The output is the method as declared in the repository, annotations
included, dedented; it must parse inside an interface of its language. A method whose entity has
no class unit in the repository is rejected (`entity class not found`): without its fields the
property names in the method's name cannot be known.
"""

from __future__ import annotations

from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.parsing.languages import LANGUAGES
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import LANG_LABEL, TaskOptions, Wordings, dedent, fence, make_record, pick, register_task
from minions.tasks.text_to_sql import class_index, data_info, question

TASK = "spring-data-method"
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Declare the Spring Data query method of `{repo}` that does what the description says. "
            "Let the method name express the query; answer with the {label} declaration only.",
        ),
        (
            f"{TASK}/en/2",
            "Add a derived query method to the Spring Data repository `{repo}` for the description "
            "below, using the entity's property names. Reply with the method declaration.",
        ),
        (
            f"{TASK}/en/3",
            "Write the {label} declaration of a Spring Data repository method (a derived query, no "
            "`@Query`) in `{repo}` that implements this description.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "请在 `{repo}` 中声明一个实现下述描述的 Spring Data 查询方法，用方法名表达查询。只回答 {label} 方法声明。",
        ),
        (
            f"{TASK}/zh/2",
            "根据下面的描述，使用实体的属性名，为 Spring Data 仓库 `{repo}` 添加一个派生查询方法，给出方法声明。",
        ),
        (
            f"{TASK}/zh/3",
            "编写 `{repo}` 中实现该描述的 Spring Data 仓库方法（派生查询，不用 `@Query`）的 {label} 声明。",
        ),
    ],
}


def parses(code: str, lang: str) -> bool:
    """Whether a method declaration parses inside an interface of its language."""
    wrapped = f"interface X {{\n{code}\n}}\n"
    return not LANGUAGES[lang].parser().parse(wrapped.encode()).root_node.has_error


@register_task(
    TASK,
    "Declare a Spring Data derived query method from a description of the query and its entity.",
    needs="derived query units (Spring Data repository methods), their repository and entity class units",
    min_output_lines=1,
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    classes = class_index(units)
    class_unit = class_of(units)
    for u in units:
        if u.kind != "query" or (u.query or {}).get("kind") != "derived":
            continue
        entities = [classes[k] for e in u.query.get("entities", []) if (k := (u.source.repo, e)) in classes]
        if not entities:
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason="entity class not found")
            continue
        output = dedent(u.code).strip()
        if u.lang not in LANGUAGES or not parses(output, u.lang):
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason="declaration does not parse")
            continue
        repo = class_unit(u)
        parts = []
        if repo is not None and repo.info:
            parts += ["Repository:", fence(repo.info.splitlines()[0], "")]
        parts += ["Entity:", fence(data_info(entities[0].info), "")]
        lang, template_id, template = pick(TASK, [u.id], "", WORDINGS, options)
        parts.append(("Description: " if lang == "en" else "描述：") + question(u))
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(repo=u.class_name, label=LANG_LABEL.get(u.lang, u.lang)),
            input="\n".join(parts),
            output=output,
            unit=u,
            unit_ids=[u.id],
            instruction_lang=lang,
            focal_class=u.class_name or u.name,
            module=u.module,
        )
