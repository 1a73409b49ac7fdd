"""code-completion: fill in the middle of a method or function, from the code before and after it.

Each method unit (a class member or a file-scope function; helpers of test classes excluded) gives
up to three records, one per position kind (the record's variant key):

- `inline`: the rest of one line, from a token boundary inside it;
- `in-block`: two to four whole lines inside the body, brackets balanced;
- `after-block`: the one to three lines that follow a closing brace (or, in Python, a dedent).

Where a kind has several candidate positions, a hash of the unit id and the kind picks one, so the
same unit always gives the same records. The code is the unit's code dedented (as implement-method
shows it), and prefix + middle + suffix is exactly that code; the middle never starts or ends with
whitespace, and the code must parse with tree-sitter for its language.

The record shows `prefix<FILL>suffix` in a fenced block and the middle as its output;
`fim_pieces(record)` recovers (prefix, suffix, middle) from it, and `fim_text` renders them in the
fill-in-the-middle form of a tokenizer whose special tokens `minions.models.fim.fim_tokens` finds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from minions.models.fim import FimTokens
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import (
    LANG_LABEL,
    TaskOptions,
    Wordings,
    dedent,
    make_record,
    parses,
    pick,
    register_task,
)

TASK = "code-completion"
FILL = "<FILL>"
KINDS = ("inline", "in-block", "after-block")

WORDINGS: Wordings = {
    "en": [
        (
            "code-completion/en/1",
            "Fill in the code at <FILL> in the {label} {what} `{name}` below ({part}). "
            "Answer with the missing code only.",
        ),
        (
            "code-completion/en/2",
            "Complete the {label} code below: write what belongs at <FILL> ({part}). Reply with just that code.",
        ),
        (
            "code-completion/en/3",
            "The {what} `{name}` has a gap marked <FILL>. Write the code that goes there ({part}), nothing else.",
        ),
    ],
    "zh": [
        ("code-completion/zh/1", "请补全下面 {label} {what} `{name}` 中 <FILL> 处的代码（{part}）。只回答缺失的代码。"),
        ("code-completion/zh/2", "补全下面的 {label} 代码：写出 <FILL> 处应有的内容（{part}），只给出这段代码。"),
        (
            "code-completion/zh/3",
            "{what} `{name}` 中有一处空缺，标记为 <FILL>。请写出应填入的代码（{part}），不要写别的。",
        ),
    ],
}
PART = {
    "en": {"inline": "the rest of the line", "in-block": "a few lines", "after-block": "the lines after the block"},
    "zh": {"inline": "该行的剩余部分", "in-block": "几行代码", "after-block": "代码块之后的几行"},
}
WHAT = {"en": {"class": "method", "file": "function"}, "zh": {"class": "方法", "file": "函数"}}

# what the parse check wraps a fragment in, per language: a method parses inside a class
_BOUNDARY = set(" (.=,:[{!<>+-*/&|?")
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`')
_LONG_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|`(?:[^`\\]|\\.)*`')
_COMMENT = ("//", "#", "/*", "*", "--")
_CONTINUATIONS = ("else", "elif", "except", "catch", "finally", "case", "default")


def _choose(n: int, *parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big") % n


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _balanced(text: str) -> bool:
    text = _STRINGS.sub('""', text)
    for o, c in ("()", "[]", "{}"):
        depth = 0
        for ch in text:
            depth += (ch == o) - (ch == c)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def _body(lines: list[str], lang: str) -> tuple[int, int]:
    """(first, last) line index of the body: after the line that opens it (the first ending in `{`, or
    `:` in Python, outside parentheses: not a destructured parameter), before a closing brace."""
    opener = ":" if lang == "python" else "{"
    first, depth = len(lines), 0
    for i, line in enumerate(lines):
        bare = _STRINGS.sub('""', line)
        depth += sum(bare.count(c) for c in "([") - sum(bare.count(c) for c in ")]")
        if depth <= 0 and line.rstrip().endswith(opener):
            first = i + 1
            break
    last = len(lines) - 1 if lang == "python" else len(lines) - 2
    return first, last


def _offsets(lines: list[str]) -> list[int]:
    out, pos = [], 0
    for line in lines:
        out.append(pos)
        pos += len(line) + 1
    return out


def _span(lines: list[str], offs: list[int], i: int, j: int) -> tuple[int, int]:
    """The character span from the first non-blank of line i to the last non-blank of line j."""
    return offs[i] + _indent(lines[i]), offs[j] + len(lines[j].rstrip())


def _inline(lines: list[str], offs: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    out = []
    for i in range(lo, hi + 1):
        line, ind = lines[i].rstrip(), _indent(lines[i])
        if len(line) - ind < 4 or line.lstrip().startswith(_COMMENT):
            continue
        quoted = {c for m in _STRINGS.finditer(line) for c in range(m.start() + 1, m.end())}
        for c in range(ind + 1, len(line)):
            if c in quoted or line[c - 1] not in _BOUNDARY or not (line[c].isalnum() or line[c] in "_\"'@$"):
                continue  # a split starts a token, never inside a string literal
            out.append((offs[i] + c, offs[i] + len(line)))
    return out


def _runs(lines: list[str], offs: list[int], start: int, hi: int, indent: int) -> list[tuple[int, int, int]]:
    """Spans of 1..4 non-blank lines from `start` on, staying at `indent` or deeper, brackets balanced,
    and how many lines each fills."""
    code, out, filled = "\n".join(lines), [], 0
    for j in range(start, hi + 1):
        if not lines[j].strip():
            continue
        if _indent(lines[j]) < indent:
            break
        filled += 1
        if filled > 4:
            break
        a, b = _span(lines, offs, start, j)
        if _balanced(code[a:b]):
            out.append((a, b, filled))
    return out


def _in_block(lines: list[str], offs: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    out = []
    for i in range(lo, hi + 1):
        if lines[i].strip() and not lines[i].lstrip().startswith(_COMMENT):
            out += [(a, b) for a, b, n in _runs(lines, offs, i, hi, _indent(lines[i])) if n >= 2]
    return out


def _after_block(lines: list[str], offs: list[int], lo: int, hi: int, lang: str) -> list[tuple[int, int]]:
    out = []
    for i in range(lo, hi + 1):
        s = lines[i].strip()
        if lang == "python":
            prev = next((k for k in range(i - 1, lo - 1, -1) if lines[k].strip()), None)
            closed = bool(s) and prev is not None and _indent(lines[i]) < _indent(lines[prev])
            start = i if closed else None
        else:
            closed = s.startswith("}") and not s.endswith("{")
            start = next((k for k in range(i + 1, hi + 1) if lines[k].strip()), None) if closed else None
        if start is None or lines[start].lstrip().startswith(_CONTINUATIONS + ("}", ")") + _COMMENT):
            continue  # a continuation, a closer, or a comment (as in-block: a middle is code)
        out += [(a, b) for a, b, _ in _runs(lines, offs, start, hi, _indent(lines[start]))]
    return out


def _string_lines(code: str) -> set[int]:
    """The line indexes a multi-line string (triple-quoted, text block, template literal) touches."""
    out = set()
    for m in _LONG_STRINGS.finditer(code):
        first = code.count("\n", 0, m.start())
        out.update(range(first, first + m.group().count("\n") + 1))
    return out


def positions(code: str, lang: str) -> dict[str, list[tuple[int, int]]]:
    """Every candidate middle span (start, end) in the code, per position kind; none inside a
    multi-line string."""
    lines = code.split("\n")
    offs = _offsets(lines)
    lo, hi = _body(lines, lang)
    found = {
        "inline": _inline(lines, offs, lo, hi),
        "in-block": _in_block(lines, offs, lo, hi),
        "after-block": _after_block(lines, offs, lo, hi, lang),
    }
    masked = _string_lines(code)
    if not masked:
        return found

    def clear(a: int, b: int) -> bool:
        return masked.isdisjoint(range(code.count("\n", 0, a), code.count("\n", 0, b) + 1))

    return {k: [(a, b) for a, b in spans if clear(a, b)] for k, spans in found.items()}


def render_input(path: str, lang: str, prefix: str, suffix: str) -> str:
    """The record's input: the file's path, then the code with `<FILL>` where the middle was."""
    return f"File: {path}\n```{lang}\n{prefix}{FILL}{suffix}\n```"


def fim_parts(text: str) -> tuple[str, str]:
    """(prefix, suffix) recovered from a record's input (the inverse of `render_input`)."""
    head, sep, rest = text.partition("\n```")
    if not head.startswith("File: ") or not sep or "\n" not in rest or not rest.endswith("\n```"):
        raise ValueError("not a code-completion input")
    body = rest[rest.index("\n") + 1 : -len("\n```")]
    if body.count(FILL) != 1:
        raise ValueError("a code-completion input has exactly one <FILL>")
    prefix, suffix = body.split(FILL)
    return prefix, suffix


def fim_pieces(record: InstructionRecord) -> tuple[str, str, str]:
    """(prefix, suffix, middle) of a code-completion record, to render with `fim_text`."""
    if record.task != TASK:
        raise ValueError(f"not a {TASK} record: {record.task}")
    return (*fim_parts(record.input), record.output)


def fim_text(prefix: str, suffix: str, middle: str, tokens: FimTokens) -> str:
    """One record in prefix-suffix-middle order with the tokenizer's FIM tokens. No end-of-text token
    is added: the trainer appends its tokenizer's own, as it does for every other format."""
    return f"{tokens.prefix}{prefix}{tokens.suffix}{suffix}{tokens.middle}{middle}"


@register_task(
    TASK,
    "Fill in the middle of a method: the rest of a line, lines inside a block, or the lines after one.",
    needs="methods and functions (not in test classes) that parse",
    min_output_lines=1,
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    test_classes = {(u.source.repo, u.path, u.class_name) for u in units if u.kind == "test"}
    for u in units:
        if u.kind != "method" or (u.source.repo, u.path, u.class_name) in test_classes:
            continue
        code = dedent(u.code)
        if FILL in code:
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason="code contains the <FILL> marker")
            continue
        if not parses(code, u.lang):
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason="code does not parse")
            continue
        found = positions(code, u.lang)
        if not any(found.values()):
            yield Rejection(id=u.id, task=TASK, stage="tasks", reason="no completion position (body too short)")
            continue
        for kind in KINDS:
            if not found[kind]:
                continue
            a, b = found[kind][_choose(len(found[kind]), u.id, kind)]
            prefix, middle, suffix = code[:a], code[a:b], code[b:]
            lang, template_id, template = pick(TASK, [u.id], kind, WORDINGS, options)
            label = LANG_LABEL.get(u.lang, u.lang)
            yield make_record(
                task=TASK,
                template_id=template_id,
                instruction=template.format(label=label, what=WHAT[lang][u.scope], name=u.name, part=PART[lang][kind]),
                input=render_input(u.path, u.lang, prefix, suffix),
                output=middle,
                unit=u,
                unit_ids=[u.id],
                instruction_lang=lang,
                focal_class=u.class_name or "",
                module=u.module,
                variant=kind,
            )
