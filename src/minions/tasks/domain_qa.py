"""domain-qa: questions about a company's documents, answered by the section that holds the answer.

A document (Markdown; later text taken from PDFs) is split at its ATX headings (`#` to `######`,
not inside fenced code blocks; YAML front matter dropped) into sections. Each section with at
least `MIN_WORDS` words (a Chinese character counts as half a word) gives one record: the question
names the section's heading path and the document's title (its first level-1 heading, or its
file name), the input is empty, and the answer is the section's text. Headings under the
title form the path ("Refunds > Partial refunds"); text before the first sub-heading is asked
about by the title and the document's path.

A section's id hashes the file id, its heading path and its index, so it is stable while the
document keeps its shape; the record's focal class is the document's file stem and its module the
document's folder, so the split keeps a document on one side.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from minions.records import InstructionRecord, Rejection, SourceFile, stable_id
from minions.tasks.registry import TaskOptions, Wordings, pick, register_task

TASK = "domain-qa"
MIN_WORDS = 20

WORDINGS: Wordings = {
    "en": [
        ("domain-qa/en/1", 'What does "{doc}" say about {section}?'),
        ("domain-qa/en/2", "Explain {section} ({doc})."),
        ("domain-qa/en/3", 'According to "{doc}", what is {section}? Answer from the document.'),
    ],
    "zh": [
        ("domain-qa/zh/1", "《{doc}》中关于{section}是怎么说的？"),
        ("domain-qa/zh/2", "请解释《{doc}》中的{section}。"),
        ("domain-qa/zh/3", "根据《{doc}》，{section}的内容是什么？"),
    ],
}
QUOTES = {"en": ('"', '"'), "zh": ("「", "」")}

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_WORD = re.compile(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")


@dataclass(frozen=True)
class Section:
    """A piece of a document under one heading: its heading path (below the title), its text."""

    path: tuple[str, ...]
    text: str
    index: int


def _strip_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            return [""] * (end + 1) + lines[end + 1 :]
    return lines


def sections(text: str) -> tuple[str | None, list[Section]]:
    """The document's title (its first level-1 heading, or None) and its sections in order."""
    lines = _strip_front_matter(text.splitlines())
    title: str | None = None
    stack: list[tuple[int, str]] = []
    out: list[Section] = []
    body: list[str] = []
    fence: str | None = None

    def flush() -> None:
        path = [h for i, (lvl, h) in enumerate(stack) if not (i == 0 and lvl == 1 and h == title)]
        out.append(Section(tuple(path), "\n".join(body).strip(), 0))
        body.clear()

    for line in lines:
        m = _FENCE.match(line)
        if fence is not None:
            closing = m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closing and not line.strip()[len(m.group(1)) :]:
                fence = None
            body.append(line)
            continue
        if m:
            fence = m.group(1)
            body.append(line)
            continue
        h = _ATX.match(line)
        if not h:
            body.append(line)
            continue
        flush()
        level, heading = len(h.group(1)), (h.group(2) or "").strip()
        if level == 1 and title is None and heading:
            title = heading
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
    flush()
    kept = [s for s in out if s.text or s.path]  # not the empty stretch before a first heading
    return title, [Section(s.path, s.text, i) for i, s in enumerate(kept)]


def words(text: str) -> float:
    """Words in a text; a CJK character counts as half a word."""
    return sum(0.5 if len(w) == 1 and "\u3400" <= w <= "\u9fff" else 1 for w in _WORD.findall(text))


def section_id(file: SourceFile, section: Section) -> str:
    return stable_id(file.id, " > ".join(section.path), str(section.index))


def make_doc_record(
    task: str,
    template_id: str,
    instruction: str,
    input: str,
    output: str,
    file: SourceFile,
    unit_ids: list[str],
    instruction_lang: str,
    variant: str = "",
) -> InstructionRecord:
    """A record built from a document (no code unit): its provenance, its file stem as the focal
    class and its folder as the module, so the split keeps a document on one side."""
    return InstructionRecord(
        id=InstructionRecord.make_id(task, unit_ids, variant, template_id),
        task=task,
        instruction=instruction,
        input=input,
        output=output,
        lang=file.lang or "markdown",
        instruction_lang=instruction_lang,
        source=file.provenance(),
        unit_ids=unit_ids,
        template_id=template_id,
        module=posixpath.dirname(file.path),
        focal_class=posixpath.splitext(posixpath.basename(file.path))[0],
    )


@register_task(
    TASK,
    "Answer a question about a company document (requirements, guides) with the section that covers it.",
    needs="Markdown documents with headings; sections of at least 20 words",
    inputs="documents",
    min_output_lines=1,
)
def build(documents: list[SourceFile], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    for f in documents:
        title, secs = sections(f.text)
        doc = title or posixpath.splitext(posixpath.basename(f.path))[0]
        if not secs:
            yield Rejection(id=f.id, task=TASK, stage="tasks", reason="document has no text")
            continue
        for s in secs:
            sid = section_id(f, s)
            if words(s.text) < MIN_WORDS:
                yield Rejection(id=sid, task=TASK, stage="tasks", reason=f"section shorter than {MIN_WORDS} words")
                continue
            lang, template_id, template = pick(TASK, [sid], "", WORDINGS, options)
            open_q, close_q = QUOTES[lang]
            name, where = (" > ".join(s.path), doc) if s.path else (doc, f.path)
            yield make_doc_record(
                task=TASK,
                template_id=template_id,
                instruction=template.format(doc=where, section=f"{open_q}{name}{close_q}"),
                input="",
                output=s.text,
                file=f,
                unit_ids=[sid],
                instruction_lang=lang,
            )
