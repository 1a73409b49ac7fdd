"""design-restful-api: from a controller's feature description, design its REST endpoints.

One record per controller class (a class unit with role controller) and its endpoint units. The
input is the feature description: the controller's doc comment as plain text (comment markers and
`@author`-style tag lines dropped) and its compact class info; the class info alone where the
controller has no doc. The output is the endpoint table in Markdown, one row per endpoint in source
order: `| verb | path | request | response |`, request being the body type and the parameters
(`PostParam (body), id: Long (path)`), response the declared response type.

Only controllers whose every endpoint passes the REST rules (`minions.conventions.rest`) teach the
design; a controller with any failing endpoint is refused with each broken rule and how many of its
endpoints break it (`REST rule verb-in-path: 3 of 5 endpoints`). Also refused: a controller without
endpoints (an advice), and one serving HTML views, which is not a REST API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from minions.conventions.rest import RULES, check
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import LANG_LABEL, TaskOptions, Wordings, fence, make_record, pick, register_task
from minions.tasks.spring_layers import endpoint_table, endpoints_by_class

TASK = "design-restful-api"
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Design the REST API of the {label} controller `{cls}` from the feature description below. "
            "Answer with a Markdown table `| verb | path | request | response |`, one row per endpoint.",
        ),
        (
            f"{TASK}/en/2",
            "List the RESTful endpoints that `{cls}` should expose for this feature: resource nouns in "
            "plural kebab-case paths, the HTTP method as the verb. Give a Markdown table with the columns "
            "verb, path, request and response.",
        ),
        (
            f"{TASK}/en/3",
            "Here is a feature and the outline of the controller `{cls}` that serves it. Write its "
            "endpoint table (verb, path, request, response) in Markdown, following REST conventions.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "根据下面的功能描述，为 {label} 控制器 `{cls}` 设计 REST API。"
            "用 Markdown 表格 `| verb | path | request | response |` 回答，每个接口一行。",
        ),
        (
            f"{TASK}/zh/2",
            "列出 `{cls}` 为该功能应提供的 RESTful 接口：路径用复数的 kebab-case 资源名词，"
            "动作由 HTTP 方法表达。给出包含 verb、path、request、response 四列的 Markdown 表格。",
        ),
        (
            f"{TASK}/zh/3",
            "下面是一个功能及负责它的控制器 `{cls}` 的大纲。请按 REST 规范写出它的接口表"
            "（verb、path、request、response），使用 Markdown。",
        ),
    ],
}


def doc_text(doc: str) -> str:
    """A doc comment as plain text: `/** */`, `//`, `#`, leading `*` and quotes dropped, tag lines
    (`@author`, `@since`, ...) left out."""
    lines = []
    for line in doc.strip().strip('"').strip("'").splitlines():
        line = re.sub(r"^\s*(/\*\*?|\*/|\*|//+|#)\s?", "", line).removesuffix("*/").rstrip()
        if line.strip().startswith("@"):
            continue
        lines.append(line)
    return "\n".join(lines).strip().strip("*").strip()


def feature_input(cls: CodeUnit) -> str:
    """The feature description: the doc as plain text (when there is one), then the class info."""
    parts = []
    text = doc_text(cls.doc)
    if text:
        parts += ["Feature:", text]
    parts += ["Controller:", fence(cls.info, "")]
    return "\n".join(parts)


def rest_failures(endpoints: list[CodeUnit]) -> dict[str, int]:
    """Rule id -> how many of the endpoints break it, in the rules' order."""
    counts = dict.fromkeys(RULES, 0)
    for e in endpoints:
        for rule in {v.rule for v in check(e.http["method"], e.http["path"])}:
            counts[rule] += 1
    return {r: n for r, n in counts.items() if n}


@register_task(
    TASK,
    "Design a controller's REST endpoint table from its feature description (RESTful controllers only).",
    needs="controller class units with their endpoint units (http)",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    endpoints = endpoints_by_class(units)
    for cls in units:
        if cls.kind != "class" or cls.role != "controller":
            continue
        eps = endpoints.get(cls.id, [])
        if not eps:
            yield Rejection(id=cls.id, task=TASK, stage="tasks", reason="controller without endpoints")
            continue
        reasons = [f"REST rule {r}: {n} of {len(eps)} endpoints" for r, n in rest_failures(eps).items()]
        views = sum(e.http.get("returns") == "view" for e in eps)
        if views:
            reasons.append(f"serves HTML views, not a REST API: {views} of {len(eps)} endpoints")
        if reasons:
            yield Rejection(id=cls.id, task=TASK, stage="tasks", reason="; ".join(reasons))
            continue
        unit_ids = [cls.id, *(e.id for e in eps)]
        lang, template_id, template = pick(TASK, unit_ids, "", WORDINGS, options)
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(cls=cls.name, label=LANG_LABEL.get(cls.lang, cls.lang)),
            input=feature_input(cls),
            output=endpoint_table(eps),
            unit=cls,
            unit_ids=unit_ids,
            instruction_lang=lang,
            focal_class=cls.name,
            module=cls.module,
        )
