"""doc-generation: given a method without its doc comment, write the doc comment.

The output is the comment as written in the source (`CodeUnit.doc`: Javadoc or KDoc `/** ... */`,
a Python docstring with its quotes, Go `//` lines, TSDoc `/** ... */`), re-indented to column 0
the way it sat above (or, for Python, inside) the method. The input is the method's code with the
doc comment taken out (a Python docstring is part of the code, so it is cut from the body) and, for
context, the first line of its class's compact info.

Only substantial comments teach: a comment is rejected, with the rule in the reason, when its prose
(the text before the first block tag or docstring section, inline tags unwrapped) is empty (only
tags such as `@return the name`), has fewer than `MIN_WORDS` words (a CJK character counts half), or
only restates the signature: every word but filler words (`STOP`) is a word of the method's name,
its class's name or its signature (`/** Gets the name. */` on `getName()`). Methods without a doc
comment are not candidates and are passed over silently, like methods of test classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.parsing.languages import LANGUAGES
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import (
    LANG_LABEL,
    TaskOptions,
    Wordings,
    dedent,
    fence,
    make_record,
    parses,
    pick,
    register_task,
)

TASK = "doc-generation"
MIN_WORDS = 4  # fewer words of prose than this: the comment is too thin to learn from
DOC_KIND = {
    "en": {
        "java": "Javadoc comment",
        "kotlin": "KDoc comment",
        "python": "docstring",
        "typescript": "TSDoc comment",
        "tsx": "TSDoc comment",
        "go": "Go doc comment",
    },
    "zh": {
        "java": "Javadoc 注释",
        "kotlin": "KDoc 注释",
        "python": "文档字符串（docstring）",
        "typescript": "TSDoc 注释",
        "tsx": "TSDoc 注释",
        "go": "Go 文档注释",
    },
}
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Write the {doc} for the {label} {what} `{name}` of the {where} `{cls}` below, in the style of the "
            "codebase. "
            "Answer with the {doc} only.",
        ),
        (
            f"{TASK}/en/2",
            "The {what} `{name}` of the {where} `{cls}` has no documentation yet. Read its code and write its {doc}: "
            "what it does, and what callers must know. Reply with the comment alone.",
        ),
        (
            f"{TASK}/en/3",
            "Document the {label} {what} `{name}` shown below with a {doc}. Give only the {doc}, without the code.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "请为下面{where} `{cls}` 中的 {label} {what} `{name}` 编写 {doc}，风格与代码库一致。只回答 {doc}。",
        ),
        (
            f"{TASK}/zh/2",
            "{where} `{cls}` 的{what} `{name}` 还没有文档。请阅读代码，为它编写 {doc}："
            "说明它做什么，以及调用者需要知道什么。只给出注释。",
        ),
        (f"{TASK}/zh/3", "请为下面的 {label} {what} `{name}` 编写 {doc}。只给出 {doc}，不要代码。"),
    ],
}
WORDS = {
    "en": {"class": ("method", "class"), "file": ("function", "module")},
    "zh": {"class": ("方法", "类"), "file": ("函数", "模块")},
}

# words that carry no meaning of their own in a one-line comment ("Returns the value of the given name.")
_STOP_WORDS = """a an the this that these those of for to in on at by with from into and or as is are be been it its
    given specified provided passed supplied new current value values object objects instance method function
    returns return gets get sets set checks check whether if true false getter setter field property
    creates create constructs construct builds build calls call default"""
STOP = frozenset(_STOP_WORDS.split())
_PY_SECTION = re.compile(
    r"^\s*((Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Throws|Examples?|Notes?|Attributes|"
    r"See Also|Todo|Warnings?)\s*:?\s*$|:(param|type|returns?|rtype|raises?)\b|>>>|[-=]{3,}\s*$)"
)
_PY_QUOTES = re.compile(r"^[rRuUbBfF]*(\"\"\"|'''|\"|')|(\"\"\"|'''|\"|')$")
_COMMENT_MARK = re.compile(r"^(/\*\*|/\*|\*+/?|//+)|\*+/$")
_INLINE_TAG = re.compile(r"\{@\w+\s*([^}]*)\}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def prose(doc: str, lang: str) -> str:
    """The descriptive text of a doc comment: markers stripped, cut at the first block tag (`@param`)
    or docstring section (`Args:`), inline tags (`{@link Foo}`) unwrapped, HTML tags dropped."""
    text = doc.strip()
    if lang == "python":
        text = _PY_QUOTES.sub("", text)
    lines = []
    for line in text.splitlines():
        line = line.strip() if lang == "python" else _COMMENT_MARK.sub("", line.strip()).strip()
        if (lang == "python" and _PY_SECTION.match(line)) or (lang != "python" and line.startswith("@")):
            break
        if lang == "go" and re.match(r"^(go|nolint|lint):", line):
            continue
        lines.append(line)
    text = _INLINE_TAG.sub(r"\1", " ".join(lines))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _words(identifier_text: str) -> set[str]:
    """The lowercase words of identifiers: `getCustomerName` -> get, customer, name."""
    out = set()
    for ident in _IDENT.findall(identifier_text):
        for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", ident):
            out.add(_stem(part.lower()))
    return out


def _stem(word: str) -> str:
    word = word.strip("'-")
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def trivial(unit: CodeUnit) -> str:
    """Why the unit's doc comment is too thin to teach from, or '' when it is substantial."""
    text = prose(unit.doc, unit.lang)
    latin = _WORD.findall(text)
    if not latin and not _CJK.search(text):
        return "doc has no prose, only tags"
    if len(latin) + (len(_CJK.findall(text)) + 1) // 2 < MIN_WORDS:
        return f"doc has fewer than {MIN_WORDS} words of prose"
    known = _words(f"{unit.name} {unit.class_name or ''} {unit.signature}")
    if not _CJK.search(text) and all(_stem(w.lower()) in known for w in latin if w.lower() not in STOP):
        return "doc restates the method name"
    return ""


def indent_of(text: str) -> str:
    """The spaces and tabs that open the text's first line."""
    return re.match(r"[ \t]*", text).group()


def unindent(text: str, indent: str) -> str:
    """The text with its lines after the first moved left by (as much as they have of) the
    indentation its first line had in the source: a doc comment or signature cut out of a class."""
    lines = text.strip().splitlines() or [""]
    out = [lines[0].rstrip()]
    for line in lines[1:]:
        n = 0
        while n < len(indent) and n < len(line) and line[n] == indent[n]:
            n += 1
        out.append(line[n:].rstrip())
    return "\n".join(out).strip()


def doc_indent(unit: CodeUnit) -> str:
    """The indentation of the unit's doc comment in the source: its line's in the code for a Python
    docstring, else the code's first line's (the comment sat above the method, at its column)."""
    lines = unit.code.splitlines() or [""]
    if unit.lang == "python" and unit.doc.strip():
        first = unit.doc.strip().splitlines()[0]
        return indent_of(next((line for line in lines if first in line), ""))
    return indent_of(lines[0])


def doc_as_written(unit: CodeUnit) -> str:
    """The unit's doc comment as written, moved to column 0."""
    return unindent(unit.doc, doc_indent(unit))


def split_doc(unit: CodeUnit) -> tuple[str, str, str]:
    """(the code without its doc comment, the doc as written, '') or ('', '', why not)."""
    code, doc = unit.code, unit.doc.strip()
    at = code.find(doc)
    if at >= 0:  # a Python docstring, or a comment that the parser kept in the code
        start = code.rfind("\n", 0, at) + 1
        end = code.find("\n", at + len(doc))
        end = len(code) if end < 0 else end
        if code[start:at].strip() or code[at + len(doc) : end].strip():
            return "", "", "doc comment shares a line with code"
        rest = re.sub(r"^(?:[ \t]*\n)+", "", code[end + 1 :])  # and the blank lines after it
        code = code[:start] + rest
    code = dedent(code).strip()
    if doc in code:
        return "", "", "doc comment still in the code"
    if not code or (unit.lang == "python" and not _has_statement(code)):
        return "", "", "nothing but the doc comment"
    if not parses(code, unit.lang):
        return "", "", "method without its doc does not parse"
    if _leading_doc(code, unit.lang):
        return "", "", "doc comment still in the code"
    return code, doc_as_written(unit), ""


def _has_statement(code: str) -> bool:
    """Whether a Python function keeps a statement in its body once the docstring is gone."""
    tree = LANGUAGES["python"].parser().parse(code.encode())
    for node in tree.root_node.named_children:
        fn = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
        if fn is not None and fn.type == "function_definition":
            body = fn.child_by_field_name("body")
            return body is not None and len(body.named_children) > 0
    return False


def _leading_doc(code: str, lang: str) -> bool:
    """Whether a comment or (Python) a docstring still stands before or at the top of the body."""
    if lang == "python":
        tree = LANGUAGES["python"].parser().parse(code.encode())
        for node in tree.root_node.named_children:
            fn = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
            if fn is not None and fn.type == "function_definition":
                body = fn.child_by_field_name("body")
                first = body.named_children[0] if body is not None and body.named_children else None
                return (
                    first is not None
                    and first.type == "expression_statement"
                    and first.named_children[0].type in ("string", "concatenated_string")
                )
        return False
    head = code.split("{", 1)[0]
    return "/*" in head or any(line.strip().startswith("//") for line in head.splitlines())


@register_task(
    TASK,
    "Write a method's doc comment (Javadoc, KDoc, docstring, Go or TSDoc comment) from its code.",
    needs="methods with a substantial doc comment (not in test classes), and their class units",
    min_output_lines=1,
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    test_classes = {(u.source.repo, u.path, u.class_name) for u in units if u.kind == "test"}
    class_unit = class_of(units)
    for u in units:
        if u.kind != "method" or not u.doc.strip() or u.lang not in DOC_KIND["en"]:
            continue
        if (u.source.repo, u.path, u.class_name) in test_classes:
            continue  # helpers inside test classes are not the code we teach
        why = trivial(u)
        code, doc = "", ""
        if not why:
            code, doc, why = split_doc(u)
        if why:
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason=why)
            continue
        cls = class_unit(u)
        head = [f"File: {u.path}"] + ([f"Class: {cls.info.splitlines()[0]}"] if cls is not None and cls.info else [])
        lang, template_id, template = pick(TASK, [u.id], "", WORDINGS, options)
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(
                name=u.name,
                cls=u.class_name,
                label=LANG_LABEL.get(u.lang, u.lang),
                what=WORDS[lang][u.scope][0],
                where=WORDS[lang][u.scope][1],
                doc=DOC_KIND[lang][u.lang],
            ),
            input="\n".join([*head, fence(code, u.lang)]),
            output=doc,
            unit=u,
            unit_ids=[u.id],
            instruction_lang=lang,
            focal_class=u.class_name or "",
            module=u.module,
        )
